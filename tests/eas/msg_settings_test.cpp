// Settings: DeviceInformation (dossier vectors, a real TbSync capture), Oof, UserInformation,
// DevicePassword; exact bytes, every status, every validation error.
#include <catch2/catch.hpp>
#include <string>

#include "eas/message/settings.h"
#include "eas/wbxml/code_pages.h"
#include "tests/eas/message_test_util.h"

using namespace cradle::eas;
using namespace cradle::eas::testing;

namespace T = cradle::eas::tag::Settings;

namespace {

// Dossier 7.14 (libwbxml): Model SimPPC, FriendlyName "Sim Device", OS "Windows CE 5.2",
// UserAgent MSFT-PPC/5.2.5082.
const std::string V13DeviceInformation = fromHex(
    "03 01 6a 00 00 12 45 56 48 57 03 53 69 6d 50 50 43 00 01 59 03 53 69 6d 20 44 65 76 69 63 65 "
    "00 01 5a 03 57 69 6e 64 6f 77 73 20 43 45 20 35 2e 32 00 01 60 03 4d 53 46 54 2d 50 50 43 2f "
    "35 2e 32 2e 35 30 38 32 00 01 01 01 01");
// Dossier 7.16: a real TbSync client request (jobisoft/EAS-4-TbSync#282).
const std::string TbSyncDeviceInformation = fromHex(
    "03 01 6a 00 00 12 45 56 48 57 03 43 6f 6d 70 75 74 65 72 00 01 59 03 54 62 53 79 6e 63 20 6f "
    "6e 20 44 65 76 69 63 65 20 64 38 62 36 64 66 62 35 32 37 66 33 63 34 64 61 38 63 35 64 64 39 "
    "62 33 61 65 35 32 00 01 5a 03 57 49 4e 4e 54 00 01 60 03 54 68 75 6e 64 65 72 62 69 72 64 20 "
    "41 63 74 69 76 65 53 79 6e 63 00 01 01 01 01");
// The rest were made here with `xml2wbxml -n -a -v 1.3` from the XML in the comment.
// <Settings xmlns="Settings:"><Status>1</Status><DeviceInformation><Status>1</Status>
// </DeviceInformation></Settings>
const std::string DeviceInformationResponse =
    fromHex("03 01 6a 00 00 12 45 46 03 31 00 01 56 46 03 31 00 01 01 01");
// <Settings xmlns="Settings:"><Oof><Get><BodyType>Text</BodyType></Get></Oof></Settings>
const std::string OofGetRequest =
    fromHex("03 01 6a 00 00 12 45 49 47 53 03 54 65 78 74 00 01 01 01 01");
// <Settings xmlns="Settings:"><Status>1</Status><Oof><Status>1</Status><Get><OofState>2
// </OofState><StartTime>2007-05-08T10:00:00.000Z</StartTime><EndTime>2007-05-09T10:00:00.000Z
// </EndTime><OofMessage><AppliesToInternal/><Enabled>1</Enabled><ReplyMessage>Away
// </ReplyMessage><BodyType>Text</BodyType></OofMessage><OofMessage><AppliesToExternalUnknown/>
// <Enabled>0</Enabled></OofMessage></Get></Oof></Settings>
const std::string OofGetResponse = fromHex(
    "03 01 6a 00 00 12 45 46 03 31 00 01 49 46 03 31 00 01 47 4a 03 32 00 01 4b 03 32 30 30 37 2d "
    "30 35 2d 30 38 54 31 30 3a 30 30 3a 30 30 2e 30 30 30 5a 00 01 4c 03 32 30 30 37 2d 30 35 2d "
    "30 39 54 31 30 3a 30 30 3a 30 30 2e 30 30 30 5a 00 01 4d 0e 51 03 31 00 01 52 03 41 77 61 79 "
    "00 01 53 03 54 65 78 74 00 01 01 4d 10 51 03 30 00 01 01 01 01 01");
// <Settings xmlns="Settings:"><UserInformation><Get/></UserInformation></Settings>
const std::string UserInformationRequest = fromHex("03 01 6a 00 00 12 45 5d 07 01 01");
// <Settings xmlns="Settings:"><Status>1</Status><UserInformation><Status>1</Status><Get>
// <EmailAddresses><SmtpAddress>ann@example.com</SmtpAddress><SmtpAddress>a@example.com
// </SmtpAddress></EmailAddresses></Get></UserInformation></Settings>
const std::string UserInformationResponse = fromHex(
    "03 01 6a 00 00 12 45 46 03 31 00 01 5d 46 03 31 00 01 47 5e 5f 03 61 6e 6e 40 65 78 61 6d 70 "
    "6c 65 2e 63 6f 6d 00 01 5f 03 61 40 65 78 61 6d 70 6c 65 2e 63 6f 6d 00 01 01 01 01 01");
// <Settings xmlns="Settings:"><DevicePassword><Set><Password>1234</Password></Set>
// </DevicePassword></Settings>
const std::string DevicePasswordRequest =
    fromHex("03 01 6a 00 00 12 45 54 48 55 03 31 32 33 34 00 01 01 01 01");

template <class T>
T decodeOk(Result<T> r) {
  if (!r) {
    FAIL(r.error().message());
  }
  return std::move(r).value();
}

Document settingsWith(const std::function<void(WbxmlWriter&)>& content) {
  return build([&](WbxmlWriter& w) {
    w.start(T::Settings);
    content(w);
    w.end();
  });
}

// <Settings><Oof><Set>content</Set></Oof></Settings>
Document oofSetWith(const std::function<void(WbxmlWriter&)>& content) {
  return settingsWith([&](WbxmlWriter& w) {
    w.start(T::Oof);
    w.start(T::Set);
    content(w);
    w.end();
    w.end();
  });
}

Element oofSetOf(const Document& d) { return d.root().child(T::Oof).child(T::Set); }

OofSettings timeBasedOof() {
  OofSettings oof;
  oof.oofState = OofState::TimeBased;
  oof.startTime = "2007-05-08T10:00:00.000Z";
  oof.endTime = "2007-05-09T10:00:00.000Z";
  oof.messages.push_back({OofAudience::Internal, true, "Away", OofBodyType::Text});
  oof.messages.push_back({OofAudience::ExternalUnknown, false, std::nullopt, std::nullopt});
  return oof;
}

}  // namespace

