// ServerSettings: JSON round trip and strict errors, every applySetting key, policyFor.
#include "mapi-sim/policy/server_settings.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "mapi-sim/policy/policy_document.h"

using namespace mapisim;
using cradle::eas::ErrorCode;

namespace {

ServerSettings customised() {
  ServerSettings s = ServerSettings::forProfile("exchange2003sp2");
  s.heartbeat.min = 120;
  s.maxPingFolders = 50;
  s.heartbeatLogWindow = 10;
  s.heartbeatLogThreshold = 300;
  s.mobile.directPush = false;
  s.mobile.upToDateNotifications = false;
  s.globalPolicy.enforcePassword = true;
  s.globalPolicy.minPasswordLength = 6;
  s.globalPolicy.requireAlphanumeric = true;
  s.globalPolicy.inactivityMinutes = 0;
  s.globalPolicy.wipeAfterFailures = 0;
  s.globalPolicy.refreshHours = 24;
  s.globalPolicy.allowNonProvisionable = false;
  s.globalPolicy.attachmentsEnabled = false;
  s.globalPolicy.maxAttachmentSize = 1048576;
  s.exemptUsers = {"boss", "Ceo"};
  DevicePolicy strict;
  strict.enforcePassword = true;
  strict.minPasswordLength = 12;
  s.policies["strict"] = strict;
  s.policies["lax-1"] = DevicePolicy{};
  return s;
}

// The error of settingsFromJson(json); fails the test when it parses.
std::string jsonError(const std::string& json) {
  auto r = settingsFromJson(json);
  INFO(json);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::BadValue);
  return r.error().detail;
}

std::string applyError(ServerSettings& s, std::string_view key, std::string_view value) {
  const ServerSettings before = s;
  auto st = applySetting(s, key, value);
  INFO(std::string(key) + "=" + std::string(value));
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().code == ErrorCode::BadValue);
  CHECK(s == before);  // unchanged on error
  return st.error().detail;
}

}  // namespace

TEST_CASE("settings JSON round trip", "[mapi-sim][policy]") {
  SECTION("defaults") {
    const ServerSettings s;
    auto back = settingsFromJson(toJson(s));
    REQUIRE(back.ok());
    CHECK(*back == s);
  }
  SECTION("every field changed") {
    const ServerSettings s = customised();
    auto back = settingsFromJson(toJson(s));
    REQUIRE(back.ok());
    CHECK(*back == s);
    CHECK(back->heartbeat.max == 2700);
    CHECK(back->policies.at("strict").minPasswordLength == 12);
  }
  SECTION("the JSON names the keys applySetting uses") {
    const std::string json = toJson(customised());
    for (const char* key :
         {"\"profile\"", "\"heartbeat\"", "\"mobile\"", "\"security\"", "\"exempt\"",
          "\"policies\"", "\"directPush\"", "\"minPasswordLength\"", "\"allowNonProvisionable\""}) {
      CHECK(json.find(key) != std::string::npos);
    }
  }
}

TEST_CASE("settings JSON: missing keys take the profile's defaults", "[mapi-sim][policy]") {
  auto empty = settingsFromJson("{}");
  REQUIRE(empty.ok());
  CHECK(*empty == ServerSettings{});

  auto e2003 =
      settingsFromJson(R"({"profile":"exchange2003sp2","security":{"minPasswordLength":8}})");
  REQUIRE(e2003.ok());
  CHECK(e2003->profile == "exchange2003sp2");
  CHECK(e2003->heartbeat.min == 60);
  CHECK(e2003->heartbeat.max == 2700);
  CHECK(e2003->globalPolicy.minPasswordLength == 8);
  CHECK(e2003->globalPolicy.wipeAfterFailures == DevicePolicy{}.wipeAfterFailures);

  auto partial = settingsFromJson(R"({"heartbeat":{"max":1200},"mobile":{"directPush":false}})");
  REQUIRE(partial.ok());
  CHECK(partial->heartbeat.min == 60);
  CHECK(partial->heartbeat.max == 1200);
  CHECK_FALSE(partial->mobile.directPush);
  CHECK(partial->mobile.userInitiatedSync);
}

