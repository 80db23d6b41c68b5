// One mutex per device so that two requests of a device never interleave their state changes.
#pragma once

#include <cstdint>
#include <mutex>

namespace mapisim {

// Serialises the data handlers of one device (a device that retries while its first request
// still runs must not see half-written Sync state). Requests of different devices run in
// parallel. The mutexes live for the process (one per device row id ever seen, a few bytes
// each). Thread-safe; never throws except std::bad_alloc.
class DeviceLock {
 public:
  explicit DeviceLock(int64_t deviceRowId);
  DeviceLock(const DeviceLock&) = delete;
  DeviceLock& operator=(const DeviceLock&) = delete;

 private:
  std::unique_lock<std::mutex> lock_;
};

}  // namespace mapisim