TEST_CASE("Settings DeviceInformation: vector 7.14 and the TbSync capture", "[eas][message]") {
  SettingsRequest m;
  DeviceInformation info;
  info.model = "SimPPC";
  info.friendlyName = "Sim Device";
  info.os = "Windows CE 5.2";
  info.userAgent = "MSFT-PPC/5.2.5082";
  m.deviceInformation = info;
  CHECK(toHex(encode(m)) == toHex(V13DeviceInformation));

  SettingsRequest d = decodeOk(decodeSettingsRequest(decodeOrFail(V13DeviceInformation)));
  REQUIRE(d.deviceInformation.has_value());
  CHECK(d.deviceInformation->model == "SimPPC");
  CHECK(d.deviceInformation->os == "Windows CE 5.2");
  CHECK_FALSE(d.deviceInformation->imei.has_value());
  CHECK_FALSE(d.oofGet.has_value());
  CHECK_FALSE(d.oofSet.has_value());
  CHECK_FALSE(d.userInformationGet);

  SettingsRequest tb = decodeOk(decodeSettingsRequest(decodeOrFail(TbSyncDeviceInformation)));
  REQUIRE(tb.deviceInformation.has_value());
  CHECK(tb.deviceInformation->model == "Computer");
  CHECK(tb.deviceInformation->os == "WINNT");
  CHECK(tb.deviceInformation->userAgent == "Thunderbird ActiveSync");
  CHECK(toHex(encode(tb)) == toHex(TbSyncDeviceInformation));
}

