// mapi-sim as a real process on loopback, driven by an EAS client: provisioning, sync, Direct
// Push statuses, password change, faults, restart, bad input.
#include <catch2/catch.hpp>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include "eas/base64.h"
#include "eas/http/headers.h"
#include "eas/wbxml/xml_text.h"
#include "eas/message/ping.h"
#include "eas/message/provision.h"
#include "eas/message/settings.h"
#include "eas/message/sync.h"
#include "eas/wbxml/document.h"
#include "net/event_loop.h"
#include "net/http_server.h"
#include "tests/support/eas_client.h"

namespace {

using namespace cradle;
using cradle::test::EasClient;
using cradle::test::MapiSim;
using cradle::test::TempDir;
using eas::Command;
using eas::FolderType;
using eas::ItemClass;
using eas::PingRequest;
using eas::PingStatus;
using eas::ProtocolVersion;
using Clock = std::chrono::steady_clock;

constexpr const char* Password = "Secret-Pass1";

// A running simulator with user alice and heartbeats allowed from 1 s, so tests need not wait.
struct Sim {
  explicit Sim(bool tls = false) : sim(dir.path() + "/data", tls) {
    std::filesystem::create_directories(dir.path() + "/data");
    sim.ok({"user", "add", "alice", "--email", "alice@example.com"}, std::string(Password) + "\n");
    sim.start();
    sim.ok({"settings", "set", "heartbeat.min=1"});
  }
  EasClient client(const std::string& deviceId, ProtocolVersion v = ProtocolVersion::V14_1) {
    return EasClient(sim.easUrl(), "alice", Password, deviceId, v, sim.caFile());
  }
  // A provisioned device that has done its FolderSync.
  EasClient ready(const std::string& deviceId, ProtocolVersion v = ProtocolVersion::V14_1) {
    EasClient c = client(deviceId, v);
    REQUIRE(c.provision() != 0);
    c.folderSync();
    return c;
  }
  TempDir dir;
  MapiSim sim;
};

PingRequest pingFor(const std::string& folder, uint32_t heartbeat) {
  PingRequest p;
  p.heartbeatInterval = heartbeat;
  p.folders.push_back({folder, ItemClass::Email});
  return p;
}

}  // namespace

TEST_CASE("mapi-sim serves OPTIONS only to authenticated users", "[mapi-sim][serve]") {
  Sim s;
  EasClient c = s.client("DEV1OPTIONS");
  auto r = c.options();
  REQUIRE(r.ok());
  CHECK(r.response->status == 200);
  auto versions = net::findHeader(r.response->headers, "MS-ASProtocolVersions");
  REQUIRE(versions);
  CHECK(std::string(*versions) == "2.5,12.0,12.1,14.0,14.1");
  auto commands = net::findHeader(r.response->headers, "MS-ASProtocolCommands");
  REQUIRE(commands);
  CHECK(std::string(*commands).find("Ping") != std::string::npos);

  c.password = "wrong";
  r = c.options();
  REQUIRE(r.ok());
  CHECK(r.response->status == 401);
  CHECK(net::findHeader(r.response->headers, "WWW-Authenticate"));

  SECTION("Direct Push off: Ping is neither offered nor accepted") {
    s.sim.ok({"settings", "set", "mobile.directPush=off"});
    EasClient d = s.ready("DEV1NOPUSH");
    r = d.options();
    CHECK(std::string(*net::findHeader(r.response->headers, "MS-ASProtocolCommands"))
              .find("Ping") == std::string::npos);
    auto ping = d.post(Command::Ping, eas::encode(pingFor(d.folderId(FolderType::Inbox), 60)));
    REQUIRE(ping.ok());
    CHECK(ping.response->status == 403);
  }
}

