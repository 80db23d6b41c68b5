// HttpServer: non-blocking listener and HTTP/1.1 connections (optionally TLS) on one EventLoop.
#include "net/http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <unordered_map>
#include <vector>

namespace cradle::net {

namespace {

constexpr std::size_t ReadChunkBytes = 64 * 1024;
constexpr int AcceptsPerEvent = 256;
constexpr std::chrono::milliseconds AcceptRetryDelay{200};
// After the last response on a connection we half-close and read until the peer closes, so
// unread request bytes do not turn our close into a reset that destroys the response in flight.
constexpr std::chrono::milliseconds LingerTimeout{2'000};
constexpr std::size_t LingerMaxBytes = 1024 * 1024;

bool sameIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    x = (x >= 'A' && x <= 'Z') ? static_cast<char>(x - 'A' + 'a') : x;
    y = (y >= 'A' && y <= 'Z') ? static_cast<char>(y - 'A' + 'a') : y;
    if (x != y) {
      return false;
    }
  }
  return true;
}

std::string formatPeer(const sockaddr_storage& addr) {
  char host[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET) {
    sockaddr_in in{};
    std::memcpy(&in, &addr, sizeof in);
    ::inet_ntop(AF_INET, &in.sin_addr, host, sizeof host);
    return std::string(host) + ":" + std::to_string(ntohs(in.sin_port));
  }
  if (addr.ss_family == AF_INET6) {
    sockaddr_in6 in6{};
    std::memcpy(&in6, &addr, sizeof in6);
    ::inet_ntop(AF_INET6, &in6.sin6_addr, host, sizeof host);
    return "[" + std::string(host) + "]:" + std::to_string(ntohs(in6.sin6_port));
  }
  return "unknown";
}

void resetAndClose(int fd) {
  linger lg{1, 0};  // close with RST instead of FIN
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  ::close(fd);
}

}  // namespace

class ServerConnection;

// The exchange handed to the handler. Any thread may respond/abort; the work happens on the loop.
class ServerExchange final : public HttpExchange,
                             public std::enable_shared_from_this<ServerExchange> {
 public:
  ServerExchange(EventLoop& loop, std::weak_ptr<ServerConnection> connection, HttpRequest request,
                 std::string peer)
      : loop_(loop),
        connection_(std::move(connection)),
        request_(std::move(request)),
        peer_(std::move(peer)) {}

  const HttpRequest& request() const override { return request_; }
  std::string peerAddress() const override { return peer_; }
  EventLoop& loop() override { return loop_; }

  void respond(HttpResponse response) override {
    respondSlowly(std::move(response), 0, std::chrono::milliseconds(0));
  }

  void respondSlowly(HttpResponse response, std::size_t chunkBytes,
                     std::chrono::milliseconds interval) override {
    if (done_.exchange(true)) {
      return;
    }
    onLoop([self = shared_from_this(), r = std::move(response), chunkBytes, interval]() mutable {
      self->deliver(std::move(r), chunkBytes, interval);
    });
  }

  void abort() override {
    if (done_.exchange(true)) {
      return;
    }
    onLoop([self = shared_from_this()] { self->abortOnLoop(); });
  }

  bool finished() const override { return done_.load(); }

  void onPeerClosed(std::function<void()> callback) override {
    peerClosed_ = std::move(callback);
    if (peerGone_ && !peerClosedCalled_ && peerClosed_) {
      // Registered after the peer already left: tell it on the next loop turn.
      peerClosedCalled_ = true;
      loop_.post([self = shared_from_this()] {
        if (self->peerClosed_) {
          self->peerClosed_();
        }
      });
    }
  }

  // Loop thread, by the connection: the peer closed or reset while the request was parked.
  void peerWentAway() {
    peerGone_ = true;
    if (done_.exchange(true)) {
      return;  // a respond()/abort() is already on its way: it wins
    }
    if (peerClosed_ && !peerClosedCalled_) {
      peerClosedCalled_ = true;
      auto callback = peerClosed_;
      callback();
    }
  }

  // Loop thread, by the connection: the server closed it (no callback: the peer did not go).
  void connectionClosed() { done_.store(true); }

 private:
  template <class F>
  void onLoop(F&& f) {
    if (loop_.inLoopThread()) {
      f();
    } else {
      loop_.post(std::forward<F>(f));
    }
  }

  void deliver(HttpResponse response, std::size_t chunkBytes, std::chrono::milliseconds interval);
  void abortOnLoop();

  EventLoop& loop_;
  std::weak_ptr<ServerConnection> connection_;
  HttpRequest request_;
  std::string peer_;
  std::atomic<bool> done_{false};
  bool peerGone_ = false;  // loop thread
  bool peerClosedCalled_ = false;
  std::function<void()> peerClosed_;
};

