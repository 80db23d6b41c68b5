// `cradle serve` as a real process between an EAS client and a real mapi-sim (TLS) on loopback:
// relay of the main commands, device authentication, upstream failures, password change, bad
// input, and logs without secrets.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "bridge/store/store.h"
#include "eas/base64.h"
#include "eas/message/folder_sync.h"
#include "eas/message/ping.h"
#include "eas/message/send_mail.h"
#include "eas/wbxml/document.h"
#include "net/x509.h"
#include "tests/support/eas_client.h"

namespace {

using namespace cradle;
using cradle::test::binPath;
using cradle::test::Child;
using cradle::test::EasClient;
using cradle::test::MapiSim;
using cradle::test::TempDir;
using eas::Command;
using eas::FolderType;
using eas::ItemClass;
using eas::PingStatus;
using eas::ProtocolVersion;
using namespace std::chrono_literals;

constexpr const char* Password = "Upstream-Pass1";

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) {
    s.pop_back();
  }
  return s;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

// mapi-sim with user alice (TLS, heartbeats from 1 s) and a bridge state folder.
struct Rig {
  Rig() : sim(dir.path() + "/sim", true), state(dir.path() + "/state") {
    std::filesystem::create_directories(dir.path() + "/sim");
    sim.ok({"user", "add", "alice", "--email", "alice@example.com"}, std::string(Password) + "\n");
    sim.start();
    sim.ok({"settings", "set", "heartbeat.min=1"});
  }
  ~Rig() {
    if (bridge.running()) {
      bridge.stop(15);
    }
  }
  test::RunResult cradle(std::vector<std::string> args, const std::string& input = {}) {
    args.insert(args.begin(), binPath("cradle"));
    return test::run(args, input);
  }
  // `cradle device add` for alice at mapi-sim; returns the device secret.
  std::string addDevice(const std::string& id, const std::string& ca = {},
                        const std::string& server = {}) {
    auto r = cradle({"device", "add", "--device-id", id, "--device-type", "PocketPC", "--user",
                     "alice", "--server", server.empty() ? sim.easUrl() : server, "--ca",
                     ca.empty() ? sim.caFile() : ca, "--state", state},
                    std::string(Password) + "\n");
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const std::string secret = trim(r.out);
    REQUIRE(secret.size() == 43);
    secrets.push_back(secret);
    return secret;
  }
  // `properties`: lines for STATE/cradle.properties (the user file), written before the start.
  void start(const std::string& properties = {}) {
    if (!properties.empty()) {
      std::ofstream(state + "/cradle.properties") << properties;
    }
    bridge.start({binPath("cradle"), "serve", "--state", state, "--listen", "127.0.0.1:0",
                  "--control", "127.0.0.1:0"},
                 dir.path(), "cradle");
    url = test::waitForLine(state + "/listen.url", 15s);
    INFO(bridge.output());
    REQUIRE(url.rfind("https://127.0.0.1:", 0) == 0);
  }
  EasClient client(const std::string& id, const std::string& secret,
                   ProtocolVersion v = ProtocolVersion::V14_1) {
    return EasClient(url, "alice", secret, id, v, state + "/ca.pem");
  }
  std::unique_ptr<bridge::Store> store() {
    auto box = bridge::SecretBox::fromKeyFile(state + "/store.key");
    REQUIRE(box.ok());
    auto s = bridge::Store::open(state + "/bridge.db", *box);
    REQUIRE(s.ok());
    return std::move(*s);
  }
  std::string eventText() {
    auto events = store()->eventsSince(0);
    REQUIRE(events.ok());
    std::string all;
    for (const auto& e : *events) {
      all += e.kind + " " + e.deviceId + " " + e.text + "\n";
    }
    return all;
  }
  int simCounter(const std::string& name) {
    const std::string status = sim.ok({"status"});
    const auto at = status.find("\"" + name + "\"");
    REQUIRE(at != std::string::npos);
    return std::stoi(status.substr(status.find(':', at) + 1));
  }
  // Neither the bridge's output nor its event log holds a secret or an Authorization value.
  void checkNoSecretsLogged() {
    const std::string logs = bridge.output() + eventText();
    CHECK(logs.find(Password) == std::string::npos);
    CHECK(logs.find("Authorization") == std::string::npos);
    for (const std::string& s : secrets) {
      CHECK(logs.find(s) == std::string::npos);
    }
  }