TEST_CASE("Settings DeviceInformation: every field round-trips, response exact bytes",
          "[eas][message]") {
  SettingsRequest m;
  m.deviceInformation =
      DeviceInformation{"WM6",          "356938035643809",   "Phone", "Windows CE 5.2", "en-us",
                        "+15551234567", "MSFT-PPC/5.2.5082", true,    "Carrier"};
  SettingsRequest d = decodeOk(decodeSettingsRequest(decodeOrFail(encode(m))));
  REQUIRE(d.deviceInformation.has_value());
  const DeviceInformation& i = *d.deviceInformation;
  CHECK(i.imei == "356938035643809");
  CHECK(i.osLanguage == "en-us");
  CHECK(i.phoneNumber == "+15551234567");
  CHECK(i.enableOutboundSms == true);
  CHECK(i.mobileOperator == "Carrier");

  SettingsResponse r;
  r.deviceInformationStatus = SettingsStatus::Success;
  CHECK(toHex(encode(r)) == toHex(DeviceInformationResponse));
  SettingsResponse dr = decodeOk(decodeSettingsResponse(decodeOrFail(DeviceInformationResponse)));
  CHECK(dr.status == SettingsStatus::Success);
  CHECK(dr.deviceInformationStatus == SettingsStatus::Success);
  CHECK_FALSE(dr.oof.has_value());
  CHECK_FALSE(dr.userInformation.has_value());

  // The standalone helpers Provision (14.1+) uses.
  std::string out;
  WbxmlWriter w(out);
  writeDeviceInformationSet(w, *m.deviceInformation);
  REQUIRE(w.finish().ok());
  Document alone = decodeOrFail(out);
  auto back = decodeDeviceInformationSet(alone.root());
  REQUIRE(back.ok());
  CHECK(back->model == "WM6");
}

TEST_CASE("Settings Oof: Get request and response exact bytes, Set round-trip", "[eas][message]") {
  SettingsRequest get;
  get.oofGet = OofBodyType::Text;
  CHECK(toHex(encode(get)) == toHex(OofGetRequest));
  CHECK(decodeOk(decodeSettingsRequest(decodeOrFail(OofGetRequest))).oofGet == OofBodyType::Text);

  SettingsResponse r;
  r.oof = SettingsResponse::Oof{SettingsStatus::Success, timeBasedOof()};
  CHECK(toHex(encode(r)) == toHex(OofGetResponse));
  SettingsResponse dr = decodeOk(decodeSettingsResponse(decodeOrFail(OofGetResponse)));
  REQUIRE(dr.oof.has_value());
  REQUIRE(dr.oof->get.has_value());
  const OofSettings& o = *dr.oof->get;
  CHECK(o.oofState == OofState::TimeBased);
  CHECK(o.startTime == "2007-05-08T10:00:00.000Z");
  CHECK(o.endTime == "2007-05-09T10:00:00.000Z");
  REQUIRE(o.messages.size() == 2);
  CHECK(o.messages[0].appliesTo == OofAudience::Internal);
  CHECK(o.messages[0].enabled == true);
  CHECK(o.messages[0].replyMessage == "Away");
  CHECK(o.messages[0].bodyType == OofBodyType::Text);
  CHECK(o.messages[1].appliesTo == OofAudience::ExternalUnknown);
  CHECK(o.messages[1].enabled == false);
  CHECK_FALSE(o.messages[1].replyMessage.has_value());

  SettingsRequest set;
  OofSettings global;
  global.oofState = OofState::Global;
  global.messages.push_back({OofAudience::ExternalKnown, true, "<p>Out</p>", OofBodyType::Html});
  set.oofSet = global;
  SettingsRequest ds = decodeOk(decodeSettingsRequest(decodeOrFail(encode(set))));
  REQUIRE(ds.oofSet.has_value());
  CHECK(ds.oofSet->oofState == OofState::Global);
  CHECK_FALSE(ds.oofSet->startTime.has_value());
  REQUIRE(ds.oofSet->messages.size() == 1);
  CHECK(ds.oofSet->messages[0].appliesTo == OofAudience::ExternalKnown);
  CHECK(ds.oofSet->messages[0].bodyType == OofBodyType::Html);

  // BodyType is compared without case ("TEXT" from Z-Push-style clients) and written as spec.
  Document upper = settingsWith([](WbxmlWriter& w) {
    w.start(T::Oof);
    w.start(T::Get);
    w.element(T::BodyType, "html");
    w.end();
    w.end();
  });
  CHECK(decodeOk(decodeSettingsRequest(upper)).oofGet == OofBodyType::Html);
  CHECK(toString(OofBodyType::Html) == "HTML");
  CHECK(toString(OofBodyType::Text) == "Text");
}