struct ServerState {
  EventLoop& loop;
  HttpServerOptions options;
  HttpHandler handler;
  std::atomic<std::size_t> connectionCount{0};
  std::atomic<uint64_t> served{0};
  std::atomic<uint64_t> bad{0};
  std::atomic<uint64_t> handlerExceptions{0};
  std::vector<char> readBuffer;  // shared by all connections: only the loop thread reads
  std::unordered_map<int, std::shared_ptr<ServerConnection>> connections;

  ServerState(EventLoop& l, HttpServerOptions o, HttpHandler h)
      : loop(l), options(std::move(o)), handler(std::move(h)) {}

  char* buffer() {
    if (readBuffer.empty()) {
      readBuffer.resize(ReadChunkBytes);
    }
    return readBuffer.data();
  }
};

// One accepted connection. Loop thread only; owned by ServerState::connections while open.
class ServerConnection final : public FdHandler,
                               public std::enable_shared_from_this<ServerConnection> {
 public:
  ServerConnection(ServerState& server, int fd, std::string peer, std::unique_ptr<TlsSession> tls)
      : server_(server),
        fd_(fd),
        peer_(std::move(peer)),
        tls_(std::move(tls)),
        parser_(HttpParser::Kind::Request, server.options.limits) {}

  void start() {
    events_ = EPOLLIN | EPOLLRDHUP;
    server_.loop.add(fd_, events_, this);
    armTimer(server_.options.headerTimeout);
  }

  void onEvents(uint32_t events) override {
    auto self = shared_from_this();
    if (phase_ == Phase::Closed) {
      return;
    }
    if ((events & EPOLLERR) != 0) {
      peerGone();
      return;
    }
    if (phase_ == Phase::Handling || phase_ == Phase::Writing) {
      if ((events & (EPOLLRDHUP | EPOLLHUP)) != 0) {
        // The client closed (or half-closed) while its request was parked or being answered.
        peerGone();
        return;
      }
    }
    if ((events & EPOLLOUT) != 0) {
      flush();
    }
    if (phase_ == Phase::Reading || phase_ == Phase::Draining) {
      if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP)) != 0) {
        readSome();
      }
    }
    settle();
  }

  // Called by the exchange on the loop thread.
  void startResponse(ServerExchange* exchange, HttpResponse response, std::size_t chunkBytes,
                     std::chrono::milliseconds interval) {
    auto self = shared_from_this();
    if (phase_ != Phase::Handling || exchange_.get() != exchange) {
      return;
    }
    exchange_.reset();
    phase_ = Phase::Writing;
    ++server_.served;
    if (auto c = findHeader(response.headers, "Connection"); c && sameIgnoreCase(*c, "close")) {
      keepAlive_ = false;
    }
    if (headOnly_) {
      write(serializeResponseHead(response, response.body.size(), keepAlive_));
    } else if (chunkBytes == 0 || response.body.empty()) {
      write(serializeResponse(response, keepAlive_));
    } else {
      write(serializeResponseHead(response, response.body.size(), keepAlive_));
      drip_ = std::make_unique<Drip>();
      drip_->body = std::move(response.body);
      drip_->chunkBytes = chunkBytes;
      drip_->interval = interval;
      scheduleDrip(std::chrono::milliseconds(0));
    }
    flush();
    settle();
  }

  void abortFrom(ServerExchange* exchange) {
    auto self = shared_from_this();
    if (phase_ == Phase::Handling && exchange_.get() == exchange) {
      exchange_.reset();
      closeNow();
    }
  }

  // Server shutdown: parked exchanges become finished without a callback.
  void closeNow() {
    if (phase_ == Phase::Closed) {
      return;
    }
    phase_ = Phase::Closed;
    cancelTimer();
    if (drip_ && drip_->timer != 0) {
      server_.loop.cancel(drip_->timer);
    }
    drip_.reset();
    server_.loop.remove(fd_);
    ::close(fd_);
    if (exchange_) {
      exchange_->connectionClosed();
      exchange_.reset();
    }
    --server_.connectionCount;
    server_.connections.erase(fd_);  // may destroy *this: callers hold a shared_ptr
  }

 private:
  enum class Phase : uint8_t { Reading, Handling, Writing, Draining, Closed };
  struct Drip {
    std::string body;
    std::size_t offset = 0;
    std::size_t chunkBytes = 1;
    std::chrono::milliseconds interval{0};
    EventLoop::TimerId timer = 0;
  };

  void armTimer(std::chrono::milliseconds delay) {
    cancelTimer();
    std::weak_ptr<ServerConnection> weak = weak_from_this();
    timer_ = server_.loop.runAfter(delay, [weak] {
      if (auto self = weak.lock()) {
        self->timer_ = 0;
        self->onTimeout();
      }
    });
  }

  void cancelTimer() {
    if (timer_ != 0) {
      server_.loop.cancel(timer_);
      timer_ = 0;
    }
  }

  void onTimeout() {
    if (phase_ == Phase::Reading && requestStarted_) {
      // A head (or body) that did not arrive in time: 408, then close.
      fail(408, "request not received in time");
      settle();
      return;
    }
    closeNow();  // idle keep-alive, or lingering close that took too long
  }

  void peerGone() {
    if (phase_ == Phase::Handling && exchange_) {
      auto exchange = std::move(exchange_);
      closeNow();
      exchange->peerWentAway();
      return;
    }
    closeNow();
  }

  void readSome() {
    char* buffer = server_.buffer();
    for (;;) {
      if (phase_ != Phase::Reading && phase_ != Phase::Draining) {
        return;  // a request is being handled: leave further bytes in the socket
      }
      const ssize_t n = ::recv(fd_, buffer, ReadChunkBytes, 0);
      if (n > 0) {
        const std::string_view bytes(buffer, static_cast<std::size_t>(n));
        if (phase_ == Phase::Draining) {
          drained_ += bytes.size();
          if (drained_ > LingerMaxBytes) {
            closeNow();
            return;
          }
          continue;
        }
        if (!receive(bytes)) {
          return;
        }
        processInput();
        continue;
      }
      if (n == 0) {
        closeNow();  // the client closed between requests or gave up mid-request
        return;
      }
      if (errno == EINTR) {
        continue;
      }
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        peerGone();
      }
      return;
    }
  }

  // Plaintext (after TLS) goes to pending_. Returns false when the connection ended.
  bool receive(std::string_view bytes) {
    if (!tls_) {
      pending_.append(bytes);
      return true;
    }
    const bool ok = tls_->feedEncrypted(bytes);
    tls_->readPlain(pending_);
    sendTlsOutput();
    if (!ok || tls_->failed()) {
      flush();
      closeNow();
      return false;
    }
    if (outputPending()) {
      flush();  // handshake records: answer now rather than after another epoll round
      if (phase_ == Phase::Closed) {
        return false;
      }
    }
    if (tls_->peerClosed() && pending_.empty()) {
      closeNow();
      return false;
    }
    return true;
  }

  void processInput() {
    if (processing_) {
      return;  // re-entered from a handler that answered at once; the outer loop continues
    }
    processing_ = true;
    while (phase_ == Phase::Reading && !pending_.empty()) {
      if (!requestStarted_) {
        requestStarted_ = true;
        armTimer(server_.options.headerTimeout);
      }
      std::size_t consumed = 0;
      const HttpParser::State state = parser_.feed(pending_, consumed);
      pending_.erase(0, consumed);
      if (state == HttpParser::State::Error) {
        ++server_.bad;
        fail(parser_.errorStatus(), parser_.error());
        break;
      }
      if (state == HttpParser::State::Complete) {
        dispatch(parser_.takeRequest());
      } else if (parser_.headerComplete()) {
        armTimer(server_.options.headerTimeout);  // a body is arriving: time each gap
      }
    }
    if (pending_.empty() && pending_.capacity() > 0) {
      std::string().swap(pending_);  // idle connections keep no read buffer
    }
    processing_ = false;
  }

  void dispatch(HttpRequest request) {
    cancelTimer();
    requestStarted_ = false;
    phase_ = Phase::Handling;
    keepAlive_ = request.keepAlive();
    headOnly_ = request.method == "HEAD";
    exchange_ =
        std::make_shared<ServerExchange>(server_.loop, weak_from_this(), std::move(request), peer_);
    auto exchange = exchange_;
    try {
      server_.handler(exchange);
    } catch (const std::exception& e) {
      handlerFailed(*exchange, e.what());
    } catch (...) {
      handlerFailed(*exchange, "unknown exception");
    }
  }

  void handlerFailed(ServerExchange& exchange, const char* what) {
    if (server_.handlerExceptions.fetch_add(1) == 0) {
      std::fprintf(stderr, "cradle-net: HTTP handler threw: %s\n", what);
    }
    HttpResponse r;
    r.status = 500;
    r.headers.emplace_back("Content-Type", "text/plain");
    r.body = "internal error\n";
    exchange.respond(std::move(r));
  }

  // Answers a request that cannot be served (bad syntax, limits, timeout) and closes.
  void fail(int status, const std::string& why) {
    cancelTimer();
    phase_ = Phase::Writing;
    keepAlive_ = false;
    headOnly_ = false;
    HttpResponse r;
    r.status = status;
    r.headers.emplace_back("Content-Type", "text/plain");
    r.body = why + "\n";
    write(serializeResponse(r, false));
    flush();
  }

  void write(std::string_view bytes) {
    if (outOffset_ > 0 && outOffset_ == out_.size()) {
      out_.clear();
      outOffset_ = 0;
    }
    if (tls_) {
      tls_->writePlain(bytes);
      sendTlsOutput();
    } else {
      out_.append(bytes);
    }
  }

  void sendTlsOutput() {
    while (tls_->hasEncrypted()) {
      if (!tls_->takeEncrypted(out_)) {
        break;
      }
    }
  }

  bool outputPending() const { return outOffset_ < out_.size(); }

  void flush() {
    while (outOffset_ < out_.size()) {
      const ssize_t n =
          ::send(fd_, out_.data() + outOffset_, out_.size() - outOffset_, MSG_NOSIGNAL);
      if (n > 0) {
        outOffset_ += static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return;  // settle() adds EPOLLOUT
      }
      peerGone();
      return;
    }
    std::string().swap(out_);
    outOffset_ = 0;
    if (phase_ == Phase::Writing && !drip_) {
      finishResponse();
    } else if (phase_ == Phase::Draining && !shutdownSent_) {
      shutdownSent_ = true;
      ::shutdown(fd_, SHUT_WR);
    }
  }

  void finishResponse() {
    if (!keepAlive_) {
      phase_ = Phase::Draining;
      if (tls_) {
        tls_->shutdown();
        sendTlsOutput();
      }
      armTimer(LingerTimeout);
      flush();
      return;
    }
    phase_ = Phase::Reading;
    armTimer(server_.options.keepAliveTimeout);
    if (!pending_.empty()) {
      processInput();  // a pipelined request already arrived
    }
  }

  void scheduleDrip(std::chrono::milliseconds delay) {
    std::weak_ptr<ServerConnection> weak = weak_from_this();
    drip_->timer = server_.loop.runAfter(delay, [weak] {
      if (auto self = weak.lock()) {
        self->dripTick();
      }
    });
  }

  void dripTick() {
    if (!drip_ || phase_ != Phase::Writing) {
      return;
    }
    drip_->timer = 0;
    const std::size_t step = std::max<std::size_t>(1, drip_->chunkBytes);
    const std::size_t n = std::min(step, drip_->body.size() - drip_->offset);
    write(std::string_view(drip_->body).substr(drip_->offset, n));
    drip_->offset += n;
    if (drip_->offset >= drip_->body.size()) {
      drip_.reset();
    } else {
      scheduleDrip(drip_->interval);
    }
    flush();
    settle();
  }

  // Brings the epoll mask in line with the phase (one epoll_ctl only when it changes).
  void settle() {
    if (phase_ == Phase::Closed) {
      return;
    }
    uint32_t want = EPOLLRDHUP;
    if (phase_ == Phase::Reading || phase_ == Phase::Draining) {
      want |= EPOLLIN;
    }
    if (outputPending()) {
      want |= EPOLLOUT;
    }
    if (want != events_) {
      events_ = want;
      server_.loop.modify(fd_, events_, this);
    }
  }

  ServerState& server_;
  int fd_;
  Phase phase_ = Phase::Reading;
  bool requestStarted_ = false;
  bool keepAlive_ = true;
  bool headOnly_ = false;
  bool processing_ = false;
  bool shutdownSent_ = false;
  uint32_t events_ = 0;
  EventLoop::TimerId timer_ = 0;
  std::size_t drained_ = 0;
  std::string peer_;
  std::unique_ptr<TlsSession> tls_;
  HttpParser parser_;
  std::string pending_;  // plaintext received and not parsed yet
  std::string out_;      // bytes to send, from outOffset_
  std::size_t outOffset_ = 0;
  std::shared_ptr<ServerExchange> exchange_;
  std::unique_ptr<Drip> drip_;

  friend class ServerExchange;
};

