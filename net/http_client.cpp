// HTTP clients: endpoint parsing, a blocking client over poll(), and an async one on an EventLoop.
#include "net/http_client.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace cradle::net {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::size_t ReadChunkBytes = 64 * 1024;

bool startsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) {
    return false;
  }
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (c != prefix[i]) {
      return false;
    }
  }
  return true;
}

std::string timedOut(milliseconds timeout) {
  return "timed out after " + std::to_string(timeout.count()) + " ms";
}

std::string connectError(int err, const Endpoint& endpoint) {
  const std::string where = endpoint.hostHeader();
  if (err == ECONNREFUSED) {
    return "connection refused (" + where + ")";
  }
  return "cannot connect to " + where + ": " + std::strerror(err);
}

// The request with a Host header (RFC 9112 3.2) when the caller left it out; a caller's
// "Connection: close" is kept (the writer owns the Connection header).
std::string wireRequest(const HttpRequest& request, const Endpoint& endpoint) {
  if (findHeader(request.headers, "Host")) {
    return serializeRequest(request, request.keepAlive());
  }
  HttpRequest copy = request;
  copy.headers.emplace(copy.headers.begin(), "Host", endpoint.hostHeader());
  return serializeRequest(copy, request.keepAlive());
}

bool isInterimResponse(int status) { return status >= 100 && status < 200 && status != 101; }

struct ResolvedAddress {
  sockaddr_storage addr{};
  socklen_t len = 0;
  int family = AF_INET;
};

// Numeric addresses need no lookup; names go through getaddrinfo (blocking).
std::vector<ResolvedAddress> resolve(const Endpoint& endpoint, std::string& error) {
  std::vector<ResolvedAddress> out;
  ResolvedAddress a;
  sockaddr_in in{};
  sockaddr_in6 in6{};
  if (::inet_pton(AF_INET, endpoint.host.c_str(), &in.sin_addr) == 1) {
    in.sin_family = AF_INET;
    in.sin_port = htons(endpoint.port);
    std::memcpy(&a.addr, &in, sizeof in);
    a.len = sizeof in;
    out.push_back(a);
    return out;
  }
  if (::inet_pton(AF_INET6, endpoint.host.c_str(), &in6.sin6_addr) == 1) {
    in6.sin6_family = AF_INET6;
    in6.sin6_port = htons(endpoint.port);
    std::memcpy(&a.addr, &in6, sizeof in6);
    a.len = sizeof in6;
    a.family = AF_INET6;
    out.push_back(a);
    return out;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  const std::string port = std::to_string(endpoint.port);
  const int rc = ::getaddrinfo(endpoint.host.c_str(), port.c_str(), &hints, &list);
  if (rc != 0) {
    error = "cannot resolve " + endpoint.host + ": " + ::gai_strerror(rc);
    return out;
  }
  for (addrinfo* p = list; p != nullptr; p = p->ai_next) {
    if (p->ai_addrlen > sizeof(sockaddr_storage)) {
      continue;
    }
    ResolvedAddress r;
    std::memcpy(&r.addr, p->ai_addr, p->ai_addrlen);
    r.len = p->ai_addrlen;
    r.family = p->ai_family;
    out.push_back(r);
  }
  ::freeaddrinfo(list);
  if (out.empty()) {
    error = "cannot resolve " + endpoint.host + ": no address";
  }
  return out;
}

int remainingMs(Clock::time_point deadline) {
  const auto left = std::chrono::ceil<milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<int64_t>(left, 0, 24 * 3600 * 1000));
}

}  // namespace

