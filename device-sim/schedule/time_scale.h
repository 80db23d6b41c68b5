// A simulated clock that runs `scale` times faster than real time (for --time-scale).
#pragma once

#include <cstdint>

#include "eas/result.h"

namespace devicesim {

// Maps real time to simulated time and back: simulated = simOrigin + (real - realOrigin) * scale.
// Pure arithmetic on milliseconds since the Unix epoch; the caller reads the real clock (its
// TimeSource) and passes it in, so a test can run a day of schedule (scale 1440) in a minute.
// Conversions to real time round up, so a real timer never fires before its simulated moment.
class TimeScale {
 public:
  static constexpr uint32_t MaxScale = 1'000'000;

  TimeScale() = default;  // identity: scale 1, both origins 0
  // Refuses scale 0 or above MaxScale (BadValue).
  static cradle::eas::Result<TimeScale> create(int64_t realOriginMs, int64_t simOriginMs,
                                               uint32_t scale);

  uint32_t scale() const { return scale_; }
  int64_t realOriginMs() const { return realOriginMs_; }
  int64_t simOriginMs() const { return simOriginMs_; }

  // The simulated time at real time realMs.
  int64_t simulatedAt(int64_t realMs) const;
  // The earliest real time at which the simulated clock reads simMs or later.
  int64_t realAt(int64_t simMs) const;
  // How long in real time a simulated duration takes (rounded up; 0 stays 0).
  int64_t realDuration(int64_t simDurationMs) const;

 private:
  TimeScale(int64_t realOriginMs, int64_t simOriginMs, uint32_t scale);

  int64_t realOriginMs_ = 0;
  int64_t simOriginMs_ = 0;
  uint32_t scale_ = 1;
};

}  // namespace devicesim