void ServerExchange::deliver(HttpResponse response, std::size_t chunkBytes,
                             std::chrono::milliseconds interval) {
  if (auto connection = connection_.lock()) {
    connection->startResponse(this, std::move(response), chunkBytes, interval);
  }
}

void ServerExchange::abortOnLoop() {
  if (auto connection = connection_.lock()) {
    connection->abortFrom(this);
  }
}

struct HttpServer::Impl final : FdHandler {
  ServerState state;
  int listenFd = -1;
  uint16_t port = 0;
  bool refuse = false;
  bool acceptPaused = false;
  EventLoop::TimerId acceptRetry = 0;

  Impl(EventLoop& loop, HttpServerOptions options, HttpHandler handler)
      : state(loop, std::move(options), std::move(handler)) {}

  ~Impl() override { closeAll(); }

  void closeAll() {
    if (acceptRetry != 0) {
      state.loop.cancel(acceptRetry);
      acceptRetry = 0;
    }
    if (listenFd >= 0) {
      state.loop.remove(listenFd);
      ::close(listenFd);
      listenFd = -1;
    }
    std::vector<std::shared_ptr<ServerConnection>> open;
    open.reserve(state.connections.size());
    for (auto& [fd, connection] : state.connections) {
      open.push_back(connection);
    }
    for (auto& connection : open) {
      connection->closeNow();
    }
  }

