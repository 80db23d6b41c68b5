// ScheduleShaper: peak/off-peak intervals and slot times.
#include "bridge/policy/schedule_shaper.h"

#include <ctime>

namespace cradle::bridge {

namespace {

constexpr uint32_t MinutesPerDay = 24 * 60;

bool inPeak(const Schedule& s, LocalMinute at) {
  const uint16_t start = s.peakStartMinute;
  const uint16_t end = s.peakEndMinute;
  if (start <= end) {
    return (s.peakDays & (1U << at.weekday)) != 0 && at.minuteOfDay >= start &&
           at.minuteOfDay < end;
  }
  // The peak spans midnight: its part after midnight belongs to the day it started on.
  if (at.minuteOfDay >= start) {
    return (s.peakDays & (1U << at.weekday)) != 0;
  }
  if (at.minuteOfDay < end) {
    const unsigned previous = (at.weekday + 6U) % 7U;
    return (s.peakDays & (1U << previous)) != 0;
  }
  return false;
}

LocalMinute advance(LocalMinute at, uint32_t minutes) {
  const uint32_t total = at.minuteOfDay + minutes;
  at.weekday = static_cast<uint8_t>((at.weekday + total / MinutesPerDay) % 7U);
  at.minuteOfDay = static_cast<uint16_t>(total % MinutesPerDay);
  return at;
}

}  // namespace

uint16_t ScheduleShaper::intervalAt(const Schedule& schedule, LocalMinute at) {
  return static_cast<uint16_t>(inPeak(schedule, at) ? schedule.peakInterval
                                                    : schedule.offPeakInterval);
}

bool ScheduleShaper::isSlot(const Schedule& schedule, LocalMinute at) {
  if (schedule.mode == ScheduleMode::AsItemsArrive) {
    return true;
  }
  const uint16_t interval = intervalAt(schedule, at);
  return interval != 0 && at.minuteOfDay % interval == 0;
}

std::optional<uint32_t> ScheduleShaper::minutesToNextSlot(const Schedule& schedule,
                                                          LocalMinute at) {
  if (schedule.mode == ScheduleMode::AsItemsArrive) {
    return 0;
  }
  // Every slot pattern repeats within a week; a whole week of minutes is cheap to walk.
  for (uint32_t m = 1; m <= 7 * MinutesPerDay; ++m) {
    if (isSlot(schedule, advance(at, m))) {
      return m;
    }
  }
  return std::nullopt;
}

LocalMinute ScheduleShaper::localMinute(TimePoint t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm local{};
  localtime_r(&seconds, &local);
  LocalMinute m;
  m.weekday = static_cast<uint8_t>(local.tm_wday);
  m.minuteOfDay = static_cast<uint16_t>(local.tm_hour * 60 + local.tm_min);
  return m;
}

bool ScheduleShaper::deliverNow(const Schedule& schedule, TimePoint now) {
  return isSlot(schedule, localMinute(now));
}

std::optional<ScheduleShaper::TimePoint> ScheduleShaper::nextSlot(const Schedule& schedule,
                                                                  TimePoint now) {
  if (schedule.mode == ScheduleMode::AsItemsArrive) {
    return now;
  }
  auto minutes = minutesToNextSlot(schedule, localMinute(now));
  if (!minutes) {
    return std::nullopt;
  }
  // The slot begins at the start of that minute.
  const auto sinceMinute = now.time_since_epoch() % std::chrono::minutes(1);
  return now - sinceMinute + std::chrono::minutes(*minutes);
}

}  // namespace cradle::bridge
