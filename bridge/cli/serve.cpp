// `cradle serve`: the bridge daemon (device listener, relay, control API) on one event loop.
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <thread>

#include "bridge/cli/cli_support.h"
#include "bridge/cli/commands.h"
#include "bridge/config/bridge_config.h"
#include "bridge/control/control_server.h"
#include "bridge/listener/device_listener.h"
#include "bridge/relay/redact.h"
#include "bridge/relay/relay.h"
#include "bridge/store/secret_box.h"
#include "net/event_loop.h"

namespace cradle::bridge {

namespace {

constexpr const char* ServeUsage =
    "usage: cradle serve [--config FILE] [--state DIR] [--listen HOST:PORT] "
    "[--control HOST:PORT] [--plain-http]";

// Time the loop keeps running after shutdown answers were queued, so they reach the devices.
constexpr std::chrono::milliseconds DrainTime{200};

std::string hex(const std::string& bytes) {
  static constexpr char Digits[] = "0123456789abcdef";
  std::string out;
  for (char b : bytes) {
    const auto c = static_cast<unsigned char>(b);
    out += Digits[c >> 4];
    out += Digits[c & 0x0F];
  }
  return out;
}

}  // namespace

int runServe(const std::vector<std::string>& args) {
  CliArgs a;
  std::string error;
  if (!parseCliArgs(args, {"--config", "--state", "--listen", "--control"}, {"--plain-http"}, a,
                    error)) {
    std::cerr << "cradle: " << error << "\n" << ServeUsage << "\n";
    return 2;
  }
  if (!a.words.empty()) {
    std::cerr << "cradle: unexpected argument " << a.words.front() << "\n" << ServeUsage << "\n";
    return 2;
  }
  const std::string dir = stateDir(args);
  ConfigSources sources;
  sources.stateDir = dir;
  sources.userFile = a.has("--config") ? a.get("--config") : dir + "/cradle.properties";
  sources.userFileRequired = a.has("--config");
  for (const char* name : {"CRADLE_LISTEN", "CRADLE_CONTROL"}) {
    if (const char* value = std::getenv(name)) {
      sources.env[name] = value;
    }
  }
  if (a.has("--listen")) {
    sources.flags["listen"] = a.get("--listen");
  }
  if (a.has("--control")) {
    sources.flags["control"] = a.get("--control");
  }
  if (a.flags.count("--plain-http") > 0) {
    sources.flags["plainHttp"] = "true";
  }
  auto config = loadBridgeConfig(sources, error);
  if (!config) {
    return fail(error);
  }
  if (!ensureStateDir(dir, error)) {
    return fail(error);
  }
  for (const char* stale : {"/listen.url", "/control.url"}) {
    ::unlink((dir + stale).c_str());
  }
  auto store = openStateStore(dir, error);
  if (!store) {
    return fail(error);
  }

  // Signals are taken by one thread with sigwait: block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  net::EventLoop loop;
  RelayOptions relayOptions;
  relayOptions.pushHub = config->pushHub;
  relayOptions.hub.upstreamHeartbeat = config->upstreamHeartbeat;
  relayOptions.hub.upstreamHeartbeatMin = config->upstreamHeartbeatMin;
  Relay relay(loop, *store, relayOptions);
  DeviceListener listener(loop, relay);
  if (!listener.start(*config, error)) {
    return fail(error);
  }
  const std::string token = hex(randomBytes(32));
  if (token.empty() || !writeFileWithMode(dir + "/control.token", token + "\n", 0600, error)) {
    return fail(token.empty() ? "no randomness for the control token" : error);
  }
  ControlHooks hooks;
  hooks.liveStatus = [&relay] { return relay.liveStatus(); };
  hooks.credentialUpdated = [&relay](const std::string& user) { relay.credentialUpdated(user); };
  hooks.settingsChanged = [](const std::string&) {};
  ControlServer control(loop, *store, hooks, token);
  if (!control.start(config->control.host, config->control.port, error)) {
    return fail(error);
  }
  const std::string controlUrl = "http://127.0.0.1:" + std::to_string(control.port());
  if (!writeFileWithMode(dir + "/control.url", controlUrl + "\n", 0644, error) ||
      !writeFileWithMode(dir + "/listen.url", listener.url() + "\n", 0644, error)) {
    return fail(error);
  }
  logLine("devices on " + listener.url() + ", control on " + controlUrl + ", state in " + dir);

  std::thread waiter([&loop, &relay, &listener, &control, signals] {
    int sig = 0;
    sigwait(&signals, &sig);
    loop.post([&loop, &relay, &listener, &control] {
      relay.shutdown();
      loop.runAfter(DrainTime, [&loop, &listener, &control] {
        listener.close();
        control.close();
        loop.stop();
      });
    });
  });
  loop.run();
  // The loop ended: release the waiter if it still waits (it then posts to a stopped loop).
  ::kill(::getpid(), SIGTERM);
  waiter.join();
  ::unlink((dir + "/listen.url").c_str());
  ::unlink((dir + "/control.url").c_str());
  logLine("stopped");
  return 0;
}

}  // namespace cradle::bridge
