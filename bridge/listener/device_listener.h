// DeviceListener: the device-facing EAS endpoint (HTTPS with the bridge's CA, or plain HTTP on
// loopback), handing every request to the Relay.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "bridge/config/bridge_config.h"
#include "bridge/relay/relay.h"
#include "net/event_loop.h"
#include "net/http_server.h"

namespace cradle::bridge {

// Owns the net::HttpServer. start() on the loop thread or before run(); close() on the loop
// thread. Errors are one line (certificate files, bind).
class DeviceListener {
 public:
  DeviceListener(net::EventLoop& loop, Relay& relay);
  ~DeviceListener();
  DeviceListener(const DeviceListener&) = delete;
  DeviceListener& operator=(const DeviceListener&) = delete;

  bool start(const BridgeConfig& config, std::string& error);
  uint16_t port() const;
  // "https://127.0.0.1:PORT" (the listen host; 127.0.0.1 when it is a wildcard address).
  std::string url() const;
  void close();

 private:
  net::EventLoop& loop_;
  Relay& relay_;
  std::unique_ptr<net::HttpServer> server_;
  std::string scheme_;
  std::string host_;
};

}  // namespace cradle::bridge
