// device-sim run against a real mapi-sim process: sync, push, heartbeat, policy, wipe, schedule.
#include <sqlite3.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cctype>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "device-sim/profiles/profile.h"
#include "device-sim/store/device_store.h"
#include "tests/support/eas_client.h"
#include "tests/support/process.h"

namespace {

using cradle::test::binPath;
using cradle::test::Child;
using cradle::test::MapiSim;
using cradle::test::readFile;
using cradle::test::TempDir;
using Clock = std::chrono::steady_clock;

constexpr const char* Password = "Secret-Pass1";

bool has(const std::string& line, const std::string& part) {
  return line.find(part) != std::string::npos;
}

// A running simulator with user alice, one of each item, and heartbeats allowed from 1 s.
struct Sim {
  explicit Sim(bool tls = false) : sim(dir.path() + "/data", tls) {
    std::filesystem::create_directories(dir.path() + "/data");
    sim.ok({"user", "add", "alice", "--email", "alice@example.com"}, std::string(Password) + "\n");
    sim.start();
    sim.ok({"settings", "set", "heartbeat.min=1"});
  }
  void addOneOfEach(const std::string& tag) {
    sim.ok({"deliver", "--to", "alice", "--subject", "Mail " + tag, "--body", "Hello"});
    sim.ok({"contact", "add", "--user", "alice", "--first", "Ada", "--last", "Contact " + tag});
    sim.ok({"event", "add", "--user", "alice", "--subject", "Event " + tag, "--start",
            "2026-12-01T10:00:00Z", "--end", "2026-12-01T11:00:00Z"});
    sim.ok({"task", "add", "--user", "alice", "--subject", "Task " + tag});
  }
  // Waits until the server holds a Ping (the device is idle in Direct Push).
  bool waitHeldPing() const {
    const auto end = Clock::now() + std::chrono::seconds(20);
    while (Clock::now() < end) {
      if (has(sim.ok({"status"}), "\"heldPings\": 1")) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  TempDir dir;
  MapiSim sim;
};

// "DEV" + the name in capitals: a device id as a handheld writes it.
std::string deviceIdFor(const std::string& name) {
  std::string id = "DEV";
  for (const char c : name) {
    id += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return id;
}

// One `device-sim run` child, its password in a 0600 file, its state in base/state.
struct Device {
  Device(const Sim& s, const std::string& name, std::vector<std::string> extra,
         const std::string& password = Password)
      : base(s.dir.path() + "/" + name), state(base + "/state") {
    std::filesystem::create_directories(base);
    const std::string pw = base + "/password";
    std::ofstream(pw) << password << "\n";
    ::chmod(pw.c_str(), 0600);
    std::vector<std::string> argv{binPath("device-sim"),
                                  "run",
                                  "--state",
                                  state,
                                  "--server",
                                  s.sim.easUrl(),
                                  "--user",
                                  "alice",
                                  "--password-file",
                                  pw,
                                  "--device-id",
                                  deviceIdFor(name)};
    argv.insert(argv.end(), extra.begin(), extra.end());
    child.start(argv, base, "device");
  }
  std::vector<std::string> lines() const {
    std::vector<std::string> out;
    std::istringstream in(readFile(base + "/device.out"));
    std::string line;
    while (std::getline(in, line)) {
      out.push_back(line);
    }
    return out;
  }
  int count(const std::function<bool(const std::string&)>& pred) const {
    int n = 0;
    for (const auto& l : lines()) {
      n += pred(l) ? 1 : 0;
    }
    return n;
  }
  // Waits until `n` lines match (polling the output file); false on time-out.
  bool waitFor(const std::function<bool(const std::string&)>& pred, int n = 1,
               std::chrono::seconds timeout = std::chrono::seconds(20)) const {
    const auto end = Clock::now() + timeout;
    while (Clock::now() < end) {
      if (count(pred) >= n) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  bool waitEvent(const std::string& event, const std::string& part = {},
                 std::chrono::seconds timeout = std::chrono::seconds(20)) const {
    return waitFor(
        [&](const std::string& l) { return has(l, "\"event\":\"" + event + "\"") && has(l, part); },
        1, timeout);
  }
  // DEVICESIM_TEST_VERBOSE=1 shows each device's events (the temporary folder is gone later).
  ~Device() {
    if (std::getenv("DEVICESIM_TEST_VERBOSE")) {
      std::cerr << "---- device " << base << "\n" << child.output() << "\n";
    }
  }
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;
  std::string base;
  std::string state;
  Child child;
};

std::vector<devicesim::StoredItem> storedItems(const std::string& state) {
  auto store = devicesim::DeviceStore::open(state + "/device.db");
  REQUIRE(store.ok());
  return store.value()->items();
}

bool storeHolds(const std::vector<devicesim::StoredItem>& items, const std::string& cls,
                const std::string& title) {
  for (const auto& i : items) {
    if (i.itemClass == cls && i.title == title) {
      return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("initial sync of all four types, then a push of each", "[device-sim][run]") {
  Sim s;
  s.addOneOfEach("one");
  Device d(s, "a", {"--profile", "wm61", "--heartbeat-default", "10", "--heartbeat-max", "20"});
  REQUIRE(d.waitEvent("provisioned"));
  REQUIRE(d.waitEvent("sync", "\"initial\":true"));
  CHECK(d.waitEvent("folder-sync", "\"count\":"));
  for (const std::string part : {"\"subject\":\"Mail one\"", "\"displayName\":\"Contact one, Ada\"",
                                 "\"subject\":\"Event one\"", "\"subject\":\"Task one\""}) {
    CAPTURE(part);
    CHECK(d.waitFor([&](const std::string& l) {
      return has(l, "item-added") && has(l, "\"initial\":true") &&
             (has(l, part) || (has(part, "Contact") && has(l, "Contact one")));
    }));
  }
  auto items = storedItems(d.state);
  CHECK(storeHolds(items, "Email", "Mail one"));
  CHECK(storeHolds(items, "Calendar", "Event one"));
  CHECK(storeHolds(items, "Tasks", "Task one"));
  CHECK(items.size() == 4);
  // Settings DeviceInformation: the server's device list shows the profile's model.
  CHECK(has(s.sim.ok({"devices"}), devicesim::findProfile("wm61")->model));

  // Pushes while the device holds its Ping.
  s.addOneOfEach("two");
  CHECK(d.waitFor([](const std::string& l) {
    return has(l, "item-added") && has(l, "\"initial\":false") && has(l, "Mail two") &&
           has(l, "\"latencyMs\":");
  }));
  CHECK(d.waitFor([](const std::string& l) {
    return has(l, "item-added") && has(l, "\"initial\":false") && has(l, "Task two");
  }));
  CHECK(d.waitFor([](const std::string& l) {
    return has(l, "item-added") && has(l, "\"initial\":false") && has(l, "Event two");
  }));
  CHECK(d.waitFor([](const std::string& l) {
    return has(l, "item-added") && has(l, "\"initial\":false") && has(l, "Contact two");
  }));
  CHECK(d.waitEvent("push-woke"));
  CHECK(storedItems(d.state).size() == 8);
  CHECK(d.child.stop(SIGTERM) == 0);
  CHECK(d.count([](const std::string& l) {
    return has(l, "\"event\":\"summary\"") && !has(l, "\"pushes\":0") &&
           !has(l, "\"meanLatencyMs\":-1");
  }) == 1);
}

TEST_CASE("a WM5 MSFP device provisions with the WAP policy and is pushed to over 2.5",
          "[device-sim][run]") {
  Sim s;
  s.sim.ok({"settings", "set", "security.enforcePassword=on"});
  Device d(s, "msfp", {"--profile", "wm5-msfp", "--heartbeat-default", "10"});
  REQUIRE(d.waitEvent("provisioned", "MS-WAP-Provisioning-XML"));
  CHECK(d.waitEvent("provisioned", "\"passwordRequired\":true"));
  CHECK(d.waitEvent("sync", "\"initial\":true"));
  s.sim.ok({"task", "add", "--user", "alice", "--subject", "Old device task"});
  CHECK(d.waitEvent("item-added", "Old device task"));
  CHECK(d.waitEvent("push-woke"));
  CHECK(d.child.stop(SIGTERM) == 0);
}

TEST_CASE("over HTTPS the device verifies the server against --ca", "[device-sim][run]") {
  Sim s(true);
  REQUIRE(s.sim.easUrl().rfind("https://", 0) == 0);
  Device d(s, "tls",
           {"--profile", "wm6", "--types", "email", "--heartbeat-default", "10", "--ca",
            s.sim.caFile(), "--max-pushes", "1"});
  REQUIRE(d.waitEvent("sync", "\"initial\":true"));
  s.sim.ok({"deliver", "--to", "alice", "--subject", "Over TLS", "--body", "x"});
  CHECK(d.waitEvent("item-added", "Over TLS"));
  CHECK(d.waitEvent("summary", "\"pushes\":1"));
  CHECK(d.child.stop(SIGTERM, std::chrono::milliseconds(5000)) == 0);
}

TEST_CASE("the --max-pushes option ends the run with a summary", "[device-sim][run]") {
  Sim s;
  Device d(s, "m",
           {"--profile", "wm6", "--types", "email", "--heartbeat-default", "10", "--max-pushes",
            "1", "--email-days", "7", "--email-size", "1024"});
  REQUIRE(d.waitEvent("sync", "\"initial\":true"));
  s.sim.ok({"deliver", "--to", "alice", "--subject", "Only one", "--body", "x"});
  REQUIRE(d.waitEvent("summary", "\"pushes\":1"));
  CHECK(d.child.stop(SIGTERM, std::chrono::milliseconds(5000)) == 0);
  CHECK(d.count([](const std::string& l) { return has(l, "Only one"); }) == 1);
}

TEST_CASE("a Ping the network cuts short lowers the heartbeat", "[device-sim][run]") {
  Sim s;
  Device d(s, "h",
           {"--profile", "wm6", "--types", "email", "--heartbeat-default", "4", "--heartbeat-min",
            "2", "--heartbeat-max", "10", "--heartbeat-increment", "2"});
  REQUIRE(d.waitEvent("sync", "\"initial\":true"));
  s.sim.ok({"fault", "drop-pings", "--after", "1000"});
  CHECK(d.waitEvent("ping-died"));
  CHECK(d.waitEvent("heartbeat-changed", "\"from\":4,\"to\":2"));
  CHECK(d.child.stop(SIGTERM) == 0);
}

TEST_CASE("Ping status 5 makes the device adopt the server's bound", "[device-sim][run]") {
  Sim s;
  s.sim.ok({"settings", "set", "heartbeat.max=3"});
  Device d(s, "five",
           {"--profile", "wm61", "--types", "email", "--heartbeat-default", "6", "--heartbeat-min",
            "2", "--heartbeat-max", "10"});
  CHECK(d.waitEvent("heartbeat-changed", "\"from\":6,\"to\":3"));
  CHECK(d.child.stop(SIGTERM) == 0);
}

TEST_CASE("Ping status 6 reduces the folders, status 8 backs off, and pushes go on",
          "[device-sim][run]") {
  Sim s;
  s.sim.ok({"settings", "set", "maxPingFolders=1"});
  Device d(s, "six",
           {"--profile", "wm61", "--heartbeat-default", "5", "--heartbeat-max", "10", "--duration",
            "30"});
  REQUIRE(d.waitEvent("ping-folders-reduced", "\"maxFolders\":1"));
  s.sim.ok({"deliver", "--to", "alice", "--subject", "After six", "--body", "x"});
  CHECK(d.waitFor([](const std::string& l) {
    return has(l, "item-added") && has(l, "After six") && has(l, "\"initial\":false");
  }));
  s.sim.ok({"fault", "server-error", "1"});
  // The held Ping is answered when the heartbeat ends; the next one meets the fault.
  CHECK(d.waitEvent("error", "status 8"));
  s.sim.ok({"deliver", "--to", "alice", "--subject", "After eight", "--body", "x"});
  CHECK(d.waitFor(
      [](const std::string& l) { return has(l, "item-added") && has(l, "After eight"); }));
  CHECK(d.child.stop(SIGTERM) == 0);
}

TEST_CASE("SendMail after the initial sync, and --duration ends the run", "[device-sim][run]") {
  Sim s;
  Device d(s, "send",
           {"--profile", "wm6", "--types", "email", "--heartbeat-default", "10", "--send-mail",
            "alice@example.com", "--duration", "3"});
  CHECK(d.waitEvent("mail-sent", "alice@example.com"));
  CHECK(d.waitEvent("item-added", "Sent from device-sim DEVSEND"));  // alice wrote to herself
  REQUIRE(d.waitEvent("summary", "", std::chrono::seconds(10)));
  CHECK(d.child.stop(SIGTERM, std::chrono::milliseconds(5000)) == 0);
}

TEST_CASE("a restarted device keeps its state; an unknown Ping folder leads to a full resync",
          "[device-sim][run]") {
  Sim s;
  s.sim.ok({"deliver", "--to", "alice", "--subject", "Before restart", "--body", "x"});
  {
    Device d(s, "seven", {"--profile", "wm6", "--types", "email", "--heartbeat-default", "10"});
    REQUIRE(d.waitEvent("item-added", "Before restart"));
    CHECK(d.child.stop(SIGTERM) == 0);
  }
  // Damage the stored hierarchy: the Inbox now has an id the server never gave.
  {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((s.dir.path() + "/seven/state/device.db").c_str(), &db) == SQLITE_OK);
    CHECK(sqlite3_exec(db, "UPDATE folders SET server_id = '999' WHERE type = 2", nullptr, nullptr,
                       nullptr) == SQLITE_OK);
    sqlite3_close(db);
  }
  Device d(s, "seven", {"--profile", "wm6", "--types", "email", "--heartbeat-default", "10"});
  CHECK(d.waitEvent("error", "full resync"));
  CHECK(d.count([](const std::string& l) { return has(l, "\"event\":\"provisioned\""); }) ==
        1);  // the policy key was kept from the first run
  s.sim.ok({"deliver", "--to", "alice", "--subject", "After repair", "--body", "x"});
  CHECK(d.waitEvent("item-added", "After repair"));
  auto items = storedItems(d.state);
  CHECK(storeHolds(items, "Email", "Before restart"));
  CHECK(storeHolds(items, "Email", "After repair"));
  CHECK(d.child.stop(SIGTERM) == 0);
}

TEST_CASE("a Sync that fails is retried with the previous sync key", "[device-sim][run]") {
  Sim s;
  Device d(s, "retry", {"--profile", "wm6", "--types", "email", "--heartbeat-default", "10"});
  REQUIRE(d.waitEvent("sync", "\"initial\":true"));
  REQUIRE(s.waitHeldPing());
  s.sim.ok({"fault", "unavailable", "2"});
  s.sim.ok({"deliver", "--to", "alice", "--subject", "Despite 503", "--body", "x"});
  CHECK(d.waitEvent("item-added", "Despite 503"));
  CHECK(d.count([](const std::string& l) { return has(l, "Sync: HTTP 503"); }) == 2);
  CHECK(d.count([](const std::string& l) { return has(l, "Despite 503"); }) == 1);
  CHECK(storeHolds(storedItems(d.state), "Email", "Despite 503"));
  CHECK(d.child.stop(SIGTERM) == 0);
}

TEST_CASE("an enforced password policy is provisioned, then a remote wipe empties the store",
          "[device-sim][run]") {
  Sim s;
  s.sim.ok({"settings", "set", "security.enforcePassword=on", "security.minPasswordLength=6"});
  s.addOneOfEach("w");
  Device d(s, "wipe",
           {"--profile", "wm6", "--heartbeat-default", "2", "--heartbeat-min", "2",
            "--heartbeat-max", "4"});
  REQUIRE(d.waitEvent("provisioned", "\"passwordRequired\":true"));
  CHECK(d.waitEvent("provisioned", "\"minPasswordLength\":6"));
  REQUIRE(d.waitFor([](const std::string& l) { return has(l, "Task w"); }));
  CHECK(!storedItems(d.state).empty());
  s.sim.ok({"wipe", deviceIdFor("wipe")});
  REQUIRE(d.waitEvent("wiped", "\"erased\":true"));
  REQUIRE(d.waitEvent("summary"));
  CHECK(d.child.stop(SIGTERM, std::chrono::milliseconds(5000)) == 0);
  CHECK(storedItems(d.state).empty());
  auto store = devicesim::DeviceStore::open(d.state + "/device.db");
  REQUIRE(store.ok());
  CHECK(store.value()->folders().empty());
  CHECK(!store.value()->setting("policyKey"));
}

TEST_CASE("a changed password ends a direct device's run with an authentication error",
          "[device-sim][run]") {
  Sim s;
  Device d(s, "pw", {"--profile", "wm6", "--types", "email", "--heartbeat-default", "3"});
  REQUIRE(d.waitEvent("sync", "\"initial\":true"));
  REQUIRE(s.waitHeldPing());
  s.sim.ok({"password", "alice"}, "Another-Pass2\n");
  CHECK(d.waitEvent("error", "authentication failed"));
  REQUIRE(d.waitEvent("summary"));
  CHECK(d.child.stop(SIGTERM, std::chrono::milliseconds(5000)) == 3);
}

TEST_CASE("a device without Direct Push syncs on its schedule, sped up", "[device-sim][run]") {
  Sim s;
  // WM5 without MSFP cannot provision: Exchange serves it only on the exceptions list.
  s.sim.ok({"policy", "exempt", "alice", "on"});
  Device d(s, "sched",
           {"--profile", "wm5", "--types", "email", "--schedule", "peak=5,offpeak=5",
            "--time-scale", "300"});
  REQUIRE(d.waitEvent("sync", "\"initial\":true"));
  // Every 5 simulated minutes = every second: several syncs within seconds.
  CHECK(d.waitFor([](const std::string& l) { return has(l, "\"scheduled\":true"); }, 3,
                  std::chrono::seconds(15)));
  s.sim.ok({"deliver", "--to", "alice", "--subject", "Polled", "--body", "x"});
  CHECK(d.waitFor([](const std::string& l) {
    return has(l, "item-added") && has(l, "Polled") && has(l, "\"initial\":false");
  }));
  CHECK(d.count([](const std::string& l) { return has(l, "push-woke"); }) == 0);
  CHECK(d.child.stop(SIGTERM) == 0);
  CHECK(d.waitEvent("summary"));
}

TEST_CASE("the command line refuses a password on argv and a readable password file",
          "[device-sim][run]") {
  TempDir dir;
  auto r =
      cradle::test::run({binPath("device-sim"), "run", "--state", dir.path(), "--profile", "wm6",
                         "--server", "http://127.0.0.1:1", "--user", "alice", "--password", "x"});
  CHECK(r.exitCode == 2);
  CHECK(has(r.err, "--password is refused"));
  const std::string pw = dir.path() + "/pw";
  std::ofstream(pw) << "secret\n";
  ::chmod(pw.c_str(), 0644);
  r = cradle::test::run({binPath("device-sim"), "run", "--state", dir.path(), "--profile", "wm6",
                         "--server", "http://127.0.0.1:1", "--user", "alice", "--password-file",
                         pw});
  CHECK(r.exitCode == 2);
  CHECK(has(r.err, "0600"));
  // The password from stdin; nobody listens on port 1: an error event, exit 1.
  r = cradle::test::run({binPath("device-sim"), "run", "--state", dir.path() + "/s", "--profile",
                         "wm6", "--server", "http://127.0.0.1:1", "--user", "alice"},
                        "secret\n");
  CHECK(r.exitCode == 1);
  CHECK(has(r.out, "\"event\":\"error\""));
  CHECK(has(r.out, "\"event\":\"summary\""));
  CHECK(!has(r.out + r.err, "secret"));
}

TEST_CASE("AUTD: the server's notices wake a device that does not Ping", "[device-sim][run][autd]") {
  Sim s;
  Device d(s, "autd", {"--profile", "wm5-msfp", "--autd", "on", "--max-pushes", "1"});
  REQUIRE(d.waitEvent("sync", "\"initial\":true"));
  REQUIRE(d.waitEvent("autd-listening"));
  std::string url;
  for (const auto& l : d.lines()) {
    if (has(l, "\"event\":\"autd-listening\"")) {
      const auto at = l.find("\"url\":\"") + 7;
      url = l.substr(at, l.find('"', at) - at);
    }
  }
  REQUIRE(url.rfind("http://127.0.0.1:", 0) == 0);
  s.sim.ok({"devices", "notify", deviceIdFor("autd"), url});
  s.sim.ok({"deliver", "--to", "alice", "--subject", "Sent by AUTD", "--body", "x"});
  CHECK(d.waitEvent("sms-woke"));
  CHECK(d.waitEvent("item-added", "\"subject\":\"Sent by AUTD\""));
  CHECK(d.waitEvent("summary", "\"smsNotifications\":1"));
  CHECK(d.child.stop(SIGTERM) == 0);
  // The device never held a Ping: AUTD replaces Direct Push.
  CHECK(d.count([](const std::string& l) { return has(l, "\"event\":\"push-woke\""); }) == 0);
  CHECK(has(s.sim.ok({"status"}), "\"smsNotifications\": 1"));
}
