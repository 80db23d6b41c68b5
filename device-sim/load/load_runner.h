// `device-sim load`: N simulated devices in Direct Push on one event loop, for the benchmarks.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

namespace devicesim {

// What `device-sim load` was told. Every device shares the user and the password (a mapi-sim
// user's password, or a bridge device secret); device ids are idPrefix + 0 .. count-1.
struct LoadConfig {
  std::string url;
  bool viaBridge = false;
  std::string caFile;
  std::string user;
  std::string password;
  std::string idPrefix = "LOAD";
  uint32_t count = 1;
  uint32_t heartbeatSeconds = 3000;  // WM's default Ping heartbeat (device-sim/profiles)
  int64_t durationMs = 0;            // 0: until SIGTERM/SIGINT or the wake target
  uint64_t wakeTarget = 0;           // 0: none
};

// Runs the devices on one net::EventLoop on the calling thread (no thread per device). Each
// device: FolderSync 0 (to learn its Inbox), Sync 0 + Sync of the Inbox, then Ping (12.1); after
// a Ping that reports changes it syncs the Inbox and pings again. Push latency is taken from the
// DateReceived of each mail fetched by a post-wake Sync. Prints JSON lines to `out`:
// "load-ready" once every device holds a Ping or has failed, "load-summary" at the end (after
// durationMs, stop(), or once wakeTarget wakes were synced and re-pinged). Errors of single
// devices are counted as failures, not thrown.
class LoadRunner {
 public:
  LoadRunner(LoadConfig config, FILE* out);
  ~LoadRunner();
  LoadRunner(const LoadRunner&) = delete;
  LoadRunner& operator=(const LoadRunner&) = delete;

  // Blocking. Returns 0 when no device failed, 1 otherwise (or when the URL/CA is unusable).
  int run();
  // Any thread: ends run() (the summary is still printed).
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// `device-sim load ...` (argv[1] == "load"): parses the options, reads the password, runs.
// Exit status: 0 no failures, 1 failures, 2 usage errors.
int loadMain(int argc, char** argv);

}  // namespace devicesim
