// Ping: dossier vectors byte for byte, the empty "reuse" request, every status, every error path.
#include <catch2/catch.hpp>
#include <string>

#include "eas/message/ping.h"
#include "eas/wbxml/code_pages.h"
#include "tests/eas/message_test_util.h"

using namespace cradle::eas;
using namespace cradle::eas::testing;

namespace P = cradle::eas::tag::Ping;

namespace {

// Dossier (notes/eas-protocol.md) section 7, made with libwbxml `xml2wbxml -a -n -v 1.3` and
// cross-checked with Horde's encoder there.
const std::string V1PingRequest = fromHex(  // 7.1: HBI 480, folder 5 / Email
    "03 01 6a 00 00 0d 45 48 03 34 38 30 00 01 49 4a 4b 03 35 00 01 4c 03 45 6d 61 69 6c 00 01 01 "
    "01 01");
const std::string V2PingChanges = fromHex(  // 7.2: Status 2, folder 5
    "03 01 6a 00 00 0d 45 47 03 32 00 01 49 4a 03 35 00 01 01 01");
const std::string V6PingHeartbeat = fromHex(  // 7.8: Status 5, HeartbeatInterval 60
    "03 01 6a 00 00 0d 45 47 03 35 00 01 48 03 36 30 00 01 01");
const std::string V7PingExpired = fromHex(  // 7.9: Status 1
    "03 01 6a 00 00 0d 45 47 03 31 00 01 01");
// Made here with `xml2wbxml -n -a -v 1.3` from
// <Ping xmlns="Ping:"><Status>6</Status><MaxFolders>200</MaxFolders></Ping>
const std::string PingMaxFolders =
    fromHex("03 01 6a 00 00 0d 45 47 03 36 00 01 4d 03 32 30 30 00 01 01");
// Made here with `xml2wbxml -n -a -v 1.3` from <Ping xmlns="Ping:"><HeartbeatInterval>900
// </HeartbeatInterval><Folders><Folder><Id>8</Id><Class>Calendar</Class></Folder><Folder><Id>9
// </Id><Class>Contacts</Class></Folder></Folders></Ping>
const std::string PingTwoFolders = fromHex(
    "03 01 6a 00 00 0d 45 48 03 39 30 30 00 01 49 4a 4b 03 38 00 01 4c 03 43 61 6c 65 6e 64 61 72 "
    "00 01 01 4a 4b 03 39 00 01 4c 03 43 6f 6e 74 61 63 74 73 00 01 01 01 01");

PingRequest decodeRequest(const std::string& wbxml) {
  auto r = decodePingRequest(decodeOrFail(wbxml));
  REQUIRE(r.ok());
  return std::move(r).value();
}

PingResponse decodeResponse(const std::string& wbxml) {
  auto r = decodePingResponse(decodeOrFail(wbxml));
  REQUIRE(r.ok());
  return std::move(r).value();
}

// <Ping><Folders><Folder>...</Folder></Folders></Ping> with `folder` writing one Folder's content.
Document requestWithFolder(const std::function<void(WbxmlWriter&)>& folder) {
  return build([&](WbxmlWriter& w) {
    w.start(P::Ping);
    w.start(P::Folders);
    w.start(P::Folder);
    folder(w);
    w.end();
    w.end();
    w.end();
  });
}

}  // namespace

TEST_CASE("Ping request: vector 7.1 exact bytes both ways", "[eas][message]") {
  PingRequest m;
  m.heartbeatInterval = 480;
  m.folders.push_back(PingFolder{"5", ItemClass::Email});
  CHECK(toHex(encode(m)) == toHex(V1PingRequest));

  PingRequest d = decodeRequest(V1PingRequest);
  CHECK(d.heartbeatInterval == 480u);
  REQUIRE(d.folders.size() == 1);
  CHECK(d.folders[0].id == "5");
  CHECK(d.folders[0].itemClass == ItemClass::Email);
  CHECK_FALSE(d.reusesCachedRequest());
}

TEST_CASE("Ping request: two folders match libwbxml and round-trip", "[eas][message]") {
  PingRequest m;
  m.heartbeatInterval = 900;
  m.folders = {{"8", ItemClass::Calendar}, {"9", ItemClass::Contacts}};
  CHECK(toHex(encode(m)) == toHex(PingTwoFolders));
  PingRequest d = decodeRequest(PingTwoFolders);
  REQUIRE(d.folders.size() == 2);
  CHECK(d.folders[1].id == "9");
  CHECK(d.folders[1].itemClass == ItemClass::Contacts);
}

