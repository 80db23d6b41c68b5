// The device's event stream: JSON lines with ISO millisecond timestamps.
#include "device-sim/client/event_log.h"

#include <chrono>
#include <ctime>

namespace devicesim {

std::string jsonQuote(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (u < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(u));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string isoMillis(int64_t unixMs) {
  const std::time_t secs = static_cast<std::time_t>(unixMs / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(unixMs % 1000));
  return buf;
}

int64_t nowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

JsonFields& JsonFields::add(std::string_view key, std::string_view value) {
  text_ += "," + jsonQuote(key) + ":" + jsonQuote(value);
  return *this;
}

JsonFields& JsonFields::add(std::string_view key, int64_t value) {
  text_ += "," + jsonQuote(key) + ":" + std::to_string(value);
  return *this;
}

JsonFields& JsonFields::add(std::string_view key, uint64_t value) {
  text_ += "," + jsonQuote(key) + ":" + std::to_string(value);
  return *this;
}

JsonFields& JsonFields::add(std::string_view key, bool value) {
  text_ += "," + jsonQuote(key) + ":" + (value ? "true" : "false");
  return *this;
}

JsonFields& JsonFields::add(std::string_view key, const std::vector<std::string>& values) {
  text_ += "," + jsonQuote(key) + ":[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    text_ += (i ? "," : "") + jsonQuote(values[i]);
  }
  text_ += "]";
  return *this;
}

void EventLog::emit(std::string_view event, const JsonFields& fields) {
  const std::string line = "{\"ts\":" + jsonQuote(isoMillis(nowMillis())) +
                           ",\"event\":" + jsonQuote(event) + fields.text() + "}\n";
  std::lock_guard<std::mutex> lock(mutex_);
  std::fwrite(line.data(), 1, line.size(), out_);
  std::fflush(out_);
}

bool EventLog::summary() {
  if (summarized_.exchange(true)) {
    return false;
  }
  const uint64_t n = counters_.latencyCount.load();
  JsonFields f;
  f.add("wakeUps", counters_.wakeUps.load())
      .add("bytesSent", counters_.bytesSent.load())
      .add("bytesReceived", counters_.bytesReceived.load())
      .add("pushes", counters_.pushes.load())
      .add("smsNotifications", counters_.smsNotifications.load())
      .add("latencySamples", n)
      .add("meanLatencyMs",
           n ? counters_.latencySumMs.load() / static_cast<int64_t>(n) : static_cast<int64_t>(-1));
  emit("summary", f);
  return true;
}

}  // namespace devicesim
