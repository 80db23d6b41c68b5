// bench-bridge: the bridge (`cradle serve`) in front of mapi-sim. Part 1, held devices: bridge
// memory per held device, idle CPU, and the time from `deliver` to the device's Ping answer
// (p50/p99) for one device and for a mail to all devices, against nginx as a plain reverse proxy
// holding the same Pings in the same run. Part 2, relay overhead: Sync and FolderSync rate and
// latency through the bridge, direct to mapi-sim and through nginx.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bridge/store/store.h"
#include "eas/base64.h"
#include "eas/http/request.h"
#include "eas/message/folder_sync.h"
#include "eas/message/ping.h"
#include "eas/message/sync.h"
#include "eas/wbxml/document.h"
#include "bench/bench_support.h"
#include "net/event_loop.h"
#include "net/http_client.h"
#include "tests/support/process.h"

namespace {

using cradle::bench::cpuTicks;
using cradle::bench::freePort;
using cradle::bench::percentile;
using cradle::bench::rssKiB;
using cradle::bench::waitUntil;

using namespace cradle;
using Clock = std::chrono::steady_clock;
using cradle::test::Child;
using cradle::test::TempDir;

constexpr const char* Password = "bench-Pass1";
constexpr uint32_t Heartbeat = 3000;  // device Ping heartbeat (s); nginx read timeout is 3700 s

std::string binPath(const std::string& name) { return std::string(CRADLE_BIN_DIR) + "/" + name; }

// One simulated device; `password` is the upstream password (direct, nginx) or the device
// secret (bridge).
struct Device {
  std::string user;
  std::string id;
  std::string password;
  std::string folder;
  std::string syncKey = "0";
  std::shared_ptr<net::AsyncHttpConnection> conn;
  bool held = false;
  bool failed = false;
  std::string error;
  Clock::time_point answeredAt{};
};

net::HttpRequest easRequest(eas::Command cmd, const Device& d, std::string body) {
  eas::EasRequest r;
  r.cmd = cmd;
  r.user = d.user;
  r.deviceId = d.id;
  r.deviceType = "PocketPC";
  r.version = eas::ProtocolVersion::V12_1;
  net::HttpRequest h;
  h.method = "POST";
  auto target = eas::buildPlainTarget(r);
  auto headers = eas::buildRequestHeaders(r);
  if (!target.ok() || !headers.ok()) {
    std::cerr << "cannot build a request for device " << d.id << "\n";
    std::exit(1);
  }
  h.target = target.value();
  h.headers.assign(headers->begin(), headers->end());
  h.headers.emplace_back("Authorization", "Basic " + eas::base64Encode(d.user + ":" + d.password));
  h.headers.emplace_back("User-Agent", "MSFT-PPC/5.2.5082");
  h.headers.emplace_back("Content-Type", "application/vnd.ms-sync.wbxml");
  h.body = std::move(body);
  return h;
}

std::string syncBody(const std::string& folder, const std::string& key) {
  eas::SyncRequest s;
  s.version = eas::ProtocolVersion::V12_1;
  eas::SyncCollectionRequest c;
  c.itemClass = eas::ItemClass::Email;
  c.collectionId = folder;
  c.syncKey = key;
  if (key != "0") {
    c.getChanges = true;
  }
  s.collections.push_back(c);
  return eas::encode(s);
}

// The new sync key of a Sync answer; "" when there is none (error, or an empty "no changes").
std::string syncKeyOf(const net::HttpResult& r) {
  if (!r.ok() || r.response->status != 200 || r.response->body.empty()) {
    return {};
  }
  auto doc = eas::Document::decode(r.response->body);
  if (!doc.ok()) {
    return {};
  }
  auto m = eas::decodeSyncResponse(*doc, eas::ProtocolVersion::V12_1);
  if (!m.ok() || m->collections.empty()) {
    return {};
  }
  return m->collections[0].syncKey;
}

std::string httpError(const net::HttpResult& r, const char* what) {
  return std::string(what) +
         (r.ok() ? " HTTP " + std::to_string(r.response->status) : ": " + r.error);
}

// Devices on the load loop: FolderSync 0, Sync 0, Sync with GetChanges, then a held Ping;
// rearm() syncs and pings again after a wake.
class Load {
 public:
  // hold: end with a held Ping; otherwise count the device as ready after its syncs.
  Load(net::EventLoop& loop, net::Endpoint endpoint, bool hold = true)
      : loop_(loop), endpoint_(std::move(endpoint)), hold_(hold) {}

