// Tests of the control subcommands (runControlCommand) against an in-process ControlServer found
// through control.url / control.token in a state folder.
#include <catch2/catch.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "bridge/cli/commands.h"
#include "tests/bridge/control/control_fixture.h"

namespace cradle::bridge {
namespace {

using test::ControlFixture;

constexpr const char* ServerA = "https://mail.example.com";

// Runs one subcommand with `input` on std::cin; captures std::cout and std::cerr.
struct Ran {
  int exitCode = -1;
  std::string out;
  std::string err;
};

Ran runCommand(const std::string& command, const std::vector<std::string>& args,
               const std::string& input = {}) {
  std::istringstream in(input);
  std::ostringstream out;
  std::ostringstream err;
  auto* oldIn = std::cin.rdbuf(in.rdbuf());
  auto* oldOut = std::cout.rdbuf(out.rdbuf());
  auto* oldErr = std::cerr.rdbuf(err.rdbuf());
  Ran r;
  r.exitCode = runControlCommand(command, args);
  std::cin.rdbuf(oldIn);
  std::cout.rdbuf(oldOut);
  std::cerr.rdbuf(oldErr);
  r.out = out.str();
  r.err = err.str();
  return r;
}

// A state folder naming the fixture's control server.
struct StateFolder {
  explicit StateFolder(const ControlFixture& f, const std::string& token = ControlFixture::Token) {
    std::ofstream(dir.path() + "/control.url") << f.url() << "\n";
    std::ofstream(dir.path() + "/control.token") << token << "\n";
  }
  cradle::test::TempDir dir{"bridge-control-state"};
};

TEST_CASE("status and devices print what the bridge says", "[bridge][control][cli]") {
  ControlFixture f;
  f.addDevice("DEV1", "alice", ServerA);
  StateFolder state(f);
  const std::string dir = state.dir.path();

  auto status = runCommand("status", {"--state", dir});
  CHECK(status.exitCode == 0);
  CHECK_THAT(status.out, Catch::Contains("1 device(s)") && Catch::Contains("DEV1") &&
                             Catch::Contains("device Ping held"));
  CHECK_THAT(status.out, Catch::Contains("no password stored for alice"));

  auto json = runCommand("status", {"--json", "--state=" + dir});
  CHECK(json.exitCode == 0);
  CHECK_THAT(json.out, Catch::StartsWith("{") && Catch::Contains("\"deviceCount\":1"));

  auto devices = runCommand("devices", {"--state", dir});
  CHECK(devices.exitCode == 0);
  CHECK_THAT(devices.out, Catch::Contains("DEV1 (PocketPC) alice at https://mail.example.com"));
  CHECK_THAT(devices.out, Catch::Contains("schedule: as items arrive"));
}

TEST_CASE("device set and revoke change the store through the bridge", "[bridge][control][cli]") {
  ControlFixture f;
  f.addDevice("DEV1", "alice", ServerA);
  StateFolder state(f);
  const std::string dir = state.dir.path();

  auto set = runCommand("device", {"set",
                                   "DEV1",
                                   "--types",
                                   "email,contacts",
                                   "--schedule",
                                   "peak=15,offpeak=60",
                                   "--peak",
                                   "08:00-18:00",
                                   "--peak-days",
                                   "mon-fri",
                                   "--email-days",
                                   "all",
                                   "--email-size",
                                   "entire",
                                   "--attachments",
                                   "on",
                                   "--attachment-max",
                                   "200000",
                                   "--state",
                                   dir});
  INFO(set.err);
  CHECK(set.exitCode == 0);
  CHECK_THAT(set.out, Catch::Contains("peak 15 min, off-peak 60 min"));
  auto p = *f.store->partnership("DEV1");
  CHECK(p->dataTypes ==
        (static_cast<uint8_t>(DataType::Email) | static_cast<uint8_t>(DataType::Contacts)));
  CHECK(p->schedule.mode == ScheduleMode::Scheduled);
  CHECK(p->schedule.offPeakInterval == SyncInterval::Hour1);
  CHECK(p->email.pastDays == EmailPastDays::All);
  CHECK(p->email.sizeLimit == EmailSizeLimit::Entire);
  CHECK(p->email.attachmentMaxBytes == 200000);

  auto bad = runCommand("device", {"set", "DEV1", "--email-days", "2", "--state", dir});
  CHECK(bad.exitCode == 1);
  CHECK_THAT(bad.err, Catch::Contains("emailDays"));
  CHECK(runCommand("device", {"set", "DEV1", "--state", dir}).exitCode == 2);
  CHECK(runCommand("device", {"set", "DEV1", "--attachments", "yes", "--state", dir}).exitCode ==
        2);
  CHECK(runCommand("device", {"set", "DEV1", "--bogus", "1", "--state", dir}).exitCode == 2);

  auto revoke = runCommand("device", {"revoke", "DEV1", "--state", dir});
  CHECK(revoke.exitCode == 0);
  CHECK((*f.store->partnership("DEV1"))->state == PartnershipState::Revoked);
  auto again = runCommand("device", {"revoke", "DEV1", "--state", dir});
  CHECK(again.exitCode == 1);
  CHECK_THAT(again.err, Catch::Contains("already revoked"));
}

TEST_CASE("password reads stdin, never argv, and events show the update",
          "[bridge][control][cli]") {
  ControlFixture f;
  f.addDevice("DEV1", "alice", ServerA);
  StateFolder state(f);
  const std::string dir = state.dir.path();

  auto r = runCommand("password", {"alice", "--state", dir}, "s3cret-word\nignored\n");
  INFO(r.err);
  CHECK(r.exitCode == 0);
  CHECK_THAT(r.out, Catch::Contains("password updated for alice"));
  CHECK(r.out.find("s3cret") == std::string::npos);
  CHECK((*f.store->credential("alice", ServerA))->password == "s3cret-word");
  CHECK(runCommand("password", {"alice", "--state", dir}, "").exitCode == 1);
  CHECK(runCommand("password", {"alice", "s3cret", "--state", dir}).exitCode == 2);

  auto events = runCommand("events", {"--state", dir});
  CHECK(events.exitCode == 0);
  CHECK_THAT(events.out,
             Catch::Contains("password-updated") && Catch::Contains("password updated for alice"));
  CHECK(events.out.find("s3cret") == std::string::npos);
  auto json = runCommand("events", {"--json", "--since", "0", "--state", dir});
  CHECK_THAT(json.out, Catch::StartsWith("{\"seq\":"));
}

TEST_CASE("a clear error when the bridge is not there or the token is wrong",
          "[bridge][control][cli]") {
  cradle::test::TempDir empty("bridge-control-empty");
  auto r = runCommand("status", {"--state", empty.path()});
  CHECK(r.exitCode == 1);
  CHECK(r.err == "cradle: cradle is not running (" + empty.path() + ")\n");

  // control.url left behind by a bridge that is gone: nobody listens on its port.
  cradle::test::TempDir stale("bridge-control-stale");
  {
    ControlFixture gone;
    std::ofstream(stale.path() + "/control.url") << gone.url() << "\n";
    std::ofstream(stale.path() + "/control.token") << ControlFixture::Token << "\n";
  }
  auto down = runCommand("events", {"--state", stale.path()});
  CHECK(down.exitCode == 1);
  CHECK(down.err == "cradle: cradle is not running (" + stale.path() + ")\n");

  ControlFixture f;
  StateFolder wrong(f, "not-the-token");
  auto denied = runCommand("devices", {"--state", wrong.dir.path()});
  CHECK(denied.exitCode == 1);
  CHECK_THAT(denied.err, Catch::Contains("token"));
  CHECK(runCommand("frobnicate", {}).exitCode == 2);
}

}  // namespace
}  // namespace cradle::bridge