std::string Endpoint::hostHeader() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::optional<Endpoint> parseEndpoint(std::string_view url) {
  Endpoint e;
  if (startsWithIgnoreCase(url, "https://")) {
    e.tls = true;
    url.remove_prefix(8);
  } else if (startsWithIgnoreCase(url, "http://")) {
    url.remove_prefix(7);
  } else {
    return std::nullopt;
  }
  // A path, query or fragment after the authority is ignored.
  std::string_view authority = url.substr(0, url.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) {
    return std::nullopt;  // user information has no place in our endpoints
  }
  std::string_view portText;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return std::nullopt;
    }
    e.host = std::string(authority.substr(1, close - 1));
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        return std::nullopt;
      }
      portText = rest.substr(1);
      if (portText.empty()) {
        return std::nullopt;
      }
    }
    in6_addr probe{};
    if (::inet_pton(AF_INET6, e.host.c_str(), &probe) != 1) {
      return std::nullopt;
    }
  } else {
    const std::size_t colon = authority.find(':');
    e.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      portText = authority.substr(colon + 1);
      if (portText.empty()) {
        return std::nullopt;
      }
    }
    if (std::any_of(e.host.begin(), e.host.end(), [](char c) {
          return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '-' || c == '.' || c == '_');
        })) {
      return std::nullopt;
    }
  }
  if (e.host.empty()) {
    return std::nullopt;
  }
  if (portText.empty()) {
    e.port = e.tls ? 443 : 80;
  } else {
    unsigned value = 0;
    if (portText.size() > 5) {
      return std::nullopt;
    }
    for (char c : portText) {
      if (c < '0' || c > '9') {
        return std::nullopt;
      }
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    if (value == 0 || value > 65535) {
      return std::nullopt;
    }
    e.port = static_cast<uint16_t>(value);
  }
  return e;
}

// ---------------------------------------------------------------------------------------------
// BlockingHttpClient

struct BlockingHttpClient::Impl {
  Endpoint endpoint;
  std::shared_ptr<TlsContext> tlsContext;
  milliseconds timeout;
  int fd = -1;
  std::unique_ptr<TlsSession> tls;
  std::string plain;  // plaintext received and not parsed yet
  std::vector<char> buffer;

  void disconnect() {
    if (fd >= 0) {
      ::close(fd);
      fd = -1;
    }
    tls.reset();
    plain.clear();
  }