TEST_CASE("Ping request: every class, folders only, heartbeat only", "[eas][message]") {
  PingRequest m;
  m.folders = {{"1", ItemClass::Email},
               {"2", ItemClass::Calendar},
               {"3", ItemClass::Contacts},
               {"4", ItemClass::Tasks},
               {"5", ItemClass::Notes}};
  PingRequest d = decodeRequest(encode(m));
  CHECK_FALSE(d.heartbeatInterval.has_value());
  REQUIRE(d.folders.size() == 5);
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(d.folders[i].id == m.folders[i].id);
    CHECK(d.folders[i].itemClass == m.folders[i].itemClass);
  }

  PingRequest hbOnly;
  hbOnly.heartbeatInterval = 3540;
  PingRequest d2 = decodeRequest(encode(hbOnly));
  CHECK(d2.heartbeatInterval == 3540u);
  CHECK(d2.folders.empty());
  CHECK_FALSE(d2.reusesCachedRequest());
}

TEST_CASE("Ping request: the empty request reuses the cached one", "[eas][message]") {
  PingRequest empty;
  CHECK(empty.reusesCachedRequest());
  CHECK(encode(empty).empty());  // dossier 7.19: a zero-length HTTP body

  auto fromBody = decodePingRequestBody("");
  REQUIRE(fromBody.ok());
  CHECK(fromBody->reusesCachedRequest());

  // <Ping/> (03 01 6a 00 00 0d 05) means the same.
  auto emptyElement = decodePingRequestBody(fromHex("03 01 6a 00 00 0d 05"));
  REQUIRE(emptyElement.ok());
  CHECK(emptyElement->reusesCachedRequest());

  auto full = decodePingRequestBody(V1PingRequest);
  REQUIRE(full.ok());
  CHECK(full->heartbeatInterval == 480u);

  // A body that is not WBXML fails with the codec's error.
  Error e = errorOf(decodePingRequestBody("\x03\x01"));
  CHECK(e.code != ErrorCode::MissingElement);
}

TEST_CASE("Ping response: vectors 7.2, 7.8, 7.9 and MaxFolders exact bytes", "[eas][message]") {
  PingResponse changes;
  changes.status = PingStatus::Changes;
  changes.folders = {"5"};
  CHECK(toHex(encode(changes)) == toHex(V2PingChanges));
  PingResponse d = decodeResponse(V2PingChanges);
  CHECK(d.status == PingStatus::Changes);
  CHECK(d.folders == std::vector<std::string>{"5"});

  PingResponse hb;
  hb.status = PingStatus::InvalidHeartbeat;
  hb.heartbeatInterval = 60;
  CHECK(toHex(encode(hb)) == toHex(V6PingHeartbeat));
  CHECK(decodeResponse(V6PingHeartbeat).heartbeatInterval == 60u);

  PingResponse expired;
  CHECK(toHex(encode(expired)) == toHex(V7PingExpired));
  CHECK(decodeResponse(V7PingExpired).status == PingStatus::Expired);

  PingResponse tooMany;
  tooMany.status = PingStatus::TooManyFolders;
  tooMany.maxFolders = 200;
  CHECK(toHex(encode(tooMany)) == toHex(PingMaxFolders));
  CHECK(decodeResponse(PingMaxFolders).maxFolders == 200u);
}

TEST_CASE("Ping response: several changed folders round-trip", "[eas][message]") {
  PingResponse m;
  m.status = PingStatus::Changes;
  m.folders = {"5", "6", "abc:12"};
  PingResponse d = decodeResponse(encode(m));
  CHECK(d.folders == m.folders);
}

