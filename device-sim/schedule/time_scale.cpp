// A simulated clock that runs `scale` times faster than real time.
#include "device-sim/schedule/time_scale.h"

#include <string>

namespace devicesim {

namespace eas = cradle::eas;

namespace {

// Rounds towards +infinity (for durations of either sign).
int64_t ceilDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a > 0) == (b > 0)) ? q + 1 : q;
}

}  // namespace

TimeScale::TimeScale(int64_t realOriginMs, int64_t simOriginMs, uint32_t scale)
    : realOriginMs_(realOriginMs), simOriginMs_(simOriginMs), scale_(scale) {}

eas::Result<TimeScale> TimeScale::create(int64_t realOriginMs, int64_t simOriginMs,
                                         uint32_t scale) {
  if (scale == 0 || scale > MaxScale) {
    return eas::makeError(eas::ErrorCode::BadValue, 0,
                          "time scale must be 1.." + std::to_string(MaxScale));
  }
  return TimeScale(realOriginMs, simOriginMs, scale);
}

int64_t TimeScale::simulatedAt(int64_t realMs) const {
  return simOriginMs_ + (realMs - realOriginMs_) * int64_t{scale_};
}

int64_t TimeScale::realAt(int64_t simMs) const {
  return realOriginMs_ + ceilDiv(simMs - simOriginMs_, int64_t{scale_});
}

int64_t TimeScale::realDuration(int64_t simDurationMs) const {
  return ceilDiv(simDurationMs, int64_t{scale_});
}

}  // namespace devicesim
