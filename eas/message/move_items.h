// MoveItems (Move page 5): typed request and response, MS-ASCMD 2.2.1.12.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "eas/message/status.h"
#include "eas/result.h"
#include "eas/wbxml/document.h"

namespace cradle::eas {

// MS-ASCMD 2.2.3.177.10. Note that success is 3, not 1. Open enum: may also hold a common
// status (MS-ASCMD 2.2.2).
enum class MoveItemsStatus : uint8_t {
  InvalidSourceId = 1,       // unknown source folder or item (already moved?)
  InvalidDestinationId = 2,  // unknown destination folder
  Success = 3,
  SameSourceAndDestination = 4,
  CannotMove = 5,  // more than one destination, or the item exists / is locked
  Locked = 7,      // source or destination locked (transient)
};

constexpr bool isMoveItemsStatus(uint32_t v) { return (v >= 1 && v <= 5) || v == 7; }
std::string_view describe(MoveItemsStatus s);
ClientAction actionFor(MoveItemsStatus s);

struct MoveItem {
  std::string srcMsgId;  // ServerId of the item
  std::string srcFldId;  // its folder
  std::string dstFldId;  // the destination folder
};

struct MoveItemsRequest {
  std::vector<MoveItem> moves;  // at least one
};

struct MoveItemResult {
  std::string srcMsgId;
  MoveItemsStatus status = MoveItemsStatus::Success;
  std::optional<std::string> dstMsgId;  // the item's new ServerId; required on success
};

struct MoveItemsResponse {
  // A Status directly under MoveItems: a global failure (a common code such as 142).
  std::optional<MoveItemsStatus> status;
  std::vector<MoveItemResult> responses;
};

std::string encode(const MoveItemsRequest& m);
std::string encode(const MoveItemsResponse& m);
Result<MoveItemsRequest> decodeMoveItemsRequest(const Document& doc);
Result<MoveItemsResponse> decodeMoveItemsResponse(const Document& doc);

}  // namespace cradle::eas
