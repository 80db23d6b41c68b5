// Per-device policy through a real `cradle serve` and mapi-sim: data-type filters on FolderSync
// and Ping, attachment fetches refused, and schedule shaping of push deliveries.
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

#include "bridge/store/store.h"
#include "eas/message/folder_sync.h"
#include "eas/message/item_operations.h"
#include "eas/message/ping.h"
#include "eas/message/sync.h"
#include "eas/wbxml/document.h"
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
using Clock = std::chrono::steady_clock;

constexpr const char* Password = "Upstream-Pass1";

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) {
    s.pop_back();
  }
  return s;
}

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

// mapi-sim (TLS, heartbeats from 1 s) with alice, and a bridge with `properties`.
struct PolicyRig {
  explicit PolicyRig(const std::string& properties = {})
      : sim(dir.path() + "/sim", true), state(dir.path() + "/state") {
    std::filesystem::create_directories(dir.path() + "/sim");
    sim.ok({"user", "add", "alice", "--email", "alice@example.com"}, std::string(Password) + "\n");
    sim.start();
    sim.ok({"settings", "set", "heartbeat.min=1"});
    extra = properties;
  }
  ~PolicyRig() {
    if (bridge.running()) {
      bridge.stop(15);
    }
  }
  std::string addDevice(const std::string& id) {
    auto r = test::run(
        {binPath("cradle"), "device", "add", "--device-id", id, "--device-type", "PocketPC",
         "--user", "alice", "--server", sim.easUrl(), "--ca", sim.caFile(), "--state", state},
        std::string(Password) + "\n");
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    return trim(r.out);
  }
  void start() {
    if (!extra.empty()) {
      std::ofstream(state + "/cradle.properties") << extra;
    }
    bridge.start({binPath("cradle"), "serve", "--state", state, "--listen", "127.0.0.1:0",
                  "--control", "127.0.0.1:0"},
                 dir.path(), "cradle");
    url = test::waitForLine(state + "/listen.url", 15s);
    INFO(bridge.output());
    REQUIRE(url.rfind("https://127.0.0.1:", 0) == 0);
  }
  std::unique_ptr<EasClient> client(const std::string& id, const std::string& secret) {
    auto c = std::make_unique<EasClient>(url, "alice", secret, id, ProtocolVersion::V14_1,
                                         state + "/ca.pem");
    REQUIRE(c->provision() != 0);
    return c;
  }
  std::unique_ptr<bridge::Store> store() {
    auto box = bridge::SecretBox::fromKeyFile(state + "/store.key");
    REQUIRE(box.ok());
    auto s = bridge::Store::open(state + "/bridge.db", *box);
    REQUIRE(s.ok());
    return std::move(*s);
  }
  // Changes a device's partnership in the store while the bridge runs.
  template <typename F>
  void change(const std::string& id, F edit) {
    auto s = store();
    auto p = s->partnership(id);
    REQUIRE(p.ok());
    REQUIRE(p->has_value());
    bridge::Partnership changed = **p;
    edit(changed);
    REQUIRE(s->updatePartnership(changed).ok());
  }
  int simCounter(const std::string& name) {
    const std::string status = sim.ok({"status"});
    const auto at = status.find("\"" + name + "\"");
    REQUIRE(at != std::string::npos);
    return std::stoi(status.substr(status.find(':', at) + 1));
  }

  TempDir dir;
  MapiSim sim;
  std::string state;
  std::string extra;
  Child bridge;
  std::string url;
};

std::vector<FolderType> typesOf(const eas::FolderSyncResponse& r) {
  std::vector<FolderType> out;
  for (const auto& c : r.changes.value_or(std::vector<eas::FolderChange>{})) {
    out.push_back(c.type);
  }
  return out;
}

bool has(const std::vector<FolderType>& types, FolderType t) {
  return std::find(types.begin(), types.end(), t) != types.end();
}

std::string folderOf(const eas::FolderSyncResponse& r, FolderType t) {
  for (const auto& c : *r.changes) {
    if (c.type == t) {
      return c.serverId;
    }
  }
  return {};
}

}  // namespace

TEST_CASE("FolderSync and Ping follow the device's data types, changed without a restart",
          "[bridge][relay]") {
  PolicyRig rig;
  const std::string secret = rig.addDevice("POLDEV1");
  rig.start();
  auto c = rig.client("POLDEV1", secret);
  auto all = c->folderSync();
  const std::string calendar = folderOf(all, FolderType::Calendar);
  const std::string inbox = folderOf(all, FolderType::Inbox);
  REQUIRE(!calendar.empty());
  REQUIRE(has(typesOf(all), FolderType::Contacts));
  c->initialSync(inbox, ItemClass::Email);

  rig.change("POLDEV1", [](bridge::Partnership& p) {
    p.dataTypes = static_cast<uint8_t>(bridge::DataType::Email);
  });
  const auto emailOnly = typesOf(c->folderSync());
  CHECK(has(emailOnly, FolderType::Inbox));
  CHECK(has(emailOnly, FolderType::SentItems));
  CHECK(has(emailOnly, FolderType::Notes));  // no data type: kept
  CHECK_FALSE(has(emailOnly, FolderType::Calendar));
  CHECK_FALSE(has(emailOnly, FolderType::Contacts));
  CHECK_FALSE(has(emailOnly, FolderType::Tasks));

  // A Ping on the calendar alone does not go upstream: status 1 at its heartbeat.
  const int requests = rig.simCounter("requests");
  eas::PingRequest ping;
  ping.heartbeatInterval = 2;
  ping.folders.push_back({calendar, ItemClass::Calendar});
  const auto start = Clock::now();
  CHECK(c->ping(ping, 20s).status == PingStatus::Expired);
  CHECK(Clock::now() - start >= 1500ms);
  CHECK(rig.simCounter("requests") == requests);

  // Inbox and calendar: the inbox is watched upstream and wakes the device.
  ping.heartbeatInterval = 30;
  ping.folders.push_back({inbox, ItemClass::Email});
  auto woken = std::async(std::launch::async, [&] { return c->ping(ping, 40s); });
  REQUIRE(eventually([&rig] { return rig.simCounter("heldPings") == 1; }));
  rig.sim.ok({"deliver", "--to", "alice", "--subject", "for the inbox"});
  REQUIRE(woken.wait_for(5s) == std::future_status::ready);
  const auto answer = woken.get();
  CHECK(answer.status == PingStatus::Changes);
  CHECK(answer.folders == std::vector<std::string>{inbox});

  rig.change("POLDEV1", [](bridge::Partnership& p) { p.dataTypes = bridge::AllDataTypes; });
  CHECK(has(typesOf(c->folderSync()), FolderType::Calendar));
}

