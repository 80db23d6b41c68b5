// The push hub in `cradle serve` between an EAS client and a real mapi-sim (TLS) on loopback:
// wake-ups, device sleep, local expiry, bridge restart, upstream restart and heartbeat
// adaptation, with no change lost or reported twice.
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "bridge/store/store.h"
#include "eas/message/folder_sync.h"
#include "eas/message/ping.h"
#include "eas/message/sync.h"
#include "tests/support/eas_client.h"

namespace {

using namespace cradle;
using cradle::test::binPath;
using cradle::test::Child;
using cradle::test::EasClient;
using cradle::test::MapiSim;
using cradle::test::TempDir;
using eas::FolderType;
using eas::ItemClass;
using eas::PingStatus;
using eas::ProtocolVersion;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr const char* Password = "Upstream-Pass1";
constexpr const char* DeviceId = "HUBDEV1";

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) {
    s.pop_back();
  }
  return s;
}

// Polls `done` every 50 ms until it holds or `limit` passes.
template <typename F>
bool eventually(F done, std::chrono::milliseconds limit = 10s) {
  const auto end = Clock::now() + limit;
  while (Clock::now() < end) {
    if (done()) {
      return true;
    }
    std::this_thread::sleep_for(50ms);
  }
  return done();
}

// mapi-sim (heartbeats from 1 s), one paired device with the push hub on, synced inbox.
struct HubRig {
  explicit HubRig(const std::string& extraConfig = {})
      : sim(dir.path() + "/sim", true), state(dir.path() + "/state") {
    std::filesystem::create_directories(dir.path() + "/sim");
    sim.ok({"user", "add", "alice", "--email", "alice@example.com"}, std::string(Password) + "\n");
    sim.start();
    sim.ok({"settings", "set", "heartbeat.min=1"});
    auto r = test::run(
        {binPath("cradle"), "device", "add", "--device-id", DeviceId, "--device-type", "PocketPC",
         "--user", "alice", "--server", sim.easUrl(), "--ca", sim.caFile(), "--state", state},
        std::string(Password) + "\n");
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    secret = trim(r.out);
    std::ofstream(state + "/cradle.properties")
        << "pushHub=true\nupstreamHeartbeatMin=1\n" + extraConfig;
    startBridge();
    client = std::make_unique<EasClient>(url, "alice", secret, DeviceId, ProtocolVersion::V14_1,
                                         state + "/ca.pem");
    REQUIRE(client->provision() != 0);
    client->folderSync();
    inbox = client->folderId(FolderType::Inbox);
    REQUIRE(!inbox.empty());
    syncKey = client->initialSync(inbox, ItemClass::Email).syncKey;
  }
  ~HubRig() {
    if (bridge.running()) {
      bridge.stop(15);
    }
  }
  void startBridge() {
    std::filesystem::remove(state + "/listen.url");
    bridge.start(
        {binPath("cradle"), "serve", "--state", state, "--listen",
         url.empty() ? "127.0.0.1:0" : url.substr(url.rfind('/') + 1), "--control", "127.0.0.1:0"},
        dir.path(), "cradle");
    url = test::waitForLine(state + "/listen.url", 15s);
    INFO(bridge.output());
    REQUIRE(url.rfind("https://127.0.0.1:", 0) == 0);
  }
  std::unique_ptr<bridge::Store> store() {
    auto box = bridge::SecretBox::fromKeyFile(state + "/store.key");
    REQUIRE(box.ok());
    auto s = bridge::Store::open(state + "/bridge.db", *box);
    REQUIRE(s.ok());
    return std::move(*s);
  }
  std::vector<std::string> pending() {
    auto batch = store()->takePending(DeviceId);
    REQUIRE(batch.ok());
    return batch->folderIds;
  }
  bridge::DeviceStatistics stats() {
    auto s = store()->statistics(DeviceId);
    REQUIRE(s.ok());
    return *s;
  }
  int simCounter(const std::string& name) {
    const std::string status = sim.ok({"status"});
    const auto at = status.find("\"" + name + "\"");
    REQUIRE(at != std::string::npos);
    return std::stoi(status.substr(status.find(':', at) + 1));
  }
  eas::PingResponse ping(uint32_t heartbeat) {
    eas::PingRequest p;
    p.heartbeatInterval = heartbeat;
    p.folders.push_back({inbox, ItemClass::Email});
    return client->ping(p, std::chrono::seconds(heartbeat + 20));
  }
  std::future<eas::PingResponse> pingAsync(uint32_t heartbeat) {
    return std::async(std::launch::async, [this, heartbeat] { return ping(heartbeat); });
  }
  // One GetChanges round on the inbox; returns how many items it brought.
  std::size_t syncInbox() {
    eas::SyncRequest request;
    request.version = client->version();
    eas::SyncCollectionRequest c;
    c.collectionId = inbox;
    c.syncKey = syncKey;
    c.getChanges = true;
    request.collections.push_back(c);
    auto response = client->sync(request);
    if (response.collections.empty()) {
      return 0;
    }
    REQUIRE(response.collections[0].status == eas::SyncStatus::Success);
    syncKey = response.collections[0].syncKey;
    return response.collections[0].commands.size();
  }
  void deliver(const std::string& subject) {
    sim.ok({"deliver", "--to", "alice", "--subject", subject});
  }

