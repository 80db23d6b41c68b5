// The device's sync schedule: peak / off-peak periods and the next scheduled poll.
#include "device-sim/schedule/schedule.h"

#include <array>
#include <charconv>
#include <string>

namespace devicesim {

namespace eas = cradle::eas;

namespace {

constexpr int64_t SecondsPerDay = 86400;
// A week always holds a change of period unless the whole timeline is one period, so a boundary
// is found within 8 days either side or not at all.
constexpr int64_t ScanDays = 8;

constexpr std::array<SyncFrequency, 7> PollFrequencies = {
    SyncFrequency::Every5Minutes,  SyncFrequency::Every10Minutes, SyncFrequency::Every15Minutes,
    SyncFrequency::Every30Minutes, SyncFrequency::EveryHour,      SyncFrequency::Every2Hours,
    SyncFrequency::Every4Hours};

int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

bool isKnown(SyncFrequency f) {
  return f == SyncFrequency::AsItemsArrive || f == SyncFrequency::Manual || pollMinutes(f);
}

eas::Status configError(std::string detail) {
  return eas::makeError(eas::ErrorCode::BadValue, 0, "schedule: " + std::move(detail));
}

}  // namespace

std::optional<uint32_t> pollMinutes(SyncFrequency f) {
  for (SyncFrequency p : PollFrequencies) {
    if (p == f) {
      return static_cast<uint32_t>(f);
    }
  }
  return std::nullopt;
}

std::optional<SyncFrequency> syncFrequencyFromMinutes(uint32_t minutes) {
  for (SyncFrequency p : PollFrequencies) {
    if (static_cast<uint32_t>(p) == minutes) {
      return p;
    }
  }
  return std::nullopt;
}

std::optional<SyncFrequency> parseSyncFrequency(std::string_view text) {
  if (text == "as-items-arrive") {
    return SyncFrequency::AsItemsArrive;
  }
  if (text == "manual") {
    return SyncFrequency::Manual;
  }
  uint32_t minutes = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, minutes);
  if (text.empty() || ec != std::errc() || ptr != end) {
    return std::nullopt;
  }
  return syncFrequencyFromMinutes(minutes);
}

std::string_view toString(SyncFrequency f) {
  switch (f) {
    case SyncFrequency::AsItemsArrive:
      return "as-items-arrive";
    case SyncFrequency::Every5Minutes:
      return "5";
    case SyncFrequency::Every10Minutes:
      return "10";
    case SyncFrequency::Every15Minutes:
      return "15";
    case SyncFrequency::Every30Minutes:
      return "30";
    case SyncFrequency::EveryHour:
      return "60";
    case SyncFrequency::Every2Hours:
      return "120";
    case SyncFrequency::Every4Hours:
      return "240";
    case SyncFrequency::Manual:
      return "manual";
  }
  return "unknown";
}

ScheduleConfig ScheduleConfig::asItemsArrive() {
  ScheduleConfig c;
  c.peak = SyncFrequency::AsItemsArrive;
  c.offPeak = SyncFrequency::AsItemsArrive;
  return c;
}

eas::Status validate(const ScheduleConfig& c, bool directPush) {
  if (!isKnown(c.peak) || !isKnown(c.offPeak)) {
    return configError("frequency must be as-items-arrive, manual, 5, 10, 15, 30, 60, 120 or 240");
  }
  if (c.peakStartMinute >= c.peakEndMinute || c.peakEndMinute > 24 * 60) {
    return configError("peak hours need start < end <= 24:00");
  }
  if (c.peakDays > EveryDay) {
    return configError("peak days mask has bits above Saturday");
  }
  if (c.utcOffsetSeconds < -14 * 3600 || c.utcOffsetSeconds > 14 * 3600) {
    return configError("UTC offset beyond +-14 h");
  }
  // Issue 5 / seed: a WM5 build without MSFP does scheduled sync only.
  if (!directPush &&
      (c.peak == SyncFrequency::AsItemsArrive || c.offPeak == SyncFrequency::AsItemsArrive)) {
    return configError("as-items-arrive needs a device with Direct Push");
  }
  return {};
}