TEST_CASE("Settings UserInformation and DevicePassword: exact bytes both ways", "[eas][message]") {
  SettingsRequest user;
  user.userInformationGet = true;
  CHECK(toHex(encode(user)) == toHex(UserInformationRequest));
  CHECK(decodeOk(decodeSettingsRequest(decodeOrFail(UserInformationRequest))).userInformationGet);

  SettingsResponse r;
  r.userInformation = SettingsResponse::UserInformation{
      SettingsStatus::Success, {"ann@example.com", "a@example.com"}, {}};
  CHECK(toHex(encode(r)) == toHex(UserInformationResponse));
  SettingsResponse dr = decodeOk(decodeSettingsResponse(decodeOrFail(UserInformationResponse)));
  REQUIRE(dr.userInformation.has_value());
  CHECK(dr.userInformation->smtpAddresses ==
        std::vector<std::string>{"ann@example.com", "a@example.com"});

  SettingsRequest pw;
  pw.devicePassword = "1234";
  CHECK(toHex(encode(pw)) == toHex(DevicePasswordRequest));
  CHECK(decodeOk(decodeSettingsRequest(decodeOrFail(DevicePasswordRequest))).devicePassword ==
        "1234");
}

TEST_CASE("Settings: all sections together, 14.1 accounts, round-trip", "[eas][message]") {
  SettingsRequest m;
  m.oofGet = OofBodyType::Html;
  m.devicePassword = "recover-me";
  m.deviceInformation = DeviceInformation{};
  m.deviceInformation->model = "X";
  m.userInformationGet = true;
  SettingsRequest d = decodeOk(decodeSettingsRequest(decodeOrFail(encode(m))));
  CHECK(d.oofGet == OofBodyType::Html);
  CHECK(d.devicePassword == "recover-me");
  CHECK(d.deviceInformation->model == "X");
  CHECK(d.userInformationGet);

  SettingsResponse r;
  r.oof = SettingsResponse::Oof{SettingsStatus::Success, std::nullopt};
  r.devicePasswordStatus = SettingsStatus::DeniedByPolicy;
  r.deviceInformationStatus = SettingsStatus::Success;
  SettingsAccount account;
  account.accountId = "1";
  account.accountName = "Ann";
  account.userDisplayName = "Ann Example";
  account.sendDisabled = false;
  account.primarySmtpAddress = "ann@example.com";
  account.smtpAddresses = {"a@example.com"};
  r.userInformation = SettingsResponse::UserInformation{SettingsStatus::Success, {}, {account}};
  SettingsResponse dr = decodeOk(decodeSettingsResponse(decodeOrFail(encode(r))));
  REQUIRE(dr.oof.has_value());
  CHECK_FALSE(dr.oof->get.has_value());
  CHECK(dr.devicePasswordStatus == SettingsStatus::DeniedByPolicy);
  REQUIRE(dr.userInformation.has_value());
  REQUIRE(dr.userInformation->accounts.size() == 1);
  const SettingsAccount& a = dr.userInformation->accounts[0];
  CHECK(a.accountId == "1");
  CHECK(a.userDisplayName == "Ann Example");
  CHECK(a.sendDisabled == false);
  CHECK(a.primarySmtpAddress == "ann@example.com");
  CHECK(a.smtpAddresses == std::vector<std::string>{"a@example.com"});
}