TEST_CASE("mapi-sim provisioning gates every command", "[mapi-sim][serve][provision]") {
  Sim s;
  SECTION("12.1 without a policy key gets 449, then provisions") {
    EasClient c = s.client("DEV2A", ProtocolVersion::V12_1);
    auto r = c.post(Command::FolderSync, eas::encode(eas::FolderSyncRequest{"0"}));
    REQUIRE(r.ok());
    CHECK(r.response->status == 449);
    REQUIRE(c.provision() != 0);
    CHECK(c.folderSync().status == eas::FolderSyncStatus::Success);
  }
  SECTION("14.1 without a policy key gets status 142 in the body") {
    EasClient c = s.client("DEV2B", ProtocolVersion::V14_1);
    auto r = c.post(Command::FolderSync, eas::encode(eas::FolderSyncRequest{"0"}));
    REQUIRE(r.ok());
    REQUIRE(r.response->status == 200);
    auto doc = eas::Document::decode(r.response->body);
    REQUIRE(doc.ok());
    CHECK(eas::toXml(*doc).find("<Status>142</Status>") != std::string::npos);
  }
  SECTION("2.5 provisions with the WAP document") {
    EasClient c = s.client("DEV2C", ProtocolVersion::V2_5);
    REQUIRE(c.provision() != 0);
    CHECK(c.folderSync().status == eas::FolderSyncStatus::Success);
  }
  SECTION("a device that cannot apply the policy is refused when non-provisionable devices are off") {
    s.sim.ok({"settings", "set", "security.allowNonProvisionable=off"});
    EasClient c = s.client("DEV2D", ProtocolVersion::V12_1);
    auto first = c.post(Command::Provision, eas::encode(eas::makeDownloadRequest(
                                                eas::PolicyType::EasProvisioningWbxml)));
    REQUIRE(first.ok());
    auto doc = eas::Document::decode(first.response->body);
    REQUIRE(doc.ok());
    auto m = eas::decodeProvisionResponse(*doc);
    REQUIRE(m.ok());
    REQUIRE(m->policy);
    REQUIRE(m->policy->policyKey);
    auto ack = c.post(Command::Provision,
                      eas::encode(eas::makeAcknowledgement(eas::PolicyType::EasProvisioningWbxml,
                                                           *m->policy->policyKey,
                                                           eas::PolicyApplyStatus::PartialSuccess)));
    REQUIRE(ack.ok());
    CHECK(ack.response->status == 403);
    auto r = c.post(Command::FolderSync, eas::encode(eas::FolderSyncRequest{"0"}));
    REQUIRE(r.ok());
    CHECK(r.response->status == 449);

    SECTION("and accepted when they are allowed") {
      s.sim.ok({"settings", "set", "security.allowNonProvisionable=on"});
      CHECK(c.provision(eas::PolicyApplyStatus::PartialSuccess) != 0);
      CHECK(c.folderSync().status == eas::FolderSyncStatus::Success);
    }
  }
  SECTION("remote wipe reaches the device through Provision") {
    EasClient c = s.ready("DEV2E", ProtocolVersion::V12_1);
    s.sim.ok({"wipe", "DEV2E"});
    auto r = c.post(Command::FolderSync, eas::encode(eas::FolderSyncRequest{c.folderSyncKey}));
    REQUIRE(r.ok());
    CHECK(r.response->status == 449);
    auto p = c.post(Command::Provision, eas::encode(eas::makeDownloadRequest(
                                            eas::PolicyType::EasProvisioningWbxml)));
    REQUIRE(p.ok());
    auto doc = eas::Document::decode(p.response->body);
    REQUIRE(doc.ok());
    auto m = eas::decodeProvisionResponse(*doc);
    REQUIRE(m.ok());
    CHECK(m->remoteWipe);
    auto ack = c.post(Command::Provision, eas::encode(eas::makeRemoteWipeAcknowledgement(
                                              eas::RemoteWipeStatus::Success)));
    REQUIRE(ack.ok());
    CHECK(ack.response->status == 200);
    CHECK(s.sim.ok({"devices"}).find("\"wipe\": \"done\"") != std::string::npos);
  }
}

