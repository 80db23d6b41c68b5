// The adaptive heartbeat state machine (notes/eas-protocol.md §5.1).
#include <catch2/catch.hpp>

#include "device-sim/heartbeat/adaptive_heartbeat.h"

using namespace devicesim;
using cradle::eas::PingResponse;
using cradle::eas::PingStatus;

namespace {

// Two successive successes at the current value: the WM default before an increase.
HeartbeatChange twoSuccesses(AdaptiveHeartbeat& hb) {
  CHECK(hb.onPingReturned(PingStatus::Expired) == HeartbeatChange::None);
  return hb.onPingReturned(PingStatus::Expired);
}

}  // namespace

TEST_CASE("heartbeat climbs 480 -> 780 -> 1080 after successive successes",
          "[device-sim][heartbeat]") {
  AdaptiveHeartbeat hb;
  CHECK(hb.current() == 480);
  CHECK(hb.onPingReturned(PingStatus::Expired) == HeartbeatChange::None);
  CHECK(hb.current() == 480);
  CHECK(hb.onPingReturned(PingStatus::Changes) == HeartbeatChange::Increased);
  CHECK(hb.current() == 780);
  CHECK(hb.previous() == 480);
  CHECK(hb.increasedOnLastPing());
  CHECK(twoSuccesses(hb) == HeartbeatChange::Increased);
  CHECK(hb.current() == 1080);
  CHECK(hb.previous() == 780);
}

TEST_CASE("statuses other than 1 and 2 neither count nor change", "[device-sim][heartbeat]") {
  AdaptiveHeartbeat hb;
  CHECK(hb.onPingReturned(PingStatus::Expired) == HeartbeatChange::None);
  for (PingStatus s :
       {PingStatus::MissingParameters, PingStatus::SyntaxError, PingStatus::InvalidHeartbeat,
        PingStatus::TooManyFolders, PingStatus::FolderSyncRequired, PingStatus::ServerError}) {
    CHECK(hb.onPingReturned(s) == HeartbeatChange::None);
  }
  CHECK(hb.successes() == 1);
  CHECK(hb.current() == 480);
}

TEST_CASE("a Ping that dies right after an increase returns to the previous value",
          "[device-sim][heartbeat]") {
  AdaptiveHeartbeat hb;
  twoSuccesses(hb);
  twoSuccesses(hb);
  REQUIRE(hb.current() == 1080);
  CHECK(hb.onPingDied() == HeartbeatChange::BackToPrevious);
  CHECK(hb.current() == 780);
  CHECK_FALSE(hb.increasedOnLastPing());
  CHECK(hb.successes() == 0);
  // 780 was not an increase: a second death drops to the minimum.
  CHECK(hb.onPingDied() == HeartbeatChange::DroppedToMin);
  CHECK(hb.current() == 480);
}

TEST_CASE("a Ping that dies at an established value drops to the minimum",
          "[device-sim][heartbeat]") {
  AdaptiveHeartbeat hb;
  twoSuccesses(hb);  // now 780
  // 780 survives once: it is now established.
  CHECK(hb.onPingReturned(PingStatus::Expired) == HeartbeatChange::None);
  CHECK_FALSE(hb.increasedOnLastPing());
  CHECK(hb.onPingDied() == HeartbeatChange::DroppedToMin);
  CHECK(hb.current() == 480);
  // The success count restarts after a death.
  CHECK(hb.onPingReturned(PingStatus::Expired) == HeartbeatChange::None);
  CHECK(hb.onPingReturned(PingStatus::Expired) == HeartbeatChange::Increased);
  CHECK(hb.current() == 780);
}

