// The FolderSync state of one device: its hierarchy SyncKey and the folders it was told about.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "mapi-sim/mailbox/mailbox.h"
#include "mapi-sim/state/sync_key.h"

namespace mapisim {

// What a device knows of one folder.
struct KnownFolder {
  std::string parentId;
  std::string displayName;
  FolderType type = FolderType::UserMail;
  bool operator==(const KnownFolder&) const = default;
};

// Stored per device under the state key "foldersync" as JSON:
//   {"key": "{uuid}N", "prev": "{uuid}N-1", "replay": "<base64 WBXML>",
//    "folders": {"<ServerId>": ["<ParentId>", "<DisplayName>", <Type>], ...}}
// `key` is the current hierarchy SyncKey (FolderSync, FolderCreate/Update/Delete check it);
// `previousKey` + `replay` let a FolderSync whose response was lost be repeated: the stored
// response is sent again, byte for byte, until the device uses the new key. `folders` is the
// hierarchy as of `key`. A value type; load/save go through the Mailbox (thread-safe there; the
// handlers hold the DeviceLock around load..save).
struct FolderSyncState {
  static constexpr const char* StateKey = "foldersync";

  SyncKey key;
  std::optional<std::string> previousKey;
  std::string replay;  // WBXML of the response that answered previousKey
  std::map<std::string, KnownFolder> folders;

  // nullopt when the device has no (readable) state.
  static std::optional<FolderSyncState> load(const Mailbox& mailbox, int64_t deviceRowId);
  Status save(Mailbox& mailbox, int64_t deviceRowId) const;

  // The folder as the device should know it.
  static KnownFolder known(const FolderRecord& f) {
    return KnownFolder{f.parentServerId, f.displayName, f.type};
  }
};

}  // namespace mapisim
