// device-sim load against a real mapi-sim process: 20 devices on one loop, one mail wakes all.
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

constexpr const char* Password = "Load-Pass1";

// The number after "\"key\":" in a JSON line; -1 when absent.
long long field(const std::string& line, const std::string& key) {
  const auto p = line.find("\"" + key + "\":");
  if (p == std::string::npos) {
    return -1;
  }
  return std::stoll(line.substr(p + key.size() + 3));
}

// The first line of path containing part ("" when none within the timeout).
std::string waitLine(const std::string& path, const std::string& part,
                     std::chrono::seconds timeout) {
  const auto end = Clock::now() + timeout;
  for (;;) {
    std::istringstream in(readFile(path));
    for (std::string line; std::getline(in, line);) {
      if (line.find(part) != std::string::npos) {
        return line;
      }
    }
    if (Clock::now() >= end) {
      return {};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::string passwordFile(const std::string& dir) {
  const std::string pw = dir + "/password";
  std::ofstream(pw) << Password << "\n";
  ::chmod(pw.c_str(), 0600);
  return pw;
}

}  // namespace

TEST_CASE("device-sim load: 20 devices held, one mail wakes all", "[device-sim][run][load]") {
  TempDir dir("devicesim-load");
  std::filesystem::create_directories(dir.path() + "/data");
  MapiSim sim(dir.path() + "/data");
  sim.ok({"user", "add", "crowd"}, std::string(Password) + "\n");
  sim.start();
  sim.ok({"policy", "exempt", "crowd", "on"});  // the load client does not Provision
  const std::string pw = passwordFile(dir.path());

  Child load;
  load.start(
      {binPath("device-sim"), "load", "--count", "20", "--server", sim.easUrl(), "--user", "crowd",
       "--password-file", pw, "--id-prefix", "LOADT", "--wake-target", "20", "--duration", "60"},
      dir.path(), "load");
  const std::string out = dir.path() + "/load.out";
  const std::string ready = waitLine(out, "\"load-ready\"", std::chrono::seconds(30));
  INFO(load.output());
  REQUIRE(!ready.empty());
  CHECK(field(ready, "devices") == 20);
  CHECK(field(ready, "held") == 20);
  CHECK(field(ready, "setupMs") >= 0);

  // The server holds every Ping before the mail goes out.
  const auto end = Clock::now() + std::chrono::seconds(20);
  while (Clock::now() < end && sim.ok({"status"}).find("\"heldPings\": 20") == std::string::npos) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE(sim.ok({"status"}).find("\"heldPings\": 20") != std::string::npos);
  sim.ok({"deliver", "--to", "crowd", "--subject", "To all", "--body", "Wake up"});

  const std::string summary = waitLine(out, "\"load-summary\"", std::chrono::seconds(30));
  REQUIRE(!summary.empty());
  CHECK(load.stop(SIGTERM) == 0);  // it ended by itself at the wake target
  CHECK(field(summary, "devices") == 20);
  CHECK(field(summary, "wakeUps") == 20);
  CHECK(field(summary, "latencies") == 20);
  CHECK(field(summary, "failures") == 0);
  CHECK(field(summary, "held") == 20);  // each device pinged again after its Sync
  const long long p50 = field(summary, "p50Ms");
  const long long p99 = field(summary, "p99Ms");
  const long long max = field(summary, "maxMs");
  CHECK(p50 >= 0);  // DateReceived is the server's clock, the same machine
  CHECK(p50 <= p99);
  CHECK(p99 <= max);
  CHECK(max < 10'000);
  CHECK(field(summary, "bytesSent") > 20 * 300);  // at least four requests per device
  CHECK(field(summary, "bytesReceived") > 0);
}

TEST_CASE("device-sim load: SIGTERM prints the summary; wrong password counts failures",
          "[device-sim][run][load]") {
  TempDir dir("devicesim-load");
  std::filesystem::create_directories(dir.path() + "/data");
  MapiSim sim(dir.path() + "/data");
  sim.ok({"user", "add", "crowd"}, std::string(Password) + "\n");
  sim.start();
  sim.ok({"policy", "exempt", "crowd", "on"});

  auto r = cradle::test::run({binPath("device-sim"), "load", "--count", "3", "--server",
                              sim.easUrl(), "--user", "crowd", "--duration", "20"},
                             "not-the-password\n");
  INFO(r.out << r.err);
  CHECK(r.exitCode == 1);
  CHECK(r.out.find("\"load-ready\"") != std::string::npos);
  const auto at = r.out.find("\"load-summary\"");
  REQUIRE(at != std::string::npos);
  const std::string summary = r.out.substr(at);
  CHECK(field(summary, "failures") == 3);
  CHECK(summary.find("HTTP 401") != std::string::npos);

  const std::string pw = passwordFile(dir.path());
  Child load;
  load.start({binPath("device-sim"), "load", "--count", "2", "--server", sim.easUrl(), "--user",
              "crowd", "--password-file", pw},
             dir.path(), "load");
  REQUIRE(!waitLine(dir.path() + "/load.out", "\"load-ready\"", std::chrono::seconds(30)).empty());
  CHECK(load.stop(SIGTERM) == 0);
  const std::string s =
      waitLine(dir.path() + "/load.out", "\"load-summary\"", std::chrono::seconds(5));
  CHECK(field(s, "held") == 2);
  CHECK(field(s, "wakeUps") == 0);
  CHECK(field(s, "failures") == 0);
}

TEST_CASE("device-sim load: bad arguments exit 2", "[device-sim][run][load]") {
  const std::string bin = binPath("device-sim");
  const std::vector<std::vector<std::string>> bad{
      {bin, "load", "--server", "http://127.0.0.1:1", "--user", "u"},                  // no count
      {bin, "load", "--count", "0", "--server", "http://127.0.0.1:1", "--user", "u"},  // zero
      {bin, "load", "--count", "x", "--server", "http://127.0.0.1:1", "--user", "u"},
      {bin, "load", "--count", "2", "--user", "u"},  // neither URL
      {bin, "load", "--count", "2", "--server", "http://127.0.0.1:1", "--bridge",
       "https://127.0.0.1:2", "--user", "u"},
      {bin, "load", "--count", "2", "--server", "http://127.0.0.1:1"},  // no user
      {bin, "load", "--count", "2", "--server", "http://127.0.0.1:1", "--user", "u", "--password",
       "x"},
      {bin, "load", "--count", "2", "--server", "http://127.0.0.1:1", "--user", "u", "--heartbeat",
       "9999"},
      {bin, "load", "--count", "2", "--server", "http://127.0.0.1:1", "--user", "u",
       "--wake-target", "-1"},
      {bin, "load", "--count", "2", "--server", "http://127.0.0.1:1", "--user", "u", "--id-prefix",
       "a b"},
      {bin, "load", "--count", "2", "--server", "http://127.0.0.1:1", "--user", "u", "--bogus",
       "1"},
  };
  for (const auto& argv : bad) {
    auto r = cradle::test::run(argv, "pw\n");
    INFO(argv[2] << " " << argv[3] << " ... -> " << r.err);
    CHECK(r.exitCode == 2);
    CHECK(r.err.find("usage: device-sim load") != std::string::npos);
  }
}