TEST_CASE("Ping status: every value decodes, with a description and an action", "[eas][message]") {
  for (uint32_t v = 0; v <= 255; ++v) {
    INFO("status " << v);
    PingResponse m;
    m.status = static_cast<PingStatus>(v);
    m.folders = {"5"};         // what Status 2 needs
    m.heartbeatInterval = 60;  // Status 5
    m.maxFolders = 10;         // Status 6
    auto d = decodePingResponse(decodeOrFail(encode(m)));
    bool defined = isPingStatus(v) || isCommonStatus(v);
    REQUIRE(d.ok() == defined);
    if (!defined) {
      CHECK(d.error().code == ErrorCode::BadValue);
      continue;
    }
    CHECK(static_cast<uint32_t>(d->status) == v);
    CHECK(describe(d->status) != "unknown status");
    CHECK_FALSE(describe(d->status).empty());
  }
  CHECK(actionFor(PingStatus::Expired) == ClientAction::Retry);
  CHECK(actionFor(PingStatus::Changes) == ClientAction::Sync);
  CHECK(actionFor(PingStatus::MissingParameters) == ClientAction::ResendFull);
  CHECK(actionFor(PingStatus::SyntaxError) == ClientAction::FixRequest);
  CHECK(actionFor(PingStatus::InvalidHeartbeat) == ClientAction::AdjustHeartbeat);
  CHECK(actionFor(PingStatus::TooManyFolders) == ClientAction::ReduceFolders);
  CHECK(actionFor(PingStatus::FolderSyncRequired) == ClientAction::FolderSync);
  CHECK(actionFor(PingStatus::ServerError) == ClientAction::RetryLater);
  // 14.x servers put common codes in Ping's Status.
  auto provision = fromCommon<PingStatus>(CommonStatus::DeviceNotProvisioned);
  CHECK(actionFor(provision) == ClientAction::Provision);
  CHECK(describe(provision) == describe(CommonStatus::DeviceNotProvisioned));
  CHECK(describe(static_cast<PingStatus>(200)) == "unknown status");
  CHECK(actionFor(static_cast<PingStatus>(200)) == ClientAction::GiveUp);
}

TEST_CASE("Ping request: every validation error", "[eas][message]") {
  SECTION("wrong root") {
    Document doc = decodeOrFail(fromHex("03 01 6a 00 00 07 56 52 03 30 00 01 01"));  // FolderSync
    Error e = errorOf(decodePingRequest(doc));
    CHECK(e.code == ErrorCode::UnexpectedElement);
    CHECK(e.offset == doc.root().offset());
    CHECK(e.offset == 6);
  }
  SECTION("empty document") {
    Error e = errorOf(decodePingRequest(Document()));
    CHECK(e.code == ErrorCode::MissingElement);
  }
  SECTION("heartbeat not a number") {
    Document doc = build([](WbxmlWriter& w) {
      w.start(P::Ping);
      w.element(P::HeartbeatInterval, "48O");
      w.end();
    });
    Error e = errorOf(decodePingRequest(doc));
    CHECK(e.code == ErrorCode::BadValue);
    CHECK(e.offset == doc.root().child(P::HeartbeatInterval).offset());
  }
  SECTION("heartbeat beyond 32 bits") {
    Document doc = build([](WbxmlWriter& w) {
      w.start(P::Ping);
      w.element(P::HeartbeatInterval, "4294967296");
      w.end();
    });
    CHECK(errorOf(decodePingRequest(doc)).code == ErrorCode::BadValue);
  }
  SECTION("Folders without a Folder") {
    Document doc = build([](WbxmlWriter& w) {
      w.start(P::Ping);
      w.element(P::HeartbeatInterval, "480");
      w.empty(P::Folders);
      w.end();
    });
    Error e = errorOf(decodePingRequest(doc));
    CHECK(e.code == ErrorCode::MissingElement);
    CHECK(e.offset == doc.root().child(P::Folders).offset());
    CHECK(e.detail.find("Ping:Folder") != std::string::npos);
  }
  SECTION("Folder without Id") {
    Document doc = requestWithFolder([](WbxmlWriter& w) { w.element(P::Class, "Email"); });
    Error e = errorOf(decodePingRequest(doc));
    CHECK(e.code == ErrorCode::MissingElement);
    CHECK(e.offset == doc.root().child(P::Folders).child(P::Folder).offset());
    CHECK(e.detail.find("Ping:Id") != std::string::npos);
  }
  SECTION("Folder without Class") {
    Document doc = requestWithFolder([](WbxmlWriter& w) { w.element(P::Id, "5"); });
    Error e = errorOf(decodePingRequest(doc));
    CHECK(e.code == ErrorCode::MissingElement);
    CHECK(e.detail.find("Ping:Class") != std::string::npos);
  }
  SECTION("unknown or misspelt Class") {
    for (std::string_view cls : {"Journal", "email", "", "Email "}) {
      INFO(cls);
      Document doc = requestWithFolder([&](WbxmlWriter& w) {
        w.element(P::Id, "5");
        w.element(P::Class, cls);
      });
      Error e = errorOf(decodePingRequest(doc));
      CHECK(e.code == ErrorCode::BadValue);
      CHECK(e.offset == doc.root().child(P::Folders).child(P::Folder).child(P::Class).offset());
    }
  }
  SECTION("empty or over-long Id") {
    for (const std::string& id : {std::string(), std::string(65, '7')}) {
      Document doc = requestWithFolder([&](WbxmlWriter& w) {
        w.element(P::Id, id);
        w.element(P::Class, "Email");
      });
      CHECK(errorOf(decodePingRequest(doc)).code == ErrorCode::BadValue);
    }
    Document ok = requestWithFolder([&](WbxmlWriter& w) {
      w.element(P::Id, std::string(64, '7'));
      w.element(P::Class, "Email");
    });
    CHECK(decodePingRequest(ok).ok());
  }
}