TEST_CASE("Settings status: every value decodes, with a description and an action",
          "[eas][message]") {
  for (uint32_t v = 0; v <= 255; ++v) {
    INFO("status " << v);
    // The same value at the top and in a section: both go through the same reader.
    Document d = settingsWith([&](WbxmlWriter& w) {
      w.element(T::Status, std::to_string(v));
      w.start(T::DevicePassword);
      w.element(T::Status, std::to_string(v));
      w.end();
    });
    auto r = decodeSettingsResponse(d);
    bool defined = isSettingsStatus(v) || isCommonStatus(v);
    REQUIRE(r.ok() == defined);
    if (!defined) {
      CHECK(r.error().code == ErrorCode::BadValue);
      CHECK(r.error().offset == d.root().child(T::Status).offset());
      continue;
    }
    CHECK(static_cast<uint32_t>(r->status) == v);
    CHECK(static_cast<uint32_t>(*r->devicePasswordStatus) == v);
    CHECK(describe(r->status) != "unknown status");
  }
  CHECK(actionFor(SettingsStatus::Success) == ClientAction::None);
  CHECK(actionFor(SettingsStatus::ProtocolError) == ClientAction::FixRequest);
  CHECK(actionFor(SettingsStatus::AccessDenied) == ClientAction::GiveUp);
  CHECK(actionFor(SettingsStatus::ServerUnavailable) == ClientAction::RetryLater);
  CHECK(actionFor(SettingsStatus::InvalidArguments) == ClientAction::FixRequest);
  CHECK(actionFor(SettingsStatus::ConflictingArguments) == ClientAction::FixRequest);
  CHECK(actionFor(SettingsStatus::DeniedByPolicy) == ClientAction::TellUser);
  CHECK(actionFor(fromCommon<SettingsStatus>(CommonStatus::DeviceNotProvisioned)) ==
        ClientAction::Provision);
  CHECK(describe(static_cast<SettingsStatus>(8)) == "unknown status");
  CHECK(actionFor(static_cast<SettingsStatus>(8)) == ClientAction::GiveUp);
}