  TempDir dir;
  MapiSim sim;
  std::string state;
  Child bridge;
  std::string url;
  std::vector<std::string> secrets;
};

eas::PingRequest pingFor(const std::string& folder, uint32_t heartbeat) {
  eas::PingRequest p;
  p.heartbeatInterval = heartbeat;
  p.folders.push_back({folder, ItemClass::Email});
  return p;
}

}  // namespace

TEST_CASE("the bridge relays Provision, FolderSync, Sync, SendMail and a woken Ping",
          "[bridge][relay]") {
  Rig rig;
  const std::string secret = rig.addDevice("RELAYDEV1");
  rig.start();
  EasClient c = rig.client("RELAYDEV1", secret);
  REQUIRE(c.provision() != 0);
  c.folderSync();
  const std::string inbox = c.folderId(FolderType::Inbox);
  REQUIRE(!inbox.empty());
  c.initialSync(inbox, ItemClass::Email);

  eas::ComposeMailRequest mail;
  mail.clientId = "relay-1";
  mail.saveInSentItems = true;
  mail.mime = "From: alice@example.com\r\nTo: bob@example.com\r\nSubject: via cradle\r\n\r\nhi\r\n";
  auto sent = c.post(Command::SendMail, eas::encode(mail));
  REQUIRE(sent.ok());
  CHECK(sent.response->status == 200);
  CHECK(sent.response->body.empty());

  auto held = std::async(std::launch::async, [&c, &inbox] { return c.ping(pingFor(inbox, 60)); });
  REQUIRE(held.wait_for(500ms) == std::future_status::timeout);  // parked at both ends
  rig.sim.ok({"deliver", "--to", "alice", "--subject", "wake up"});
  REQUIRE(held.wait_for(10s) == std::future_status::ready);
  const eas::PingResponse woken = held.get();
  CHECK(woken.status == PingStatus::Changes);
  CHECK(woken.folders == std::vector<std::string>{inbox});
  CHECK(count(rig.sim.ok({"devices"}), "RELAYDEV1") >= 1);

  // OPTIONS: no device id; the device secret of one of alice's partnerships admits it.
  auto options = c.options();
  REQUIRE(options.ok());
  CHECK(options.response->status == 200);
  CHECK(net::findHeader(options.response->headers, "MS-ASProtocolVersions"));
  rig.checkNoSecretsLogged();
  CHECK(rig.bridge.stop(15) == 0);
}

