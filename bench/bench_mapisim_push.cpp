// bench-mapisim-push: held Direct Push Pings on mapi-sim. Reports held Pings, memory per held
// Ping, idle CPU, and the time from `deliver` to the Ping answer (p50/p99) for one device and for
// a mail that wakes every device, at several device counts. Baseline in the same run: the same
// held requests through nginx as a plain reverse proxy (memory per held request), when nginx is
// installed.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

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
using cradle::bench::percentile;
using cradle::bench::rssKiB;
using cradle::bench::waitUntil;

using namespace cradle;
using Clock = std::chrono::steady_clock;
using cradle::test::Child;
using cradle::test::TempDir;

constexpr const char* Password = "bench-Pass1";

std::string binPath(const std::string& name) { return std::string(CRADLE_BIN_DIR) + "/" + name; }

net::HttpRequest easRequest(eas::Command cmd, const std::string& user, const std::string& device,
                            std::string body) {
  eas::EasRequest r;
  r.cmd = cmd;
  r.user = user;
  r.deviceId = device;
  r.deviceType = "PocketPC";
  r.version = eas::ProtocolVersion::V12_1;
  net::HttpRequest h;
  h.method = "POST";
  auto target = eas::buildPlainTarget(r);
  auto headers = eas::buildRequestHeaders(r);
  if (!target.ok() || !headers.ok()) {
    std::cerr << "cannot build a request for device " << device << "\n";
    std::exit(1);
  }
  h.target = target.value();
  h.headers.assign(headers->begin(), headers->end());
  h.headers.emplace_back("Authorization", "Basic " + eas::base64Encode(user + ":" + Password));
  h.headers.emplace_back("User-Agent", "MSFT-PPC/5.2.5082");
  if (!body.empty()) {
    h.headers.emplace_back("Content-Type", "application/vnd.ms-sync.wbxml");
  }
  h.body = std::move(body);
  return h;
}

std::string syncBody(const std::string& folder, const std::string& key, bool getChanges) {
  eas::SyncRequest s;
  s.version = eas::ProtocolVersion::V12_1;
  eas::SyncCollectionRequest c;
  c.itemClass = eas::ItemClass::Email;
  c.collectionId = folder;
  c.syncKey = key;
  if (getChanges) {
    c.getChanges = true;
  }
  s.collections.push_back(c);
  return eas::encode(s);
}