  void add(Device* d) {
    d->conn = net::AsyncHttpConnection::create(loop_, endpoint_);
    d->conn->send(
        easRequest(eas::Command::FolderSync, *d, eas::encode(eas::FolderSyncRequest{"0"})),
        std::chrono::seconds(120), [this, d](net::HttpResult r) {
          if (!r.ok() || r.response->status != 200) {
            fail(d, httpError(r, "FolderSync"));
            return;
          }
          sync(d);
        });
  }
  void rearm(Device* d) { sync(d); }

  std::atomic<int> parked{0};
  std::atomic<int> answered{0};
  std::atomic<int> failures{0};

 private:
  void sync(Device* d) {
    d->conn->send(easRequest(eas::Command::Sync, *d, syncBody(d->folder, d->syncKey)),
                  std::chrono::seconds(120), [this, d](net::HttpResult r) {
                    if (!r.ok() || r.response->status != 200) {
                      fail(d, httpError(r, "Sync"));
                      return;
                    }
                    const std::string key = syncKeyOf(r);
                    const bool first = d->syncKey == "0";
                    if (!key.empty()) {
                      d->syncKey = key;
                    } else if (first) {
                      fail(d, "Sync 0 without a key");
                      return;
                    }
                    if (first) {
                      sync(d);
                    } else {
                      ping(d);
                    }
                  });
  }
  void ping(Device* d) {
    if (!hold_) {
      ++parked;
      return;
    }
    eas::PingRequest p;
    p.heartbeatInterval = Heartbeat;
    p.folders.push_back({d->folder, eas::ItemClass::Email});
    d->held = true;
    ++parked;
    d->conn->send(easRequest(eas::Command::Ping, *d, eas::encode(p)),
                  std::chrono::seconds(Heartbeat + 600), [this, d](net::HttpResult r) {
                    d->held = false;
                    --parked;
                    d->answeredAt = Clock::now();
                    if (!r.ok() || r.response->status != 200) {
                      fail(d, httpError(r, "Ping"));
                      return;
                    }
                    ++answered;
                  });
  }
  void fail(Device* d, std::string why) {
    d->failed = true;
    d->error = std::move(why);
    ++failures;
  }

  net::EventLoop& loop_;
  net::Endpoint endpoint_;
  bool hold_;
};

// mapi-sim's admin API.

// mapi-sim (users solo and crowd, plain HTTP) and a bridge state folder whose store gets the
// partnerships directly (see pair()); both processes can be restarted on the same data.
class Rig {
 public:
  // mapi-sim listens on one port across restarts: the partnerships name it.
  Rig() : data_(dir_.path() + "/sim"), state_(dir_.path() + "/state"), simPort_(freePort()) {}

  const std::string& path() const { return dir_.path(); }

  bool init() {
    std::filesystem::create_directories(data_);
    std::filesystem::create_directory(state_);
    std::filesystem::permissions(state_, std::filesystem::perms::owner_all);
    for (const char* user : {"solo", "crowd"}) {
      auto r = cradle::test::run({binPath("mapi-sim"), "--data", data_, "user", "add", user},
                                 std::string(Password) + "\n");
      if (r.exitCode != 0) {
        std::cerr << "mapi-sim user add: " << r.err;
        return false;
      }
    }
    return startSim();
  }

