// Ping (Direct Push, Ping page 13): typed request and response, MS-ASCMD 2.2.1.13.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eas/message/folder_sync.h"
#include "eas/message/status.h"
#include "eas/result.h"
#include "eas/wbxml/document.h"

namespace cradle::eas {

// MS-ASCMD 2.2.3.177.11. Open enum: may also hold a common status (MS-ASCMD 2.2.2).
enum class PingStatus : uint8_t {
  Expired = 1,             // heartbeat elapsed, no changes
  Changes = 2,             // changes in the folders listed in the response
  MissingParameters = 3,   // no cached HeartbeatInterval/Folders to reuse, or a part missing
  SyntaxError = 4,         // malformed request (also: the same Id twice)
  InvalidHeartbeat = 5,    // out of range; the response carries the allowed bound
  TooManyFolders = 6,      // the response carries MaxFolders
  FolderSyncRequired = 7,  // hierarchy out of date
  ServerError = 8,         // transient server problem
};

constexpr bool isPingStatus(uint32_t v) { return v >= 1 && v <= 8; }
std::string_view describe(PingStatus s);
ClientAction actionFor(PingStatus s);

struct PingFolder {
  std::string id;  // a FolderSync ServerId, up to 64 characters
  ItemClass itemClass = ItemClass::Email;
};

// Both parts are optional: the server caches them, and a Ping with neither (no body at all,
// or an empty <Ping/>) means "reuse the last HeartbeatInterval and folder list"
// (MS-ASCMD 3.1.5.8). The heartbeat's allowed range is server policy (Status 5), not checked
// here.
struct PingRequest {
  std::optional<uint32_t> heartbeatInterval;  // seconds
  std::vector<PingFolder> folders;            // empty: no Folders element

  bool reusesCachedRequest() const { return !heartbeatInterval && folders.empty(); }
};

struct PingResponse {
  PingStatus status = PingStatus::Expired;
  std::vector<std::string> folders;           // Status 2: ids of the changed folders
  std::optional<uint32_t> heartbeatInterval;  // Status 5: the allowed minimum or maximum
  std::optional<uint32_t> maxFolders;         // Status 6
};

// A request that reuses the cached one encodes to an empty string: the HTTP body is empty.
std::string encode(const PingRequest& m);
std::string encode(const PingResponse& m);

// An empty document (no root) is not accepted here; use decodePingRequestBody for raw bodies.
Result<PingRequest> decodePingRequest(const Document& doc);
Result<PingResponse> decodePingResponse(const Document& doc);

// The HTTP body as received: zero bytes is the "reuse" request, anything else must be WBXML.
Result<PingRequest> decodePingRequestBody(std::string_view body);

}  // namespace cradle::eas
