// Typed EAS Sync command (MS-ASCMD 2.2.1.21): request, response, status codes and checks.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "eas/message/app_data.h"
#include "eas/message/status.h"
#include "eas/result.h"
#include "eas/version.h"
#include "eas/wbxml/document.h"

namespace cradle::eas {

// MS-ASCMD 2.2.3.177.17 Status (Sync). Open enum: it may also hold a common status (101-177,
// see status.h), which 14.0+ servers put in the same element.
enum class SyncStatus : uint8_t {
  Success = 1,
  InvalidSyncKey = 3,           // collection: discard the items of that collection, SyncKey 0
  ProtocolError = 4,            // malformed request (or Wait together with HeartbeatInterval)
  ServerError = 5,              // transient server problem
  ConversionError = 6,          // item: the ApplicationData could not be converted
  Conflict = 7,                 // item: client and server changed the same object
  ObjectNotFound = 8,           // item: no such ServerId
  CannotComplete = 9,           // e.g. the mailbox is full
  FolderHierarchyChanged = 12,  // FolderSync first
  IncompleteRequest = 13,       // empty/partial Sync but no cached request on the server
  InvalidWaitOrHeartbeat = 14,  // Limit carries the allowed bound
  InvalidCommand = 15,          // too many collections (Limit carries the maximum)
  Retry = 16,                   // transient: re-send the request
};

bool isSyncStatusValue(uint32_t value);  // one of the values above (not the common ones)
std::string_view describe(SyncStatus status);
ClientAction actionFor(SyncStatus status);

// MS-ASCMD 2.2.3.68.2 FilterType (Sync): how far back the server returns items.
enum class FilterType : uint8_t {
  NoFilter = 0,
  OneDay = 1,
  ThreeDays = 2,
  OneWeek = 3,
  TwoWeeks = 4,
  OneMonth = 5,
  ThreeMonths = 6,
  SixMonths = 7,
  IncompleteTasks = 8,
};
std::string_view describe(FilterType filter);

// MS-ASCMD 2.2.3.110.3 MIMESupport.
enum class MimeSupport : uint8_t { Never = 0, SmimeOnly = 1, Always = 2 };
// MS-ASCMD 2.2.3.34 Conflict.
enum class ConflictResolution : uint8_t { ClientWins = 0, ServerWins = 1 };

// AirSync:Options of a Sync collection. Truncation/RTFTruncation are 2.5 only; BodyPreference
// is 12.0+. Elements of other pages the model does not carry (RightsManagementSupport,
// BodyPartPreference) are skipped when decoding.
struct SyncOptions {
  std::optional<FilterType> filterType;
  std::vector<BodyPreference> bodyPreferences;  // 12.0+
  std::optional<uint32_t> truncation;           // 2.5: 0..9 (0 headers only, 9 everything)
  std::optional<uint32_t> rtfTruncation;        // 2.5: 0..9
  std::optional<MimeSupport> mimeSupport;
  std::optional<uint32_t> mimeTruncation;  // 0..8 (8 = no truncation)
  std::optional<ConflictResolution> conflict;
  friend bool operator==(const SyncOptions&, const SyncOptions&) = default;
};

// Client commands (request Collection/Commands).
struct SyncClientAdd {
  std::string clientId;  // the device's temporary id, echoed in Responses/Add
  ApplicationData data;
  friend bool operator==(const SyncClientAdd&, const SyncClientAdd&) = default;
};
struct SyncChange {  // client or server
  std::string serverId;
  ApplicationData data;
  friend bool operator==(const SyncChange&, const SyncChange&) = default;
};
struct SyncDelete {  // client or server
  std::string serverId;
  friend bool operator==(const SyncDelete&, const SyncDelete&) = default;
};
struct SyncFetch {  // client only
  std::string serverId;
  friend bool operator==(const SyncFetch&, const SyncFetch&) = default;
};
using SyncClientCommand = std::variant<SyncClientAdd, SyncChange, SyncDelete, SyncFetch>;

// Server commands (response Collection/Commands).
struct SyncServerAdd {
  std::string serverId;
  ApplicationData data;
  friend bool operator==(const SyncServerAdd&, const SyncServerAdd&) = default;
};
struct SyncSoftDelete {  // the item left the filter window; the client drops it silently
  std::string serverId;
  friend bool operator==(const SyncSoftDelete&, const SyncSoftDelete&) = default;
};
using SyncServerCommand = std::variant<SyncServerAdd, SyncChange, SyncDelete, SyncSoftDelete>;

// Server answers to client commands (response Collection/Responses).
struct SyncAddResponse {
  std::string clientId;
  std::optional<std::string> serverId;  // present when the add succeeded
  SyncStatus status = SyncStatus::Success;
  friend bool operator==(const SyncAddResponse&, const SyncAddResponse&) = default;
};
struct SyncChangeResponse {
  std::string serverId;
  SyncStatus status = SyncStatus::Success;
  friend bool operator==(const SyncChangeResponse&, const SyncChangeResponse&) = default;
};
struct SyncDeleteResponse {
  std::string serverId;
  SyncStatus status = SyncStatus::Success;
  friend bool operator==(const SyncDeleteResponse&, const SyncDeleteResponse&) = default;
};
struct SyncFetchResponse {
  std::string serverId;
  SyncStatus status = SyncStatus::Success;
  std::optional<ApplicationData> data;  // present when the fetch succeeded
  friend bool operator==(const SyncFetchResponse&, const SyncFetchResponse&) = default;
};
using SyncResponseItem =
    std::variant<SyncAddResponse, SyncChangeResponse, SyncDeleteResponse, SyncFetchResponse>;

// One request Collection.
struct SyncCollectionRequest {
  // AirSync:Class: required in 2.5, optional in 12.x, written only up to 12.1 (14.0+ servers
  // know the class from the folder). Accepted when decoding any version.
  std::optional<ItemClass> itemClass;
  std::string syncKey = "0";  // "0" starts (or restarts) the collection
  std::string collectionId;
  // 2.5 ghosting: the properties the client supports (empty elements of the class's page).
  std::optional<std::vector<Tag>> supported;
  std::optional<bool> deletesAsMoves;  // true is written as <DeletesAsMoves/>
  std::optional<bool> getChanges;      // true is written as <GetChanges/>
  std::optional<uint32_t> windowSize;
  std::optional<bool> conversationMode;  // 14.0+
  std::optional<SyncOptions> options;
  std::vector<SyncClientCommand> commands;  // empty: no Commands element
  friend bool operator==(const SyncCollectionRequest&, const SyncCollectionRequest&) = default;
};

// A Sync request. An empty HTTP body (12.1+: "repeat the cached request") has no document and
// is the HTTP layer's business.
struct SyncRequest {
  ProtocolVersion version = ProtocolVersion::V14_0;
  std::vector<SyncCollectionRequest> collections;  // may be empty from 12.1 on (Partial)
  std::optional<uint32_t> wait;                    // 12.1+: minutes
  std::optional<uint32_t> heartbeatInterval;       // 14.0+: seconds
  std::optional<uint32_t> windowSize;              // 12.1+: for the whole request
  bool partial = false;                            // 12.1+: <Partial/>
  friend bool operator==(const SyncRequest&, const SyncRequest&) = default;
};

// One response Collection. Written in the order Z-Push uses with WM devices: [Class] SyncKey
// CollectionId Status [Responses] [MoreAvailable] [Commands]; decoded in any order.
struct SyncCollectionResponse {
  std::optional<ItemClass> itemClass;  // written only up to 12.1
  std::string syncKey;                 // required when status is Success; written when set
  std::string collectionId;
  SyncStatus status = SyncStatus::Success;
  std::vector<SyncResponseItem> responses;
  bool moreAvailable = false;
  std::vector<SyncServerCommand> commands;
  friend bool operator==(const SyncCollectionResponse&, const SyncCollectionResponse&) = default;
};

struct SyncResponse {
  ProtocolVersion version = ProtocolVersion::V14_0;
  std::optional<SyncStatus> status;  // top-level failure (4, 12, 13, 14, 15, ...)
  std::optional<uint32_t> limit;     // with Status 14 (bound) or 15 (maximum collections)
  std::vector<SyncCollectionResponse> collections;
  friend bool operator==(const SyncResponse&, const SyncResponse&) = default;
};

// Which class a collection holds, for decoding ApplicationData when the Collection carries no
// AirSync:Class (12.1+). Returns nullopt when unknown.
using CollectionClassLookup = std::function<std::optional<ItemClass>(std::string_view)>;

std::string encode(const SyncRequest& m);
std::string encode(const SyncResponse& m);

// Decoding needs the protocol version (body forms, which elements exist). The class of each
// collection's items comes from AirSync:Class, else from `lookup`, else from the code page of
// the ApplicationData's children; MissingElement (AirSync:Class) if none tells.
// Errors: UnexpectedElement for elements that do not belong (or not in this version: Wait
// before 12.1, HeartbeatInterval before 14.0, BodyPreference in 2.5, Truncation after 2.5, ...)
// and duplicates; MissingElement for SyncKey/CollectionId/ServerId/ClientId/Status/
// ApplicationData where required, Class in a 2.5 request and Collections before 12.1;
// BadValue for malformed or out-of-range numbers and a SyncKey longer than 64 characters
// (MS-ASCMD 2.2.3.181.4). Values a server answers with a Sync status rather than refusing the
// document (Wait with HeartbeatInterval, bounds of Wait/HeartbeatInterval, GetChanges with
// SyncKey 0) are decoded as they are: see checkSyncRequest.
Result<SyncRequest> decodeSyncRequest(const Document& doc, ProtocolVersion version,
                                      const CollectionClassLookup& lookup = {});
Result<SyncResponse> decodeSyncResponse(const Document& doc, ProtocolVersion version,
                                        const CollectionClassLookup& lookup = {});

// MS-ASCMD 2.2.3.199: no WindowSize means 100; 0 and values above 512 mean 512.
uint32_t effectiveWindowSize(std::optional<uint32_t> windowSize);

// What a server must answer to a well-formed request it cannot accept.
struct SyncRequestProblem {
  SyncStatus status = SyncStatus::ProtocolError;
  std::optional<uint32_t> limit;  // for Status 14/15
  std::string detail;
};
struct SyncServerLimits {
  uint32_t minHeartbeatInterval = 60;  // MS-ASCMD 2.2.3.88.2 (Exchange: 60..3540 s)
  uint32_t maxHeartbeatInterval = 3540;
  std::optional<uint32_t> maxCollections;  // none: unlimited
};
// Checks, in this order: Wait with HeartbeatInterval (4); Wait outside 1..59 and
// HeartbeatInterval outside the limits (14 + the nearest bound); too many collections
// (15 + maximum); per collection, GetChanges true with SyncKey "0" (4, MS-ASCMD 2.2.3.84) and
// Commands with SyncKey "0" (4: there is no state to apply them to).
std::optional<SyncRequestProblem> checkSyncRequest(const SyncRequest& m,
                                                   const SyncServerLimits& limits = {});

}  // namespace cradle::eas
