// BridgeConfig layering and validation, and redact().
#include <catch2/catch.hpp>
#include <fstream>

#include "bridge/config/bridge_config.h"
#include "bridge/relay/redact.h"
#include "tests/support/process.h"

namespace {

using namespace cradle::bridge;

void writeText(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

}  // namespace

TEST_CASE("config layers defaults < system < user < env < flags", "[bridge][config]") {
  cradle::test::TempDir dir;
  ConfigSources s;
  s.systemFile = dir.path() + "/system.properties";
  s.userFile = dir.path() + "/user.properties";
  std::string error;
  auto c = loadBridgeConfig(s, error);  // neither file exists: defaults
  REQUIRE(c);
  CHECK(c->listen.text() == "127.0.0.1:8443");
  CHECK(c->control.text() == "127.0.0.1:0");
  CHECK_FALSE(c->plainHttp);

  writeText(s.systemFile, "listen = 127.0.0.1:1000\ncontrol = 127.0.0.1:2000\n");
  writeText(s.userFile, "listen = 127.0.0.1:1001\ncertNames = bridge.lan, pc\n");
  c = loadBridgeConfig(s, error);
  REQUIRE(c);
  CHECK(c->listen.port == 1001);
  CHECK(c->control.port == 2000);
  CHECK(c->certNames == std::vector<std::string>{"bridge.lan", "pc"});
  s.env["CRADLE_LISTEN"] = "127.0.0.1:1002";
  c = loadBridgeConfig(s, error);
  REQUIRE(c);
  CHECK(c->listen.port == 1002);
  s.flags["listen"] = "[::1]:1003";
  c = loadBridgeConfig(s, error);
  REQUIRE(c);
  CHECK(c->listen.host == "::1");
  CHECK(c->listen.text() == "[::1]:1003");
}

TEST_CASE("config refuses plain HTTP off loopback and malformed values", "[bridge][config]") {
  cradle::test::TempDir dir;
  ConfigSources s;
  s.systemFile.clear();
  std::string error;
  s.flags = {{"listen", "0.0.0.0:8443"}, {"plainHttp", "true"}};
  CHECK_FALSE(loadBridgeConfig(s, error));
  CHECK(error.find("plain HTTP") != std::string::npos);
  s.flags["allowPlainHttp"] = "true";
  CHECK(loadBridgeConfig(s, error));
  s.flags = {{"listen", "0.0.0.0:8443"}};
  CHECK(loadBridgeConfig(s, error));  // TLS on any address is fine
  s.flags = {{"listen", "127.0.0.1"}};
  CHECK_FALSE(loadBridgeConfig(s, error));
  s.flags = {{"listen", "127.0.0.1:70000"}};
  CHECK_FALSE(loadBridgeConfig(s, error));
  s.flags = {{"plainHttp", "maybe"}};
  CHECK_FALSE(loadBridgeConfig(s, error));
  s.flags = {{"control", "192.168.1.2:9000"}};
  CHECK_FALSE(loadBridgeConfig(s, error));
  s.flags.clear();
  s.userFile = dir.path() + "/missing.properties";
  s.userFileRequired = true;
  CHECK_FALSE(loadBridgeConfig(s, error));
  CHECK(error.find("missing.properties") != std::string::npos);
}

TEST_CASE("loopback hosts", "[bridge][config]") {
  CHECK(isLoopbackHost("127.0.0.1"));
  CHECK(isLoopbackHost("127.1.2.3"));
  CHECK(isLoopbackHost("::1"));
  CHECK(isLoopbackHost("localhost"));
  CHECK_FALSE(isLoopbackHost("0.0.0.0"));
  CHECK_FALSE(isLoopbackHost("192.168.1.2"));
  CHECK_FALSE(isLoopbackHost("mail.example.com"));
}

TEST_CASE("redact removes credentials and control characters", "[bridge][redact]") {
  const std::string header = redact("Authorization: Basic YWxpY2U6c2VjcmV0");
  CHECK(header.find("YWxpY2U6c2VjcmV0") == std::string::npos);
  CHECK(header.find("Authorization") == std::string::npos);
  CHECK(redact("token=abc123 rest").find("abc123") == std::string::npos);
  CHECK(redact("token=abc123 rest").find("rest") != std::string::npos);
  CHECK(redact("password: hunter2").find("hunter2") == std::string::npos);
  CHECK(redact("Bearer 0123abcd").find("0123abcd") == std::string::npos);
  CHECK(redact("line\nforged") == "line?forged");
  CHECK(redact("cannot reach mapi.example: connection refused") ==
        "cannot reach mapi.example: connection refused");
}

TEST_CASE("the push hub is on by default and its heartbeat keys are checked", "[bridge][config]") {
  cradle::test::TempDir dir;
  ConfigSources s;
  s.systemFile = dir.path() + "/none-system.properties";
  s.userFile = dir.path() + "/none-user.properties";
  std::string error;
  auto c = loadBridgeConfig(s, error);
  REQUIRE(c);
  CHECK(c->pushHub);
  CHECK(c->upstreamHeartbeat == 3540);
  s.flags["upstreamHeartbeat"] = "0";
  CHECK_FALSE(loadBridgeConfig(s, error));
  CHECK(error.find("upstreamHeartbeat") != std::string::npos);
  s.flags["upstreamHeartbeat"] = "600";
  s.flags["pushHub"] = "false";
  c = loadBridgeConfig(s, error);
  REQUIRE(c);
  CHECK_FALSE(c->pushHub);
  CHECK(c->upstreamHeartbeat == 600);
}