TEST_CASE("settings JSON is strict", "[mapi-sim][policy]") {
  CHECK_THAT(jsonError("not json"), Catch::Contains("not valid JSON"));
  CHECK_THAT(jsonError("[1,2]"), Catch::Contains("must be a JSON object"));
  CHECK_THAT(jsonError(R"({"colour":1})"), Catch::Contains("unknown key 'colour'"));
  CHECK_THAT(jsonError(R"({"security":{"pin":true}})"), Catch::Contains("security.pin"));
  CHECK_THAT(jsonError(R"({"mobile":{"push":true}})"), Catch::Contains("mobile.push"));
  CHECK_THAT(jsonError(R"({"heartbeat":{"low":60}})"), Catch::Contains("heartbeat.low"));
  CHECK_THAT(jsonError(R"({"policies":{"p":{"size":1}}})"), Catch::Contains("policies.p.size"));
  CHECK_THAT(jsonError(R"({"profile":"exchange2010"})"), Catch::Contains("unknown profile"));
  CHECK_THAT(jsonError(R"({"profile":7})"), Catch::Contains("profile must be a string"));

  // Wrong types.
  CHECK_THAT(jsonError(R"({"security":{"minPasswordLength":"4"}})"),
             Catch::Contains("security.minPasswordLength must be a whole number"));
  CHECK_THAT(jsonError(R"({"security":{"minPasswordLength":true}})"),
             Catch::Contains("security.minPasswordLength"));
  CHECK_THAT(jsonError(R"({"security":{"minPasswordLength":4.5}})"),
             Catch::Contains("security.minPasswordLength"));
  CHECK_THAT(jsonError(R"({"maxPingFolders":-1})"), Catch::Contains("maxPingFolders"));
  CHECK_THAT(jsonError(R"({"mobile":{"directPush":1}})"),
             Catch::Contains("mobile.directPush must be true or false"));
  CHECK_THAT(jsonError(R"({"mobile":true})"), Catch::Contains("mobile must be an object"));
  CHECK_THAT(jsonError(R"({"security":{"exempt":"bob"}})"), Catch::Contains("security.exempt"));
  CHECK_THAT(jsonError(R"({"security":{"exempt":[1]}})"), Catch::Contains("security.exempt"));
  CHECK_THAT(jsonError(R"({"policies":{"p":7}})"), Catch::Contains("policies.p must be an object"));

  // Out of range.
  CHECK_THAT(jsonError(R"({"security":{"minPasswordLength":0}})"), Catch::Contains("1..16"));
  CHECK_THAT(jsonError(R"({"security":{"minPasswordLength":17}})"), Catch::Contains("1..16"));
  CHECK_THAT(jsonError(R"({"security":{"wipeAfterFailures":3}})"), Catch::Contains("0 or 4..16"));
  CHECK_THAT(jsonError(R"({"security":{"inactivityMinutes":167}})"),
             Catch::Contains("inactivityMinutes"));
  CHECK_THAT(jsonError(R"({"security":{"maxAttachmentSize":4294967296}})"),
             Catch::Contains("maxAttachmentSize"));
  CHECK_THAT(jsonError(R"({"heartbeat":{"min":600,"max":300}})"),
             Catch::Contains("above heartbeat.max"));
  CHECK_THAT(jsonError(R"({"heartbeat":{"min":0}})"), Catch::Contains("heartbeat.min"));
  CHECK_THAT(jsonError(R"({"policies":{"bad name":{}}})"), Catch::Contains("policy name"));
}

