// foldersWithPendingChanges: Ping's question "which of these folders changed since the device's
// last SyncKey?", answered from the small per-collection CollectionSeq rows.
#include "mapi-sim/handlers/command.h"
#include "mapi-sim/state/collection_seq.h"

namespace mapisim {

std::vector<std::string> foldersWithPendingChanges(Mailbox& mailbox, const DeviceRecord& device,
                                                   const std::vector<std::string>& serverIds) {
  // MS-ASCMD 3.1.5.8: the baseline is the last SyncKey the server returned for the folder. A
  // folder the device never synced (no key, or reset) is not reported: it must Sync it with
  // SyncKey 0 first, and that Sync marks it pending when it holds items. No DeviceLock: each
  // row is read atomically, and Ping must never wait behind a long Sync.
  std::vector<std::string> pending;
  for (const std::string& id : serverIds) {
    auto seq = CollectionSeq::load(mailbox, device.id, id);
    if (seq && seq->pending(mailbox)) {
      pending.push_back(id);
    }
  }
  return pending;
}

}  // namespace mapisim