TEST_CASE("Settings request: every validation error", "[eas][message]") {
  SECTION("wrong root") {
    Document d = decodeOrFail(fromHex("03 01 6a 00 00 07 56 52 03 30 00 01 01"));
    Error e = errorOf(decodeSettingsRequest(d));
    CHECK(e.code == ErrorCode::UnexpectedElement);
    CHECK(e.offset == 6);
    CHECK(errorOf(decodeSettingsResponse(d)).code == ErrorCode::UnexpectedElement);
  }
  SECTION("no section at all") {
    Document d = build([](WbxmlWriter& w) { w.empty(T::Settings); });
    Error e = errorOf(decodeSettingsRequest(d));
    CHECK(e.code == ErrorCode::MissingElement);
    CHECK(e.offset == d.root().offset());
  }
  SECTION("Oof with neither Get nor Set, or with both") {
    Document neither = settingsWith([](WbxmlWriter& w) { w.empty(T::Oof); });
    Error e = errorOf(decodeSettingsRequest(neither));
    CHECK(e.code == ErrorCode::MissingElement);
    CHECK(e.offset == neither.root().child(T::Oof).offset());
    Document both = settingsWith([](WbxmlWriter& w) {
      w.start(T::Oof);
      w.start(T::Get);
      w.element(T::BodyType, "Text");
      w.end();
      w.start(T::Set);
      w.element(T::OofState, "0");
      w.end();
      w.end();
    });
    Error e2 = errorOf(decodeSettingsRequest(both));
    CHECK(e2.code == ErrorCode::UnexpectedElement);
    CHECK(e2.offset == oofSetOf(both).offset());
  }
  SECTION("Oof Get without or with a bad BodyType") {
    Document none = settingsWith([](WbxmlWriter& w) {
      w.start(T::Oof);
      w.empty(T::Get);
      w.end();
    });
    CHECK(errorOf(decodeSettingsRequest(none)).code == ErrorCode::MissingElement);
    Document rtf = settingsWith([](WbxmlWriter& w) {
      w.start(T::Oof);
      w.start(T::Get);
      w.element(T::BodyType, "RTF");
      w.end();
      w.end();
    });
    Error e = errorOf(decodeSettingsRequest(rtf));
    CHECK(e.code == ErrorCode::BadValue);
    CHECK(e.offset == rtf.root().child(T::Oof).child(T::Get).child(T::BodyType).offset());
  }
  SECTION("Oof Set: OofState out of range or not a number") {
    for (std::string_view state : {"3", "on"}) {
      Document d = oofSetWith([&](WbxmlWriter& w) { w.element(T::OofState, state); });
      Error e = errorOf(decodeSettingsRequest(d));
      CHECK(e.code == ErrorCode::BadValue);
      CHECK(e.offset == oofSetOf(d).child(T::OofState).offset());
    }
  }
  SECTION("Oof Set: time-based without its window") {
    Document noStart = oofSetWith([](WbxmlWriter& w) {
      w.element(T::OofState, "2");
      w.element(T::EndTime, "2007-05-09T10:00:00.000Z");
    });
    Error e = errorOf(decodeSettingsRequest(noStart));
    CHECK(e.code == ErrorCode::MissingElement);
    CHECK(e.detail.find("Settings:StartTime") != std::string::npos);
    CHECK(e.offset == oofSetOf(noStart).offset());
    Document noEnd = oofSetWith([](WbxmlWriter& w) {
      w.element(T::OofState, "2");
      w.element(T::StartTime, "2007-05-08T10:00:00Z");
    });
    Error e2 = errorOf(decodeSettingsRequest(noEnd));
    CHECK(e2.code == ErrorCode::MissingElement);
    CHECK(e2.detail.find("Settings:EndTime") != std::string::npos);
  }
  SECTION("Oof Set: malformed date-times") {
    for (std::string_view t :
         {"2007-05-08", "2007-05-08T10:00:00", "2007-05-08 10:00:00Z", "2007-13-08T10:00:00Z",
          "2007-05-08T24:00:00Z", "2007-05-08T10:00:00.Z", "2007-05-08T10:00:00.0000Z",
          "2007-05-08T10:00:00.000+01:00", "yesterday"}) {
      INFO(t);
      Document d = oofSetWith([&](WbxmlWriter& w) {
        w.element(T::OofState, "1");
        w.element(T::StartTime, t);
      });
      Error e = errorOf(decodeSettingsRequest(d));
      CHECK(e.code == ErrorCode::BadValue);
      CHECK(e.offset == oofSetOf(d).child(T::StartTime).offset());
    }
    for (std::string_view t : {"2007-05-08T10:00:00Z", "2007-05-08T10:00:00.5Z"}) {
      INFO(t);
      Document d = oofSetWith([&](WbxmlWriter& w) { w.element(T::EndTime, t); });
      CHECK(decodeSettingsRequest(d).ok());
    }
  }
  SECTION("OofMessage without an audience, or with two") {
    Document none = oofSetWith([](WbxmlWriter& w) {
      w.start(T::OofMessage);
      w.element(T::Enabled, "1");
      w.end();
    });
    Error e = errorOf(decodeSettingsRequest(none));
    CHECK(e.code == ErrorCode::MissingElement);
    CHECK(e.offset == oofSetOf(none).child(T::OofMessage).offset());
    Document two = oofSetWith([](WbxmlWriter& w) {
      w.start(T::OofMessage);
      w.empty(T::AppliesToInternal);
      w.empty(T::AppliesToExternalKnown);
      w.end();
    });
    Error e2 = errorOf(decodeSettingsRequest(two));
    CHECK(e2.code == ErrorCode::UnexpectedElement);
    CHECK(e2.offset ==
          oofSetOf(two).child(T::OofMessage).child(T::AppliesToExternalKnown).offset());
  }
  SECTION("OofMessage Enabled or BodyType bad") {
    Document enabled = oofSetWith([](WbxmlWriter& w) {
      w.start(T::OofMessage);
      w.empty(T::AppliesToInternal);
      w.element(T::Enabled, "yes");
      w.end();
    });
    CHECK(errorOf(decodeSettingsRequest(enabled)).code == ErrorCode::BadValue);
    Document bodyType = oofSetWith([](WbxmlWriter& w) {
      w.start(T::OofMessage);
      w.empty(T::AppliesToInternal);
      w.element(T::BodyType, "MIME");
      w.end();
    });
    CHECK(errorOf(decodeSettingsRequest(bodyType)).code == ErrorCode::BadValue);
  }
  SECTION("DevicePassword without Set or Password") {
    Document noSet = settingsWith([](WbxmlWriter& w) { w.empty(T::DevicePassword); });
    Error e = errorOf(decodeSettingsRequest(noSet));
    CHECK(e.code == ErrorCode::MissingElement);
    CHECK(e.offset == noSet.root().child(T::DevicePassword).offset());
    Document noPassword = settingsWith([](WbxmlWriter& w) {
      w.start(T::DevicePassword);
      w.empty(T::Set);
      w.end();
    });
    Error e2 = errorOf(decodeSettingsRequest(noPassword));
    CHECK(e2.code == ErrorCode::MissingElement);
    CHECK(e2.detail.find("Settings:Password") != std::string::npos);
  }
  SECTION("DeviceInformation without Set, or a bad EnableOutboundSMS") {
    Document noSet = settingsWith([](WbxmlWriter& w) { w.empty(T::DeviceInformation); });
    Error e = errorOf(decodeSettingsRequest(noSet));
    CHECK(e.code == ErrorCode::MissingElement);
    CHECK(e.offset == noSet.root().child(T::DeviceInformation).offset());
    Document sms = settingsWith([](WbxmlWriter& w) {
      w.start(T::DeviceInformation);
      w.start(T::Set);
      w.element(T::EnableOutboundSMS, "true");
      w.end();
      w.end();
    });
    Error e2 = errorOf(decodeSettingsRequest(sms));
    CHECK(e2.code == ErrorCode::BadValue);
    CHECK(
        e2.offset ==
        sms.root().child(T::DeviceInformation).child(T::Set).child(T::EnableOutboundSMS).offset());
  }
  SECTION("UserInformation without Get") {
    Document d = settingsWith([](WbxmlWriter& w) { w.empty(T::UserInformation); });
    Error e = errorOf(decodeSettingsRequest(d));
    CHECK(e.code == ErrorCode::MissingElement);
    CHECK(e.detail.find("Settings:Get") != std::string::npos);
  }
}