TEST_CASE("applySetting: every key", "[mapi-sim][policy]") {
  ServerSettings s;

  SECTION("profile") {
    REQUIRE(applySetting(s, "profile", "exchange2003sp2").ok());
    CHECK(s.profile == "exchange2003sp2");
    CHECK(s.heartbeat.max == 2700);
    REQUIRE(applySetting(s, "profile", "Exchange2007").ok());
    CHECK(s.profile == "exchange2007");
    CHECK(s.heartbeat.max == 3540);
    CHECK_THAT(applyError(s, "profile", "exchange5.5"), Catch::Contains("profile"));
  }
  SECTION("heartbeat bounds") {
    REQUIRE(applySetting(s, "heartbeat.min", "30").ok());
    REQUIRE(applySetting(s, "heartbeat.max", "900").ok());
    CHECK(s.heartbeat.min == 30);
    CHECK(s.heartbeat.max == 900);
    CHECK_THAT(applyError(s, "heartbeat.min", "901"), Catch::Contains("above heartbeat.max"));
    CHECK_THAT(applyError(s, "heartbeat.max", "29"), Catch::Contains("above heartbeat.max"));
    CHECK_THAT(applyError(s, "heartbeat.max", "0"), Catch::Contains("1..86400"));
    CHECK_THAT(applyError(s, "heartbeat.min", "abc"), Catch::Contains("decimal number"));
    CHECK_THAT(applyError(s, "heartbeat.min", "-5"), Catch::Contains("decimal number"));
    CHECK_THAT(applyError(s, "heartbeat.min", ""), Catch::Contains("decimal number"));
  }
  SECTION("top-level numbers") {
    REQUIRE(applySetting(s, "maxPingFolders", "25").ok());
    REQUIRE(applySetting(s, "heartbeatLogWindow", "5").ok());
    REQUIRE(applySetting(s, "heartbeatLogThreshold", "0").ok());
    CHECK(s.maxPingFolders == 25);
    CHECK(s.heartbeatLogWindow == 5);
    CHECK(s.heartbeatLogThreshold == 0);
    CHECK_THAT(applyError(s, "maxPingFolders", "0"), Catch::Contains("1..10000"));
    CHECK_THAT(applyError(s, "heartbeatLogWindow", "99999999999"), Catch::Contains("decimal"));
  }
  SECTION("mobile services") {
    REQUIRE(applySetting(s, "mobile.directPush", "off").ok());
    REQUIRE(applySetting(s, "mobile.userInitiatedSync", "FALSE").ok());
    REQUIRE(applySetting(s, "mobile.upToDateNotifications", "no").ok());
    REQUIRE(applySetting(s, "mobile.notifyUserSmtpAddresses", "0").ok());
    CHECK_FALSE(s.mobile.directPush);
    CHECK_FALSE(s.mobile.userInitiatedSync);
    CHECK_FALSE(s.mobile.upToDateNotifications);
    CHECK_FALSE(s.mobile.notifyUserSmtpAddresses);
    REQUIRE(applySetting(s, "mobile.directPush", "On").ok());
    CHECK(s.mobile.directPush);
    CHECK_THAT(applyError(s, "mobile.directPush", "maybe"), Catch::Contains("on|off"));
    CHECK_THAT(applyError(s, "mobile.push", "on"), Catch::Contains("unknown key"));
  }
  SECTION("device security") {
    REQUIRE(applySetting(s, "security.enforcePassword", "on").ok());
    REQUIRE(applySetting(s, "security.minPasswordLength", "16").ok());
    REQUIRE(applySetting(s, "security.requireAlphanumeric", "yes").ok());
    REQUIRE(applySetting(s, "security.inactivityMinutes", "0").ok());
    REQUIRE(applySetting(s, "security.wipeAfterFailures", "4").ok());
    REQUIRE(applySetting(s, "security.refreshHours", "24").ok());
    REQUIRE(applySetting(s, "security.allowNonProvisionable", "off").ok());
    REQUIRE(applySetting(s, "security.attachmentsEnabled", "off").ok());
    REQUIRE(applySetting(s, "security.maxAttachmentSize", "65536").ok());
    const DevicePolicy& p = s.globalPolicy;
    CHECK(p.enforcePassword);
    CHECK(p.minPasswordLength == 16);
    CHECK(p.requireAlphanumeric);
    CHECK(p.inactivityMinutes == 0);
    CHECK(p.wipeAfterFailures == 4);
    CHECK(p.refreshHours == 24);
    CHECK_FALSE(p.allowNonProvisionable);
    CHECK_FALSE(p.attachmentsEnabled);
    CHECK(p.maxAttachmentSize == 65536);

    CHECK_THAT(applyError(s, "security.minPasswordLength", "0"), Catch::Contains("1..16"));
    CHECK_THAT(applyError(s, "security.minPasswordLength", "17"), Catch::Contains("1..16"));
    CHECK_THAT(applyError(s, "security.wipeAfterFailures", "3"), Catch::Contains("0 or 4..16"));
    CHECK_THAT(applyError(s, "security.wipeAfterFailures", "17"), Catch::Contains("0 or 4..16"));
    CHECK_THAT(applyError(s, "security.inactivityMinutes", "167"), Catch::Contains("0 or 1..166"));
    CHECK_THAT(applyError(s, "security.refreshHours", "8761"), Catch::Contains("0 or 1..8760"));
    CHECK_THAT(applyError(s, "security.enforcePassword", "2"), Catch::Contains("on|off"));
    CHECK_THAT(applyError(s, "security.allowNonProvisionableDevices", "on"),
               Catch::Contains("unknown key"));
  }
  SECTION("exceptions list") {
    REQUIRE(applySetting(s, "security.exempt", "+alice").ok());
    REQUIRE(applySetting(s, "security.exempt", "+bob").ok());
    REQUIRE(applySetting(s, "security.exempt", "+ALICE").ok());  // already there
    CHECK(s.exemptUsers == std::vector<std::string>{"alice", "bob"});
    REQUIRE(applySetting(s, "security.exempt", "-Alice").ok());
    CHECK(s.exemptUsers == std::vector<std::string>{"bob"});
    CHECK_THAT(applyError(s, "security.exempt", "-carol"), Catch::Contains("not on the"));
    CHECK_THAT(applyError(s, "security.exempt", "carol"), Catch::Contains("+user"));
    CHECK_THAT(applyError(s, "security.exempt", "+"), Catch::Contains("+user"));
    CHECK_THAT(applyError(s, "security.exempt", "+a b"), Catch::Contains("+user"));
    REQUIRE(applySetting(s, "security.exempt", "").ok());
    CHECK(s.exemptUsers.empty());
  }
  SECTION("named policies") {
    REQUIRE(applySetting(s, "policy.Sales_1.enforcePassword", "on").ok());
    REQUIRE(applySetting(s, "policy.Sales_1.minPasswordLength", "8").ok());
    REQUIRE(s.policies.count("Sales_1") == 1);
    CHECK(s.policies.at("Sales_1").enforcePassword);
    CHECK(s.policies.at("Sales_1").minPasswordLength == 8);
    // Created with the DevicePolicy defaults, not the global policy's values.
    CHECK(s.policies.at("Sales_1").wipeAfterFailures == DevicePolicy{}.wipeAfterFailures);
    CHECK_THAT(applyError(s, "policy.Sales_1.minPasswordLength", "99"), Catch::Contains("1..16"));
    CHECK_THAT(applyError(s, "policy.Sales_1.colour", "red"), Catch::Contains("unknown key"));
    CHECK_THAT(applyError(s, "policy.bad name.enforcePassword", "on"),
               Catch::Contains("policy names"));
    CHECK_THAT(applyError(s, "policy..enforcePassword", "on"), Catch::Contains("policy names"));
    CHECK_THAT(applyError(s, "policy.Sales_1", "keep"), Catch::Contains("remove"));
    REQUIRE(applySetting(s, "policy.Sales_1", "remove").ok());
    CHECK(s.policies.empty());
    CHECK_THAT(applyError(s, "policy.Sales_1", "remove"), Catch::Contains("no policy named"));
  }
  SECTION("unknown keys") {
    CHECK_THAT(applyError(s, "colour", "red"), Catch::Contains("unknown key 'colour'"));
    CHECK_THAT(applyError(s, "", "x"), Catch::Contains("unknown key"));
  }
  SECTION("every edit keeps the settings valid JSON") {
    REQUIRE(applySetting(s, "policy.x.refreshHours", "1").ok());
    REQUIRE(applySetting(s, "security.exempt", "+z").ok());
    auto back = settingsFromJson(toJson(s));
    REQUIRE(back.ok());
    CHECK(*back == s);
  }
  CHECK_FALSE(settingKeysHelp().empty());
}