  // A kept-alive connection the server closed (or wrote to unasked) since the last exchange.
  bool stale() const {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 0) != 0;
  }

  bool connect(Clock::time_point deadline, milliseconds total, std::string& error) {
    std::vector<ResolvedAddress> addresses = resolve(endpoint, error);
    if (addresses.empty()) {
      return false;
    }
    for (const ResolvedAddress& a : addresses) {
      const int s = ::socket(a.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (s < 0) {
        error = connectError(errno, endpoint);
        continue;
      }
      int rc = ::connect(s, reinterpret_cast<const sockaddr*>(&a.addr), a.len);
      int err = rc == 0 ? 0 : errno;
      if (rc != 0 && err == EINPROGRESS) {
        pollfd p{s, POLLOUT, 0};
        rc = ::poll(&p, 1, remainingMs(deadline));
        if (rc == 0) {
          ::close(s);
          error = timedOut(total);
          return false;
        }
        socklen_t len = sizeof err;
        ::getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
      }
      if (err != 0) {
        ::close(s);
        error = connectError(err, endpoint);
        continue;
      }
      const int one = 1;
      ::setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      fd = s;
      break;
    }
    if (fd < 0) {
      return false;
    }
    if (!tlsContext) {
      return true;
    }
    tls = std::make_unique<TlsSession>(tlsContext, endpoint.host);
    tls->start();
    while (!tls->handshakeDone()) {
      if (!flushTls(deadline, total, error) || !readTls(deadline, total, error)) {
        if (tls && tls->failed()) {
          error = tls->error();
        }
        disconnect();
        return false;
      }
    }
    return flushTls(deadline, total, error);
  }

  bool sendRaw(std::string_view bytes, Clock::time_point deadline, milliseconds total,
               std::string& error) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n > 0) {
        bytes.remove_prefix(static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        pollfd p{fd, POLLOUT, 0};
        if (::poll(&p, 1, remainingMs(deadline)) == 0) {
          error = timedOut(total);
          return false;
        }
        continue;
      }
      error = std::string("send failed: ") + std::strerror(errno);
      return false;
    }
    return true;
  }

  bool flushTls(Clock::time_point deadline, milliseconds total, std::string& error) {
    std::string out;
    while (tls->takeEncrypted(out)) {
    }
    if (tls->failed()) {
      sendRaw(out, deadline, total, error);  // best effort: the alert
      error = tls->error();
      return false;
    }
    return sendRaw(out, deadline, total, error);
  }

  // Reads once from the socket. Returns >0 bytes read, 0 at EOF, -1 with error set.
  ssize_t readRaw(std::string& into, Clock::time_point deadline, milliseconds total,
                  std::string& error) {
    if (buffer.empty()) {
      buffer.resize(ReadChunkBytes);
    }
    for (;;) {
      const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
      if (n >= 0) {
        into.append(buffer.data(), static_cast<std::size_t>(n));
        return n;
      }
      if (errno == EINTR) {
        continue;
      }
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        error = std::string("receive failed: ") + std::strerror(errno);
        return -1;
      }
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, remainingMs(deadline)) == 0) {
        error = timedOut(total);
        return -1;
      }
    }
  }

  // TLS: reads ciphertext once, feeds it, answers what the session has to send.
  bool readTls(Clock::time_point deadline, milliseconds total, std::string& error) {
    std::string cipher;
    const ssize_t n = readRaw(cipher, deadline, total, error);
    if (n < 0) {
      return false;
    }
    if (n == 0) {
      error = tls->handshakeDone() ? "connection closed before the response ended"
                                   : "connection closed during the TLS handshake";
      return false;
    }
    if (!tls->feedEncrypted(cipher)) {
      error = tls->error();
      return false;
    }
    tls->readPlain(plain);
    return flushTls(deadline, total, error);
  }

  // Returns >0 when plaintext arrived, 0 at EOF (TCP or close_notify), -1 on error.
  int readPlain(Clock::time_point deadline, milliseconds total, std::string& error) {
    if (!tls) {
      const ssize_t n = readRaw(plain, deadline, total, error);
      return n > 0 ? 1 : static_cast<int>(n);
    }
    const std::size_t before = plain.size();
    while (plain.size() == before) {
      if (tls->peerClosed()) {
        return 0;
      }
      std::string cipher;
      const ssize_t n = readRaw(cipher, deadline, total, error);
      if (n <= 0) {
        return static_cast<int>(n);
      }
      if (!tls->feedEncrypted(cipher)) {
        error = tls->error();
        return -1;
      }
      tls->readPlain(plain);
      if (!flushTls(deadline, total, error)) {
        return -1;
      }
    }
    return 1;
  }

  HttpResult exchange(const HttpRequest& request, milliseconds total) {
    HttpResult result;
    const Clock::time_point deadline = Clock::now() + total;
    if (fd >= 0 && stale()) {
      disconnect();
    }
    if (fd < 0 && !connect(deadline, total, result.error)) {
      disconnect();
      return result;
    }
    const std::string wire = wireRequest(request, endpoint);
    bool sent = false;
    if (tls) {
      sent = tls->writePlain(wire) && flushTls(deadline, total, result.error);
      if (!sent && result.error.empty()) {
        result.error = tls->error();
      }
    } else {
      sent = sendRaw(wire, deadline, total, result.error);
    }
    if (!sent) {
      disconnect();
      return result;
    }
    HttpParser parser(HttpParser::Kind::Response);
    for (;;) {
      if (request.method == "HEAD") {
        parser.expectNoBody();
      }
      std::size_t consumed = 0;
      HttpParser::State state = parser.feed(plain, consumed);
      plain.erase(0, consumed);
      if (state == HttpParser::State::NeedMore) {
        const int r = readPlain(deadline, total, result.error);
        if (r < 0) {
          disconnect();
          return result;
        }
        if (r > 0) {
          continue;
        }
        state = parser.finish();
      }
      if (state == HttpParser::State::Error) {
        result.error = parser.error().rfind("connection closed", 0) == 0
                           ? parser.error()
                           : "bad response: " + parser.error();
        disconnect();
        return result;
      }
      if (state != HttpParser::State::Complete) {
        continue;
      }
      HttpResponse response = parser.takeResponse();
      if (isInterimResponse(response.status)) {
        continue;  // RFC 9110 15.2: a final response follows a 1xx
      }
      if (!response.keepAlive() || !request.keepAlive() || !plain.empty()) {
        disconnect();
      }
      result.response = std::move(response);
      return result;
    }
  }
};

