// Test helpers for net/: a loop on its own thread, and a raw blocking TCP socket for odd bytes.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>

#include "net/event_loop.h"
#include "net/http_server.h"

namespace cradle::net::test {

// An EventLoop running on a thread of its own; sync() runs a function on it and waits.
class LoopThread {
 public:
  LoopThread() : thread_([this] { loop_.run(); }) {}
  ~LoopThread() {
    loop_.stop();
    thread_.join();
  }
  EventLoop& loop() { return loop_; }

  template <class F>
  auto sync(F f) -> decltype(f()) {
    using R = decltype(f());
    auto promise = std::make_shared<std::promise<R>>();
    auto future = promise->get_future();
    loop_.post([promise, &f] {
      if constexpr (std::is_void_v<R>) {
        f();
        promise->set_value();
      } else {
        promise->set_value(f());
      }
    });
    return future.get();
  }

 private:
  EventLoop loop_;
  std::thread thread_;
};

// A server created, started and destroyed on the loop thread.
class TestServer {
 public:
  TestServer(LoopThread& lt, HttpServerOptions options, HttpHandler handler) : lt_(lt) {
    std::string error;
    ok_ = lt_.sync([&] {
      server_ = std::make_unique<HttpServer>(lt_.loop(), std::move(options), std::move(handler));
      return server_->start(error);
    });
    error_ = error;
  }
  ~TestServer() {
    lt_.sync([&] { server_.reset(); });
  }
  bool ok() const { return ok_; }
  const std::string& error() const { return error_; }
  uint16_t port() const { return server_->port(); }
  HttpServer& server() { return *server_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }

 private:
  LoopThread& lt_;
  std::unique_ptr<HttpServer> server_;
  bool ok_ = false;
  std::string error_;
};

// A blocking socket to 127.0.0.1:port for sending malformed or partial requests.
class RawSocket {
 public:
  explicit RawSocket(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    connected_ = ::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawSocket() { close(); }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  bool connected() const { return connected_; }

  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) {
        return false;
      }
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads until the peer closes, `stopAfter` appears, or the timeout passes.
  std::string read(std::chrono::milliseconds timeout, std::string_view stopAfter = {}) {
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (!stopAfter.empty() && out.find(stopAfter) != std::string::npos) {
        return out;
      }
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                            deadline - std::chrono::steady_clock::now())
                            .count();
      if (left <= 0) {
        return out;
      }
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) {
        return out;
      }
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closedByPeer_ = true;
        return out;
      }
      out.append(buf, static_cast<std::size_t>(n));
    }
  }

  bool closedByPeer() const { return closedByPeer_; }

  // Closes with RST when reset is true (SO_LINGER 0), else with FIN.
  void close(bool reset = false) {
    if (fd_ < 0) {
      return;
    }
    if (reset) {
      linger lg{1, 0};
      ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    }
    ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool closedByPeer_ = false;
};

// Polls cond every 10 ms until it holds or the timeout passes.
template <class F>
bool eventually(F cond, std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return cond();
}

}  // namespace cradle::net::test