TEST_CASE("one device id in the plain and the base64 query is one device upstream",
          "[bridge][relay]") {
  Rig rig;
  const std::string raw =
      std::string("\x6F\x24\xCA\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0A\x0B\x0C\x8D", 16);
  const std::string id = eas::canonicalDeviceId(raw);
  REQUIRE(id == "6F24CA0102030405060708090A0B0C8D");
  const std::string secret = rig.addDevice(id);
  rig.start();
  EasClient c = rig.client(id, secret);
  REQUIRE(c.provision() != 0);
  c.folderSync();

  eas::EasRequest r;
  r.cmd = Command::FolderSync;
  r.user = "alice";
  r.deviceId = id;
  r.rawDeviceId = raw;
  r.deviceType = "PPC";
  r.version = ProtocolVersion::V14_1;
  r.policyKey = c.policyKey;
  r.form = eas::QueryForm::Base64;
  auto target = eas::buildBase64Target(r);
  REQUIRE(target.ok());
  net::HttpRequest request;
  request.method = "POST";
  request.target = *target;
  request.headers.emplace_back("Authorization", "Basic " + eas::base64Encode("alice:" + secret));
  request.headers.emplace_back("Content-Type", "application/vnd.ms-sync.wbxml");
  request.body = eas::encode(eas::FolderSyncRequest{"0"});
  std::string error;
  auto tls = net::TlsContext::client(rig.state + "/ca.pem", error);
  REQUIRE(tls);
  net::BlockingHttpClient http(*net::parseEndpoint(rig.url), tls);
  auto result = http.send(request);
  REQUIRE(result.ok());
  REQUIRE(result.response->status == 200);
  auto doc = eas::Document::decode(result.response->body);
  REQUIRE(doc.ok());
  auto folders = eas::decodeFolderSyncResponse(*doc);
  REQUIRE(folders.ok());
  // The policy key the plain-query device got is valid for the base64 one: same device.
  CHECK(folders->status == eas::FolderSyncStatus::Success);
  const std::string devices = rig.sim.ok({"devices"});
  INFO(devices);
  CHECK(count(devices, id) == 1);
  CHECK(rig.simCounter("devices") == 1);
}

TEST_CASE("unpaired, wrongly authenticated and revoked devices are refused, never relayed",
          "[bridge][relay]") {
  Rig rig;
  const std::string secret = rig.addDevice("PAIREDDEV1");
  rig.start();
  const int before = rig.simCounter("requests");

  EasClient unpaired = rig.client("UNPAIREDDEV", secret);
  auto r = unpaired.post(Command::FolderSync, eas::encode(eas::FolderSyncRequest{"0"}));
  REQUIRE(r.ok());
  CHECK(r.response->status == 401);
  CHECK(net::findHeader(r.response->headers, "WWW-Authenticate"));

  EasClient wrong = rig.client("PAIREDDEV1", "not-the-secret");
  r = wrong.post(Command::FolderSync, eas::encode(eas::FolderSyncRequest{"0"}));
  REQUIRE(r.ok());
  CHECK(r.response->status == 401);
  CHECK(wrong.options().response->status == 401);

  EasClient upstreamPassword = rig.client("PAIREDDEV1", Password);  // not the device secret
  r = upstreamPassword.post(Command::FolderSync, eas::encode(eas::FolderSyncRequest{"0"}));
  REQUIRE(r.ok());
  CHECK(r.response->status == 401);

  REQUIRE(rig.store()->setPartnershipState("PAIREDDEV1", bridge::PartnershipState::Revoked).ok());
  EasClient revoked = rig.client("PAIREDDEV1", secret);
  r = revoked.post(Command::FolderSync, eas::encode(eas::FolderSyncRequest{"0"}));
  REQUIRE(r.ok());
  CHECK(r.response->status == 403);
  CHECK(rig.simCounter("requests") == before);
  rig.checkNoSecretsLogged();
}

TEST_CASE("an upstream certificate the bridge cannot verify gives 503 and a plain event",
          "[bridge][relay]") {
  Rig rig;
  const std::string otherCa = rig.dir.path() + "/other-ca.pem";
  std::string error;
  REQUIRE(net::createCa({otherCa, rig.dir.path() + "/other-ca.key"}, "Someone else", 30, error));
  const std::string secret = rig.addDevice("TLSDEV1", otherCa);
  rig.start();
  EasClient c = rig.client("TLSDEV1", secret);
  auto r = c.post(Command::Provision, "");
  REQUIRE(r.ok());
  CHECK(r.response->status == 503);
  CHECK(net::findHeader(r.response->headers, "Retry-After"));
  const std::string events = rig.eventText();
  INFO(events);
  CHECK(events.find("upstream-tls TLSDEV1") != std::string::npos);
  CHECK(events.find("certificate") != std::string::npos);
  // A second failure of the same kind does not repeat the event.
  r = c.post(Command::Provision, "");
  REQUIRE(r.ok());
  CHECK(r.response->status == 503);
  CHECK(count(rig.eventText(), "upstream-tls") == 1);
  rig.checkNoSecretsLogged();
}