BlockingHttpClient::BlockingHttpClient(Endpoint endpoint, std::shared_ptr<TlsContext> tls,
                                       milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  impl_->endpoint = std::move(endpoint);
  impl_->tlsContext = std::move(tls);
  impl_->timeout = timeout;
}

BlockingHttpClient::~BlockingHttpClient() { impl_->disconnect(); }

HttpResult BlockingHttpClient::send(const HttpRequest& request) {
  return impl_->exchange(request, impl_->timeout);
}

HttpResult BlockingHttpClient::send(const HttpRequest& request, milliseconds timeout) {
  return impl_->exchange(request, timeout);
}

void BlockingHttpClient::disconnect() { impl_->disconnect(); }

// ---------------------------------------------------------------------------------------------
// AsyncHttpConnection

namespace {

class AsyncConnection final : public AsyncHttpConnection, public FdHandler {
 public:
  AsyncConnection(EventLoop& loop, Endpoint endpoint, std::shared_ptr<TlsContext> tls)
      : loop_(loop),
        endpoint_(std::move(endpoint)),
        tlsContext_(std::move(tls)),
        parser_(HttpParser::Kind::Response) {}

  ~AsyncConnection() override {
    cancelTimer();
    closeSocket();
  }

  void send(HttpRequest request, milliseconds timeout, Callback done) override {
    auto self = shared_from_this();
    if (busy_) {
      loop_.post([done] { done(HttpResult{std::nullopt, "connection busy"}); });
      return;
    }
    busy_ = true;
    callback_ = std::move(done);
    timeout_ = timeout;
    parser_.reset();
    headRequest_ = request.method == "HEAD";
    closeAfter_ = !request.keepAlive();
    if (headRequest_) {
      parser_.expectNoBody();
    }
    std::weak_ptr<AsyncHttpConnection> weak = weak_from_this();
    timer_ = loop_.runAfter(timeout, [weak] {
      if (auto locked = weak.lock()) {
        auto* me = static_cast<AsyncConnection*>(locked.get());
        me->timer_ = 0;
        me->fail(timedOut(me->timeout_));
      }
    });
    const std::string wire = wireRequest(request, endpoint_);
    if (fd_ >= 0) {
      queue(wire);
      flush();
      settle();
      return;
    }
    std::string error;
    if (!startConnect(error)) {
      // Report on the next loop turn: the caller's send() has not returned yet.
      loop_.post([weak, error] {
        if (auto locked = weak.lock()) {
          static_cast<AsyncConnection*>(locked.get())->fail(error);
        }
      });
      return;
    }
    queue(wire);
    if (!connecting_) {
      flush();
    }
    settle();
  }

  void cancel() override {
    if (busy_) {
      fail("cancelled");
    }
  }

  void close() override {
    if (busy_) {
      fail("cancelled");
    }
    closeSocket();
  }

  bool busy() const override { return busy_; }
  bool connected() const override { return fd_ >= 0 && !connecting_; }
  uint64_t bytesSent() const override { return bytesSent_; }
  uint64_t bytesReceived() const override { return bytesReceived_; }

