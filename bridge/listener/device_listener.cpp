// DeviceListener: TLS setup from the bridge CA and the HTTP server in front of the Relay.
#include "bridge/listener/device_listener.h"

#include <algorithm>
#include <vector>

#include "bridge/listener/bridge_ca.h"

namespace cradle::bridge {

DeviceListener::DeviceListener(net::EventLoop& loop, Relay& relay) : loop_(loop), relay_(relay) {}

DeviceListener::~DeviceListener() = default;

bool DeviceListener::start(const BridgeConfig& config, std::string& error) {
  net::HttpServerOptions options;
  options.host = config.listen.host == "localhost" ? "127.0.0.1" : config.listen.host;
  options.port = config.listen.port;
  const bool wildcard = options.host == "0.0.0.0" || options.host == "::";
  host_ = wildcard ? "127.0.0.1" : options.host;
  scheme_ = config.plainHttp ? "http" : "https";
  if (!config.plainHttp) {
    net::CaFiles ca;
    if (!ensureBridgeCa(config.stateDir, ca, error)) {
      return false;
    }
    std::vector<std::string> names = {"localhost", "127.0.0.1"};
    if (!wildcard) {
      names.push_back(options.host);
    }
    for (const std::string& n : config.certNames) {
      names.push_back(n);
    }
    std::sort(names.begin() + 1, names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    std::string certFile;
    std::string keyFile;
    if (!ensureServerCertificate(config.stateDir, ca, names, certFile, keyFile, error)) {
      return false;
    }
    options.tls = net::TlsContext::server(certFile, keyFile, error);
    if (!options.tls) {
      return false;
    }
  }
  server_ = std::make_unique<net::HttpServer>(
      loop_, options,
      [this](std::shared_ptr<net::HttpExchange> exchange) { relay_.handle(std::move(exchange)); });
  return server_->start(error);
}

uint16_t DeviceListener::port() const { return server_ ? server_->port() : 0; }

std::string DeviceListener::url() const {
  const bool v6 = host_.find(':') != std::string::npos;
  return scheme_ + "://" + (v6 ? "[" + host_ + "]" : host_) + ":" + std::to_string(port());
}

void DeviceListener::close() {
  if (server_) {
    server_->close();
  }
}

}  // namespace cradle::bridge