TEST_CASE("policyFor: exceptions list and named policies", "[mapi-sim][policy]") {
  ServerSettings s;
  s.globalPolicy.minPasswordLength = 5;
  DevicePolicy sales;
  sales.minPasswordLength = 9;
  s.policies["sales"] = sales;
  s.exemptUsers = {"Boss"};

  auto global = s.policyFor("alice", "");
  REQUIRE(global);
  CHECK(global->minPasswordLength == 5);

  auto named = s.policyFor("alice", "sales");
  REQUIRE(named);
  CHECK(named->minPasswordLength == 9);

  auto missing = s.policyFor("alice", "nosuch");  // falls back to the global policy
  REQUIRE(missing);
  CHECK(missing->minPasswordLength == 5);

  CHECK_FALSE(s.policyFor("boss", "sales").has_value());  // exempt wins, case-insensitively
  CHECK_FALSE(s.policyFor("BOSS", "").has_value());

  UserRecord flagged;
  flagged.name = "carol";
  flagged.policyExempt = true;
  CHECK_FALSE(effectivePolicy(s, flagged).has_value());
  flagged.policyExempt = false;
  flagged.policy = "sales";
  REQUIRE(effectivePolicy(s, flagged));
  CHECK(effectivePolicy(s, flagged)->minPasswordLength == 9);
}