TEST_CASE("an unavailable upstream's 503 and Retry-After pass through", "[bridge][relay]") {
  Rig rig;
  const std::string secret = rig.addDevice("FAULTDEV1");
  rig.start();
  EasClient c = rig.client("FAULTDEV1", secret);
  REQUIRE(c.provision() != 0);
  rig.sim.ok({"fault", "unavailable", "1", "--retry-after", "7"});
  auto r = c.post(Command::FolderSync, eas::encode(eas::FolderSyncRequest{"0"}));
  REQUIRE(r.ok());
  CHECK(r.response->status == 503);
  auto retry = net::findHeader(r.response->headers, "Retry-After");
  REQUIRE(retry);
  CHECK(std::string(*retry) == "7");
  c.folderSync();  // the next one goes through
  CHECK(!c.folders.empty());

  // MS-ASHTTP 449 (provision first, up to 12.1) keeps its meaning through the bridge.
  EasClient old = rig.client("FAULTDEV1", secret, ProtocolVersion::V12_1);
  r = old.post(Command::FolderSync, eas::encode(eas::FolderSyncRequest{"0"}));
  REQUIRE(r.ok());
  CHECK(r.response->status == 449);
}

TEST_CASE("an upstream password change marks the credential stale without locking the account",
          "[bridge][relay]") {
  Rig rig;
  const std::string secret = rig.addDevice("STALEDEV1");
  rig.start();
  EasClient c = rig.client("STALEDEV1", secret);
  REQUIRE(c.provision() != 0);
  c.folderSync();
  const std::string inbox = c.folderId(FolderType::Inbox);
  const int refusedBefore = rig.simCounter("unauthorized");
  rig.sim.ok({"password", "alice"}, "Changed-Pass2\n");

  for (int i = 0; i < 3; ++i) {
    auto r = c.post(Command::FolderSync, eas::encode(eas::FolderSyncRequest{"0"}));
    REQUIRE(r.ok());
    CHECK(r.response->status == 503);  // never 401: the device must not prompt
    CHECK(net::findHeader(r.response->headers, "Retry-After"));
  }
  CHECK(rig.simCounter("unauthorized") == refusedBefore + 1);  // one attempt upstream
  const std::string events = rig.eventText();
  CHECK(count(events, "credential-stale") == 1);
  auto credential = rig.store()->credential("alice", rig.sim.easUrl());
  REQUIRE(credential.ok());
  REQUIRE(credential->has_value());
  CHECK((*credential)->stale);

  // A Ping while stale is held locally and ends with status 1.
  CHECK(c.ping(pingFor(inbox, 1)).status == PingStatus::Expired);
  CHECK(rig.simCounter("unauthorized") == refusedBefore + 1);

  // A Ping held at the bridge while stale ends as soon as the new password is entered.
  auto waiting =
      std::async(std::launch::async, [&c, &inbox] { return c.ping(pingFor(inbox, 60)); });
  REQUIRE(waiting.wait_for(300ms) == std::future_status::timeout);
  auto entered = rig.cradle({"password", "alice", "--state", rig.state}, "Changed-Pass2\n");
  INFO(entered.err);
  REQUIRE(entered.exitCode == 0);
  REQUIRE(waiting.wait_for(5s) == std::future_status::ready);
  CHECK(waiting.get().status == PingStatus::Expired);
  // The device resumes untouched.
  c.folderSync("0");
  CHECK(!c.folders.empty());
  rig.checkNoSecretsLogged();
  const std::string logs = rig.bridge.output() + rig.eventText();
  CHECK(logs.find("Changed-Pass2") == std::string::npos);
}