  TempDir dir;
  MapiSim sim;
  std::string state;
  Child bridge;
  std::string url;
  std::string secret;
  std::unique_ptr<EasClient> client;
  std::string inbox;
  std::string syncKey;
};

}  // namespace

TEST_CASE("a parked device Ping is answered within 100 ms of a delivery", "[bridge][relay]") {
  HubRig rig;
  auto held = rig.pingAsync(60);
  REQUIRE(held.wait_for(300ms) == std::future_status::timeout);
  REQUIRE(eventually([&rig] { return rig.simCounter("heldPings") == 1; }));
  rig.deliver("wake up");
  REQUIRE(held.wait_for(100ms) == std::future_status::ready);
  const eas::PingResponse woken = held.get();
  CHECK(woken.status == PingStatus::Changes);
  CHECK(woken.folders == std::vector<std::string>{rig.inbox});
  CHECK(rig.syncInbox() == 1);
  CHECK(rig.pending().empty());
  // Synced: the change is not reported again.
  CHECK(rig.ping(2).status == PingStatus::Expired);
  const auto stats = rig.stats();
  CHECK(stats.devicePings == 2);
  CHECK(stats.wakeupsDelivered == 1);
  CHECK(stats.upstreamPings >= 2);
  CHECK(stats.heartbeatUpSeconds == 3540);
  // The control API's live status: the upstream Ping stays held with H_up.
  const auto devices = test::run({binPath("cradle"), "devices", "--state", rig.state});
  INFO(devices.out << devices.err);
  CHECK(devices.out.find("no device Ping, upstream Ping held (heartbeat 3540 s)") !=
        std::string::npos);
}

TEST_CASE("a sleeping device wakes to status 2 for a change while its own Ping expired",
          "[bridge][relay]") {
  HubRig rig;
  // H_dev 2: the device Ping ends locally, the upstream Ping stays at the server.
  const auto start = Clock::now();
  CHECK(rig.ping(2).status == PingStatus::Expired);
  CHECK(Clock::now() - start < 2500ms);
  CHECK(rig.simCounter("heldPings") == 1);
  rig.deliver("while asleep");
  REQUIRE(eventually([&rig] { return rig.pending() == std::vector<std::string>{rig.inbox}; }));
  auto awake = rig.pingAsync(60);
  REQUIRE(awake.wait_for(1s) == std::future_status::ready);
  const eas::PingResponse woken = awake.get();
  CHECK(woken.status == PingStatus::Changes);
  CHECK(woken.folders == std::vector<std::string>{rig.inbox});
  CHECK(rig.syncInbox() == 1);
  CHECK(rig.pending().empty());
  CHECK(rig.ping(2).status == PingStatus::Expired);
  CHECK(rig.stats().wakeupsDelivered == 1);
}

TEST_CASE("a bridge restart mid-heartbeat loses and repeats no change", "[bridge][relay]") {
  HubRig rig;
  // A change while the bridge is down reaches the device through the new upstream Ping.
  auto held = rig.pingAsync(60);
  REQUIRE(eventually([&rig] { return rig.simCounter("heldPings") == 1; }));
  CHECK(rig.bridge.stop(15) == 0);
  REQUIRE(held.wait_for(5s) == std::future_status::ready);
  CHECK(held.get().status == PingStatus::Expired);
  rig.deliver("while the bridge is down");
  rig.startBridge();
  auto after = rig.pingAsync(60);
  REQUIRE(after.wait_for(5s) == std::future_status::ready);
  CHECK(after.get().status == PingStatus::Changes);
  CHECK(rig.syncInbox() == 1);
  CHECK(rig.ping(2).status == PingStatus::Expired);

  // A change pending in the store survives the restart and is reported once.
  rig.deliver("pending across a restart");
  REQUIRE(eventually([&rig] { return rig.pending() == std::vector<std::string>{rig.inbox}; }));
  CHECK(rig.bridge.stop(15) == 0);
  rig.startBridge();
  auto woken = rig.pingAsync(60);
  REQUIRE(woken.wait_for(1s) == std::future_status::ready);
  CHECK(woken.get().status == PingStatus::Changes);
  CHECK(rig.syncInbox() == 1);
  CHECK(rig.pending().empty());
  CHECK(rig.ping(2).status == PingStatus::Expired);
}

