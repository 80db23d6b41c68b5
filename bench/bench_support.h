// What the benchmarks share: process figures from /proc, percentiles, waiting, a free loopback
// port, mapi-sim's admin API, and nginx as the same-run reverse-proxy baseline.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "net/http_client.h"
#include "tests/support/process.h"

namespace cradle::bench {

long rssKiB(pid_t pid);     // VmRSS of the process, -1 when unreadable
long cpuTicks(pid_t pid);   // utime + stime in clock ticks
double percentile(std::vector<double> v, double p);  // p in [0, 1]; 0 for an empty set
// Polls `done` every 20 ms until it is true or `limit` passed; returns its last value.
bool waitUntil(const std::function<bool()>& done, std::chrono::seconds limit);
uint16_t freePort();  // a loopback TCP port free at the time of the call

// mapi-sim's admin API, found through DIR/admin.url and DIR/admin.token.
struct MapiSimAdmin {
  explicit MapiSimAdmin(const std::string& dir);
  net::HttpResult call(const std::string& method, const std::string& target,
                       const std::string& body = {});
  int heldPings();  // from GET /status, -1 on error
  std::string token;
  std::unique_ptr<net::BlockingHttpClient> client;
};

// nginx as a plain reverse proxy: one process, no master, one worker allowed 20,000 files,
// upstream keep-alive, proxy_read_timeout 3700 s (above any heartbeat the benchmarks use).
struct NginxProxy {
  test::Child child;
  uint16_t port = 0;
  // False when nginx is not installed (scripts/install-deps.sh bench) or did not start.
  bool start(const std::string& dir, const net::Endpoint& upstream);
};

}  // namespace cradle::bench
