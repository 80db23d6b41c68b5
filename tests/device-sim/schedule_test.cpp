// The sync schedule: peak / off-peak periods, nextSync, validation, and a day at time scale.
#include "device-sim/schedule/schedule.h"

#include <catch2/catch.hpp>

#include "device-sim/schedule/time_scale.h"

using namespace devicesim;

namespace {

constexpr UnixSeconds Monday0 = 1704067200;  // 2024-01-01 00:00 UTC, a Monday
constexpr UnixSeconds Hour = 3600;
constexpr UnixSeconds Day = 24 * Hour;
constexpr UnixSeconds Min = 60;

// Monday of the test week + day offset (0 = Monday) at hh:mm.
constexpr UnixSeconds at(int day, int hh, int mm = 0) {
  return Monday0 + day * Day + hh * Hour + mm * Min;
}

SyncSchedule make(const ScheduleConfig& c, bool directPush = true) {
  auto s = SyncSchedule::create(c, directPush);
  REQUIRE(s.ok());
  return *s;
}

}  // namespace

TEST_CASE("default peak is Mon-Fri 08:00-18:00", "[device-sim][schedule]") {
  SyncSchedule s;
  CHECK(s.config().peak == SyncFrequency::Every10Minutes);
  CHECK(s.config().offPeak == SyncFrequency::Every4Hours);
  CHECK_FALSE(s.isPeak(at(0, 7, 59) + 59));
  CHECK(s.isPeak(at(0, 8)));
  CHECK(s.isPeak(at(0, 17, 59) + 59));
  CHECK_FALSE(s.isPeak(at(0, 18)));
  CHECK(s.isPeak(at(4, 12)));        // Friday
  CHECK_FALSE(s.isPeak(at(5, 12)));  // Saturday
  CHECK_FALSE(s.isPeak(at(6, 12)));  // Sunday
  // 1969-12-31 was a Wednesday: times before the epoch work too.
  CHECK(s.isPeak(-Day + 9 * Hour));
  CHECK_FALSE(s.isPeak(-Day + 7 * Hour));
}

TEST_CASE("nextSync crosses into and out of peak", "[device-sim][schedule]") {
  SyncSchedule s;
  CHECK(s.nextSync(at(0, 8)) == at(0, 8, 10));  // strictly after now
  CHECK(s.nextSync(at(0, 8, 5)) == at(0, 8, 10));
  CHECK(s.nextSync(at(0, 17, 50)) == at(0, 18));  // off-peak begins with a poll
  CHECK(s.nextSync(at(0, 18)) == at(0, 22));
  CHECK(s.nextSync(at(0, 22)) == at(1, 2));
  CHECK(s.nextSync(at(1, 6)) == at(1, 8));  // 10:00 is cut off by peak at 08:00
  CHECK(s.nextSync(at(1, 7, 59)) == at(1, 8));

  auto p = s.periodAt(at(0, 12));
  CHECK(p.peak);
  CHECK(p.frequency == SyncFrequency::Every10Minutes);
  CHECK(p.start == at(0, 8));
  CHECK(p.end == at(0, 18));
}

TEST_CASE("the weekend is one off-peak period from Friday 18:00 to Monday 08:00",
          "[device-sim][schedule]") {
  SyncSchedule s;
  auto p = s.periodAt(at(5, 12));
  CHECK_FALSE(p.peak);
  CHECK(p.start == at(4, 18));
  CHECK(p.end == at(7, 8));
  // The 4-hour grid runs on from Friday 18:00: Sat 02:00, 06:00, 10:00, 14:00 ...
  CHECK(s.nextSync(at(5, 12)) == at(5, 14));
  CHECK(s.nextSync(at(6, 23)) == at(7, 2));
  CHECK(s.nextSync(at(7, 6)) == at(7, 8));
}