SyncSchedule::SyncSchedule() : SyncSchedule(ScheduleConfig{}) {}

SyncSchedule::SyncSchedule(const ScheduleConfig& config) : config_(config) {}

eas::Result<SyncSchedule> SyncSchedule::create(const ScheduleConfig& config, bool directPush) {
  if (eas::Status s = validate(config, directPush); !s.ok()) {
    return std::move(s).takeError();
  }
  return SyncSchedule(config);
}

bool SyncSchedule::isPeak(UnixSeconds t) const {
  int64_t local = t + config_.utcOffsetSeconds;
  int64_t day = floorDiv(local, SecondsPerDay);
  int64_t weekday = (day + 4) % 7;  // 1970-01-01 was a Thursday (Sunday = 0)
  if (weekday < 0) {
    weekday += 7;
  }
  if ((config_.peakDays & (1U << weekday)) == 0) {
    return false;
  }
  int64_t second = local - day * SecondsPerDay;
  return second >= int64_t{config_.peakStartMinute} * 60 &&
         second < int64_t{config_.peakEndMinute} * 60;
}

// Period boundaries can only fall at a day's peak start or peak end (local time).
std::optional<UnixSeconds> SyncSchedule::periodStart(UnixSeconds t, bool peak) const {
  int64_t day = floorDiv(t + config_.utcOffsetSeconds, SecondsPerDay);
  for (int64_t d = day; d >= day - ScanDays; --d) {
    int64_t midnight = d * SecondsPerDay - config_.utcOffsetSeconds;
    for (uint32_t minute : {config_.peakEndMinute, config_.peakStartMinute}) {
      UnixSeconds b = midnight + int64_t{minute} * 60;
      if (b <= t && isPeak(b) == peak && isPeak(b - 1) != peak) {
        return b;
      }
    }
  }
  return std::nullopt;
}

std::optional<UnixSeconds> SyncSchedule::periodEnd(UnixSeconds t, bool peak) const {
  int64_t day = floorDiv(t + config_.utcOffsetSeconds, SecondsPerDay);
  for (int64_t d = day; d <= day + ScanDays; ++d) {
    int64_t midnight = d * SecondsPerDay - config_.utcOffsetSeconds;
    for (uint32_t minute : {config_.peakStartMinute, config_.peakEndMinute}) {
      UnixSeconds b = midnight + int64_t{minute} * 60;
      if (b > t && isPeak(b) != peak) {
        return b;
      }
    }
  }
  return std::nullopt;
}

SyncSchedule::Period SyncSchedule::periodAt(UnixSeconds t) const {
  Period p;
  p.peak = isPeak(t);
  p.frequency = p.peak ? config_.peak : config_.offPeak;
  p.start = periodStart(t, p.peak);
  p.end = periodEnd(t, p.peak);
  return p;
}

bool SyncSchedule::pushAt(UnixSeconds t) const {
  return (isPeak(t) ? config_.peak : config_.offPeak) == SyncFrequency::AsItemsArrive;
}

std::optional<UnixSeconds> SyncSchedule::nextSync(UnixSeconds now) const {
  Period p = periodAt(now);
  if (std::optional<uint32_t> minutes = pollMinutes(p.frequency)) {
    int64_t interval = int64_t{*minutes} * 60;
    UnixSeconds anchor = p.start.value_or(-int64_t{config_.utcOffsetSeconds});
    UnixSeconds next = anchor + (floorDiv(now - anchor, interval) + 1) * interval;
    if (!p.end || next < *p.end) {
      return next;
    }
  }
  // Periods alternate, so the next polled period is at most two boundaries away; it polls at its
  // start.
  for (int i = 0; i < 2 && p.end; ++i) {
    p = periodAt(*p.end);
    if (pollMinutes(p.frequency)) {
      return p.start;
    }
  }
  return std::nullopt;
}

}  // namespace devicesim