TEST_CASE("malformed requests get 400 and the bridge keeps serving", "[bridge][relay]") {
  Rig rig;
  const std::string secret = rig.addDevice("BADREQDEV1");
  rig.start();
  std::string error;
  auto tls = net::TlsContext::client(rig.state + "/ca.pem", error);
  REQUIRE(tls);
  net::BlockingHttpClient http(*net::parseEndpoint(rig.url), tls);
  for (const std::string target :
       {"/Microsoft-Server-ActiveSync?Cmd=Bogus&User=alice&DeviceId=BADREQDEV1&DeviceType=PPC",
        "/Microsoft-Server-ActiveSync?%%%%", "/Microsoft-Server-ActiveSync?Cmd=Sync"}) {
    net::HttpRequest request;
    request.method = "POST";
    request.target = target;
    request.headers.emplace_back("MS-ASProtocolVersion", "14.1");
    request.headers.emplace_back("Authorization", "Basic " + eas::base64Encode("alice:" + secret));
    auto r = http.send(request);
    REQUIRE(r.ok());
    CHECK(r.response->status == 400);
  }
  EasClient c = rig.client("BADREQDEV1", secret);
  REQUIRE(c.provision() != 0);
  rig.checkNoSecretsLogged();
}

TEST_CASE("device add keeps secrets off the command line and out of readable files",
          "[bridge][relay]") {
  TempDir dir;
  const std::string state = dir.path() + "/state";
  auto cradle = [&](std::vector<std::string> args, const std::string& input) {
    args.insert(args.begin(), binPath("cradle"));
    args.push_back("--state");
    args.push_back(state);
    return test::run(args, input);
  };
  auto r = cradle({"device", "add", "--device-id", "DEV1", "--device-type", "PocketPC", "--user",
                   "alice", "--server", "http://mail.example.com"},
                  "pw\n");
  CHECK(r.exitCode == 2);
  CHECK(r.err.find("loopback") != std::string::npos);
  r = cradle({"device", "add", "--device-id", "DEV1", "--device-type", "PocketPC", "--user",
              "alice", "--server", "https://mail.example.com", "--password", "pw"},
             "");
  CHECK(r.exitCode == 2);
  CHECK(r.err.find("standard input") != std::string::npos);
  r = cradle({"device", "add", "--device-id", "DEV1", "--device-type", "PocketPC", "--user",
              "alice", "--server", "https://mail.example.com"},
             "");
  CHECK(r.exitCode == 1);  // no password given

  const std::string secretFile = dir.path() + "/secret";
  r = cradle({"device", "add", "--device-id", "DEV1", "--device-type", "PocketPC", "--user",
              "alice", "--server", "https://mail.example.com", "--secret-out", secretFile},
             "pw-upstream\n");
  INFO(r.err);
  REQUIRE(r.exitCode == 0);
  struct stat st {};
  REQUIRE(::stat(secretFile.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  const std::string secret = trim(test::readFile(secretFile));
  CHECK(secret.size() == 43);
  CHECK(r.out.find(secret) == std::string::npos);
  REQUIRE(::stat(state.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  // A second partnership for the same device id is refused.
  r = cradle({"device", "add", "--device-id", "DEV1", "--device-type", "PocketPC", "--user",
              "alice", "--server", "https://mail.example.com"},
             "pw-upstream\n");
  CHECK(r.exitCode == 1);

  r = cradle({"ca", "export"}, "");
  REQUIRE(r.exitCode == 0);
  CHECK(r.out.rfind("-----BEGIN CERTIFICATE-----", 0) == 0);
  CHECK(r.out == test::readFile(state + "/ca.pem"));
}

TEST_CASE("Pings across a password change end with status 1 and reach upstream once",
          "[bridge][relay]") {
  Rig rig;
  const std::string secret = rig.addDevice("HELDDEV1");
  // The relay's own path for a Ping (no push hub): the device's Ping is the upstream Ping, so
  // the password change shows at the next one. With the hub, see push_hub_test.cpp.
  rig.start("pushHub=false\n");
  EasClient c = rig.client("HELDDEV1", secret);
  REQUIRE(c.provision() != 0);
  c.folderSync();
  const std::string inbox = c.folderId(FolderType::Inbox);
  c.initialSync(inbox, ItemClass::Email);
  const int refusedBefore = rig.simCounter("unauthorized");
  auto held = std::async(std::launch::async, [&c, &inbox] { return c.ping(pingFor(inbox, 2)); });
  REQUIRE(held.wait_for(300ms) == std::future_status::timeout);
  rig.sim.ok({"password", "alice"}, "Changed-Pass3\n");
  REQUIRE(held.wait_for(10s) == std::future_status::ready);
  CHECK(held.get().status == PingStatus::Expired);  // the held one ran out upstream
  // The next Ping is refused upstream (401): the device sees status 1, not a prompt.
  CHECK(c.ping(pingFor(inbox, 2)).status == PingStatus::Expired);
  CHECK(count(rig.eventText(), "credential-stale") == 1);
  // Later Pings are held at the bridge and do not go upstream.
  CHECK(c.ping(pingFor(inbox, 1)).status == PingStatus::Expired);
  CHECK(rig.simCounter("unauthorized") == refusedBefore + 1);
}

TEST_CASE("an unreachable upstream gives 503 and says so in the event log", "[bridge][relay]") {
  Rig rig;
  const std::string secret = rig.addDevice("DOWNDEV1", {}, "https://127.0.0.1:1");
  rig.start();
  EasClient c = rig.client("DOWNDEV1", secret);
  auto r = c.post(Command::Provision, "");
  REQUIRE(r.ok());
  CHECK(r.response->status == 503);
  const std::string events = rig.eventText();
  INFO(events);
  CHECK(events.find("upstream-unreachable DOWNDEV1 cannot reach 127.0.0.1") != std::string::npos);
}

TEST_CASE("serve writes its control files and SIGTERM answers held Pings", "[bridge][relay]") {
  Rig rig;
  const std::string secret = rig.addDevice("TERMDEV1");
  rig.start();
  struct stat st {};
  REQUIRE(::stat((rig.state + "/control.token").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(test::readFile(rig.state + "/control.url").rfind("http://127.0.0.1:", 0) == 0);
  EasClient c = rig.client("TERMDEV1", secret);
  REQUIRE(c.provision() != 0);
  c.folderSync();
  const std::string inbox = c.folderId(FolderType::Inbox);
  c.initialSync(inbox, ItemClass::Email);
  auto held = std::async(std::launch::async, [&c, &inbox] { return c.ping(pingFor(inbox, 60)); });
  REQUIRE(held.wait_for(500ms) == std::future_status::timeout);
  CHECK(rig.bridge.stop(15) == 0);
  REQUIRE(held.wait_for(5s) == std::future_status::ready);
  CHECK(held.get().status == PingStatus::Expired);
  CHECK_FALSE(std::filesystem::exists(rig.state + "/listen.url"));
}

TEST_CASE("plain HTTP serves on loopback only", "[bridge][relay]") {
  Rig rig;
  const std::string secret = rig.addDevice("PLAINDEV1");
  auto refused =
      rig.cradle({"serve", "--state", rig.state, "--listen", "0.0.0.0:0", "--plain-http"});
  CHECK(refused.exitCode == 1);
  CHECK(refused.err.find("plain HTTP") != std::string::npos);
  CHECK(count(refused.err, "\n") == 1);  // one clear line

  rig.bridge.start(
      {binPath("cradle"), "serve", "--state", rig.state, "--listen", "127.0.0.1:0", "--plain-http"},
      rig.dir.path(), "cradle");
  rig.url = test::waitForLine(rig.state + "/listen.url", 15s);
  REQUIRE(rig.url.rfind("http://127.0.0.1:", 0) == 0);
  EasClient c = rig.client("PLAINDEV1", secret);
  CHECK(c.provision() != 0);
}