TEST_CASE("an upstream killed mid-Ping and restarted still wakes the parked device",
          "[bridge][relay]") {
  HubRig rig;
  auto held = rig.pingAsync(60);
  REQUIRE(eventually([&rig] { return rig.simCounter("heldPings") == 1; }));
  rig.sim.stop(9);
  REQUIRE(held.wait_for(1500ms) == std::future_status::timeout);  // still parked at the bridge
  const std::string easUrl = rig.sim.easUrl();
  const std::string port = easUrl.substr(easUrl.rfind(':') + 1);
  Child restarted;
  std::filesystem::remove(rig.sim.dir() + "/eas.url");
  restarted.start({binPath("mapi-sim"), "serve", "--data", rig.sim.dir(), "--listen",
                   "127.0.0.1:" + port, "--tls"},
                  rig.sim.dir(), "mapi-sim-2");
  REQUIRE(!test::waitForLine(rig.sim.dir() + "/eas.url", 20s).empty());
  REQUIRE(eventually([&rig] { return rig.simCounter("heldPings") == 1; }, 20s));
  rig.deliver("after the outage");
  REQUIRE(held.wait_for(5s) == std::future_status::ready);
  CHECK(held.get().status == PingStatus::Changes);
  CHECK(rig.syncInbox() == 1);
  CHECK(rig.ping(2).status == PingStatus::Expired);
  restarted.stop(15);
}

TEST_CASE("upstream Pings cut before their heartbeat make H_up adapt down", "[bridge][relay]") {
  HubRig rig;
  rig.sim.ok({"fault", "drop-pings", "--after", "1500"});
  auto held = rig.pingAsync(60);
  REQUIRE(eventually([&rig] { return rig.stats().upstreamPingsDiedEarly >= 1; }));
  const auto stats = rig.stats();
  CHECK(stats.heartbeatUpSeconds >= 1);
  CHECK(stats.heartbeatUpSeconds < 3540);
  const auto devices = test::run({binPath("cradle"), "devices", "--state", rig.state});
  INFO(devices.out << devices.err);
  CHECK(devices.out.find("(heartbeat ") != std::string::npos);
  CHECK(devices.out.find("(heartbeat 3540 s)") == std::string::npos);
  // The shorter upstream Pings survive the cut and still carry a change.
  rig.deliver("through the NAT");
  REQUIRE(held.wait_for(5s) == std::future_status::ready);
  CHECK(held.get().status == PingStatus::Changes);
  CHECK(rig.syncInbox() == 1);
}

TEST_CASE("an upstream 503 backs the hub off while the device Ping stays parked",
          "[bridge][relay]") {
  HubRig rig;
  rig.sim.ok({"fault", "unavailable", "2", "--retry-after", "1"});
  auto held = rig.pingAsync(60);
  REQUIRE(held.wait_for(300ms) == std::future_status::timeout);
  REQUIRE(eventually([&rig] { return rig.simCounter("heldPings") == 1; }));
  CHECK(held.wait_for(0ms) == std::future_status::timeout);  // not answered by the back-off
  rig.deliver("after the back-off");
  REQUIRE(held.wait_for(5s) == std::future_status::ready);
  CHECK(held.get().status == PingStatus::Changes);
  CHECK(rig.stats().upstreamPings >= 3);
}

TEST_CASE("an upstream 401 on the hub's Ping marks the credential stale once, no retries",
          "[bridge][relay]") {
  HubRig rig("upstreamHeartbeat=2\n");
  auto held = rig.pingAsync(60);
  REQUIRE(eventually([&rig] { return rig.simCounter("heldPings") == 1; }));
  const int refusedBefore = rig.simCounter("unauthorized");
  rig.sim.ok({"password", "alice"}, "Changed-Pass2\n");
  // The upstream Ping runs out (H_up 2 s), its re-issue is refused: the device sees status 1.
  REQUIRE(held.wait_for(8s) == std::future_status::ready);
  CHECK(held.get().status == PingStatus::Expired);
  CHECK(rig.ping(1).status == PingStatus::Expired);  // held by the bridge while stale
  std::this_thread::sleep_for(2500ms);               // longer than H_up: nothing retried
  CHECK(rig.simCounter("unauthorized") == refusedBefore + 1);
  auto events = rig.store()->eventsSince(0);
  REQUIRE(events.ok());
  int stale = 0;
  for (const auto& e : *events) {
    stale += e.kind == "credential-stale" ? 1 : 0;
  }
  CHECK(stale == 1);

  auto entered =
      test::run({binPath("cradle"), "password", "alice", "--state", rig.state}, "Changed-Pass2\n");
  INFO(entered.err);
  REQUIRE(entered.exitCode == 0);
  auto resumed = rig.pingAsync(60);
  REQUIRE(eventually([&rig] { return rig.simCounter("heldPings") == 1; }));
  rig.deliver("after the password change");
  REQUIRE(resumed.wait_for(5s) == std::future_status::ready);
  CHECK(resumed.get().status == PingStatus::Changes);
  const std::string logs = rig.bridge.output();
  CHECK(logs.find("Changed-Pass2") == std::string::npos);
  CHECK(logs.find(Password) == std::string::npos);
}
