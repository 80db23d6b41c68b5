// EventLog: in-memory ring of events plus an append-only text file.
#include "mapi-sim/server/event_log.h"

#include "mapi-sim/mailbox/mail_builder.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>

namespace mapisim {

int64_t unixMillisNow() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string isoTime(int64_t unixMillis) { return formatEasTime(unixMillis); }

EventLog::EventLog(std::string path, std::size_t capacity)
    : path_(std::move(path)), capacity_(capacity) {}

void EventLog::add(std::string kind, std::string text) {
  std::lock_guard lock(mutex_);
  Event e{next_++, unixMillisNow(), std::move(kind), std::move(text)};
  if (!path_.empty()) {
    const std::string line = isoTime(e.at) + " " + e.kind + " " + e.text + "\n";
    const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd >= 0) {
      // A short write loses part of one log line, never state; nothing more to do about it.
      [[maybe_unused]] const ssize_t n = ::write(fd, line.data(), line.size());
      ::close(fd);
    }
  }
  events_.push_back(std::move(e));
  while (events_.size() > capacity_) {
    events_.pop_front();
  }
}

std::vector<Event> EventLog::since(uint64_t seq) const {
  std::lock_guard lock(mutex_);
  std::vector<Event> out;
  for (const Event& e : events_) {
    if (e.seq > seq) {
      out.push_back(e);
    }
  }
  return out;
}

std::size_t EventLog::count(const std::string& kind) const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const Event& e : events_) {
    if (e.kind == kind) {
      ++n;
    }
  }
  return n;
}

}  // namespace mapisim