  void onEvents(uint32_t /*events*/) override {
    for (int i = 0; i < AcceptsPerEvent; ++i) {
      sockaddr_storage addr{};
      socklen_t len = sizeof addr;
      const int fd = ::accept4(listenFd, reinterpret_cast<sockaddr*>(&addr), &len,
                               SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) {
          continue;
        }
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
          pauseAccepting();  // level-triggered: retrying now would spin
        }
        return;
      }
      if (refuse) {
        resetAndClose(fd);
        continue;
      }
      if (state.connections.size() >= state.options.maxConnections) {
        ::close(fd);
        continue;
      }
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      std::unique_ptr<TlsSession> tls;
      if (state.options.tls) {
        tls = std::make_unique<TlsSession>(state.options.tls);
      }
      auto connection =
          std::make_shared<ServerConnection>(state, fd, formatPeer(addr), std::move(tls));
      state.connections.emplace(fd, connection);
      ++state.connectionCount;
      connection->start();
    }
  }

  void pauseAccepting() {
    if (acceptPaused) {
      return;
    }
    acceptPaused = true;
    state.loop.modify(listenFd, 0, this);
    acceptRetry = state.loop.runAfter(AcceptRetryDelay, [this] {
      acceptRetry = 0;
      acceptPaused = false;
      if (listenFd >= 0) {
        state.loop.modify(listenFd, EPOLLIN, this);
      }
    });
  }
};

