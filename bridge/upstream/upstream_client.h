// UpstreamClient: the bridge's requests to the EAS server, one asynchronous connection each.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "net/event_loop.h"
#include "net/http_client.h"
#include "net/tls.h"

namespace cradle::bridge {

// Sends requests upstream on the loop, verifying TLS (chain and host name) against a pinned CA
// file or the system store. One net::AsyncHttpConnection per request in flight (closed after
// its response: no idle pool yet), so a held Ping costs a parked socket, not a thread.
// Loop thread only. The callback runs exactly once on the loop thread, never inside send();
// an error result carries a one-line reason ("certificate verify failed: ...", "connection
// refused"), "cancelled" after cancel()/cancelAll().
class UpstreamClient {
 public:
  using Callback = std::function<void(net::HttpResult)>;
  using RequestId = uint64_t;

  explicit UpstreamClient(net::EventLoop& loop);
  ~UpstreamClient();
  UpstreamClient(const UpstreamClient&) = delete;
  UpstreamClient& operator=(const UpstreamClient&) = delete;

  // The request's body is buffered whole (net has no streaming body yet).
  RequestId send(const net::Endpoint& endpoint, const std::string& caFile, net::HttpRequest request,
                 std::chrono::milliseconds timeout, Callback done);
  void cancel(RequestId id);
  void cancelAll();
  std::size_t inFlight() const { return connections_.size(); }

 private:
  std::shared_ptr<net::TlsContext> tlsFor(const std::string& caFile, std::string& error);

  net::EventLoop& loop_;
  RequestId nextId_ = 1;
  std::map<RequestId, std::shared_ptr<net::AsyncHttpConnection>> connections_;
  std::map<std::string, std::shared_ptr<net::TlsContext>> tls_;  // by CA file ("" = system)
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace cradle::bridge
