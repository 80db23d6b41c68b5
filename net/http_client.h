// HTTP clients: a blocking one for CLIs and tests, and an asynchronous one on an EventLoop.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "net/event_loop.h"
#include "net/http_message.h"
#include "net/tls.h"

namespace cradle::net {

// "http://127.0.0.1:8080" / "https://localhost:8443" split; nullopt when malformed. A path after
// the authority is ignored; user information ("u@h") is refused. Default ports 80 / 443.
struct Endpoint {
  bool tls = false;
  std::string host;  // name or address as written (brackets removed for IPv6)
  uint16_t port = 0;
  std::string hostHeader() const;  // "host:port"
};
std::optional<Endpoint> parseEndpoint(std::string_view url);

// The outcome of one exchange: a response, or an error line ("connection refused",
// "timed out after 5000 ms", "certificate verify failed: ...", "connection closed before the
// response ended").
struct HttpResult {
  std::optional<HttpResponse> response;
  std::string error;
  bool ok() const { return response.has_value(); }
};

// Blocking client over one keep-alive connection (re-opened when the server closed it).
// For the CLIs and tests; one thread at a time. TLS verification: tls->client context always,
// against the endpoint's host. Names are resolved with getaddrinfo (not bounded by the timeout).
class BlockingHttpClient {
 public:
  BlockingHttpClient(Endpoint endpoint, std::shared_ptr<TlsContext> tls = nullptr,
                     std::chrono::milliseconds timeout = std::chrono::milliseconds(30'000));
  ~BlockingHttpClient();
  BlockingHttpClient(const BlockingHttpClient&) = delete;
  BlockingHttpClient& operator=(const BlockingHttpClient&) = delete;

  // Host is added when missing. The timeout covers connect + send + whole response.
  HttpResult send(const HttpRequest& request);
  HttpResult send(const HttpRequest& request, std::chrono::milliseconds timeout);
  void disconnect();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Asynchronous client on an EventLoop: one request at a time per connection object; for the
// load generator and the bridge's upstream. Loop thread only. The callback runs on the loop
// thread exactly once (response, error, timeout, or cancel()/close() with error "cancelled");
// destroying the object with a request in flight drops that callback uncalled. A host name is
// resolved synchronously with getaddrinfo (it blocks the loop): use numeric addresses on hot
// paths. A "Connection: close" request closes the connection after its response.
class AsyncHttpConnection : public std::enable_shared_from_this<AsyncHttpConnection> {
 public:
  using Callback = std::function<void(HttpResult)>;

  static std::shared_ptr<AsyncHttpConnection> create(EventLoop& loop, Endpoint endpoint,
                                                     std::shared_ptr<TlsContext> tls = nullptr);
  virtual ~AsyncHttpConnection() = default;

  // Connects first when not connected (non-blocking connect, TLS handshake), then sends.
  virtual void send(HttpRequest request, std::chrono::milliseconds timeout, Callback done) = 0;
  virtual void cancel() = 0;  // ends the request in flight (its callback gets "cancelled")
  virtual void close() = 0;
  virtual bool busy() const = 0;
  virtual bool connected() const = 0;
  virtual uint64_t bytesSent() const = 0;
  virtual uint64_t bytesReceived() const = 0;
};

}  // namespace cradle::net