HttpServer::HttpServer(EventLoop& loop, HttpServerOptions options, HttpHandler handler)
    : impl_(std::make_shared<Impl>(loop, std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() = default;

bool HttpServer::start(std::string& error) {
  Impl& d = *impl_;
  const HttpServerOptions& o = d.state.options;
  const std::string where = o.host + ":" + std::to_string(o.port);
  sockaddr_storage addr{};
  socklen_t len = 0;
  int family = AF_INET;
  sockaddr_in in{};
  sockaddr_in6 in6{};
  if (::inet_pton(AF_INET, o.host.c_str(), &in.sin_addr) == 1) {
    in.sin_family = AF_INET;
    in.sin_port = htons(o.port);
    std::memcpy(&addr, &in, sizeof in);
    len = sizeof in;
  } else if (::inet_pton(AF_INET6, o.host.c_str(), &in6.sin6_addr) == 1) {
    family = AF_INET6;
    in6.sin6_family = AF_INET6;
    in6.sin6_port = htons(o.port);
    std::memcpy(&addr, &in6, sizeof in6);
    len = sizeof in6;
  } else {
    error = "cannot bind " + where + ": not a numeric IP address";
    return false;
  }
  const int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = "cannot bind " + where + ": " + std::strerror(errno);
    return false;
  }
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), len) != 0 ||
      ::listen(fd, o.backlog) != 0) {
    error = "cannot bind " + where + ": " + std::strerror(errno);
    ::close(fd);
    return false;
  }
  sockaddr_storage bound{};
  socklen_t boundLen = sizeof bound;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &boundLen);
  if (bound.ss_family == AF_INET) {
    std::memcpy(&in, &bound, sizeof in);
    d.port = ntohs(in.sin_port);
  } else {
    std::memcpy(&in6, &bound, sizeof in6);
    d.port = ntohs(in6.sin6_port);
  }
  d.listenFd = fd;
  d.state.loop.add(fd, EPOLLIN, impl_.get());
  return true;
}

uint16_t HttpServer::port() const { return impl_->port; }

void HttpServer::close() { impl_->closeAll(); }

void HttpServer::setRefuseConnections(bool refuse) { impl_->refuse = refuse; }

std::size_t HttpServer::connections() const { return impl_->state.connectionCount.load(); }

uint64_t HttpServer::requestsServed() const { return impl_->state.served.load(); }

uint64_t HttpServer::badRequests() const { return impl_->state.bad.load(); }

}  // namespace cradle::net