  bool startSim() {
    admin.reset();
    ::unlink((data_ + "/eas.url").c_str());
    ::unlink((data_ + "/admin.url").c_str());
    sim.start({binPath("mapi-sim"), "serve", "--data", data_, "--listen",
               "127.0.0.1:" + std::to_string(simPort_)},
              dir_.path(), "mapi-sim");
    easUrl = cradle::test::waitForLine(data_ + "/eas.url", std::chrono::seconds(20));
    if (easUrl.empty()) {
      std::cerr << "mapi-sim did not start: " << sim.output();
      return false;
    }
    admin = std::make_unique<bench::MapiSimAdmin>(data_);
    admin->call("POST", "/settings",
                R"({"set":["security.exempt=+solo","security.exempt=+crowd"]})");
    if (inbox.empty()) {
      Device probe;
      probe.user = "solo";
      probe.id = "BENCHSETUP";
      probe.password = Password;
      net::BlockingHttpClient setup(*net::parseEndpoint(easUrl));
      auto fs = setup.send(
          easRequest(eas::Command::FolderSync, probe, eas::encode(eas::FolderSyncRequest{"0"})));
      if (fs.ok() && fs.response->status == 200) {
        auto doc = eas::Document::decode(fs.response->body);
        auto m = eas::decodeFolderSyncResponse(*doc);
        for (const auto& f : m->changes.value_or(std::vector<eas::FolderChange>{})) {
          if (f.type == eas::FolderType::Inbox) {
            inbox = f.serverId;
          }
        }
      }
      if (inbox.empty()) {
        std::cerr << "FolderSync failed: " << (fs.ok() ? fs.response->body : fs.error) << "\n";
        return false;
      }
    }
    return true;
  }

  // Partnerships, the upstream credential and device secrets straight into STATE's store
  // (STATE/store.key, STATE/bridge.db), what `cradle device add` does per device, in one
  // process: N `cradle device add` processes would take minutes at 9,000.
  bool pair(const std::vector<Device*>& devices) {
    auto box = cradle::bridge::SecretBox::fromKeyFile(state_ + "/store.key");
    if (!box.ok()) {
      std::cerr << "store key: " << box.error().message() << "\n";
      return false;
    }
    auto store = cradle::bridge::Store::open(state_ + "/bridge.db", *box);
    if (!store.ok()) {
      std::cerr << "store: " << store.error().message() << "\n";
      return false;
    }
    const std::string server =
        "http://127.0.0.1:" + std::to_string(net::parseEndpoint(easUrl)->port);
    std::map<std::string, bool> users;
    for (Device* d : devices) {
      cradle::bridge::Partnership p;
      p.deviceId = d->id;
      p.deviceType = "PocketPC";
      p.user = d->user;
      p.serverUrl = server;
      p.email.pastDays = cradle::bridge::EmailPastDays::All;
      p.email.sizeLimit = cradle::bridge::EmailSizeLimit::Entire;
      auto added = (*store)->addPartnership(p);
      if (!added.ok()) {
        std::cerr << "addPartnership " << d->id << ": " << added.error().message() << "\n";
        return false;
      }
      if (!users[d->user]) {
        users[d->user] = true;
        auto set = (*store)->setCredential(d->user, server, Password, false);
        if (!set.ok()) {
          std::cerr << "setCredential: " << set.error().message() << "\n";
          return false;
        }
      }
      auto secret = (*store)->createDeviceSecret(d->id);
      if (!secret.ok()) {
        std::cerr << "createDeviceSecret: " << secret.error().message() << "\n";
        return false;
      }
      d->password = *secret;
    }
    return true;
  }

  bool startBridge() {
    ::unlink((state_ + "/listen.url").c_str());
    bridge.start({binPath("cradle"), "serve", "--state", state_, "--listen", "127.0.0.1:0",
                  "--control", "127.0.0.1:0", "--plain-http"},
                 dir_.path(), "cradle");
    bridgeUrl = cradle::test::waitForLine(state_ + "/listen.url", std::chrono::seconds(20));
    if (bridgeUrl.rfind("http://", 0) != 0) {
      std::cerr << "cradle serve did not start: " << bridge.output();
      return false;
    }
    return true;
  }

  void stopAll() {
    if (bridge.running()) {
      bridge.stop(SIGTERM);
    }
    admin.reset();
    if (sim.running()) {
      sim.stop(SIGTERM);
    }
  }

  Child sim;
  Child bridge;
  std::unique_ptr<bench::MapiSimAdmin> admin;
  std::string easUrl;
  std::string bridgeUrl;
  std::string inbox;