TEST_CASE("Ping response: every validation error", "[eas][message]") {
  SECTION("wrong root") {
    Document doc = decodeOrFail(V1PingRequest);
    // A request is a Ping too, but it has no Status.
    Error e = errorOf(decodePingResponse(doc));
    CHECK(e.code == ErrorCode::MissingElement);
    CHECK(e.offset == doc.root().offset());
    Document other = decodeOrFail(fromHex("03 01 6a 00 00 07 56 52 03 30 00 01 01"));
    CHECK(errorOf(decodePingResponse(other)).code == ErrorCode::UnexpectedElement);
  }
  SECTION("Status not a number") {
    Document doc = build([](WbxmlWriter& w) {
      w.start(P::Ping);
      w.element(P::Status, "two");
      w.end();
    });
    Error e = errorOf(decodePingResponse(doc));
    CHECK(e.code == ErrorCode::BadValue);
    CHECK(e.offset == doc.root().child(P::Status).offset());
  }
  SECTION("Status 2 without Folders") {
    Document doc = build([](WbxmlWriter& w) {
      w.start(P::Ping);
      w.element(P::Status, "2");
      w.end();
    });
    Error e = errorOf(decodePingResponse(doc));
    CHECK(e.code == ErrorCode::MissingElement);
    CHECK(e.detail.find("Ping:Folders") != std::string::npos);
  }
  SECTION("Folders with no Folder, or an empty Folder") {
    Document none = build([](WbxmlWriter& w) {
      w.start(P::Ping);
      w.element(P::Status, "2");
      w.empty(P::Folders);
      w.end();
    });
    CHECK(errorOf(decodePingResponse(none)).code == ErrorCode::MissingElement);
    Document blank = build([](WbxmlWriter& w) {
      w.start(P::Ping);
      w.element(P::Status, "2");
      w.start(P::Folders);
      w.empty(P::Folder);
      w.end();
      w.end();
    });
    Error e = errorOf(decodePingResponse(blank));
    CHECK(e.code == ErrorCode::BadValue);
    CHECK(e.offset == blank.root().child(P::Folders).child(P::Folder).offset());
  }
  SECTION("Status 5 without HeartbeatInterval, Status 6 without MaxFolders") {
    Document five = build([](WbxmlWriter& w) {
      w.start(P::Ping);
      w.element(P::Status, "5");
      w.end();
    });
    Error e5 = errorOf(decodePingResponse(five));
    CHECK(e5.code == ErrorCode::MissingElement);
    CHECK(e5.detail.find("Ping:HeartbeatInterval") != std::string::npos);
    Document six = build([](WbxmlWriter& w) {
      w.start(P::Ping);
      w.element(P::Status, "6");
      w.end();
    });
    Error e6 = errorOf(decodePingResponse(six));
    CHECK(e6.code == ErrorCode::MissingElement);
    CHECK(e6.detail.find("Ping:MaxFolders") != std::string::npos);
  }
  SECTION("MaxFolders or HeartbeatInterval not a number") {
    for (Tag t : {P::MaxFolders, P::HeartbeatInterval}) {
      Document doc = build([&](WbxmlWriter& w) {
        w.start(P::Ping);
        w.element(P::Status, "1");
        w.element(t, "-5");
        w.end();
      });
      Error e = errorOf(decodePingResponse(doc));
      CHECK(e.code == ErrorCode::BadValue);
      CHECK(e.offset == doc.root().child(t).offset());
    }
  }
}
