// The Windows Mobile adaptive Direct Push heartbeat as a pure state machine (no clock, no I/O).
#pragma once

#include <cstdint>
#include <string_view>

#include "eas/message/ping.h"
#include "eas/result.h"

namespace devicesim {

// The largest HeartbeatInterval any server of the era accepts: Exchange 2007+ and MS-ASCMD allow
// 60-3540 s, Exchange 2003 SP2 60-2700 s (notes/eas-protocol.md §5.2). A Status 5 value above it
// is refused as nonsense rather than adopted.
inline constexpr uint32_t MaxServerHeartbeatSeconds = 3540;

// The OEM/operator knobs of the WM algorithm (TechNet cc182270 names HeartbeatDefault,
// HeartbeatIncrement, HeartbeatMin, HeartbeatMax; notes §5.1). The factory values are not
// documented; the defaults below are the notes' suggested simulation values:
//   defaultSeconds 480: observed in WM5/MSFP device logs and called "the default" by KB 905013.
//   incrementSeconds 300, minSeconds 480: [inference] from the observed 480 -> 780 -> 1080.
//   maxSeconds 2700: [inference] top of the suggested 1680-2700 range (= Exchange 2003 SP2 max).
//   successesBeforeIncrease 2: [inference] "the device waits for successive round trips".
//   serverMaxSeconds 3540: Exchange 2007+ max (§5.2); maxSeconds may not exceed it.
struct HeartbeatConfig {
  uint32_t defaultSeconds = 480;
  uint32_t incrementSeconds = 300;
  uint32_t minSeconds = 480;
  uint32_t maxSeconds = 2700;
  uint32_t successesBeforeIncrease = 2;
  uint32_t serverMaxSeconds = MaxServerHeartbeatSeconds;
};

// Checks 1 <= min <= default <= max <= serverMax <= 3540, increment >= 1, successes >= 1.
// A configuration error (BadValue) names the offending field.
cradle::eas::Status validate(const HeartbeatConfig& config);

// What one event did to the heartbeat (for the device's "heartbeat changed" event).
enum class HeartbeatChange : uint8_t {
  None,            // value unchanged (maybe a success counted towards the next increase)
  Increased,       // stepped up by the increment (capped at the upper bound)
  BackToPrevious,  // a Ping at a just-increased value died: return to the last good value
  DroppedToMin,    // a Ping at an established value died: the network changed, start low
  Adopted,         // Ping Status 5: the server's bound was adopted
};
std::string_view describe(HeartbeatChange c);

// The device-side heartbeat algorithm of Windows Mobile (notes §5.1, from TechNet cc182270
// "Heartbeat Interval Adjustment" and cc182240 "Direct Push Activity"):
// - start at the default; after `successesBeforeIncrease` successive Pings that returned
//   (Status 1 or 2), step up by the increment, never above min(max, server max);
// - when a Ping dies (no response by the end of the interval, connection dropped): if the
//   heartbeat was increased for that Ping go back to the previous value, else drop to the minimum;
// - Status 5 carries the server's minimum or maximum: adopt it, and remember it as a bound.
// Pure value type: one device's client owns it and calls it from that device's loop.
class AdaptiveHeartbeat {
 public:
  AdaptiveHeartbeat();  // the default HeartbeatConfig
  // Refuses an invalid configuration (see validate()).
  static cradle::eas::Result<AdaptiveHeartbeat> create(const HeartbeatConfig& config);

  uint32_t current() const { return current_; }    // seconds to put in the next Ping
  uint32_t previous() const { return previous_; }  // the value before the last increase
  bool increasedOnLastPing() const { return increased_; }
  uint32_t successes() const { return successes_; }  // successive returns since the last change
  uint32_t lowerBound() const;  // max(min, a server minimum learnt from Status 5)
  uint32_t upperBound() const;  // min(max, server max, a server maximum learnt from Status 5)
  const HeartbeatConfig& config() const { return config_; }

  // A Ping came back. Status 1 (expired) and 2 (changes) prove the path kept the connection and
  // count as successful round trips (notes §3.1 table, §5.1). Other statuses tell nothing about
  // the network and change nothing; Status 5 needs its value: use onStatus5/onPingResponse.
  HeartbeatChange onPingReturned(cradle::eas::PingStatus status);
  // No response by the end of the interval, or the connection dropped while parked.
  HeartbeatChange onPingDied();
  // Ping Status 5 with the server's HeartbeatInterval (MS-ASCMD 2.2.3.177.11: the allowed minimum
  // if ours was too low, the maximum if too high). A value of 0 or above 3540 is untrusted
  // nonsense and ignored (None).
  HeartbeatChange onStatus5(uint32_t limit);
  // Dispatches a decoded response: Status 5 with a HeartbeatInterval to onStatus5, the rest to
  // onPingReturned.
  HeartbeatChange onPingResponse(const cradle::eas::PingResponse& response);

 private:
  explicit AdaptiveHeartbeat(const HeartbeatConfig& config);

  HeartbeatConfig config_;
  uint32_t current_;
  uint32_t previous_;
  uint32_t serverMin_ = 0;  // learnt from Status 5; 0 = unknown
  uint32_t serverMax_;      // config serverMax, lowered by Status 5
  uint32_t successes_ = 0;
  bool increased_ = false;
};

}  // namespace devicesim
