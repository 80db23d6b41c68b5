// ControlServer: the bridge's control API (HTTP + JSON on loopback, bearer token from a 0600
// file) for the CLI and the tray: status, devices, per-device settings, password update, events.
// Specified in docs/control-api.md.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bridge/store/store.h"
#include "net/event_loop.h"
#include "net/http_server.h"

namespace cradle::bridge {

// What the running bridge knows beyond the store (live connections), per device.
struct DeviceLiveStatus {
  std::string deviceId;
  bool devicePingHeld = false;    // a device Ping is parked at the bridge
  bool upstreamPingHeld = false;  // an upstream Ping is in flight for the device
  uint32_t upstreamHeartbeat = 0; // seconds (H_up), 0 when unknown
  std::string lastError;          // last upstream problem in plain words, "" when fine
};

// Callbacks into the rest of the bridge; each may be empty. Called on a worker or loop thread.
struct ControlHooks {
  std::function<std::vector<DeviceLiveStatus>()> liveStatus;
  // The credential of `user` was replaced (and un-staled) in the store: resume upstream work.
  std::function<void(const std::string& user)> credentialUpdated;
  // A partnership's settings changed in the store (data types, limits, schedule).
  std::function<void(const std::string& deviceId)> settingsChanged;
};

// Loop thread for start()/close(); store work runs off the loop. Every request needs
// "Authorization: Bearer <token>"; errors are {"error": "..."} with 400/401/404/409.
class ControlServer {
 public:
  ControlServer(net::EventLoop& loop, Store& store, ControlHooks hooks, std::string token);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Binds host:port (loopback unless the caller decided otherwise); false with `error`.
  bool start(const std::string& host, uint16_t port, std::string& error);
  uint16_t port() const;
  void close();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cradle::bridge
