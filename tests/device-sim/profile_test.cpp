// Device profiles: versions, User-Agents and the WM5 MSFP rule.
#include "device-sim/profiles/profile.h"

#include <catch2/catch.hpp>

#include "eas/version.h"

using namespace devicesim;
using cradle::eas::ProtocolVersion;

TEST_CASE("MSFP rule: the last three build components must be 2.0.0 or higher",
          "[device-sim][profile]") {
  auto hasMsfp = [](std::string_view text) {
    auto build = parseWm5Build(text);
    REQUIRE(build);
    return wm5BuildHasMsfp(*build);
  };
  CHECK(hasMsfp("14955.2.0.0"));        // the seed's example with MSFP (AKU 2)
  CHECK_FALSE(hasMsfp("14847.0.4.0"));  // the seed's example without
  CHECK(hasMsfp("15000.2.0.1"));
  CHECK(hasMsfp("14000.2.1.0"));
  CHECK(hasMsfp("14000.3.0.0"));
  CHECK(hasMsfp("14000.10.0.0"));  // compared as numbers, not text
  CHECK_FALSE(hasMsfp("14955.1.9.9"));
  CHECK_FALSE(hasMsfp("14955.1.99.0"));
  CHECK_FALSE(hasMsfp("99999.0.0.0"));  // the first component does not count
}

TEST_CASE("parseWm5Build refuses anything but four decimal numbers", "[device-sim][profile]") {
  auto b = parseWm5Build("14955.2.0.0");
  REQUIRE(b);
  CHECK(b->build == 14955);
  CHECK(b->a == 2);
  CHECK(b->b == 0);
  CHECK(b->c == 0);
  for (const char* bad : {"", "14955", "14955.2.0", "14955.2.0.0.0", "14955..0.0", "14955.2.0.",
                          ".2.0.0", "14955.2.0.x", "14955.+2.0.0", "14955.-2.0.0", " 14955.2.0.0",
                          "14955.2.0.0 ", "14955.4294967296.0.0"}) {
    INFO(bad);
    CHECK_FALSE(parseWm5Build(bad));
  }
  CHECK(parseWm5Build("1.4294967295.0.0"));
}

TEST_CASE("built-in profiles: names, versions and User-Agents", "[device-sim][profile]") {
  REQUIRE(builtinProfiles().size() == 4);

  auto wm5 = findProfile("wm5");
  REQUIRE(wm5);
  CHECK(wm5->platform == Platform::Wm5);
  CHECK(wm5->userAgent == "MSFT-PPC/5.1.2201");
  CHECK(wm5->buildNumber == "14847.0.4.0");
  CHECK_FALSE(supportsDirectPush(*wm5));
  CHECK_FALSE(supportsProvision(*wm5));
  CHECK_FALSE(supportsSettings(*wm5));

  auto msfp = findProfile("wm5-msfp");
  REQUIRE(msfp);
  CHECK(msfp->protocolVersion == ProtocolVersion::V2_5);
  CHECK(msfp->userAgent == "MSFT-PPC/5.1.2302");
  CHECK(msfp->buildNumber == "14955.2.0.0");
  CHECK(supportsDirectPush(*msfp));
  CHECK(supportsProvision(*msfp));
  CHECK_FALSE(supportsSettings(*msfp));

  auto wm6 = findProfile("wm6");
  REQUIRE(wm6);
  CHECK(wm6->protocolVersion == ProtocolVersion::V12_0);
  CHECK(wm6->userAgent == "MSFT-PPC/5.2.5082");
  CHECK(supportsDirectPush(*wm6));
  CHECK(supportsSettings(*wm6));

  auto wm61 = findProfile("wm61");
  REQUIRE(wm61);
  CHECK(wm61->protocolVersion == ProtocolVersion::V12_1);
  CHECK(wm61->userAgent == "MSFT-PPC/5.2.5500");
  CHECK(supportsDirectPush(*wm61));

  CHECK_FALSE(findProfile("wm65"));
  CHECK_FALSE(findProfile("WM6"));

  for (const Profile& p : builtinProfiles()) {
    INFO(p.name);
    CHECK(p.deviceType == "PocketPC");
    // notes §4: the UA is MSFT-PPC/<CE version>; WM5 is CE 5.1, WM6.x CE 5.2.
    CHECK(p.userAgent == "MSFT-PPC/" + p.osVersion);
    CHECK(p.osVersion.rfind(p.platform == Platform::Wm5 ? "5.1." : "5.2.", 0) == 0);
    CHECK(validate(p.heartbeat).ok());
    CHECK(p.heartbeat.defaultSeconds == 480);
  }
}

TEST_CASE("a WM5 variant follows its build, WM6 ignores the rule", "[device-sim][profile]") {
  Profile p = *findProfile("wm5-msfp");
  p.buildNumber = "14955.1.9.9";
  CHECK_FALSE(supportsDirectPush(p));
  p.buildNumber = "not a build";
  CHECK_FALSE(supportsDirectPush(p));
  p.buildNumber = "14955.2.0.0";
  CHECK(supportsDirectPush(p));

  Profile wm6 = *findProfile("wm6");
  wm6.buildNumber = "14847.0.4.0";
  CHECK(supportsDirectPush(wm6));
}
