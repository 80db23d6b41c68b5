// EAS date-time parsing for push latency (DateReceived to arrival).
#include "device-sim/client/utc_time.h"

#include <cstdio>
#include <ctime>

namespace devicesim {

std::optional<int64_t> parseUtcMillis(const std::string& s) {
  std::tm tm{};
  int ms = 0;
  const int n = std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d", &tm.tm_year, &tm.tm_mon,
                            &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms);
  if (n < 6) {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + (n == 7 ? ms : 0);
}

}  // namespace devicesim