std::string syncKeyOf(const net::HttpResult& r) {
  if (!r.ok() || r.response->status != 200) {
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

// One simulated device on the load loop: Sync 0, Sync with GetChanges, then Ping; after a wake
// it syncs and pings again when `repeat` is set.
struct Device {
  std::string user;
  std::string id;
  std::string folder;
  std::string syncKey = "0";
  std::shared_ptr<net::AsyncHttpConnection> conn;
  bool held = false;
  bool failed = false;
  std::string error;
  Clock::time_point answeredAt{};
  int wakes = 0;
};

class Load {
 public:
  Load(net::EventLoop& loop, net::Endpoint endpoint, uint32_t heartbeat)
      : loop_(loop), endpoint_(std::move(endpoint)), heartbeat_(heartbeat) {}

  void add(Device* d) {
    d->conn = net::AsyncHttpConnection::create(loop_, endpoint_);
    sync(d, false);
  }
  // Loop thread: after a wake, bring the device back to a held Ping.
  void rearm(Device* d) { sync(d, true); }

  std::atomic<int> parked{0};
  std::atomic<int> answered{0};
  std::atomic<int> failures{0};

 private:
  void sync(Device* d, bool again) {
    d->conn->send(easRequest(eas::Command::Sync, d->user, d->id,
                             syncBody(d->folder, d->syncKey, d->syncKey != "0")),
                  std::chrono::seconds(120), [this, d, again](net::HttpResult r) {
                    std::string key = syncKeyOf(r);
                    if (key.empty()) {
                      fail(d, r.ok() ? "Sync HTTP " + std::to_string(r.response->status)
                                     : r.error);
                      return;
                    }
                    const bool first = d->syncKey == "0";
                    d->syncKey = key;
                    if (first) {
                      sync(d, again);
                    } else {
                      ping(d);
                    }
                  });
  }
  void ping(Device* d) {
    eas::PingRequest p;
    p.heartbeatInterval = heartbeat_;
    p.folders.push_back({d->folder, eas::ItemClass::Email});
    d->held = true;
    ++parked;
    d->conn->send(easRequest(eas::Command::Ping, d->user, d->id, eas::encode(p)),
                  std::chrono::seconds(heartbeat_ + 60), [this, d](net::HttpResult r) {
                    d->held = false;
                    --parked;
                    d->answeredAt = Clock::now();
                    if (!r.ok() || r.response->status != 200) {
                      fail(d, r.ok() ? "Ping HTTP " + std::to_string(r.response->status)
                                     : r.error);
                      return;
                    }
                    ++d->wakes;
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
  uint32_t heartbeat_;
};

struct Figures {
  int devices = 0;
  int held = 0;
  double kibPerPing = 0;
  double idleCpuPercent = 0;
  double oneP50 = 0, oneP99 = 0;
  double allP50 = 0, allP99 = 0, allMax = 0;
  int nginxHeld = 0;         // held requests in the baseline run (0: no baseline)
  double nginxKibPerHeld = 0;
};

// Runs one device count against a fresh mapi-sim; crowd devices all belong to one user, so one
// delivery wakes them all; "solo" is a user with one device for the single-device latency.
bool runCount(int devices, int rounds, Figures& out) {
  TempDir dir("bench-mapisim");
  const std::string data = dir.path() + "/data";
  auto cli = [&](std::vector<std::string> args, const std::string& input = {}) {
    std::vector<std::string> argv{binPath("mapi-sim"), "--data", data};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = cradle::test::run(argv, input);
    if (r.exitCode != 0) {
      std::cerr << "mapi-sim " << args[0] << ": " << r.err;
    }
    return r.exitCode == 0;
  };
  std::filesystem::create_directories(data);
  if (!cli({"user", "add", "solo"}, std::string(Password) + "\n") ||
      !cli({"user", "add", "crowd"}, std::string(Password) + "\n")) {
    return false;
  }
  Child sim;
  sim.start({binPath("mapi-sim"), "serve", "--data", data, "--listen", "127.0.0.1:0"},
            dir.path(), "mapi-sim");
  const std::string easUrl = cradle::test::waitForLine(data + "/eas.url", std::chrono::seconds(20));
  if (easUrl.empty()) {
    std::cerr << "mapi-sim did not start: " << sim.output();
    return false;
  }
  cradle::bench::MapiSimAdmin admin(data);
  admin.call("POST", "/settings",
             R"({"set":["security.exempt=+solo","security.exempt=+crowd"]})");
  // Learn the Inbox id once (every user gets the same default layout).
  net::BlockingHttpClient setup(*net::parseEndpoint(easUrl));
  auto fs = setup.send(easRequest(eas::Command::FolderSync, "solo", "BENCHSETUP",
                                  eas::encode(eas::FolderSyncRequest{"0"})));
  std::string inbox;
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
  const long rssBefore = rssKiB(sim.pid());

  net::EventLoop loop;
  std::thread loopThread([&] { loop.run(); });
  Load load(loop, *net::parseEndpoint(easUrl), 3000);
  std::vector<std::unique_ptr<Device>> crowd;
  Device solo;
  solo.user = "solo";
  solo.id = "BENCHSOLO";
  solo.folder = inbox;
  for (int i = 0; i < devices; ++i) {
    auto d = std::make_unique<Device>();
    d->user = "crowd";
    d->id = "BENCH" + std::to_string(i);
    d->folder = inbox;
    crowd.push_back(std::move(d));
  }
  // Start devices in batches so that set-up requests do not all land at once.
  loop.post([&] { load.add(&solo); });
  const auto setupStart = Clock::now();
  for (std::size_t i = 0; i < crowd.size(); i += 200) {
    const std::size_t end = std::min(i + 200, crowd.size());
    loop.post([&, i, end] {
      for (std::size_t j = i; j < end; ++j) {
        load.add(crowd[j].get());
      }
    });
    waitUntil([&] { return load.parked.load() + load.failures.load() >= static_cast<int>(end); },
              std::chrono::seconds(120));
  }
  const int expected = devices + 1;
  waitUntil([&] { return admin.heldPings() >= expected || load.failures.load() > 0; },
            std::chrono::seconds(120));
  const double setupSeconds = std::chrono::duration<double>(Clock::now() - setupStart).count();
  out.devices = devices;
  out.held = admin.heldPings();
  if (load.failures.load() > 0) {
    for (const auto& d : crowd) {
      if (d->failed) {
        std::cerr << "device " << d->id << " failed: " << d->error << "\n";
        break;
      }
    }
    if (solo.failed) {
      std::cerr << "solo failed: " << solo.error << "\n";
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const long rssHeld = rssKiB(sim.pid());
  out.kibPerPing = devices > 0 ? static_cast<double>(rssHeld - rssBefore) / expected
                               : static_cast<double>(rssHeld - rssBefore);

  // Idle CPU with everything held.
  const long t0 = cpuTicks(sim.pid());
  std::this_thread::sleep_for(std::chrono::seconds(3));
  const long t1 = cpuTicks(sim.pid());
  out.idleCpuPercent = 100.0 * static_cast<double>(t1 - t0) /
                       static_cast<double>(::sysconf(_SC_CLK_TCK)) / 3.0;

  // One device: deliver to solo, time until its Ping answers; re-arm; repeat.
  std::vector<double> one;
  for (int r = 0; r < rounds; ++r) {
    waitUntil([&] { return solo.held; }, std::chrono::seconds(30));
    const int before = load.answered.load();
    const auto sent = Clock::now();
    admin.call("POST", "/deliver", R"({"to":"solo","subject":"bench","body":"x"})");
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

  // Every device: one mail to crowd wakes them all.
  if (devices > 0) {
    const int before = load.answered.load();
    const auto sent = Clock::now();
    admin.call("POST", "/deliver", R"({"to":"crowd","subject":"to all","body":"x"})");
    waitUntil([&] { return load.answered.load() - before >= devices; }, std::chrono::seconds(60));
    std::vector<double> all;
    for (const auto& d : crowd) {
      if (d->answeredAt > sent) {
        all.push_back(std::chrono::duration<double, std::milli>(d->answeredAt - sent).count());
      }
    }
    out.allP50 = percentile(all, 0.5);
    out.allP99 = percentile(all, 0.99);
    out.allMax = all.empty() ? 0 : *std::max_element(all.begin(), all.end());
    if (static_cast<int>(all.size()) < devices) {
      std::cerr << "only " << all.size() << " of " << devices << " devices woke\n";
    }
  }
  std::fprintf(stderr, "  (%d devices set up in %.1f s)\n", devices, setupSeconds);
  loop.post([&] {
    for (auto& d : crowd) {
      d->conn->close();
    }
  });
  waitUntil([&] { return admin.heldPings() <= 1; }, std::chrono::seconds(60));

  // Baseline: the same held requests through nginx, which then holds two sockets per device
  // (the load client and this machine's 20,000-descriptor limit cap it at 9,000).
  const int viaNginx = devices >= 100 ? std::min(devices, 9000) : 0;  // RSS noise below
  cradle::bench::NginxProxy nginx;
  if (viaNginx > 0 && nginx.start(dir.path() + "/nginx", *net::parseEndpoint(easUrl))) {
    const long nginxBefore = rssKiB(nginx.child.pid());
    Load proxied(loop, net::Endpoint{false, "127.0.0.1", nginx.port}, 3000);
    std::vector<std::unique_ptr<Device>> second;
    for (int i = 0; i < viaNginx; ++i) {
      auto d = std::make_unique<Device>();
      d->user = "crowd";
      d->id = "NGINX" + std::to_string(i);
      d->folder = inbox;
      second.push_back(std::move(d));
    }
    for (std::size_t i = 0; i < second.size(); i += 200) {
      const std::size_t end = std::min(i + 200, second.size());
      loop.post([&, i, end] {
        for (std::size_t j = i; j < end; ++j) {
          proxied.add(second[j].get());
        }
      });
      waitUntil([&] {
        return proxied.parked.load() + proxied.failures.load() >= static_cast<int>(end);
      }, std::chrono::seconds(120));
    }
    waitUntil([&] { return admin.heldPings() >= viaNginx + 1 || proxied.failures.load() > 0; },
              std::chrono::seconds(120));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    out.nginxHeld = admin.heldPings() - 1;
    out.nginxKibPerHeld =
        static_cast<double>(rssKiB(nginx.child.pid()) - nginxBefore) / viaNginx;
    if (proxied.failures.load() > 0) {
      std::cerr << "baseline: " << proxied.failures.load() << " devices failed through nginx\n";
    }
    loop.post([&] {
      for (auto& d : second) {
        d->conn->close();
      }
    });
    waitUntil([&] { return admin.heldPings() <= 1; }, std::chrono::seconds(60));
    nginx.child.stop(SIGTERM);
  }
  loop.post([&] { solo.conn->close(); });
  sim.stop(SIGTERM);
  loop.stop();
  loopThread.join();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> counts{1, 1000, 10000};
  int rounds = 20;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--quick") {
      counts = {1, 200};
      rounds = 5;
    } else if (a == "--devices" && i + 1 < argc) {
      counts.clear();
      std::stringstream list(argv[++i]);
      for (std::string n; std::getline(list, n, ',');) {
        counts.push_back(std::stoi(n));
      }
    } else if (a == "--rounds" && i + 1 < argc) {
      rounds = std::stoi(argv[++i]);
    } else {
      std::cerr << "usage: bench-mapisim-push [--quick] [--devices N,N,...] [--rounds R]\n";
      return 2;
    }
  }
  ::signal(SIGPIPE, SIG_IGN);
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);

  std::printf("%8s %8s %10s %9s %9s %9s %9s %9s %12s %8s\n", "devices", "held", "KiB/held",
              "idle CPU", "one p50", "one p99", "all p50", "all p99", "nginx KiB/h",
              "ratio");
  int status = 0;
  for (int n : counts) {
    Figures f;
    if (!runCount(n, rounds, f)) {
      status = 1;
      continue;
    }
    std::printf("%8d %8d %10.2f %8.2f%% %7.2fms %7.2fms %7.1fms %7.1fms", f.devices, f.held,
                f.kibPerPing, f.idleCpuPercent, f.oneP50, f.oneP99, f.allP50, f.allP99);
    if (f.nginxHeld > 0) {
      std::printf(" %12.2f %8.2f\n", f.nginxKibPerHeld, f.kibPerPing / f.nginxKibPerHeld);
    } else {
      std::printf(" %12s %8s\n", "-", "-");
    }
    std::fflush(stdout);
  }
  return status;
}
