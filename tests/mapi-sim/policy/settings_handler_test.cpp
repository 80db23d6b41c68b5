// Settings: DeviceInformation stored, UserInformation, Oof Get/Set, DevicePassword, bad requests.
#include <catch2/catch.hpp>

#include "tests/mapi-sim/policy/policy_fixture.h"

using namespace mapisim;
using namespace mapisim::testing;
using eas::Command;
using eas::HttpStatus;
using eas::ProtocolVersion;
using eas::SettingsStatus;

namespace {

constexpr auto V121 = ProtocolVersion::V12_1;

// Runs Settings after provisioning the device (the gate must let it through).
eas::SettingsResponse settings(PolicyFixture& f, ProtocolVersion v, const std::string& body,
                               uint32_t key) {
  auto reply = f.run(Command::Settings, v, body, key);
  REQUIRE(f.passed);
  REQUIRE(reply.outcome.status == HttpStatus::Ok);
  auto resp = eas::decodeWbxml(reply.body, &eas::decodeSettingsResponse);
  INFO((resp.ok() ? std::string() : resp.error().message()));
  REQUIRE(resp.ok());
  return *resp;
}

}  // namespace

TEST_CASE("Settings DeviceInformation is stored as Name: value lines", "[mapi-sim][policy]") {
  PolicyFixture f;
  const uint32_t key = f.provisionFully(V121);
  // The real TbSync capture of the protocol notes (vector 7.16), as XML.
  const std::string body = wbxmlOf(
      "<Settings xmlns=\"Settings:\"><DeviceInformation><Set><Model>Computer</Model>"
      "<FriendlyName>TbSync on Device</FriendlyName><OS>WINNT</OS>"
      "<UserAgent>Thunderbird ActiveSync</UserAgent><IMEI>35 12\r\nX</IMEI></Set>"
      "</DeviceInformation></Settings>");
  auto resp = settings(f, V121, body, key);
  CHECK(resp.status == SettingsStatus::Success);
  CHECK(resp.deviceInformationStatus == SettingsStatus::Success);
  CHECK(f.device().deviceInfo ==
        "Model: Computer\nIMEI: 35 12  X\nFriendlyName: TbSync on Device\nOS: WINNT\n"
        "UserAgent: Thunderbird ActiveSync\n");
}

TEST_CASE("Settings needs a current policy key like any command", "[mapi-sim][policy]") {
  PolicyFixture f;
  eas::SettingsRequest req;
  req.userInformationGet = true;
  auto reply = f.run(Command::Settings, V121, eas::encode(req), std::nullopt);
  CHECK_FALSE(f.passed);
  CHECK(reply.outcome.status == HttpStatus::NeedProvisioning);
}

TEST_CASE("Settings UserInformation Get", "[mapi-sim][policy]") {
  PolicyFixture f;
  eas::SettingsRequest req;
  req.userInformationGet = true;
  SECTION("12.1: EmailAddresses") {
    const uint32_t key = f.provisionFully(V121);
    auto resp = settings(f, V121, eas::encode(req), key);
    REQUIRE(resp.userInformation);
    CHECK(resp.userInformation->status == SettingsStatus::Success);
    CHECK(resp.userInformation->smtpAddresses == std::vector<std::string>{"alice@example.com"});
  }
  SECTION("14.1: Accounts") {
    const uint32_t key = f.provisionFully(ProtocolVersion::V14_1);
    auto resp = settings(f, ProtocolVersion::V14_1, eas::encode(req), key);
    REQUIRE(resp.userInformation);
    REQUIRE(resp.userInformation->accounts.size() == 1);
    CHECK(resp.userInformation->accounts[0].primarySmtpAddress == "alice@example.com");
  }
}

TEST_CASE("Settings Oof Get and Set", "[mapi-sim][policy]") {
  PolicyFixture f;
  const uint32_t key = f.provisionFully(V121);
  eas::SettingsRequest get;
  get.oofGet = eas::OofBodyType::Text;

  auto first = settings(f, V121, eas::encode(get), key);
  REQUIRE(first.oof);
  CHECK(first.oof->status == SettingsStatus::Success);
  REQUIRE(first.oof->get);
  CHECK(first.oof->get->oofState == eas::OofState::Disabled);
  REQUIRE(first.oof->get->messages.size() == 3);
  CHECK(first.oof->get->messages[0].enabled == false);

  eas::SettingsRequest set;
  eas::OofSettings oof;
  oof.oofState = eas::OofState::Global;
  eas::OofMessage internal;
  internal.appliesTo = eas::OofAudience::Internal;
  internal.enabled = true;
  internal.replyMessage = "Away until Monday";
  internal.bodyType = eas::OofBodyType::Text;
  oof.messages.push_back(internal);
  set.oofSet = oof;
  auto stored = settings(f, V121, eas::encode(set), key);
  REQUIRE(stored.oof);
  CHECK(stored.oof->status == SettingsStatus::Success);
  CHECK_FALSE(stored.oof->get);

  auto second = settings(f, V121, eas::encode(get), key);
  REQUIRE(second.oof);
  REQUIRE(second.oof->get);
  CHECK(second.oof->get->oofState == eas::OofState::Global);
  REQUIRE(second.oof->get->messages.size() == 3);
  CHECK(second.oof->get->messages[0].appliesTo == eas::OofAudience::Internal);
  CHECK(second.oof->get->messages[0].enabled == true);
  CHECK(second.oof->get->messages[0].replyMessage == "Away until Monday");
  CHECK(second.oof->get->messages[1].enabled == false);
}

TEST_CASE("Settings DevicePassword is recorded", "[mapi-sim][policy]") {
  PolicyFixture f;
  const uint32_t key = f.provisionFully(V121);
  eas::SettingsRequest req;
  req.devicePassword = "recover-me-1234";
  auto resp = settings(f, V121, eas::encode(req), key);
  CHECK(resp.devicePasswordStatus == SettingsStatus::Success);
  CHECK(f.mailbox().deviceState(f.device().id, "recovery-password") == "recover-me-1234");
}

TEST_CASE("Settings: a body that is no Settings request gets Status 2", "[mapi-sim][policy]") {
  PolicyFixture f;
  const uint32_t key = f.provisionFully(V121);
  auto resp = settings(f, V121, wbxmlOf("<Settings xmlns=\"Settings:\"><Oof/></Settings>"), key);
  CHECK(resp.status == SettingsStatus::ProtocolError);
  resp = settings(f, V121, wbxmlOf("<Ping xmlns=\"Ping:\"/>"), key);
  CHECK(resp.status == SettingsStatus::ProtocolError);
}
