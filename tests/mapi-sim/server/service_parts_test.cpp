// mapi-sim server parts without sockets: fault settings, the event log, time-zone blobs, the
// admin API's answers on a real mailbox.
#include <catch2/catch.hpp>

#include "eas/base64.h"
#include "mapi-sim/admin/admin_api.h"
#include "mapi-sim/server/event_log.h"
#include "mapi-sim/server/faults.h"
#include "tests/support/process.h"

using namespace mapisim;

TEST_CASE("fault settings round-trip through JSON and refuse bad input", "[mapi-sim][faults]") {
  FaultSettings s;
  s.delayMs = 250;
  s.delayCount = 3;
  s.unavailableCount = 2;
  s.retryAfterSeconds = 9;
  s.dropPingsAfterMs = 1500;
  s.refuseConnections = true;
  s.dripBytes = 8;
  s.dripIntervalMs = 40;
  std::string error;
  auto back = faultsFromJson(toJson(s), error);
  REQUIRE(back);
  CHECK(toJson(*back) == toJson(s));

  CHECK_FALSE(faultsFromJson(R"({"delayMs": -1})", error));
  CHECK(error.find("delayMs") != std::string::npos);
  CHECK_FALSE(faultsFromJson(R"({"speed": 1})", error));
  CHECK(error.find("unknown key speed") != std::string::npos);
  CHECK_FALSE(faultsFromJson(R"({"refuseConnections": 1})", error));
  CHECK_FALSE(faultsFromJson(R"({"dripBytes": 4})", error));  // no interval
  CHECK_FALSE(faultsFromJson("[1,2]", error));
  CHECK_FALSE(faultsFromJson("{", error));
}

TEST_CASE("fault counters are consumed per request", "[mapi-sim][faults]") {
  Faults f;
  CHECK_FALSE(f.anyActive());
  FaultSettings s;
  s.unavailableCount = 2;
  s.delayMs = 100;
  s.delayCount = 1;
  f.set(s);
  CHECK(f.planRequest().unavailable);
  CHECK(f.planRequest().unavailable);
  FaultPlan p = f.planRequest();
  CHECK_FALSE(p.unavailable);
  CHECK(p.delayMs == 100);
  CHECK(f.planRequest().delayMs == 0);
  f.clear();
  CHECK_FALSE(f.anyActive());
}

TEST_CASE("the event log keeps order, a window, and a file", "[mapi-sim][events]") {
  cradle::test::TempDir dir;
  EventLog log(dir.path() + "/events.log", 3);
  for (int i = 0; i < 5; ++i) {
    log.add("k" + std::to_string(i % 2), "event " + std::to_string(i));
  }
  auto all = log.since(0);
  REQUIRE(all.size() == 3);
  CHECK(all.front().text == "event 2");
  CHECK(all.back().seq == 5);
  CHECK(log.since(4).size() == 1);
  CHECK(log.count("k0") == 2);
  const std::string file = cradle::test::readFile(dir.path() + "/events.log");
  CHECK(file.find("event 0") != std::string::npos);
  CHECK(file.find("event 4") != std::string::npos);
  CHECK(isoTime(1764063987123) == "2025-11-25T09:46:27.123Z");
}

TEST_CASE("time-zone blobs have the MS-ASDTYPE layout", "[mapi-sim][admin]") {
  auto utc = timeZoneBlob("UTC");
  REQUIRE(utc);
  auto raw = cradle::eas::base64Decode(*utc);
  REQUIRE(raw);
  CHECK(raw->size() == 172);
  auto europe = cradle::eas::base64Decode(*timeZoneBlob("W. Europe"));
  REQUIRE(europe);
  // Bias -60 minutes, little-endian int32.
  CHECK(static_cast<unsigned char>((*europe)[0]) == 0xC4);
  CHECK(static_cast<unsigned char>((*europe)[3]) == 0xFF);
  // DaylightBias -60 at offset 168, standard date month 10 at offset 70.
  CHECK(static_cast<unsigned char>((*europe)[70]) == 10);
  CHECK(static_cast<unsigned char>((*europe)[168]) == 0xC4);
  CHECK_FALSE(timeZoneBlob("Mars/Olympus"));
}
