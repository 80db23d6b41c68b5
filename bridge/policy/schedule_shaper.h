// ScheduleShaper: when a change may wake a device under its delivery schedule.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "bridge/store/store.h"

namespace cradle::bridge {

// A moment in the user's local time, as the schedule sees it.
struct LocalMinute {
  uint8_t weekday = 0;       // 0 Sunday .. 6 Saturday
  uint16_t minuteOfDay = 0;  // 0..1439
};

// The schedule's slots (DESIGN.md "Schedule shaping"): with AsItemsArrive every change is
// delivered at once; Scheduled delivers at the slots of the interval in force (peak on peak
// days between peakStartMinute and peakEndMinute, off-peak otherwise), slots lying on multiples
// of the interval after local midnight; Manual (interval 0) never wakes the device: its changes
// wait for the device's own Sync. Pure functions of the schedule and the time; thread-safe.
class ScheduleShaper {
 public:
  using TimePoint = std::chrono::system_clock::time_point;

  // The interval in minutes in force at `at` (0: manual).
  static uint16_t intervalAt(const Schedule& schedule, LocalMinute at);
  // Whether `at` is a slot (always true for AsItemsArrive, never for manual).
  static bool isSlot(const Schedule& schedule, LocalMinute at);
  // Minutes from `at` to the next slot strictly after it (1..2 days); nullopt when there is none
  // (manual all week) and 0 for AsItemsArrive.
  static std::optional<uint32_t> minutesToNextSlot(const Schedule& schedule, LocalMinute at);

  // The same on the system clock, in the process's local time zone: deliver now?
  static bool deliverNow(const Schedule& schedule, TimePoint now);
  // When the next slot after now begins; nullopt: none (manual), now for AsItemsArrive.
  static std::optional<TimePoint> nextSlot(const Schedule& schedule, TimePoint now);
  static LocalMinute localMinute(TimePoint t);
};

}  // namespace cradle::bridge
