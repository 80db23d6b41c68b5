// The differences between a folder and what a device holds of it (Sync, GetItemEstimate).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "eas/message/sync.h"
#include "mapi-sim/mailbox/mailbox.h"

namespace mapisim {

// What a Sync with GetChanges would send, in the order it is sent: deletions first (so a full
// window never leaves a stale item behind), then soft deletions, changes and additions
// (e-mail newest first, other classes oldest first).
struct FolderDiff {
  std::vector<std::string> deletes;      // held by the device, gone from the folder
  std::vector<std::string> softDeletes;  // held by the device, now outside the filter window
  std::vector<ItemRecord> changes;       // held by the device at another version
  std::vector<ItemRecord> adds;          // in the filter window, not held by the device

  std::size_t size() const {
    return deletes.size() + softDeletes.size() + changes.size() + adds.size();
  }
};

// MS-ASCMD 2.2.3.68.2 FilterType: does the item belong in the device's window? E-mail and
// calendar items by date (ItemRecord::received: delivery time, calendar start; recurring
// appointments always), tasks with 8 when incomplete; contacts always.
bool passesFilter(const ItemRecord& item, ItemClass itemClass,
                  std::optional<cradle::eas::FilterType> filter, UnixMillis now);

// Loads the folder's items and compares them with `held` (ServerId -> version the device has).
FolderDiff diffFolder(const Mailbox& mailbox, const FolderRecord& folder,
                      const std::map<std::string, int64_t>& held,
                      std::optional<cradle::eas::FilterType> filter, UnixMillis now);

}  // namespace mapisim
