// BridgeConfig: the typed settings of `cradle serve`, layered from defaults, files, environment
// and flags, and checked once at start-up.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cradle::bridge {

// "HOST:PORT" (IPv6 as "[::1]:PORT") split; nullopt when malformed.
struct HostPort {
  std::string host;
  uint16_t port = 0;
  std::string text() const;  // back to "HOST:PORT" ("[::1]:PORT" for IPv6)
};
std::optional<HostPort> parseHostPort(const std::string& text);

// True for "localhost", 127.0.0.0/8 and ::1.
bool isLoopbackHost(const std::string& host);

// Everything serve needs, immutable once loaded.
struct BridgeConfig {
  std::string stateDir;
  HostPort listen{"127.0.0.1", 8443};  // the device-facing listener
  HostPort control{"127.0.0.1", 0};    // the control API (loopback)
  bool plainHttp = false;              // serve devices over plain HTTP instead of HTTPS
  bool allowPlainHttp = false;         // permits plainHttp on a non-loopback address
  std::vector<std::string> certNames;  // extra names for the device-facing certificate
  bool pushHub = true;                 // heartbeat proxying (bridge/push_hub)
  uint32_t upstreamHeartbeat = 3540;   // H_up at start and its upper bound (seconds)
  uint32_t upstreamHeartbeatMin = 60;  // H_up never adapts below this (seconds)
};

// Where each layer comes from. Keys (file and flag alike): listen, control, plainHttp,
// allowPlainHttp, certNames (comma-separated), pushHub, upstreamHeartbeat,
// upstreamHeartbeatMin (seconds, 1..86400). Environment: CRADLE_LISTEN, CRADLE_CONTROL.
struct ConfigSources {
  std::string stateDir;
  std::string systemFile = "/etc/cradle/cradle.properties";  // read when it exists
  std::string userFile;                      // STATE/cradle.properties unless --config names one
  bool userFileRequired = false;             // --config: a missing file is an error
  std::map<std::string, std::string> env;    // CRADLE_* variables
  std::map<std::string, std::string> flags;  // keys as above
};

// Layers defaults < system file < user file < env < flags. Returns nullopt with one line in
// `error` (unreadable file, malformed address, unknown key value, plain HTTP off loopback).
std::optional<BridgeConfig> loadBridgeConfig(const ConfigSources& sources, std::string& error);

}  // namespace cradle::bridge
