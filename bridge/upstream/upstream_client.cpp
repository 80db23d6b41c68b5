// UpstreamClient: one net::AsyncHttpConnection per upstream request, TLS contexts cached per CA.
#include "bridge/upstream/upstream_client.h"

#include <utility>
#include <vector>

namespace cradle::bridge {

UpstreamClient::UpstreamClient(net::EventLoop& loop) : loop_(loop) {}

UpstreamClient::~UpstreamClient() {
  *alive_ = false;
  for (auto& [id, connection] : connections_) {
    connection->close();
  }
}

std::shared_ptr<net::TlsContext> UpstreamClient::tlsFor(const std::string& caFile,
                                                        std::string& error) {
  auto it = tls_.find(caFile);
  if (it != tls_.end()) {
    return it->second;
  }
  auto context = net::TlsContext::client(caFile, error);
  if (context) {
    tls_.emplace(caFile, context);
  }
  return context;
}

UpstreamClient::RequestId UpstreamClient::send(const net::Endpoint& endpoint,
                                               const std::string& caFile, net::HttpRequest request,
                                               std::chrono::milliseconds timeout, Callback done) {
  const RequestId id = nextId_++;
  std::shared_ptr<net::TlsContext> tls;
  if (endpoint.tls) {
    std::string error;
    tls = tlsFor(caFile, error);
    if (!tls) {
      loop_.post([done = std::move(done), error] {
        net::HttpResult result;
        result.error = error;
        done(std::move(result));
      });
      return id;
    }
  }
  net::setHeader(request.headers, "Host", endpoint.hostHeader());
  net::setHeader(request.headers, "Connection", "close");
  auto connection = net::AsyncHttpConnection::create(loop_, endpoint, tls);
  connections_.emplace(id, connection);
  std::weak_ptr<bool> alive = alive_;
  connection->send(std::move(request), timeout,
                   [this, id, alive, done = std::move(done)](net::HttpResult result) {
                     auto live = alive.lock();
                     if (!live || !*live) {
                       return;  // the client is being destroyed
                     }
                     // The connection is inside its own callback: release it on the next turn.
                     loop_.post([this, id, alive] {
                       auto stillLive = alive.lock();
                       if (stillLive && *stillLive) {
                         connections_.erase(id);
                       }
                     });
                     done(std::move(result));
                   });
  return id;
}

void UpstreamClient::cancel(RequestId id) {
  auto it = connections_.find(id);
  if (it != connections_.end()) {
    it->second->cancel();
  }
}

void UpstreamClient::cancelAll() {
  std::vector<std::shared_ptr<net::AsyncHttpConnection>> all;
  for (auto& [id, connection] : connections_) {
    all.push_back(connection);
  }
  for (auto& connection : all) {
    connection->cancel();
  }
}

}  // namespace cradle::bridge