  void onEvents(uint32_t events) override {
    auto self = shared_from_this();
    if (fd_ < 0) {
      return;
    }
    if (connecting_) {
      if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0) {
        return;
      }
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        fail(connectError(err, endpoint_));
        return;
      }
      connecting_ = false;
      onConnected();
      flush();
      settle();
      return;
    }
    if ((events & EPOLLOUT) != 0) {
      flush();
    }
    if (fd_ >= 0 && (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0) {
      readSome();
    }
    settle();
  }

 private:
  bool startConnect(std::string& error) {
    // Names are resolved synchronously here (getaddrinfo blocks the loop): give the async
    // client numeric addresses on hot paths.
    std::vector<ResolvedAddress> addresses = resolve(endpoint_, error);
    if (addresses.empty()) {
      return false;
    }
    const ResolvedAddress& a = addresses.front();
    const int s = ::socket(a.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s < 0) {
      error = connectError(errno, endpoint_);
      return false;
    }
    const int one = 1;
    ::setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const int rc = ::connect(s, reinterpret_cast<const sockaddr*>(&a.addr), a.len);
    if (rc != 0 && errno != EINPROGRESS) {
      error = connectError(errno, endpoint_);
      ::close(s);
      return false;
    }
    fd_ = s;
    connecting_ = rc != 0;
    events_ =
        connecting_ ? static_cast<uint32_t>(EPOLLOUT) : static_cast<uint32_t>(EPOLLIN | EPOLLRDHUP);
    loop_.add(fd_, events_, this);
    if (!connecting_) {
      onConnected();
    }
    return true;
  }

  void onConnected() {
    if (tlsContext_) {
      tls_ = std::make_unique<TlsSession>(tlsContext_, endpoint_.host);
      tls_->start();
      std::string plainQueued = std::move(plainBeforeTls_);
      plainBeforeTls_.clear();
      if (!plainQueued.empty()) {
        tls_->writePlain(plainQueued);
      }
      takeTls();
    } else if (!plainBeforeTls_.empty()) {
      out_.append(plainBeforeTls_);
      std::string().swap(plainBeforeTls_);
    }
  }

  void queue(std::string_view plain) {
    if (connecting_) {
      plainBeforeTls_.append(plain);  // the socket (and TLS session) do not exist yet
      return;
    }
    if (tls_) {
      tls_->writePlain(plain);
      takeTls();
    } else {
      out_.append(plain);
    }
  }

  void takeTls() {
    while (tls_->takeEncrypted(out_)) {
    }
  }

  void flush() {
    while (fd_ >= 0 && outOffset_ < out_.size()) {
      const ssize_t n =
          ::send(fd_, out_.data() + outOffset_, out_.size() - outOffset_, MSG_NOSIGNAL);
      if (n > 0) {
        outOffset_ += static_cast<std::size_t>(n);
        bytesSent_ += static_cast<uint64_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return;
      }
      const std::string why = std::string("send failed: ") + std::strerror(errno);
      if (busy_) {
        fail(why);
      } else {
        closeSocket();
      }
      return;
    }
    out_.clear();
    outOffset_ = 0;
  }

