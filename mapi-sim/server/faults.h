// Faults: what `mapi-sim fault` injects into EAS traffic for tests. Everything is off unless set.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

namespace mapisim {

struct FaultSettings {
  uint32_t delayMs = 0;             // delay every EAS response by this much ...
  int64_t delayCount = -1;          // ... for the next N responses (-1: until cleared)
  uint32_t unavailableCount = 0;    // answer the next N EAS requests 503 ...
  uint32_t retryAfterSeconds = 30;  // ... with this Retry-After
  uint32_t dropPingsAfterMs = 0;    // held Pings are cut (connection closed, no answer) after
                                    // this long, like a NAT that forgets idle flows (0: off)
  bool refuseConnections = false;   // new connections are reset at once
  uint32_t dripBytes = 0;           // slow-drip responses: this many bytes ...
  uint32_t dripIntervalMs = 0;      // ... every this many ms ...
  int64_t dripCount = -1;           // ... for the next N responses (-1: until cleared)
  uint32_t serverErrorCount = 0;    // the next N EAS commands fail inside the server: a Ping
                                    // gets status 8, other commands HTTP 500
};

// What to do with one EAS response, decided when the request arrives.
struct FaultPlan {
  bool unavailable = false;
  uint32_t retryAfterSeconds = 0;
  uint32_t delayMs = 0;
  uint32_t dripBytes = 0;
  uint32_t dripIntervalMs = 0;
  bool serverError = false;
};

// Thread-safe holder; counters decrement as requests consume them.
class Faults {
 public:
  FaultSettings get() const;
  void set(const FaultSettings& s);
  void clear();
  FaultPlan planRequest();   // consumes one 503 / delay / drip from the counters
  uint32_t dropPingsAfterMs() const;
  bool refuseConnections() const;
  bool anyActive() const;
  // Called (outside the lock, on the caller's thread) when refuseConnections changes: the
  // listener lives on the loop, so the owner posts the change there.
  void onRefuseChanged(std::function<void(bool)> callback);

 private:
  mutable std::mutex mutex_;
  FaultSettings s_;
  std::function<void(bool)> onRefuse_;
};

std::string toJson(const FaultSettings& s);
// Strict: unknown keys or wrong types refused with a message in `error`.
std::optional<FaultSettings> faultsFromJson(const std::string& json, std::string& error);

}  // namespace mapisim