TEST_CASE("the heartbeat never exceeds the configured or the server max",
          "[device-sim][heartbeat]") {
  HeartbeatConfig c;
  c.maxSeconds = 1000;
  c.serverMaxSeconds = 2700;
  auto hb = AdaptiveHeartbeat::create(c);
  REQUIRE(hb.ok());
  twoSuccesses(*hb);
  CHECK(hb->current() == 780);
  CHECK(twoSuccesses(*hb) == HeartbeatChange::Increased);
  CHECK(hb->current() == 1000);  // capped, not 1080
  CHECK(twoSuccesses(*hb) == HeartbeatChange::None);
  CHECK(hb->current() == 1000);

  c.maxSeconds = 3540;
  c.serverMaxSeconds = 2700;
  CHECK_FALSE(AdaptiveHeartbeat::create(c).ok());  // max above the server max is refused
  c.serverMaxSeconds = 3540;
  auto high = AdaptiveHeartbeat::create(c);
  REQUIRE(high.ok());
  for (int i = 0; i < 40; ++i) {
    high->onPingReturned(PingStatus::Expired);
  }
  CHECK(high->current() == 3540);
}

TEST_CASE("Status 5 adopts the server's bound and keeps to it", "[device-sim][heartbeat]") {
  AdaptiveHeartbeat hb;
  twoSuccesses(hb);
  twoSuccesses(hb);
  REQUIRE(hb.current() == 1080);
  // Too high: the server answers its maximum.
  CHECK(hb.onStatus5(900) == HeartbeatChange::Adopted);
  CHECK(hb.current() == 900);
  CHECK(hb.upperBound() == 900);
  CHECK(twoSuccesses(hb) == HeartbeatChange::None);
  CHECK(hb.current() == 900);
  // A death at 900 drops to our minimum, which is below the server max.
  CHECK(hb.onPingDied() == HeartbeatChange::DroppedToMin);
  CHECK(hb.current() == 480);
  CHECK(twoSuccesses(hb) == HeartbeatChange::Increased);
  CHECK(hb.current() == 780);
  CHECK(twoSuccesses(hb) == HeartbeatChange::Increased);
  CHECK(hb.current() == 900);
}

TEST_CASE("Status 5 with a server minimum above ours raises the floor", "[device-sim][heartbeat]") {
  AdaptiveHeartbeat hb;
  PingResponse r;
  r.status = PingStatus::InvalidHeartbeat;
  r.heartbeatInterval = 600;
  CHECK(hb.onPingResponse(r) == HeartbeatChange::Adopted);
  CHECK(hb.current() == 600);
  CHECK(hb.lowerBound() == 600);
  CHECK(hb.onPingDied() == HeartbeatChange::DroppedToMin);
  CHECK(hb.current() == 600);  // not 480: the server would refuse it

  // Status 5 without a value, and nonsense values, are ignored.
  r.heartbeatInterval.reset();
  CHECK(hb.onPingResponse(r) == HeartbeatChange::None);
  CHECK(hb.onStatus5(0) == HeartbeatChange::None);
  CHECK(hb.onStatus5(3541) == HeartbeatChange::None);
  CHECK(hb.current() == 600);

  r.status = PingStatus::Expired;
  CHECK(hb.onPingResponse(r) == HeartbeatChange::None);
  CHECK(hb.successes() == 1);
}

TEST_CASE("heartbeat configuration validation", "[device-sim][heartbeat]") {
  CHECK(validate(HeartbeatConfig{}).ok());
  auto refused = [](auto change) {
    HeartbeatConfig c;
    change(c);
    return !validate(c).ok() && !AdaptiveHeartbeat::create(c).ok();
  };
  CHECK(refused([](HeartbeatConfig& c) { c.minSeconds = 0; }));
  CHECK(refused([](HeartbeatConfig& c) { c.defaultSeconds = 400; }));   // below min
  CHECK(refused([](HeartbeatConfig& c) { c.defaultSeconds = 3000; }));  // above max
  CHECK(refused([](HeartbeatConfig& c) { c.maxSeconds = 300; }));       // below min
  CHECK(refused([](HeartbeatConfig& c) { c.incrementSeconds = 0; }));
  CHECK(refused([](HeartbeatConfig& c) { c.successesBeforeIncrease = 0; }));
  CHECK(refused([](HeartbeatConfig& c) { c.serverMaxSeconds = 3600; }));
  CHECK(refused([](HeartbeatConfig& c) { c.serverMaxSeconds = 2000; }));  // below max 2700
  CHECK(describe(HeartbeatChange::BackToPrevious) == "back to previous");
}