TEST_CASE("Settings response: every validation error", "[eas][message]") {
  SECTION("no top-level Status") {
    Document d = settingsWith([](WbxmlWriter& w) {
      w.start(T::DeviceInformation);
      w.element(T::Status, "1");
      w.end();
    });
    Error e = errorOf(decodeSettingsResponse(d));
    CHECK(e.code == ErrorCode::MissingElement);
    CHECK(e.offset == d.root().offset());
  }
  SECTION("a section without its Status") {
    for (Tag section : {T::Oof, T::DevicePassword, T::DeviceInformation, T::UserInformation}) {
      INFO(qualifiedName(section));
      Document d = settingsWith([&](WbxmlWriter& w) {
        w.element(T::Status, "1");
        w.empty(section);
      });
      Error e = errorOf(decodeSettingsResponse(d));
      CHECK(e.code == ErrorCode::MissingElement);
      CHECK(e.offset == d.root().child(section).offset());
    }
  }
  SECTION("Oof Get without OofState, or with a bad message") {
    Document noState = settingsWith([](WbxmlWriter& w) {
      w.element(T::Status, "1");
      w.start(T::Oof);
      w.element(T::Status, "1");
      w.start(T::Get);
      w.element(T::StartTime, "2007-05-08T10:00:00Z");
      w.end();
      w.end();
    });
    Error e = errorOf(decodeSettingsResponse(noState));
    CHECK(e.code == ErrorCode::MissingElement);
    CHECK(e.detail.find("Settings:OofState") != std::string::npos);
    Document badMessage = settingsWith([](WbxmlWriter& w) {
      w.element(T::Status, "1");
      w.start(T::Oof);
      w.element(T::Status, "1");
      w.start(T::Get);
      w.element(T::OofState, "0");
      w.start(T::OofMessage);
      w.element(T::Enabled, "1");
      w.end();
      w.end();
      w.end();
    });
    CHECK(errorOf(decodeSettingsResponse(badMessage)).code == ErrorCode::MissingElement);
  }
  SECTION("UserInformation account with a bad SendDisabled") {
    Document d = settingsWith([](WbxmlWriter& w) {
      w.element(T::Status, "1");
      w.start(T::UserInformation);
      w.element(T::Status, "1");
      w.start(T::Get);
      w.start(T::Accounts);
      w.start(T::Account);
      w.element(T::SendDisabled, "no");
      w.end();
      w.end();
      w.end();
      w.end();
    });
    Error e = errorOf(decodeSettingsResponse(d));
    CHECK(e.code == ErrorCode::BadValue);
  }
}