  void readSome() {
    static thread_local std::vector<char> buffer(ReadChunkBytes);
    while (fd_ >= 0) {
      const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
      if (n > 0) {
        bytesReceived_ += static_cast<uint64_t>(n);
        const std::string_view bytes(buffer.data(), static_cast<std::size_t>(n));
        if (tls_) {
          const bool ok = tls_->feedEncrypted(bytes);
          tls_->readPlain(in_);
          takeTls();
          if (!ok || tls_->failed()) {
            const std::string why = tls_->error();
            flush();  // best effort: the alert
            fail(why);
            return;
          }
          flush();
          if (fd_ < 0) {
            return;
          }
        } else {
          in_.append(bytes);
        }
        if (!busy_) {
          if (!in_.empty()) {
            closeSocket();  // bytes nobody asked for: the connection is unusable
          }
          continue;
        }
        parse(false);
        continue;
      }
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (tls_ && tls_->peerClosed()) {
          endOfStream();
        }
        return;
      }
      if (n == 0) {
        endOfStream();
      } else if (busy_) {
        fail(std::string("connection reset: ") + std::strerror(errno));
      } else {
        closeSocket();
      }
      return;
    }
  }

  void endOfStream() {
    if (busy_) {
      parse(true);
    }
    if (busy_) {
      fail("connection closed before the response ended");
    } else {
      closeSocket();
    }
  }

  void parse(bool atEof) {
    for (;;) {
      std::size_t consumed = 0;
      HttpParser::State state = parser_.feed(in_, consumed);
      in_.erase(0, consumed);
      if (state == HttpParser::State::NeedMore && atEof) {
        state = parser_.finish();
      }
      if (state == HttpParser::State::Error) {
        fail(parser_.error().rfind("connection closed", 0) == 0
                 ? parser_.error()
                 : "bad response: " + parser_.error());
        return;
      }
      if (state != HttpParser::State::Complete) {
        return;
      }
      HttpResponse response = parser_.takeResponse();
      if (isInterimResponse(response.status)) {
        if (headRequest_) {
          parser_.expectNoBody();
        }
        continue;  // RFC 9110 15.2: the final response follows
      }
      const bool keep = response.keepAlive() && !closeAfter_ && in_.empty() && !atEof;
      if (!keep) {
        closeSocket();
      }
      complete(HttpResult{std::move(response), {}});
      return;
    }
  }

  void fail(std::string error) {
    closeSocket();
    if (busy_) {
      complete(HttpResult{std::nullopt, std::move(error)});
    }
  }

  // Ends the request in flight; the callback may start the next one on this connection.
  void complete(HttpResult result) {
    cancelTimer();
    busy_ = false;
    std::string().swap(in_);
    Callback done = std::move(callback_);
    callback_ = nullptr;
    if (done) {
      done(std::move(result));
    }
  }

  void cancelTimer() {
    if (timer_ != 0) {
      loop_.cancel(timer_);
      timer_ = 0;
    }
  }

  void closeSocket() {
    if (fd_ < 0) {
      return;
    }
    loop_.remove(fd_);
    ::close(fd_);
    fd_ = -1;
    events_ = 0;
    connecting_ = false;
    tls_.reset();
    std::string().swap(out_);
    outOffset_ = 0;
    std::string().swap(in_);
    std::string().swap(plainBeforeTls_);
  }

  void settle() {
    if (fd_ < 0 || connecting_) {
      return;
    }
    uint32_t want = EPOLLIN | EPOLLRDHUP;
    if (outOffset_ < out_.size()) {
      want |= EPOLLOUT;
    }
    if (want != events_) {
      events_ = want;
      loop_.modify(fd_, events_, this);
    }
  }

  EventLoop& loop_;
  Endpoint endpoint_;
  std::shared_ptr<TlsContext> tlsContext_;
  std::unique_ptr<TlsSession> tls_;
  HttpParser parser_;
  int fd_ = -1;
  bool connecting_ = false;
  bool busy_ = false;
  bool headRequest_ = false;
  bool closeAfter_ = false;
  uint32_t events_ = 0;
  milliseconds timeout_{0};
  EventLoop::TimerId timer_ = 0;
  Callback callback_;
  std::string out_;
  std::size_t outOffset_ = 0;
  std::string in_;
  std::string plainBeforeTls_;
  uint64_t bytesSent_ = 0;
  uint64_t bytesReceived_ = 0;
};

}  // namespace

std::shared_ptr<AsyncHttpConnection> AsyncHttpConnection::create(EventLoop& loop, Endpoint endpoint,
                                                                 std::shared_ptr<TlsContext> tls) {
  return std::make_shared<AsyncConnection>(loop, std::move(endpoint), std::move(tls));
}

}  // namespace cradle::net
