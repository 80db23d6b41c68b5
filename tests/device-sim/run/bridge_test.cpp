// device-sim run through a real `cradle serve` in front of a real mapi-sim (TLS on both hops).
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/eas_client.h"
#include "tests/support/process.h"

namespace {

using cradle::test::binPath;
using cradle::test::Child;
using cradle::test::MapiSim;
using cradle::test::readFile;
using cradle::test::TempDir;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr const char* Password = "Upstream-Pass1";
constexpr const char* DeviceId = "DEVBRIDGED";

bool has(const std::string& line, const std::string& part) {
  return line.find(part) != std::string::npos;
}

// mapi-sim (TLS) with alice and one item of each type; a bridge with a partnership for
// DeviceId whose secret is in secretFile (0600, written by `cradle device add --secret-out`).
struct BridgeRig {
  BridgeRig() : sim(dir.path() + "/sim", true), state(dir.path() + "/state") {
    std::filesystem::create_directories(dir.path() + "/sim");
    sim.ok({"user", "add", "alice", "--email", "alice@example.com"}, std::string(Password) + "\n");
    sim.start();
    sim.ok({"settings", "set", "heartbeat.min=1"});
    sim.ok({"deliver", "--to", "alice", "--subject", "Mail one", "--body", "Hello"});
    sim.ok({"contact", "add", "--user", "alice", "--first", "Ada", "--last", "Contact one"});
    sim.ok({"event", "add", "--user", "alice", "--subject", "Event one", "--start",
            "2026-12-01T10:00:00Z", "--end", "2026-12-01T11:00:00Z"});
    sim.ok({"task", "add", "--user", "alice", "--subject", "Task one"});
    auto r =
        cradle::test::run({binPath("cradle"), "device", "add", "--device-id", DeviceId,
                           "--device-type", "PocketPC", "--user", "alice", "--server", sim.easUrl(),
                           "--ca", sim.caFile(), "--secret-out", secretFile, "--state", state},
                          std::string(Password) + "\n");
    INFO(r.out << r.err);
    REQUIRE(r.exitCode == 0);
    bridge.start({binPath("cradle"), "serve", "--state", state, "--listen", "127.0.0.1:0",
                  "--control", "127.0.0.1:0"},
                 dir.path(), "cradle");
    url = cradle::test::waitForLine(state + "/listen.url", 15s);
    INFO(bridge.output());
    REQUIRE(url.rfind("https://127.0.0.1:", 0) == 0);
  }
  ~BridgeRig() {
    if (bridge.running()) {
      bridge.stop(SIGTERM);
    }
  }
  // `device-sim run` through the bridge with the given password file; output in dir/device.out.
  void startDevice(const std::string& passwordFile) {
    device.start({binPath("device-sim"),
                  "run",
                  "--state",
                  dir.path() + "/device",
                  "--profile",
                  "wm61",
                  "--bridge",
                  url,
                  "--ca",
                  state + "/ca.pem",
                  "--user",
                  "alice",
                  "--password-file",
                  passwordFile,
                  "--device-id",
                  DeviceId,
                  "--heartbeat-default",
                  "10",
                  "--heartbeat-max",
                  "20"},
                 dir.path(), "device");
  }
  bool waitFor(const std::string& a, const std::string& b = {},
               std::chrono::seconds timeout = 30s) {
    const auto end = Clock::now() + timeout;
    for (;;) {
      std::istringstream in(readFile(dir.path() + "/device.out"));
      for (std::string line; std::getline(in, line);) {
        if (has(line, a) && has(line, b)) {
          return true;
        }
      }
      if (Clock::now() >= end) {
        return false;
      }
      std::this_thread::sleep_for(50ms);
    }
  }
  TempDir dir{"devicesim-bridge"};
  MapiSim sim;
  std::string state;
  std::string secretFile = dir.path() + "/secret";
  std::string url;
  Child bridge;
  Child device;
};

}  // namespace

TEST_CASE("through the bridge: initial sync of all four types, then a pushed mail",
          "[device-sim][run][bridge]") {
  BridgeRig rig;
  rig.startDevice(rig.secretFile);
  INFO(rig.device.output() << rig.bridge.output());
  REQUIRE(rig.waitFor("\"event\":\"sync\"", "\"initial\":true"));
  for (const std::string part : {"Mail one", "Contact one", "Event one", "Task one"}) {
    CAPTURE(part);
    CHECK(rig.waitFor("item-added", part));
  }
  // Pushed while the device holds its Ping at the bridge.
  std::this_thread::sleep_for(500ms);
  rig.sim.ok({"deliver", "--to", "alice", "--subject", "Pushed through", "--body", "x"});
  CHECK(rig.waitFor("\"initial\":false", "Pushed through"));
  CHECK(rig.waitFor("Pushed through", "\"latencyMs\":"));
  CHECK(rig.waitFor("push-woke"));
  CHECK(rig.device.stop(SIGTERM) == 0);
}

TEST_CASE("through the bridge: a wrong device secret is an authentication error",
          "[device-sim][run][bridge]") {
  BridgeRig rig;
  const std::string wrong = rig.dir.path() + "/wrong";
  std::ofstream(wrong) << "not-the-device-secret-at-all-000000000000000\n";
  ::chmod(wrong.c_str(), 0600);
  rig.startDevice(wrong);
  INFO(rig.device.output());
  CHECK(rig.waitFor("\"event\":\"error\"", "authentication"));
  CHECK(rig.device.stop(SIGTERM, 10'000ms) == 3);  // it ended with ExitAuthFailed already
}
