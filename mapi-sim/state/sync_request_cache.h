// The last complete Sync request of a device, for the empty and the partial Sync (12.1+).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mapi-sim/mailbox/mailbox.h"

namespace mapisim {

// MS-ASCMD 2.2.1.21.1 empty Sync request and 2.2.3.131 Partial: a 12.1+ client may send an empty
// body (repeat the cached request) or <Partial/> with only the collections that changed; the
// server fills in the rest from the last non-empty request, which replaces the cache. Stored
// under "synccache" as JSON; SyncKeys and Options are not kept here (the current key and options
// of each collection are in its SyncState).
struct SyncRequestCache {
  struct Collection {
    std::string collectionId;
    std::optional<bool> getChanges;
    std::optional<bool> deletesAsMoves;
    std::optional<uint32_t> windowSize;
  };
  std::vector<Collection> collections;
  std::optional<uint32_t> windowSize;  // request-wide (12.1+)

  static constexpr const char* StateKey = "synccache";
  static std::optional<SyncRequestCache> load(const Mailbox& mailbox, int64_t deviceRowId);
  Status save(Mailbox& mailbox, int64_t deviceRowId) const;
};

}  // namespace mapisim
