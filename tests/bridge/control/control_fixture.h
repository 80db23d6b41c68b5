// Shared fixture for the control API tests: a real Store in a temporary folder, an EventLoop
// thread and a ControlServer on 127.0.0.1:0, with hooks that record their calls.
#pragma once

#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bridge/control/client/control_client.h"
#include "bridge/control/control_server.h"
#include "bridge/store/store.h"
#include "net/event_loop.h"
#include "tests/support/process.h"

namespace cradle::bridge::test {

class ControlFixture {
 public:
  static constexpr const char* Token = "control-token-for-tests-0123456789";

  ControlFixture() {
    auto box = SecretBox::fromKey(std::string(SecretBox::KeySize, 'k'));
    auto opened = Store::open(dir.path() + "/bridge.db", *box);
    if (!opened.ok()) {
      throw std::runtime_error(opened.error().message());
    }
    store = std::move(*opened);
    ControlHooks hooks;
    hooks.liveStatus = [this] {
      DeviceLiveStatus s;
      s.deviceId = "DEV1";
      s.devicePingHeld = true;
      s.upstreamPingHeld = true;
      s.upstreamHeartbeat = 1680;
      return std::vector<DeviceLiveStatus>{s};
    };
    hooks.credentialUpdated = [this](const std::string& user) {
      std::lock_guard<std::mutex> lock(mutex_);
      credentialUpdates_.push_back(user);
    };
    hooks.settingsChanged = [this](const std::string& id) {
      std::lock_guard<std::mutex> lock(mutex_);
      settingsChanges_.push_back(id);
    };
    server = std::make_unique<ControlServer>(loop, *store, std::move(hooks), Token);
    std::string error;
    if (!server->start("127.0.0.1", 0, error)) {
      throw std::runtime_error(error);
    }
    thread = std::thread([this] { loop.run(); });
  }

  ~ControlFixture() {
    std::promise<void> closed;
    loop.post([&] {
      server->close();
      closed.set_value();
    });
    closed.get_future().wait();
    loop.stop();
    thread.join();
    server.reset();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(server->port()); }

  ControlClient client(const std::string& token = Token) { return ControlClient(url(), token); }

  Partnership addDevice(const std::string& id, const std::string& user,
                        const std::string& serverUrl, Route route = Route::Lan) {
    Partnership p;
    p.deviceId = id;
    p.deviceType = "PocketPC";
    p.user = user;
    p.serverUrl = serverUrl;
    p.route = route;
    auto added = store->addPartnership(p);
    if (!added.ok()) {
      throw std::runtime_error(added.error().message());
    }
    return *added;
  }

  std::vector<std::string> credentialUpdatesSoFar() {
    std::lock_guard<std::mutex> lock(mutex_);
    return credentialUpdates_;
  }
  std::vector<std::string> settingsChangesSoFar() {
    std::lock_guard<std::mutex> lock(mutex_);
    return settingsChanges_;
  }

  cradle::test::TempDir dir{"bridge-control"};
  std::unique_ptr<Store> store;
  net::EventLoop loop;
  std::unique_ptr<ControlServer> server;
  std::thread thread;

 private:
  std::mutex mutex_;
  std::vector<std::string> credentialUpdates_;
  std::vector<std::string> settingsChanges_;
};

}  // namespace cradle::bridge::test