TEST_CASE("policy document: settings map to EASProvisionDoc elements", "[mapi-sim][policy]") {
  DevicePolicy p;
  p.enforcePassword = true;
  p.minPasswordLength = 6;
  p.requireAlphanumeric = true;
  p.inactivityMinutes = 10;
  p.wipeAfterFailures = 5;
  p.maxAttachmentSize = 2048;
  p.attachmentsEnabled = false;
  const auto set = toPolicySet(p);
  CHECK(set.devicePasswordEnabled == true);
  CHECK(set.alphanumericDevicePasswordRequired == true);
  CHECK(set.minDevicePasswordLength == cradle::eas::PolicyLimit{6});
  CHECK(set.maxInactivityTimeDeviceLock == cradle::eas::PolicyLimit{600});  // seconds
  CHECK(set.maxDevicePasswordFailedAttempts == cradle::eas::PolicyLimit{5});
  CHECK(set.maxAttachmentSize == cradle::eas::PolicyLimit{2048});
  CHECK(set.attachmentsEnabled == false);

  // Without a password the limits are empty elements, as Exchange sends them.
  p.enforcePassword = false;
  const auto none = toPolicySet(p);
  CHECK(none.devicePasswordEnabled == false);
  CHECK(none.alphanumericDevicePasswordRequired == false);
  CHECK(none.minDevicePasswordLength == cradle::eas::PolicyLimit::empty());
  CHECK(none.maxDevicePasswordFailedAttempts == cradle::eas::PolicyLimit::empty());

  // The fingerprint follows the document as the version sees it.
  using cradle::eas::ProtocolVersion;
  CHECK(policyFingerprint(set, ProtocolVersion::V12_1) ==
        policyFingerprint(set, ProtocolVersion::V12_1));
  CHECK(policyFingerprint(set, ProtocolVersion::V12_1) !=
        policyFingerprint(none, ProtocolVersion::V12_1));
  CHECK(policyFingerprint(set, ProtocolVersion::V2_5) !=
        policyFingerprint(set, ProtocolVersion::V12_1));
  // A 12.1-only element does not change what a 12.0 client is sent.
  auto more = set;
  more.allowCamera = false;
  CHECK(policyFingerprint(more, ProtocolVersion::V12_0) ==
        policyFingerprint(set, ProtocolVersion::V12_0));
  CHECK(policyFingerprint(more, ProtocolVersion::V12_1) !=
        policyFingerprint(set, ProtocolVersion::V12_1));
}
