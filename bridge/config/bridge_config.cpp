// BridgeConfig loading: Poco's LayeredConfiguration over defaults, property files, env and flags.
#include "bridge/config/bridge_config.h"

#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/Util/LayeredConfiguration.h>
#include <Poco/Util/MapConfiguration.h>
#include <Poco/Util/PropertyFileConfiguration.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <exception>

namespace cradle::bridge {

namespace {

using Poco::AutoPtr;
using Poco::Util::LayeredConfiguration;
using Poco::Util::MapConfiguration;
using Poco::Util::PropertyFileConfiguration;

// Lower numbers are consulted first in a LayeredConfiguration.
constexpr int FlagsPriority = 0;
constexpr int EnvPriority = 10;
constexpr int UserPriority = 20;
constexpr int SystemPriority = 30;
constexpr int DefaultsPriority = 40;

bool parseBool(const std::string& key, const std::string& value, bool& out, std::string& error) {
  if (value == "true" || value == "yes" || value == "on" || value == "1") {
    out = true;
    return true;
  }
  if (value == "false" || value == "no" || value == "off" || value == "0") {
    out = false;
    return true;
  }
  error = "config: " + key + " must be true or false, not \"" + value + "\"";
  return false;
}

std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> out;
  std::string item;
  for (char c : text + ",") {
    if (c == ',') {
      if (!item.empty()) {
        out.push_back(item);
      }
      item.clear();
    } else if (c != ' ') {
      item += c;
    }
  }
  return out;
}

}  // namespace

std::string HostPort::text() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::optional<HostPort> parseHostPort(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= text.size()) {
    return std::nullopt;
  }
  HostPort out;
  out.host = text.substr(0, colon);
  if (out.host.front() == '[') {
    if (out.host.size() < 3 || out.host.back() != ']') {
      return std::nullopt;
    }
    out.host = out.host.substr(1, out.host.size() - 2);
  } else if (out.host.find(':') != std::string::npos) {
    return std::nullopt;  // IPv6 needs brackets
  }
  const std::string port = text.substr(colon + 1);
  if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  const unsigned long value = std::stoul(port);
  if (value > 65535) {
    return std::nullopt;
  }
  out.port = static_cast<uint16_t>(value);
  return out;
}

bool isLoopbackHost(const std::string& host) {
  if (host == "localhost") {
    return true;
  }
  in_addr v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    return IN6_IS_ADDR_LOOPBACK(&v6);
  }
  return false;
}

std::optional<BridgeConfig> loadBridgeConfig(const ConfigSources& sources, std::string& error) {
  try {
    AutoPtr<LayeredConfiguration> config(new LayeredConfiguration);
    AutoPtr<MapConfiguration> defaults(new MapConfiguration);
    defaults->setString("listen", "127.0.0.1:8443");
    defaults->setString("control", "127.0.0.1:0");
    defaults->setString("plainHttp", "false");
    defaults->setString("allowPlainHttp", "false");
    defaults->setString("certNames", "");
    defaults->setString("pushHub", "true");
    defaults->setString("upstreamHeartbeat", "3540");
    defaults->setString("upstreamHeartbeatMin", "60");
    config->add(defaults, DefaultsPriority);

    if (!sources.systemFile.empty() && ::access(sources.systemFile.c_str(), F_OK) == 0) {
      try {
        config->add(new PropertyFileConfiguration(sources.systemFile), SystemPriority);
      } catch (const Poco::Exception& e) {
        error = "cannot read " + sources.systemFile + ": " + e.displayText();
        return std::nullopt;
      }
    }
    if (!sources.userFile.empty() &&
        (sources.userFileRequired || ::access(sources.userFile.c_str(), F_OK) == 0)) {
      try {
        config->add(new PropertyFileConfiguration(sources.userFile), UserPriority);
      } catch (const Poco::Exception& e) {
        error = "cannot read " + sources.userFile + ": " + e.displayText();
        return std::nullopt;
      }
    }
    AutoPtr<MapConfiguration> env(new MapConfiguration);
    if (auto it = sources.env.find("CRADLE_LISTEN"); it != sources.env.end()) {
      env->setString("listen", it->second);
    }
    if (auto it = sources.env.find("CRADLE_CONTROL"); it != sources.env.end()) {
      env->setString("control", it->second);
    }
    config->add(env, EnvPriority);
    AutoPtr<MapConfiguration> flags(new MapConfiguration);
    for (const auto& [key, value] : sources.flags) {
      flags->setString(key, value);
    }
    config->add(flags, FlagsPriority);

    BridgeConfig out;
    out.stateDir = sources.stateDir;
    const std::string listen = config->getString("listen");
    const std::string control = config->getString("control");
    auto listenHp = parseHostPort(listen);
    if (!listenHp) {
      error = "config: listen must be HOST:PORT, not \"" + listen + "\"";
      return std::nullopt;
    }
    auto controlHp = parseHostPort(control);
    if (!controlHp) {
      error = "config: control must be HOST:PORT, not \"" + control + "\"";
      return std::nullopt;
    }
    out.listen = *listenHp;
    out.control = *controlHp;
    if (!parseBool("plainHttp", config->getString("plainHttp"), out.plainHttp, error) ||
        !parseBool("allowPlainHttp", config->getString("allowPlainHttp"), out.allowPlainHttp,
                   error)) {
      return std::nullopt;
    }
    out.certNames = splitList(config->getString("certNames"));
    if (!parseBool("pushHub", config->getString("pushHub"), out.pushHub, error)) {
      return std::nullopt;
    }
    for (auto [key, target] : {std::pair{"upstreamHeartbeat", &out.upstreamHeartbeat},
                               std::pair{"upstreamHeartbeatMin", &out.upstreamHeartbeatMin}}) {
      const std::string text = config->getString(key);
      if (text.empty() || text.size() > 5 ||
          text.find_first_not_of("0123456789") != std::string::npos || std::stoul(text) < 1 ||
          std::stoul(text) > 86400) {
        error = std::string("config: ") + key + " must be seconds from 1 to 86400, not \"" + text +
                "\"";
        return std::nullopt;
      }
      *target = static_cast<uint32_t>(std::stoul(text));
    }
    if (out.plainHttp && !out.allowPlainHttp && !isLoopbackHost(out.listen.host)) {
      error = "config: plain HTTP on the non-loopback address " + out.listen.host +
              " would expose device secrets; use TLS or set allowPlainHttp=true";
      return std::nullopt;
    }
    if (!isLoopbackHost(out.control.host)) {
      error = "config: the control API must listen on loopback, not " + out.control.host;
      return std::nullopt;
    }
    return out;
  } catch (const std::exception& e) {
    error = std::string("config: ") + e.what();
    return std::nullopt;
  }
}

}  // namespace cradle::bridge
