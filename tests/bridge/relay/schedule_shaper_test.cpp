// bridge/policy/schedule_shaper: peak and off-peak slots, manual schedules, next slot times.
#include "bridge/policy/schedule_shaper.h"

#include <catch2/catch.hpp>

namespace {

using namespace cradle::bridge;

constexpr uint8_t Monday = 1;
constexpr uint8_t Saturday = 6;

LocalMinute at(uint8_t weekday, int hour, int minute) {
  return LocalMinute{weekday, static_cast<uint16_t>(hour * 60 + minute)};
}

Schedule scheduled(SyncInterval peak, SyncInterval offPeak) {
  Schedule s;
  s.mode = ScheduleMode::Scheduled;
  s.peakInterval = peak;
  s.offPeakInterval = offPeak;
  return s;  // peak 08:00-18:00 Monday-Friday
}

}  // namespace

TEST_CASE("as items arrive delivers at once", "[bridge][policy]") {
  Schedule s;
  CHECK(ScheduleShaper::isSlot(s, at(Monday, 10, 7)));
  CHECK(ScheduleShaper::minutesToNextSlot(s, at(Monday, 10, 7)) == std::optional<uint32_t>(0));
  const auto now = std::chrono::system_clock::now();
  CHECK(ScheduleShaper::deliverNow(s, now));
  CHECK(ScheduleShaper::nextSlot(s, now) == now);
}

TEST_CASE("peak and off-peak intervals decide the slots", "[bridge][policy]") {
  const Schedule s = scheduled(SyncInterval::Min15, SyncInterval::Hour1);
  CHECK(ScheduleShaper::intervalAt(s, at(Monday, 10, 0)) == 15);
  CHECK(ScheduleShaper::intervalAt(s, at(Monday, 7, 59)) == 60);
  CHECK(ScheduleShaper::intervalAt(s, at(Monday, 18, 0)) == 60);
  CHECK(ScheduleShaper::intervalAt(s, at(Saturday, 10, 0)) == 60);  // not a peak day
  CHECK(ScheduleShaper::isSlot(s, at(Monday, 10, 15)));
  CHECK_FALSE(ScheduleShaper::isSlot(s, at(Monday, 10, 7)));
  CHECK(ScheduleShaper::minutesToNextSlot(s, at(Monday, 10, 7)) == std::optional<uint32_t>(8));
  CHECK(ScheduleShaper::minutesToNextSlot(s, at(Monday, 10, 15)) == std::optional<uint32_t>(15));
  // Off-peak: hourly; 17:50 on a weekday reaches 18:00 (off-peak, on the hour).
  CHECK(ScheduleShaper::minutesToNextSlot(s, at(Saturday, 10, 7)) == std::optional<uint32_t>(53));
  CHECK(ScheduleShaper::minutesToNextSlot(s, at(Monday, 17, 50)) == std::optional<uint32_t>(10));
  // Saturday 23:30 -> Sunday 00:00 wraps the week.
  CHECK(ScheduleShaper::minutesToNextSlot(s, at(Saturday, 23, 30)) == std::optional<uint32_t>(30));
}

TEST_CASE("a peak spanning midnight belongs to the day it starts", "[bridge][policy]") {
  Schedule s = scheduled(SyncInterval::Min5, SyncInterval::Hours4);
  s.peakStartMinute = 22 * 60;
  s.peakEndMinute = 2 * 60;
  s.peakDays = 1U << Monday;
  CHECK(ScheduleShaper::intervalAt(s, at(Monday, 23, 0)) == 5);
  CHECK(ScheduleShaper::intervalAt(s, at(Monday + 1, 1, 0)) == 5);  // Tuesday night part
  CHECK(ScheduleShaper::intervalAt(s, at(Monday, 1, 0)) == 240);    // Sunday's night: off-peak
}

TEST_CASE("manual never has a slot; the device's own Sync brings changes", "[bridge][policy]") {
  const Schedule s = scheduled(SyncInterval::Manual, SyncInterval::Manual);
  CHECK_FALSE(ScheduleShaper::isSlot(s, at(Monday, 0, 0)));
  CHECK_FALSE(ScheduleShaper::minutesToNextSlot(s, at(Monday, 10, 0)));
  const auto now = std::chrono::system_clock::now();
  CHECK_FALSE(ScheduleShaper::deliverNow(s, now));
  CHECK_FALSE(ScheduleShaper::nextSlot(s, now));
  // Manual peak, hourly off-peak: the first off-peak hour is the next slot.
  const Schedule mixed = scheduled(SyncInterval::Manual, SyncInterval::Hour1);
  CHECK(ScheduleShaper::minutesToNextSlot(mixed, at(Monday, 10, 0)) ==
        std::optional<uint32_t>(8 * 60));
}

TEST_CASE("nextSlot is a whole minute in the future", "[bridge][policy]") {
  const Schedule s = scheduled(SyncInterval::Min5, SyncInterval::Min5);
  const auto now = std::chrono::system_clock::now();
  auto next = ScheduleShaper::nextSlot(s, now);
  REQUIRE(next);
  CHECK(*next > now);
  CHECK(*next - now <= std::chrono::minutes(5));
  CHECK(next->time_since_epoch() % std::chrono::minutes(1) == std::chrono::seconds(0));
  CHECK(ScheduleShaper::isSlot(s, ScheduleShaper::localMinute(*next)));
}