TEST_CASE("mapi-sim syncs all four data types, initial and incremental", "[mapi-sim][serve][sync]") {
  Sim s;
  auto version = GENERATE(ProtocolVersion::V2_5, ProtocolVersion::V12_1, ProtocolVersion::V14_1);
  EasClient c = s.ready("DEV3V" + std::to_string(static_cast<int>(version)), version);
  s.sim.ok({"deliver", "--to", "alice", "--subject", "Quarterly numbers", "--body", "See inside"});
  s.sim.ok({"contact", "add", "--user", "alice", "--first", "Ada", "--last", "Lovelace",
            "--email", "ada@example.com"});
  s.sim.ok({"event", "add", "--user", "alice", "--subject", "Design review", "--start",
            "2026-11-26T10:00:00Z", "--end", "2026-11-26T11:00:00Z", "--tz", "W. Europe"});
  s.sim.ok({"task", "add", "--user", "alice", "--subject", "File expenses", "--due",
            "2026-11-30T17:00:00Z"});

  struct Case {
    FolderType type;
    ItemClass cls;
  };
  for (Case k : {Case{FolderType::Inbox, ItemClass::Email}, Case{FolderType::Contacts, ItemClass::Contacts},
                 Case{FolderType::Calendar, ItemClass::Calendar}, Case{FolderType::Tasks, ItemClass::Tasks}}) {
    auto col = c.initialSync(c.folderId(k.type), k.cls);
    INFO("class " << eas::toString(k.cls));
    CHECK(col.status == eas::SyncStatus::Success);
    REQUIRE(col.commands.size() == 1);
    REQUIRE(std::holds_alternative<eas::SyncServerAdd>(col.commands[0]));
    const auto& data = std::get<eas::SyncServerAdd>(col.commands[0]).data;
    CHECK(eas::itemClassOf(data) == k.cls);
  }

  // Incremental: one more mail gives exactly one Add on the next key.
  auto inbox = c.folderId(FolderType::Inbox);
  eas::SyncRequest again;
  again.version = version;
  eas::SyncCollectionRequest col;
  col.collectionId = inbox;
  if (!eas::atLeast(version, ProtocolVersion::V14_0)) {
    col.itemClass = ItemClass::Email;
  }
  // The key from the initial sync round above.
  col.syncKey = c.initialSync(inbox, ItemClass::Email).syncKey;
  col.getChanges = true;
  again.collections = {col};
  auto none = c.sync(again);
  REQUIRE(none.collections.size() == 1);
  CHECK(none.collections[0].commands.empty());
  s.sim.ok({"deliver", "--to", "alice", "--subject", "Second", "--body", "x"});
  col.syncKey = none.collections[0].syncKey.empty() ? col.syncKey : none.collections[0].syncKey;
  again.collections = {col};
  auto one = c.sync(again);
  REQUIRE(one.collections.size() == 1);
  REQUIRE(one.collections[0].commands.size() == 1);
  const auto& add = std::get<eas::SyncServerAdd>(one.collections[0].commands[0]);
  CHECK(std::get<eas::EmailItem>(add.data).subject == "Second");
}

