// The device's sync schedule: peak / off-peak periods, each As items arrive, polled or manual.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "eas/result.h"

namespace devicesim {

using UnixSeconds = int64_t;  // seconds since 1970-01-01 00:00 UTC

// One period's setting, as on the device's Schedule screen: Manually, As items arrive (Direct
// Push), or every 5, 10, 15, 30, 60 minutes, 2 or 4 hours (notes/desktop-anchors.md "Schedule
// choices (device)"). A polled value is its interval in minutes.
enum class SyncFrequency : uint16_t {
  AsItemsArrive = 0,
  Every5Minutes = 5,
  Every10Minutes = 10,
  Every15Minutes = 15,
  Every30Minutes = 30,
  EveryHour = 60,
  Every2Hours = 120,
  Every4Hours = 240,
  Manual = 0xFFFF,
};

// The polling interval in minutes; nullopt for AsItemsArrive and Manual.
std::optional<uint32_t> pollMinutes(SyncFrequency f);
// Only the seven intervals the device offers: 5, 10, 15, 30, 60, 120, 240; anything else nullopt.
std::optional<SyncFrequency> syncFrequencyFromMinutes(uint32_t minutes);
// "as-items-arrive", "manual", or the minutes ("5" ... "240"); nullopt otherwise.
std::optional<SyncFrequency> parseSyncFrequency(std::string_view text);
std::string_view toString(SyncFrequency f);  // the same words parseSyncFrequency takes

// Peak days bitmask: bit 0 Sunday ... bit 6 Saturday (the Sync CSP's PeakDays order, Sun first).
inline constexpr uint8_t Sunday = 1U << 0;
inline constexpr uint8_t Monday = 1U << 1;
inline constexpr uint8_t Tuesday = 1U << 2;
inline constexpr uint8_t Wednesday = 1U << 3;
inline constexpr uint8_t Thursday = 1U << 4;
inline constexpr uint8_t Friday = 1U << 5;
inline constexpr uint8_t Saturday = 1U << 6;
inline constexpr uint8_t MondayToFriday = Monday | Tuesday | Wednesday | Thursday | Friday;
inline constexpr uint8_t EveryDay = MondayToFriday | Saturday | Sunday;

// Defaults are the Windows Mobile ones: peak every 10 minutes, off-peak every 4 hours (issue 5,
// and the seed's setup article: "By default, the mobile device is scheduled to synchronize every
// 10 minutes during peak times and every four hours during off-peak times"); peak Mon-Fri
// 08:00-18:00 (notes/desktop-anchors.md "Peak definition defaults": Sync CSP PeakDays Mon-Fri,
// PeakStartTime 0800, PeakEndTime 1800).
struct ScheduleConfig {
  SyncFrequency peak = SyncFrequency::Every10Minutes;
  SyncFrequency offPeak = SyncFrequency::Every4Hours;
  uint32_t peakStartMinute = 8 * 60;  // minute of the local day, inclusive
  uint32_t peakEndMinute = 18 * 60;   // exclusive; start < end <= 1440 (no overnight peak)
  uint8_t peakDays = MondayToFriday;
  // Local time = UTC + this offset. Fixed (no DST, no global TZ): the device's clock setting.
  int32_t utcOffsetSeconds = 0;

  // Both periods As items arrive: what the seed's article tells users to set for Direct Push.
  static ScheduleConfig asItemsArrive();
};

// Checks the frequencies are offered values, start < end <= 1440, days <= 0x7F, the offset within
// +-14 h, and that a device without Direct Push (directPush = false) has no AsItemsArrive period.
cradle::eas::Status validate(const ScheduleConfig& config, bool directPush);

// Answers "is it peak now", "push or poll now", and "when is the next scheduled sync".
// How polls are placed is not documented for WM; this simulation [inference] lays each period's
// polls on a grid anchored at the period's start: the first poll is at the start (the moment the
// period begins), then every interval, and the last interval is cut off by the next period. A
// period that never ends (peak every day 00:00-24:00, or no peak day) is anchored at local
// midnight 1970-01-01. Pure and immutable; times are UTC seconds, the offset is in the config.
class SyncSchedule {
 public:
  SyncSchedule();  // the WM defaults
  static cradle::eas::Result<SyncSchedule> create(const ScheduleConfig& config,
                                                  bool directPush = true);

  struct Period {
    bool peak = false;
    SyncFrequency frequency = SyncFrequency::Manual;
    std::optional<UnixSeconds> start;  // nullopt: began before any period boundary (never)
    std::optional<UnixSeconds> end;    // exclusive; nullopt: never ends
  };

  bool isPeak(UnixSeconds t) const;
  Period periodAt(UnixSeconds t) const;
  // Direct Push (Ping) is wanted at t: the period at t is AsItemsArrive.
  bool pushAt(UnixSeconds t) const;
  // The first scheduled poll strictly after `now`, or nullopt if none will ever come (every
  // period is Manual or AsItemsArrive). A period without polls is skipped.
  std::optional<UnixSeconds> nextSync(UnixSeconds now) const;
  const ScheduleConfig& config() const { return config_; }

 private:
  explicit SyncSchedule(const ScheduleConfig& config);
  std::optional<UnixSeconds> periodStart(UnixSeconds t, bool peak) const;
  std::optional<UnixSeconds> periodEnd(UnixSeconds t, bool peak) const;

  ScheduleConfig config_;
};

}  // namespace devicesim
