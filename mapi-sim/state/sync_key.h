// SyncKey values mapi-sim issues for FolderSync and Sync: "{<uuid>}<counter>".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mapisim {

// A synchronization key as mapi-sim writes it: a brace-enclosed UUID chosen when the state is
// created (SyncKey 0), then a counter that grows by one with every key issued for that state,
// e.g. "{6f9619ff-8b86-d011-b42d-00c04fc964ff}3". The UUID makes a key from an older state
// (before a reset) unequal to every key of the new one, even when the counters meet. Devices
// treat the key as an opaque string of at most 64 characters (MS-ASCMD 2.2.3.181); ours has at
// most 49. Plain value type.
struct SyncKey {
  std::string uuid;  // 36 characters, no braces
  uint32_t counter = 1;

  // A fresh state: a new random UUID, counter 1.
  static SyncKey fresh();
  // Parses the text form; nullopt for anything mapi-sim did not write (including "0").
  static std::optional<SyncKey> parse(std::string_view text);

  SyncKey next() const { return SyncKey{uuid, counter + 1}; }
  std::string text() const;
  bool operator==(const SyncKey&) const = default;
};

}  // namespace mapisim
