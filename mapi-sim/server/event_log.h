// EventLog: the simulator's user-visible events (what Exchange wrote to its application log),
// kept in memory for the admin API and appended to DIR/events.log.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace mapisim {

struct Event {
  uint64_t seq = 0;
  int64_t at = 0;      // unix ms
  std::string kind;    // "heartbeat-alert", "wipe", "password", "policy", ...
  std::string text;    // one line, never a secret
};

// Thread-safe. Keeps the last `capacity` events in memory; every event is also appended to the
// file (when a path is given) as "ISO-time kind text".
class EventLog {
 public:
  explicit EventLog(std::string path = {}, std::size_t capacity = 1000);
  void add(std::string kind, std::string text);
  std::vector<Event> since(uint64_t seq) const;  // events with seq > seq, oldest first
  std::size_t count(const std::string& kind) const;

 private:
  mutable std::mutex mutex_;
  std::string path_;
  std::size_t capacity_;
  uint64_t next_ = 1;
  std::deque<Event> events_;
};

int64_t unixMillisNow();
std::string isoTime(int64_t unixMillis);  // "2026-11-25T09:26:27.123Z"

}  // namespace mapisim
