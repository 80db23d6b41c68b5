// GetItemEstimate (GetItemEstimate page 6 + AirSync page 0): typed messages, MS-ASCMD 2.2.1.9.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "eas/message/folder_sync.h"
#include "eas/message/status.h"
#include "eas/message/sync.h"
#include "eas/result.h"
#include "eas/version.h"
#include "eas/wbxml/document.h"

namespace cradle::eas {

// MS-ASCMD 2.2.3.177.7. Open enum: may also hold a common status (MS-ASCMD 2.2.2).
enum class GetItemEstimateStatus : uint8_t {
  Success = 1,
  InvalidCollection = 2,   // unknown CollectionId (or Class mismatch)
  SyncStateNotPrimed = 3,  // no Sync with SyncKey 0 happened for this collection yet
  InvalidSyncKey = 4,
};

constexpr bool isGetItemEstimateStatus(uint32_t v) { return v >= 1 && v <= 4; }
std::string_view describe(GetItemEstimateStatus s);
ClientAction actionFor(GetItemEstimateStatus s);

// The wire form depends on the version (MS-ASCMD 2.2.1.9):
//   2.5-12.1: <Collection><Class/><CollectionId/><airsync:FilterType/><airsync:SyncKey/>
//   14.0+:    <Collection><airsync:SyncKey/><CollectionId/><airsync:Options>
//               <airsync:FilterType/></airsync:Options>
// Class is required up to 12.1 and does not exist in this form from 14.0.
struct GetItemEstimateCollection {
  std::string syncKey;
  std::string collectionId;
  std::optional<ItemClass> itemClass;    // <= 12.1 only (required there)
  std::optional<FilterType> filterType;  // AirSync:FilterType 0..8 (sync.h)
};

struct GetItemEstimateRequest {
  ProtocolVersion version = ProtocolVersion::V14_0;
  std::vector<GetItemEstimateCollection> collections;  // at least one
};

// One <Response>: a status and, on success, the collection's estimate.
struct GetItemEstimateResult {
  GetItemEstimateStatus status = GetItemEstimateStatus::Success;
  std::optional<ItemClass> itemClass;  // <= 12.1 servers may echo the Class
  std::string collectionId;            // empty when the Response has no Collection
  std::optional<uint32_t> estimate;    // required on success
};

struct GetItemEstimateResponse {
  ProtocolVersion version = ProtocolVersion::V14_0;
  // A Status directly under GetItemEstimate: a global failure (a common code such as 142)
  // that some servers send instead of per-collection Responses.
  std::optional<GetItemEstimateStatus> status;
  std::vector<GetItemEstimateResult> responses;
};

std::string encode(const GetItemEstimateRequest& m);
std::string encode(const GetItemEstimateResponse& m);
// The version picks the accepted form; elements of the other form are UnexpectedElement.
Result<GetItemEstimateRequest> decodeGetItemEstimateRequest(const Document& doc,
                                                            ProtocolVersion version);
Result<GetItemEstimateResponse> decodeGetItemEstimateResponse(const Document& doc,
                                                              ProtocolVersion version);

}  // namespace cradle::eas