 private:
  TempDir dir_{"bench-bridge"};
  std::string data_;
  std::string state_;
  uint16_t simPort_;
};

std::vector<std::unique_ptr<Device>> makeDevices(const std::string& user, const std::string& prefix,
                                                 int n, const std::string& folder) {
  std::vector<std::unique_ptr<Device>> out;
  for (int i = 0; i < n; ++i) {
    auto d = std::make_unique<Device>();
    d->user = user;
    d->id = prefix + std::to_string(i);
    d->password = Password;
    d->folder = folder;
    out.push_back(std::move(d));
  }
  return out;
}

// Adds the devices 200 at a time and waits until each batch holds its Ping (or failed).
void bringUp(net::EventLoop& loop, Load& load, std::vector<std::unique_ptr<Device>>& devices,
             int alreadyParked) {
  for (std::size_t i = 0; i < devices.size(); i += 200) {
    const std::size_t end = std::min(i + 200, devices.size());
    loop.post([&load, &devices, i, end] {
      for (std::size_t j = i; j < end; ++j) {
        load.add(devices[j].get());
      }
    });
    waitUntil(
        [&] {
          return load.parked.load() + load.failures.load() >= alreadyParked + static_cast<int>(end);
        },
        std::chrono::seconds(180));
  }
}

void reportFailure(const std::vector<std::unique_ptr<Device>>& devices, const char* where) {
  int n = 0;
  for (const auto& d : devices) {
    if (d->failed && n++ == 0) {
      std::cerr << where << ": device " << d->id << " failed: " << d->error << "\n";
    }
  }
  if (n > 0) {
    std::cerr << where << ": " << n << " devices failed\n";
  }
}

struct HeldFigures {
  int devices = 0;
  int held = 0;
  double kibPerDevice = 0;
  double idleCpuPercent = 0;
  double oneP50 = 0, oneP99 = 0;
  double allP50 = 0, allP99 = 0;
  int woke = 0;
  int nginxHeld = 0;
  double nginxKibPerHeld = 0;
  double setupSeconds = 0;
};

// Part 1 at one device count: fresh mapi-sim and bridge processes on the rig's data.
bool runHeld(Rig& rig, std::vector<std::unique_ptr<Device>>& crowdAll, Device& solo, int devices,
             int rounds, HeldFigures& out) {
  if (!rig.startSim() || !rig.startBridge()) {
    return false;
  }
  for (auto& d : crowdAll) {
    d->syncKey = "0";
    d->failed = false;
  }
  solo.syncKey = "0";
  solo.failed = false;
  std::vector<std::unique_ptr<Device>> crowd;
  crowd.reserve(static_cast<std::size_t>(devices));
  for (int i = 0; i < devices; ++i) {
    crowd.push_back(std::move(crowdAll[static_cast<std::size_t>(i)]));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const long rssBefore = rssKiB(rig.bridge.pid());

  net::EventLoop loop;
  std::thread loopThread([&] { loop.run(); });
  Load load(loop, *net::parseEndpoint(rig.bridgeUrl));
  loop.post([&] { load.add(&solo); });
  waitUntil([&] { return load.parked.load() + load.failures.load() >= 1; },
            std::chrono::seconds(30));
  const auto setupStart = Clock::now();
  bringUp(loop, load, crowd, 1);
  const int expected = devices + 1;
  // Held at the bridge: the device Ping is parked in the hub and its upstream Ping is held by
  // mapi-sim.
  waitUntil([&] { return rig.admin->heldPings() >= expected || load.failures.load() > 0; },
            std::chrono::seconds(180));
  out.setupSeconds = std::chrono::duration<double>(Clock::now() - setupStart).count();
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  out.devices = devices;
  out.held = std::min(load.parked.load(), rig.admin->heldPings());
  reportFailure(crowd, "bridge");
  if (solo.failed) {
    std::cerr << "solo failed: " << solo.error << "\n";
  }
  out.kibPerDevice = static_cast<double>(rssKiB(rig.bridge.pid()) - rssBefore) / expected;

  const long t0 = cpuTicks(rig.bridge.pid());
  std::this_thread::sleep_for(std::chrono::seconds(3));
  const long t1 = cpuTicks(rig.bridge.pid());
  out.idleCpuPercent =
      100.0 * static_cast<double>(t1 - t0) / static_cast<double>(::sysconf(_SC_CLK_TCK)) / 3.0;

  std::vector<double> one;
  for (int r = 0; r < rounds && !solo.failed; ++r) {
    waitUntil([&] { return solo.held; }, std::chrono::seconds(30));
    std::this_thread::sleep_for(
        std::chrono::milliseconds(50));  // the re-armed Ping reaches the hub
    const int before = load.answered.load();
    const auto sent = Clock::now();
    rig.admin->call("POST", "/deliver", R"({"to":"solo","subject":"bench","body":"x"})");
    if (!waitUntil([&] { return load.answered.load() > before && !solo.held; },
                   std::chrono::seconds(30))) {
      std::cerr << "solo Ping not answered\n";
      break;
    }
    one.push_back(std::chrono::duration<double, std::milli>(solo.answeredAt - sent).count());
    loop.post([&] { load.rearm(&solo); });
  }
  out.oneP50 = percentile(one, 0.5);
  out.oneP99 = percentile(one, 0.99);

  {
    const int before = load.answered.load();
    const auto sent = Clock::now();
    rig.admin->call("POST", "/deliver", R"({"to":"crowd","subject":"to all","body":"x"})");
    waitUntil([&] { return load.answered.load() - before >= devices; }, std::chrono::seconds(60));
    std::vector<double> all;
    for (const auto& d : crowd) {
      if (d->answeredAt > sent) {
        all.push_back(std::chrono::duration<double, std::milli>(d->answeredAt - sent).count());
      }
    }
    out.woke = static_cast<int>(all.size());
    out.allP50 = percentile(all, 0.5);
    out.allP99 = percentile(all, 0.99);
  }
  loop.post([&] {
    for (auto& d : crowd) {
      d->conn->close();
      d->conn.reset();
    }
    solo.conn->close();
    solo.conn.reset();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  rig.bridge.stop(SIGTERM);
  waitUntil([&] { return rig.admin->heldPings() <= 0; }, std::chrono::seconds(60));

  // Baseline: the same held Pings through nginx straight to mapi-sim (two sockets per device in
  // nginx: at most 9,000 within the 20,000-descriptor limit).
  const int viaNginx = std::min(devices, 9000);
  bench::NginxProxy nginx;
  if (nginx.start(rig.path() + "/nginx-" + std::to_string(devices),
                  *net::parseEndpoint(rig.easUrl))) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const long nginxBefore = rssKiB(nginx.child.pid());
    Load proxied(loop, net::Endpoint{false, "127.0.0.1", nginx.port});
    auto second = makeDevices("crowd", "NGINX", viaNginx, rig.inbox);
    bringUp(loop, proxied, second, 0);
    waitUntil([&] { return rig.admin->heldPings() >= viaNginx || proxied.failures.load() > 0; },
              std::chrono::seconds(180));
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    out.nginxHeld = std::min(proxied.parked.load(), rig.admin->heldPings());
    out.nginxKibPerHeld = static_cast<double>(rssKiB(nginx.child.pid()) - nginxBefore) / viaNginx;
    reportFailure(second, "nginx");
    loop.post([&] {
      for (auto& d : second) {
        d->conn->close();
        d->conn.reset();
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    nginx.child.stop(SIGTERM);
  }
  loop.stop();
  loopThread.join();
  for (int i = 0; i < devices; ++i) {
    crowdAll[static_cast<std::size_t>(i)] = std::move(crowd[static_cast<std::size_t>(i)]);
  }
  rig.stopAll();
  return true;
}

// Part 2: `conns` keep-alive connections each sending one command after the other for
// `seconds`; rate and latency as the load client sees them.
struct RelayFigures {
  double rate = 0;
  double p50 = 0;
  double p99 = 0;
  int errors = 0;
};

class RelayRun {
 public:
  RelayRun(eas::Command cmd, std::chrono::seconds length, int connections)
      : cmd_(cmd), length_(length), running_(connections) {}

  // Loop thread. Each device has its connection open and, for Sync, a current sync key.
  void start(const std::vector<Device*>& devices) {
    end_ = Clock::now() + length_;
    for (Device* d : devices) {
      next(d);
    }
  }
  bool done() const { return running_.load() == 0; }
  RelayFigures figures() const {
    RelayFigures f;
    f.rate = static_cast<double>(latencies_.size()) / static_cast<double>(length_.count());
    f.p50 = percentile(latencies_, 0.5);
    f.p99 = percentile(latencies_, 0.99);
    f.errors = errors_;
    return f;
  }

 private:
  void next(Device* d) {
    if (Clock::now() >= end_) {
      --running_;
      return;
    }
    std::string body = cmd_ == eas::Command::Sync ? syncBody(d->folder, d->syncKey)
                                                  : eas::encode(eas::FolderSyncRequest{"0"});
    const auto sent = Clock::now();
    d->conn->send(
        easRequest(cmd_, *d, std::move(body)), std::chrono::seconds(30),
        [this, d, sent](net::HttpResult r) {
          const auto now = Clock::now();
          if (!r.ok() || r.response->status != 200) {
            if (++errors_ == 1) {
              std::cerr << httpError(r, "relay") << "\n";
            }
          } else {
            latencies_.push_back(std::chrono::duration<double, std::milli>(now - sent).count());
            if (cmd_ == eas::Command::Sync) {
              const std::string key = syncKeyOf(r);
              if (!key.empty()) {
                d->syncKey = key;
              }
            }
          }
          next(d);
        });
  }

  eas::Command cmd_;
  std::chrono::seconds length_;
  Clock::time_point end_{};
  std::atomic<int> running_;
  std::vector<double> latencies_;
  int errors_ = 0;
};

// Brings the devices to a synced state on `endpoint` (no Ping), then measures FolderSync and
// Sync on their connections.
bool runRelay(net::EventLoop& loop, const net::Endpoint& endpoint,
              std::vector<std::unique_ptr<Device>>& devices, std::chrono::seconds length,
              RelayFigures& folderSync, RelayFigures& sync) {
  Load load(loop, endpoint, false);
  bringUp(loop, load, devices, 0);
  if (load.failures.load() > 0) {
    reportFailure(devices, "relay set-up");
    return false;
  }
  std::vector<Device*> raw;
  for (auto& d : devices) {
    raw.push_back(d.get());
  }
  for (auto* figures : {&folderSync, &sync}) {
    RelayRun run(figures == &sync ? eas::Command::Sync : eas::Command::FolderSync, length,
                 static_cast<int>(raw.size()));
    loop.post([&] { run.start(raw); });
    waitUntil([&] { return run.done(); }, length + std::chrono::seconds(60));
    *figures = run.figures();
  }
  loop.post([&] {
    for (auto& d : devices) {
      d->conn->close();
      d->conn.reset();
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> counts{1000, 5000, 9000};
  int rounds = 20;
  std::chrono::seconds relaySeconds{10};
  int relayConns = 8;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") {
      counts = {100, 500};
      rounds = 5;
      relaySeconds = std::chrono::seconds(3);
    } else if (a == "--devices" && i + 1 < argc) {
      counts.clear();
      std::stringstream list(argv[++i]);
      for (std::string n; std::getline(list, n, ',');) {
        counts.push_back(std::stoi(n));
      }
    } else if (a == "--rounds" && i + 1 < argc) {
      rounds = std::stoi(argv[++i]);
    } else if (a == "--relay-seconds" && i + 1 < argc) {
      relaySeconds = std::chrono::seconds(std::stoi(argv[++i]));
    } else {
      std::cerr << "usage: bench-bridge [--quick] [--devices N,N,...] [--rounds R] "
                   "[--relay-seconds S]\n";
      return 2;
    }
  }
  ::signal(SIGPIPE, SIG_IGN);
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);

  Rig rig;
  if (!rig.init()) {
    return 1;
  }
  const int most = *std::max_element(counts.begin(), counts.end());
  auto crowd = makeDevices("crowd", "BENCH", most, rig.inbox);
  Device solo;
  solo.user = "solo";
  solo.id = "BENCHSOLO";
  solo.folder = rig.inbox;
  auto relayed = makeDevices("solo", "RELAY", relayConns, rig.inbox);
  std::vector<Device*> toPair{&solo};
  for (auto& d : crowd) {
    toPair.push_back(d.get());
  }
  for (auto& d : relayed) {
    toPair.push_back(d.get());
  }
  const auto pairStart = Clock::now();
  if (!rig.pair(toPair)) {
    return 1;
  }
  std::fprintf(stderr, "(%zu partnerships stored in %.1f s)\n", toPair.size(),
               std::chrono::duration<double>(Clock::now() - pairStart).count());
  rig.stopAll();

  std::printf("Held devices (bridge: plain HTTP on loopback, push hub on; nginx: plain proxy)\n");
  std::printf("%8s %8s %10s %9s %9s %9s %9s %9s %8s %11s %7s\n", "devices", "held", "KiB/dev",
              "idle CPU", "one p50", "one p99", "all p50", "all p99", "ng held", "ng KiB/held",
              "ratio");
  int status = 0;
  for (int n : counts) {
    HeldFigures f;
    if (!runHeld(rig, crowd, solo, n, rounds, f)) {
      status = 1;
      rig.stopAll();
      continue;
    }
    std::printf("%8d %8d %10.2f %8.2f%% %7.2fms %7.2fms %7.1fms %7.1fms %8d %11.2f %7.2f\n",
                f.devices, f.held, f.kibPerDevice, f.idleCpuPercent, f.oneP50, f.oneP99, f.allP50,
                f.allP99, f.nginxHeld, f.nginxKibPerHeld,
                f.nginxKibPerHeld > 0 ? f.kibPerDevice / f.nginxKibPerHeld : 0.0);
    std::fflush(stdout);
    std::fprintf(stderr, "  (%d devices up in %.1f s; %d of %d woke)\n", n, f.setupSeconds, f.woke,
                 n);
  }

  // Part 2: relay overhead, fresh processes.
  if (!rig.startSim() || !rig.startBridge()) {
    return 1;
  }
  bench::NginxProxy nginx;
  const bool haveNginx = nginx.start(rig.path() + "/nginx-relay", *net::parseEndpoint(rig.easUrl));
  net::EventLoop loop;
  std::thread loopThread([&] { loop.run(); });
  struct Target {
    const char* name;
    net::Endpoint endpoint;
    std::vector<std::unique_ptr<Device>>* devices;
  };
  auto direct = makeDevices("solo", "DIRECT", relayConns, rig.inbox);
  auto viaNginx = makeDevices("solo", "NGINXR", relayConns, rig.inbox);
  std::vector<Target> targets{{"bridge", *net::parseEndpoint(rig.bridgeUrl), &relayed},
                              {"direct", *net::parseEndpoint(rig.easUrl), &direct}};
  if (haveNginx) {
    targets.push_back({"nginx", net::Endpoint{false, "127.0.0.1", nginx.port}, &viaNginx});
  }
  std::printf("\nRelay overhead (%d keep-alive connections, %lld s per command)\n", relayConns,
              static_cast<long long>(relaySeconds.count()));
  std::printf("%8s %12s %9s %9s %12s %9s %9s %7s\n", "path", "FolderSync/s", "p50", "p99", "Sync/s",
              "p50", "p99", "errors");
  for (const Target& t : targets) {
    RelayFigures fs;
    RelayFigures sy;
    if (!runRelay(loop, t.endpoint, *t.devices, relaySeconds, fs, sy)) {
      status = 1;
      continue;
    }
    std::printf("%8s %12.0f %7.2fms %7.2fms %12.0f %7.2fms %7.2fms %7d\n", t.name, fs.rate, fs.p50,
                fs.p99, sy.rate, sy.p50, sy.p99, fs.errors + sy.errors);
    std::fflush(stdout);
  }
  loop.stop();
  loopThread.join();
  if (haveNginx) {
    nginx.child.stop(SIGTERM);
  }
  rig.stopAll();
  return status;
}
