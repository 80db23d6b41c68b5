// DeviceLock: a process-wide table of per-device mutexes.
#include "mapi-sim/state/device_lock.h"

#include <map>
#include <memory>

namespace mapisim {
namespace {

std::mutex& mutexFor(int64_t deviceRowId) {
  static std::mutex tableMutex;
  static std::map<int64_t, std::unique_ptr<std::mutex>> table;
  std::lock_guard guard(tableMutex);
  auto& slot = table[deviceRowId];
  if (!slot) {
    slot = std::make_unique<std::mutex>();
  }
  return *slot;
}

}  // namespace

DeviceLock::DeviceLock(int64_t deviceRowId) : lock_(mutexFor(deviceRowId)) {}

}  // namespace mapisim
