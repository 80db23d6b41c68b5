// The journal position up to which a device is known to hold a collection (Ping's baseline).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "mapi-sim/mailbox/mailbox.h"

namespace mapisim {

// Stored per device and collection under "syncseq:<CollectionId>" as "<folder row id> <seq>",
// or "<folder row id> pending" when the last Sync left changes behind (MoreAvailable, GetChanges
// off, items outside what was sent). Written by Sync whenever it issues a key: `seq` is
// Mailbox::folderChangeSeq of the folder read after the client's own changes were applied and
// before the server changes were collected, and only when the response carried every change
// (otherwise "pending"). So the folder has changes the device has not seen exactly when
// folderChangeSeq(folder) > seq, or the value is pending (MS-ASCMD 3.1.5.8: the last SyncKey
// returned is the baseline). A collection without this key (never synced, or reset) is not
// pending: the device must Sync it with SyncKey 0 before Ping can report anything for it.
// Kept apart from the Sync state so that a Ping check reads a few bytes (one indexed row) and
// the in-memory folderChangeSeq; nothing else.
struct CollectionSeq {
  int64_t folderRowId = 0;
  std::optional<int64_t> seq;  // nullopt: pending

  static std::optional<CollectionSeq> load(const Mailbox& mailbox, int64_t deviceRowId,
                                           const std::string& collectionId);
  Status save(Mailbox& mailbox, int64_t deviceRowId, const std::string& collectionId) const;
  static Status erase(Mailbox& mailbox, int64_t deviceRowId, const std::string& collectionId);

  // True when the folder has changes the device has not synced.
  bool pending(const Mailbox& mailbox) const;
};

}  // namespace mapisim
