// HttpServer: an HTTP/1.1 (optionally TLS) listener whose connections live on an EventLoop.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "net/event_loop.h"
#include "net/http_message.h"
#include "net/tls.h"

namespace cradle::net {

// One request and the way back to its client. Shared by the server (which keeps it while the
// connection is open) and the handler (which may keep it while the request is parked, e.g. a
// held EAS Ping). respond()/abort() may be called from any thread: they post to the loop. The
// first respond() wins; later calls and calls after the client went away are ignored.
class HttpExchange {
 public:
  virtual ~HttpExchange() = default;
  virtual const HttpRequest& request() const = 0;
  virtual std::string peerAddress() const = 0;  // "127.0.0.1:54321"
  virtual EventLoop& loop() = 0;

  virtual void respond(HttpResponse response) = 0;
  // Sends the head at once, then the body in pieces of chunkBytes every interval (fault
  // injection: a server that trickles its answer).
  virtual void respondSlowly(HttpResponse response, std::size_t chunkBytes,
                             std::chrono::milliseconds interval) = 0;
  // Closes the connection without an answer (fault injection: a dropped held request).
  virtual void abort() = 0;

  // True once the response was queued, or the peer closed/reset, or abort() was called.
  virtual bool finished() const = 0;
  // Loop thread: called once if the peer closes or resets before a response was sent (a device
  // that gave up on its Ping). Not called after respond()/abort() nor when the server closes.
  // A half-close (FIN) while the request is parked counts as going away. Replaces an earlier
  // callback; registered after the peer left, it is called on the next loop turn.
  virtual void onPeerClosed(std::function<void()> callback) = 0;
};

using HttpHandler = std::function<void(std::shared_ptr<HttpExchange>)>;

struct HttpServerOptions {
  std::string host = "127.0.0.1";   // numeric IPv4/IPv6 address to bind
  uint16_t port = 0;                // 0: any free port (see HttpServer::port())
  std::shared_ptr<TlsContext> tls;  // set: HTTPS
  HttpLimits limits;
  // First byte to end of head (also the TLS handshake), then each gap while a body arrives;
  // a late head gets 408.
  std::chrono::milliseconds headerTimeout{30'000};
  std::chrono::milliseconds keepAliveTimeout{120'000};  // idle between requests
  std::size_t maxConnections = 19'000;                  // beyond: accept and close at once
  int backlog = 4096;
};

// Accepts on the loop; each connection reads one request at a time (no pipelining: a second
// request waits until the first was answered), calls the handler on the loop thread, writes the
// response, keeps the connection alive as HTTP/1.1 says. A malformed request gets its 4xx with
// Connection: close and the server keeps serving. Counters are readable from any thread.
class HttpServer {
 public:
  HttpServer(EventLoop& loop, HttpServerOptions options, HttpHandler handler);
  ~HttpServer();  // loop thread, or after the loop stopped
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens (any thread before run(), or the loop thread). Returns false with `error`
  // set ("cannot bind 127.0.0.1:8443: Address already in use").
  bool start(std::string& error);
  uint16_t port() const;  // the bound port after start()
  // Loop thread: stop accepting and close every connection (parked exchanges become finished).
  void close();
  // Loop thread: while true, new connections are accepted and reset at once (fault injection).
  void setRefuseConnections(bool refuse);

  std::size_t connections() const;
  uint64_t requestsServed() const;
  uint64_t badRequests() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace cradle::net
