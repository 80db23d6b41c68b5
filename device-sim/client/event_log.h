// The device's event stream: one JSON object per line on stdout, and the run's counters.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace devicesim {

// One event's fields after "ts" and "event", written in insertion order.
class JsonFields {
 public:
  JsonFields& add(std::string_view key, std::string_view value);
  JsonFields& add(std::string_view key, const char* value) {
    return add(key, std::string_view(value));
  }
  JsonFields& add(std::string_view key, int64_t value);
  JsonFields& add(std::string_view key, uint64_t value);
  JsonFields& add(std::string_view key, uint32_t value) {
    return add(key, static_cast<uint64_t>(value));
  }
  JsonFields& add(std::string_view key, bool value);
  JsonFields& add(std::string_view key, const std::vector<std::string>& values);
  const std::string& text() const { return text_; }  // ",\"k\":v..." (empty when no field)

 private:
  std::string text_;
};

std::string jsonQuote(std::string_view s);  // "..." with JSON escapes
std::string isoMillis(int64_t unixMs);      // 2026-11-25T09:30:00.123Z
int64_t nowMillis();                        // the real clock, ms since the epoch

// What the seed's comparisons need, updated by the device loop and read at exit (possibly from
// the signal watcher thread, hence atomics). Bytes are HTTP bytes (heads and bodies as
// serialized; TLS record overhead is not counted). Latency samples are the e-mails that arrived
// after the initial sync, by push or by a scheduled sync: arrival minus DateReceived.
struct Counters {
  std::atomic<uint64_t> wakeUps{0};
  std::atomic<uint64_t> bytesSent{0};
  std::atomic<uint64_t> bytesReceived{0};
  std::atomic<uint64_t> pushes{0};
  std::atomic<int64_t> latencySumMs{0};  // may hold negative samples (clock skew)
  std::atomic<uint64_t> latencyCount{0};
  std::atomic<uint64_t> smsNotifications{0};  // AUTD notices received (Exchange 2003 AUTD)
};

// Writes events to a FILE (stdout). Thread-safe: the device loop emits events, the signal
// watcher writes the summary; summary() prints once, whoever calls it first.
class EventLog {
 public:
  explicit EventLog(std::FILE* out = stdout) : out_(out) {}
  void emit(std::string_view event, const JsonFields& fields = {});
  // The final "summary" event with the counters (meanLatencyMs -1 without a sample); true for
  // the call that printed it.
  bool summary();
  Counters& counters() { return counters_; }

 private:
  std::FILE* out_;
  std::mutex mutex_;
  std::atomic<bool> summarized_{false};
  Counters counters_;
};

}  // namespace devicesim