TEST_CASE("attachment fetches are refused while attachments are off", "[bridge][relay]") {
  PolicyRig rig;
  const std::string secret = rig.addDevice("POLDEV2");
  rig.start();
  auto c = rig.client("POLDEV2", secret);
  rig.change("POLDEV2", [](bridge::Partnership& p) { p.email.attachments = false; });
  eas::ItemOperationsRequest request;
  eas::FetchRequest fetch;
  fetch.fileReference = "1:1:0";
  request.operations.push_back(fetch);
  const int requests = rig.simCounter("requests");
  auto r = c->post(Command::ItemOperations, eas::encode(request));
  REQUIRE(r.ok());
  REQUIRE(r.response->status == 200);
  auto doc = eas::Document::decode(r.response->body);
  REQUIRE(doc.ok());
  auto response = eas::decodeItemOperationsResponse(*doc, ProtocolVersion::V14_1);
  REQUIRE(response.ok());
  REQUIRE(response->responses.size() == 1);
  CHECK(std::get<eas::FetchResponse>(response->responses[0]).status ==
        eas::ItemOperationsStatus::ResourceAccessDenied);
  CHECK(rig.simCounter("requests") == requests);  // never went upstream
}

TEST_CASE("a manual schedule holds a change the as-items-arrive device gets at once",
          "[bridge][relay]") {
  PolicyRig rig("pushHub=true\nupstreamHeartbeatMin=1\n");
  const std::string fastSecret = rig.addDevice("FASTDEV");
  const std::string slowSecret = rig.addDevice("SLOWDEV");
  rig.change("SLOWDEV", [](bridge::Partnership& p) {
    p.schedule.mode = bridge::ScheduleMode::Scheduled;
    p.schedule.peakInterval = bridge::SyncInterval::Manual;
    p.schedule.offPeakInterval = bridge::SyncInterval::Manual;
  });
  rig.start();
  auto fast = rig.client("FASTDEV", fastSecret);
  auto slow = rig.client("SLOWDEV", slowSecret);
  const std::string inbox = folderOf(fast->folderSync(), FolderType::Inbox);
  REQUIRE(folderOf(slow->folderSync(), FolderType::Inbox) == inbox);
  std::string slowKey = slow->initialSync(inbox, ItemClass::Email).syncKey;
  fast->initialSync(inbox, ItemClass::Email);

  eas::PingRequest ping;
  ping.folders.push_back({inbox, ItemClass::Email});
  ping.heartbeatInterval = 30;
  auto fastPing = std::async(std::launch::async, [&] { return fast->ping(ping, 40s); });
  eas::PingRequest slowPing = ping;
  slowPing.heartbeatInterval = 8;
  auto slowHeld = std::async(std::launch::async, [&] { return slow->ping(slowPing, 30s); });
  REQUIRE(eventually([&rig] { return rig.simCounter("heldPings") == 2; }));
  rig.sim.ok({"deliver", "--to", "alice", "--subject", "shaped"});
  REQUIRE(fastPing.wait_for(5s) == std::future_status::ready);
  CHECK(fastPing.get().status == PingStatus::Changes);
  // The manual device's Ping runs to its expiry (8 s minus the hub's margin) without a wake-up.
  REQUIRE(slowHeld.wait_for(15s) == std::future_status::ready);
  CHECK(slowHeld.get().status == PingStatus::Expired);
  // Its next Ping is not woken either: the change waits for the device's own Sync.
  slowPing.heartbeatInterval = 2;
  CHECK(slow->ping(slowPing, 20s).status == PingStatus::Expired);
  auto store = rig.store();
  auto slowStats = store->statistics("SLOWDEV");
  REQUIRE(slowStats.ok());
  CHECK(slowStats->wakeupsSaved == 1);
  CHECK(slowStats->wakeupsDelivered == 0);
  auto fastStats = store->statistics("FASTDEV");
  REQUIRE(fastStats.ok());
  CHECK(fastStats->wakeupsDelivered == 1);
  CHECK(fastStats->wakeupsSaved == 0);

  // The user syncs: the held mail arrives and nothing stays pending.
  eas::SyncRequest sync;
  sync.version = ProtocolVersion::V14_1;
  eas::SyncCollectionRequest col;
  col.collectionId = inbox;
  col.syncKey = slowKey;
  col.getChanges = true;
  sync.collections.push_back(col);
  auto synced = slow->sync(sync);
  REQUIRE(synced.collections.size() == 1);
  CHECK(synced.collections[0].commands.size() == 1);
  REQUIRE(eventually([&] {
    auto batch = rig.store()->takePending("SLOWDEV");
    return batch.ok() && batch->folderIds.empty();
  }));
}