TEST_CASE("manual and As items arrive periods have no polls", "[device-sim][schedule]") {
  ScheduleConfig c;
  c.offPeak = SyncFrequency::Manual;
  SyncSchedule manualNights = make(c);
  CHECK(manualNights.nextSync(at(0, 17, 55)) == at(1, 8));
  CHECK(manualNights.nextSync(at(0, 18)) == at(1, 8));
  CHECK(manualNights.nextSync(at(4, 17, 50)) == at(7, 8));  // Friday evening to Monday
  CHECK_FALSE(manualNights.pushAt(at(0, 20)));

  c.peak = SyncFrequency::Manual;
  CHECK_FALSE(make(c).nextSync(at(0, 12)));  // manual = never

  SyncSchedule push = make(ScheduleConfig::asItemsArrive());
  CHECK(push.pushAt(at(0, 12)));
  CHECK(push.pushAt(at(5, 12)));
  CHECK_FALSE(push.nextSync(at(0, 12)));

  c = ScheduleConfig{};
  c.peak = SyncFrequency::AsItemsArrive;
  SyncSchedule pushByDay = make(c);
  CHECK(pushByDay.pushAt(at(0, 9)));
  CHECK_FALSE(pushByDay.pushAt(at(0, 19)));
  CHECK(pushByDay.nextSync(at(0, 9)) == at(0, 18));
  // 06:00 is on the off-peak grid; 10:00 falls in the push peak, so the next poll is at 18:00.
  CHECK(pushByDay.nextSync(at(0, 6)) == at(0, 18));
}

TEST_CASE("a UTC offset moves the peak hours", "[device-sim][schedule]") {
  ScheduleConfig c;
  c.utcOffsetSeconds = 3600;  // local = UTC + 1 h
  SyncSchedule s = make(c);
  CHECK_FALSE(s.isPeak(at(0, 6, 59)));
  CHECK(s.isPeak(at(0, 7)));  // 08:00 local
  CHECK(s.isPeak(at(0, 16, 59)));
  CHECK_FALSE(s.isPeak(at(0, 17)));
  CHECK(s.nextSync(at(0, 16, 55)) == at(0, 17));

  c.utcOffsetSeconds = -5 * 3600;
  SyncSchedule west = make(c);
  CHECK(west.isPeak(at(0, 13)));
  CHECK_FALSE(west.isPeak(at(0, 12, 59)));
  CHECK(west.isPeak(at(4, 22)));        // Friday 22:00 UTC is Friday 17:00 local
  CHECK_FALSE(west.isPeak(at(7, 12)));  // Monday 12:00 UTC is Monday 07:00 local
  CHECK(west.isPeak(at(7, 13)));
}

TEST_CASE("a timeline of one period polls on a grid from local midnight",
          "[device-sim][schedule]") {
  ScheduleConfig c;
  c.peakStartMinute = 0;
  c.peakEndMinute = 24 * 60;
  c.peakDays = EveryDay;
  SyncSchedule always = make(c);
  auto p = always.periodAt(at(2, 10));
  CHECK(p.peak);
  CHECK_FALSE(p.start);
  CHECK_FALSE(p.end);
  CHECK(always.nextSync(at(2, 10, 3)) == at(2, 10, 10));

  c.peakDays = 0;
  SyncSchedule never = make(c);
  CHECK_FALSE(never.isPeak(at(2, 10)));
  CHECK(never.nextSync(at(2, 5)) == at(2, 8));

  // Peak all day on Monday and Tuesday: one peak period of 48 hours.
  c.peakDays = Monday | Tuesday;
  SyncSchedule twoDays = make(c);
  auto q = twoDays.periodAt(at(1, 23, 55));
  CHECK(q.start == at(0, 0));
  CHECK(q.end == at(2, 0));
  CHECK(twoDays.nextSync(at(1, 23, 55)) == at(2, 0));
}

TEST_CASE("schedule validation", "[device-sim][schedule]") {
  CHECK(validate(ScheduleConfig{}, true).ok());
  CHECK(validate(ScheduleConfig{}, false).ok());
  CHECK(validate(ScheduleConfig::asItemsArrive(), true).ok());
  CHECK_FALSE(validate(ScheduleConfig::asItemsArrive(), false).ok());  // WM5 without MSFP
  CHECK_FALSE(SyncSchedule::create(ScheduleConfig::asItemsArrive(), false).ok());

  auto refused = [](auto change) {
    ScheduleConfig c;
    change(c);
    return !validate(c, true).ok();
  };
  CHECK(refused([](ScheduleConfig& c) { c.peakStartMinute = c.peakEndMinute; }));
  CHECK(refused([](ScheduleConfig& c) { c.peakStartMinute = 20 * 60; }));  // overnight
  CHECK(refused([](ScheduleConfig& c) { c.peakEndMinute = 24 * 60 + 1; }));
  CHECK(refused([](ScheduleConfig& c) { c.peakDays = 0x80; }));
  CHECK(refused([](ScheduleConfig& c) { c.peak = static_cast<SyncFrequency>(20); }));
  CHECK(refused([](ScheduleConfig& c) { c.offPeak = static_cast<SyncFrequency>(1); }));
  CHECK(refused([](ScheduleConfig& c) { c.utcOffsetSeconds = 15 * 3600; }));
  CHECK(refused([](ScheduleConfig& c) { c.utcOffsetSeconds = -15 * 3600; }));
}

