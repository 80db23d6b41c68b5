// The Sync state of one collection on one device: its SyncKey, options and the items it holds.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "eas/message/sync.h"
#include "mapi-sim/mailbox/mailbox.h"
#include "mapi-sim/state/sync_key.h"

namespace mapisim {

// Stored per device and collection in three state keys, so that each reader loads only what it
// needs:
//   "sync:<CollectionId>"        JSON {"key", "prev", "folder": <folder row id>,
//                                      "options": {...}, "items": {"<ServerId>": <version>}}
//   "syncreplay:<CollectionId>"  base64 of the WBXML Sync response (this collection only) that
//                                answered `prev`; replayed when the device repeats `prev`
//   "syncseq:<CollectionId>"     see CollectionSeq (read by every Ping)
// `key` is the collection's current SyncKey; `items` maps every item the device holds (as of
// `key`) to the ItemRecord::version it got, so the next Sync sends Add/Change/Delete for the
// differences and a client Change to an item whose version moved on is a conflict. `options`
// are the last Options the device sent (12.1+ devices may leave them out of later requests).
// A value type; the handlers hold the DeviceLock around load..save.
struct SyncState {
  SyncKey key;
  std::optional<std::string> previousKey;
  int64_t folderRowId = 0;
  cradle::eas::SyncOptions options;
  std::map<std::string, int64_t> items;

  // nullopt when the device has no (readable) state for the collection.
  static std::optional<SyncState> load(const Mailbox& mailbox, int64_t deviceRowId,
                                       const std::string& collectionId);
  Status save(Mailbox& mailbox, int64_t deviceRowId, const std::string& collectionId) const;
  // Forgets the collection (state, replay and seq): the device must start over with SyncKey 0.
  static Status erase(Mailbox& mailbox, int64_t deviceRowId, const std::string& collectionId);

  static std::optional<std::string> loadReplay(const Mailbox& mailbox, int64_t deviceRowId,
                                               const std::string& collectionId);
  static Status saveReplay(Mailbox& mailbox, int64_t deviceRowId, const std::string& collectionId,
                           const std::string& wbxml);
};

}  // namespace mapisim