TEST_CASE("mapi-sim Ping statuses 1 to 8", "[mapi-sim][serve][ping]") {
  Sim s;
  EasClient c = s.ready("DEV4PING");
  const std::string inbox = c.folderId(FolderType::Inbox);
  c.initialSync(inbox, ItemClass::Email);

  SECTION("1: the heartbeat ends without changes") {
    auto r = c.ping(pingFor(inbox, 1));
    CHECK(r.status == PingStatus::Expired);
  }
  SECTION("2: a delivery wakes the held Ping within 100 ms") {
    double best = 1e9;
    for (int round = 0; round < 3 && best >= 100; ++round) {
      auto held = std::async(std::launch::async, [&] { return c.ping(pingFor(inbox, 30)); });
      // Give the Ping time to be parked before the delivery.
      for (int i = 0; i < 200 && s.sim.ok({"status"}).find("\"heldPings\": 1") == std::string::npos; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      auto t0 = Clock::now();
      s.sim.ok({"deliver", "--to", "alice", "--subject", "Wake up", "--body", "now"});
      auto r = held.get();
      auto ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      REQUIRE(r.status == PingStatus::Changes);
      REQUIRE(r.folders == std::vector<std::string>{inbox});
      best = std::min(best, ms);
      c.initialSync(inbox, ItemClass::Email);
    }
    // deliver as a whole (process start, admin call, commit, wake) took under 100 ms.
    CHECK(best < 100);
  }
  SECTION("2: a change made before the Ping answers at once") {
    s.sim.ok({"deliver", "--to", "alice", "--subject", "Between pings", "--body", "x"});
    auto t0 = Clock::now();
    auto r = c.ping(pingFor(inbox, 30));
    CHECK(r.status == PingStatus::Changes);
    CHECK(Clock::now() - t0 < std::chrono::seconds(10));
  }
  SECTION("3: an empty Ping with nothing cached") {
    EasClient fresh = s.ready("DEV4FRESH");
    auto r = fresh.post(Command::Ping, "");
    REQUIRE(r.ok());
    auto doc = eas::Document::decode(r.response->body);
    REQUIRE(doc.ok());
    CHECK(eas::decodePingResponse(*doc)->status == PingStatus::MissingParameters);
  }
  SECTION("3 then reuse: an empty Ping reuses the last parameters") {
    CHECK(c.ping(pingFor(inbox, 1)).status == PingStatus::Expired);
    auto r = c.post(Command::Ping, "");
    REQUIRE(r.ok());
    auto doc = eas::Document::decode(r.response->body);
    REQUIRE(doc.ok());
    CHECK(eas::decodePingResponse(*doc)->status == PingStatus::Expired);
  }
  SECTION("4: the same folder twice") {
    PingRequest p = pingFor(inbox, 60);
    p.folders.push_back({inbox, ItemClass::Email});
    CHECK(c.ping(p).status == PingStatus::SyntaxError);
  }
  SECTION("5: heartbeat out of range carries the bound") {
    s.sim.ok({"settings", "set", "heartbeat.min=60", "heartbeat.max=3540"});
    auto low = c.ping(pingFor(inbox, 30));
    CHECK(low.status == PingStatus::InvalidHeartbeat);
    CHECK(low.heartbeatInterval == 60u);
    auto high = c.ping(pingFor(inbox, 4000));
    CHECK(high.status == PingStatus::InvalidHeartbeat);
    CHECK(high.heartbeatInterval == 3540u);
    s.sim.ok({"settings", "set", "profile=exchange2003sp2"});
    EasClient old = s.ready("DEV4OLD", ProtocolVersion::V2_5);
    CHECK(old.ping(pingFor(old.folderId(FolderType::Inbox), 3000)).heartbeatInterval == 2700u);
  }
  SECTION("6: too many folders carries MaxFolders") {
    s.sim.ok({"settings", "set", "maxPingFolders=1"});
    PingRequest p = pingFor(inbox, 60);
    p.folders.push_back({c.folderId(FolderType::Contacts), ItemClass::Contacts});
    auto r = c.ping(p);
    CHECK(r.status == PingStatus::TooManyFolders);
    CHECK(r.maxFolders == 1u);
  }
  SECTION("7: an unknown folder, and a hierarchy change while held") {
    CHECK(c.ping(pingFor("9999", 60)).status == PingStatus::FolderSyncRequired);
    EasClient creator = s.ready("DEV4CREATOR");
    auto held = std::async(std::launch::async, [&] { return c.ping(pingFor(inbox, 30)); });
    for (int i = 0; i < 200 && s.sim.ok({"status"}).find("\"heldPings\": 1") == std::string::npos; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    eas::FolderCreateRequest f;
    f.syncKey = creator.folderSyncKey;
    f.parentId = "0";
    f.displayName = "Archive";
    f.type = FolderType::UserMail;
    auto r = creator.post(Command::FolderCreate, eas::encode(f));
    REQUIRE(r.ok());
    auto doc = eas::Document::decode(r.response->body);
    REQUIRE(doc.ok());
    auto created = eas::decodeFolderCreateResponse(*doc);
    REQUIRE(created.ok());
    CHECK(created->status == eas::FolderCreateStatus::Success);
    CHECK(held.get().status == PingStatus::FolderSyncRequired);
  }
  SECTION("8: a failure inside the server") {
    s.sim.ok({"fault", "server-error", "1"});
    CHECK(c.ping(pingFor(inbox, 1)).status == PingStatus::ServerError);
    CHECK(c.ping(pingFor(inbox, 1)).status == PingStatus::Expired);
  }
  SECTION("a newer Ping from the same device ends the older one") {
    auto first = std::async(std::launch::async, [&] { return c.ping(pingFor(inbox, 30)); });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EasClient same = s.client("DEV4PING");
    same.policyKey = c.policyKey;
    auto second = std::async(std::launch::async, [&] { return same.ping(pingFor(inbox, 1)); });
    CHECK(first.get().status == PingStatus::Expired);
    CHECK(second.get().status == PingStatus::Expired);
  }
}

TEST_CASE("mapi-sim password change fails the old password at once", "[mapi-sim][serve][auth]") {
  Sim s;
  EasClient c = s.ready("DEV5PW");
  const std::string inbox = c.folderId(FolderType::Inbox);
  auto held = std::async(std::launch::async, [&] { return c.ping(pingFor(inbox, 2)); });
  s.sim.ok({"password", "alice"}, "New-Pass2\n");
  CHECK(held.get().status == PingStatus::Expired);
  auto r = c.post(Command::Ping, eas::encode(pingFor(inbox, 1)));
  REQUIRE(r.ok());
  CHECK(r.response->status == 401);
  c.password = "New-Pass2";
  CHECK(c.ping(pingFor(inbox, 1)).status == PingStatus::Expired);
}

TEST_CASE("mapi-sim faults", "[mapi-sim][serve][faults]") {
  Sim s;
  EasClient c = s.ready("DEV6FAULT");
  const std::string inbox = c.folderId(FolderType::Inbox);
  c.initialSync(inbox, ItemClass::Email);
  auto folderSync = [&] { return c.post(Command::FolderSync, eas::encode(eas::FolderSyncRequest{c.folderSyncKey})); };

  SECTION("503 with Retry-After for N requests") {
    s.sim.ok({"fault", "unavailable", "2", "--retry-after", "7"});
    for (int i = 0; i < 2; ++i) {
      auto r = folderSync();
      REQUIRE(r.ok());
      CHECK(r.response->status == 503);
      CHECK(net::findHeader(r.response->headers, "Retry-After") == std::optional<std::string_view>("7"));
    }
    CHECK(folderSync().response->status == 200);
  }
  SECTION("delayed responses") {
    s.sim.ok({"fault", "delay", "400", "--count", "1"});
    auto t0 = Clock::now();
    CHECK(folderSync().response->status == 200);
    CHECK(Clock::now() - t0 >= std::chrono::milliseconds(400));
  }
  SECTION("slow-drip responses arrive whole") {
    s.sim.ok({"fault", "drip", "4", "50", "--count", "1"});
    auto t0 = Clock::now();
    auto r = folderSync();
    REQUIRE(r.ok());
    CHECK(r.response->status == 200);
    CHECK(eas::Document::decode(r.response->body).ok());
    // At least a few 50 ms pauses for a body of a dozen bytes or more.
    CHECK(Clock::now() - t0 >= std::chrono::milliseconds(100));
  }
  SECTION("held Pings dropped without an answer") {
    auto held = std::async(std::launch::async, [&] { return c.post(Command::Ping, eas::encode(pingFor(inbox, 30))); });
    for (int i = 0; i < 200 && s.sim.ok({"status"}).find("\"heldPings\": 1") == std::string::npos; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    s.sim.ok({"fault", "drop-pings"});
    auto r = held.get();
    CHECK_FALSE(r.ok());
    s.sim.ok({"fault", "drop-pings", "--after", "200"});
    auto t0 = Clock::now();
    auto cut = c.post(Command::Ping, eas::encode(pingFor(inbox, 30)));
    CHECK_FALSE(cut.ok());
    CHECK(Clock::now() - t0 < std::chrono::seconds(10));
  }
  SECTION("refused connections") {
    s.sim.ok({"fault", "refuse", "on"});
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EasClient other = s.client("DEV6OTHER");
    CHECK_FALSE(other.options().ok());
    s.sim.ok({"fault", "clear"});
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EasClient again = s.client("DEV6AGAIN");
    CHECK(again.options().ok());
  }
}

TEST_CASE("mapi-sim answers malformed input with 400 and keeps serving", "[mapi-sim][serve][bad]") {
  Sim s;
  EasClient c = s.ready("DEV7BAD");
  auto truncated = c.post(Command::FolderSync, std::string("\x03\x01\x6a\x00\x00\x07\x56\x52", 8));
  REQUIRE(truncated.ok());
  CHECK(truncated.response->status == 400);
  auto garbage = c.post(Command::Sync, "not wbxml at all");
  REQUIRE(garbage.ok());
  CHECK(garbage.response->status == 400);

  auto endpoint = net::parseEndpoint(s.sim.easUrl());
  net::BlockingHttpClient raw(*endpoint);
  net::HttpRequest bad;
  bad.method = "POST";
  bad.target = "/Microsoft-Server-ActiveSync?Cmd=Sync&User=alice";  // no DeviceId/DeviceType
  bad.headers.emplace_back("Authorization", "Basic " + eas::base64Encode(std::string("alice:") + Password));
  bad.headers.emplace_back("MS-ASProtocolVersion", "14.1");
  auto r = raw.send(bad);
  REQUIRE(r.ok());
  CHECK(r.response->status == 400);
  CHECK(c.folderSync(c.folderSyncKey).status == eas::FolderSyncStatus::Success);
}

TEST_CASE("mapi-sim keeps its data across a restart and answers held Pings on SIGTERM",
          "[mapi-sim][serve][restart]") {
  Sim s;
  EasClient c = s.ready("DEV8RESTART");
  const std::string inbox = c.folderId(FolderType::Inbox);
  s.sim.ok({"deliver", "--to", "alice", "--subject", "Before restart", "--body", "kept"});
  auto col = c.initialSync(inbox, ItemClass::Email);
  REQUIRE(col.commands.size() == 1);

  auto held = std::async(std::launch::async, [&] { return c.ping(pingFor(inbox, 60)); });
  for (int i = 0; i < 200 && s.sim.ok({"status"}).find("\"heldPings\": 1") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(s.sim.stop(SIGTERM) == 0);
  CHECK(held.get().status == PingStatus::Expired);

  s.sim.start();
  EasClient again(s.sim.easUrl(), "alice", Password, "DEV8RESTART", ProtocolVersion::V14_1);
  again.policyKey = c.policyKey;  // the policy key survived
  again.folderSyncKey = c.folderSyncKey;
  CHECK(again.folderSync(c.folderSyncKey).status == eas::FolderSyncStatus::Success);
  s.sim.ok({"deliver", "--to", "alice", "--subject", "After restart", "--body", "new"});
  eas::SyncRequest req;
  req.version = ProtocolVersion::V14_1;
  eas::SyncCollectionRequest k;
  k.collectionId = inbox;
  k.syncKey = col.syncKey;
  k.getChanges = true;
  req.collections = {k};
  auto next = again.sync(req);
  REQUIRE(next.collections.size() == 1);
  REQUIRE(next.collections[0].commands.size() == 1);
  CHECK(std::get<eas::EmailItem>(std::get<eas::SyncServerAdd>(next.collections[0].commands[0]).data)
            .subject == "After restart");
}

TEST_CASE("mapi-sim over HTTPS with its own CA", "[mapi-sim][serve][tls]") {
  Sim s(true);
  struct stat st {};
  REQUIRE(::stat((s.sim.dir() + "/ca.key").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  REQUIRE(::stat((s.sim.dir() + "/admin.token").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(s.sim.easUrl().rfind("https://", 0) == 0);
  EasClient c = s.ready("DEV9TLS");
  CHECK(c.folderSync(c.folderSyncKey).status == eas::FolderSyncStatus::Success);

  // A client that trusts only the system store refuses the simulator's certificate.
  std::string error;
  auto endpoint = net::parseEndpoint(s.sim.easUrl());
  auto system = net::TlsContext::client("", error);
  REQUIRE(system);
  net::BlockingHttpClient raw(*endpoint, system);
  net::HttpRequest r;
  r.method = "OPTIONS";
  r.target = "/Microsoft-Server-ActiveSync";
  auto result = raw.send(r);
  CHECK_FALSE(result.ok());
  CHECK(result.error.find("verif") != std::string::npos);
}

TEST_CASE("mapi-sim logs an alert when the average heartbeat falls to 540 s", "[mapi-sim][serve][heartbeat]") {
  Sim s;
  s.sim.ok({"settings", "set", "heartbeatLogWindow=3"});
  EasClient c = s.ready("DEV10HB");
  const std::string inbox = c.folderId(FolderType::Inbox);
  for (int i = 0; i < 3; ++i) {
    CHECK(c.ping(pingFor(inbox, 1)).status == PingStatus::Expired);
  }
  CHECK(s.sim.ok({"events"}).find("heartbeat-alert") != std::string::npos);
}

TEST_CASE("mapi-sim AUTD notifications reach the device's SMS gateway", "[mapi-sim][serve][autd]") {
  Sim s;
  EasClient c = s.ready("DEV11AUTD");
  net::EventLoop loop;
  std::atomic<int> hits{0};
  net::HttpServer gateway(loop, net::HttpServerOptions{}, [&](std::shared_ptr<net::HttpExchange> ex) {
    ++hits;
    ex->respond(net::HttpResponse{});
  });
  std::string error;
  REQUIRE(gateway.start(error));
  std::thread loopThread([&] { loop.run(); });
  s.sim.ok({"devices", "notify", "DEV11AUTD",
            "http://127.0.0.1:" + std::to_string(gateway.port()) + "/sms"});
  s.sim.ok({"deliver", "--to", "alice", "--subject", "AUTD", "--body", "x"});
  for (int i = 0; i < 500 && hits.load() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(hits.load() == 1);
  bool counted = false;
  for (int i = 0; i < 100 && !counted; ++i) {
    counted = s.sim.ok({"status"}).find("\"smsNotifications\": 1") != std::string::npos;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(counted);

  s.sim.ok({"settings", "set", "mobile.upToDateNotifications=off"});
  s.sim.ok({"deliver", "--to", "alice", "--subject", "quiet", "--body", "x"});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(hits.load() == 1);
  loop.stop();
  loopThread.join();
}

TEST_CASE("mapi-sim shows a device's Settings DeviceInformation in `devices`",
          "[mapi-sim][serve][settings]") {
  Sim s;
  EasClient c = s.ready("DEV12INFO", ProtocolVersion::V12_1);
  eas::SettingsRequest request;
  eas::DeviceInformation info;
  info.model = "HTC Hermes";
  info.os = "Windows Mobile 6.1";
  info.friendlyName = "Alice's phone";
  request.deviceInformation = info;
  auto r = c.post(Command::Settings, eas::encode(request));
  REQUIRE(r.ok());
  CHECK(r.response->status == 200);
  const std::string devices = s.sim.ok({"devices"});
  CHECK(devices.find("HTC Hermes") != std::string::npos);
  CHECK(devices.find("Windows Mobile 6.1") != std::string::npos);
  CHECK(devices.find("DEV12INFO") != std::string::npos);
}