TEST_CASE("the interval set is the device's seven choices", "[device-sim][schedule]") {
  for (uint32_t m : {5u, 10u, 15u, 30u, 60u, 120u, 240u}) {
    INFO(m);
    auto f = syncFrequencyFromMinutes(m);
    REQUIRE(f);
    CHECK(pollMinutes(*f) == m);
    CHECK(parseSyncFrequency(toString(*f)) == f);
  }
  for (uint32_t m : {0u, 1u, 20u, 45u, 90u, 180u, 241u, 480u, 0xFFFFu}) {
    INFO(m);
    CHECK_FALSE(syncFrequencyFromMinutes(m));
  }
  CHECK_FALSE(pollMinutes(SyncFrequency::Manual));
  CHECK_FALSE(pollMinutes(SyncFrequency::AsItemsArrive));
  CHECK(parseSyncFrequency("manual") == SyncFrequency::Manual);
  CHECK(parseSyncFrequency("as-items-arrive") == SyncFrequency::AsItemsArrive);
  for (const char* bad : {"", "10m", " 10", "-5", "7", "Manual", "push"}) {
    INFO(bad);
    CHECK_FALSE(parseSyncFrequency(bad));
  }
}

TEST_CASE("time scale arithmetic", "[device-sim][schedule]") {
  CHECK_FALSE(TimeScale::create(0, 0, 0).ok());
  CHECK_FALSE(TimeScale::create(0, 0, TimeScale::MaxScale + 1).ok());
  TimeScale identity;
  CHECK(identity.simulatedAt(12345) == 12345);
  CHECK(identity.realAt(12345) == 12345);

  auto ts = TimeScale::create(1'000'000, 5'000'000, 60);
  REQUIRE(ts.ok());
  CHECK(ts->simulatedAt(1'000'000) == 5'000'000);
  CHECK(ts->simulatedAt(1'001'000) == 5'060'000);  // one real second = one simulated minute
  CHECK(ts->simulatedAt(999'000) == 4'940'000);
  CHECK(ts->realAt(5'060'000) == 1'001'000);
  CHECK(ts->realAt(5'060'001) == 1'001'001);  // rounded up: never early
  CHECK(ts->realAt(4'999'941) == 1'000'000);
  CHECK(ts->realDuration(600'000) == 10'000);
  CHECK(ts->realDuration(1) == 1);
  CHECK(ts->realDuration(0) == 0);
  for (int64_t sim : {int64_t{4'000'001}, int64_t{5'000'059}, int64_t{5'123'457}}) {
    int64_t real = ts->realAt(sim);
    CHECK(ts->simulatedAt(real) >= sim);
    CHECK(ts->simulatedAt(real - 1) < sim);
  }
}

TEST_CASE("a scheduled Monday at scale 1440 takes one real minute", "[device-sim][schedule]") {
  SyncSchedule s;
  constexpr int64_t RealOrigin = 1'000'000;
  auto ts = TimeScale::create(RealOrigin, Monday0 * 1000, 1440);
  REQUIRE(ts.ok());
  int syncs = 0;
  int64_t lastReal = RealOrigin;
  for (auto next = s.nextSync(Monday0); next && *next < at(1, 0); next = s.nextSync(*next)) {
    int64_t wake = ts->realAt(*next * 1000);
    CHECK(wake > lastReal);
    lastReal = wake;
    ++syncs;
  }
  // Mon 02:00 and 06:00 (the weekend's 4-hour grid), 60 peak polls 08:00-17:50, 18:00 and 22:00.
  CHECK(syncs == 64);
  CHECK(lastReal - RealOrigin <= 60'000);
  CHECK(ts->realAt(at(1, 0) * 1000) - RealOrigin == 60'000);
}
