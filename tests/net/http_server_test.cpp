// HttpServer on port 0: keep-alive, malformed input, parked exchanges, faults, timeouts, limits.
#include "net/http_server.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <future>
#include <mutex>
#include <thread>

#include "net/http_client.h"
#include "tests/net/net_test_util.h"

using namespace cradle::net;
using cradle::net::test::eventually;
using cradle::net::test::LoopThread;
using cradle::net::test::RawSocket;
using cradle::net::test::TestServer;
using std::chrono::milliseconds;

namespace {

HttpRequest get(std::string target) {
  HttpRequest r;
  r.method = "GET";
  r.target = std::move(target);
  return r;
}

HttpResponse text(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "text/plain");
  r.body = std::move(body);
  return r;
}

// Answers every request at once with its target and the peer address.
void echoHandler(std::shared_ptr<HttpExchange> ex) {
  ex->respond(text(200, ex->request().target + " from " + ex->peerAddress()));
}

// Keeps exchanges for the test thread to answer (a parked request).
class Parking {
 public:
  void operator()(std::shared_ptr<HttpExchange> ex) {
    std::lock_guard<std::mutex> lock(mu_);
    parked_.push_back(std::move(ex));
  }
  std::shared_ptr<HttpExchange> waitFor(std::size_t index) {
    std::shared_ptr<HttpExchange> out;
    eventually([&] {
      std::lock_guard<std::mutex> lock(mu_);
      if (parked_.size() > index) {
        out = parked_[index];
        return true;
      }
      return false;
    });
    return out;
  }

 private:
  std::mutex mu_;
  std::vector<std::shared_ptr<HttpExchange>> parked_;
};

Endpoint local(uint16_t port) { return *parseEndpoint("http://127.0.0.1:" + std::to_string(port)); }

}  // namespace

TEST_CASE("a server on port 0 answers a blocking client", "[net][http_server]") {
  LoopThread lt;
  TestServer ts(lt, {}, echoHandler);
  REQUIRE(ts.ok());
  REQUIRE(ts.port() != 0);
  BlockingHttpClient client(local(ts.port()));
  HttpResult r = client.send(get("/hello"));
  REQUIRE(r.ok());
  CHECK(r.response->status == 200);
  CHECK(r.response->body.rfind("/hello from 127.0.0.1:", 0) == 0);
  CHECK(*findHeader(r.response->headers, "Content-Type") == "text/plain");
  CHECK(ts.server().requestsServed() == 1);
  CHECK(ts.server().badRequests() == 0);
}

TEST_CASE("keep-alive: one connection carries several requests", "[net][http_server]") {
  LoopThread lt;
  TestServer ts(lt, {}, echoHandler);
  REQUIRE(ts.ok());
  BlockingHttpClient client(local(ts.port()));
  HttpResult a = client.send(get("/a"));
  HttpResult b = client.send(get("/b"));
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  const std::string peerA = a.response->body.substr(a.response->body.find("from "));
  const std::string peerB = b.response->body.substr(b.response->body.find("from "));
  CHECK(peerA == peerB);  // same client port: the connection was reused
  CHECK(eventually([&] { return ts.server().connections() == 1; }));

  // Connection: close from the client ends it after the response.
  HttpRequest closing = get("/c");
  closing.headers.emplace_back("Connection", "close");
  HttpResult c = client.send(closing);
  REQUIRE(c.ok());
  CHECK_FALSE(c.response->keepAlive());
  CHECK(eventually([&] { return ts.server().connections() == 0; }));
  HttpResult d = client.send(get("/d"));  // reconnects
  REQUIRE(d.ok());
  CHECK(d.response->body.find("from ") != std::string::npos);
}

TEST_CASE("pipelined requests are answered in order", "[net][http_server]") {
  LoopThread lt;
  TestServer ts(lt, {}, echoHandler);
  REQUIRE(ts.ok());
  RawSocket s(ts.port());
  REQUIRE(s.connected());
  REQUIRE(
      s.send("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n"
             "GET /3 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"));
  const std::string out = s.read(milliseconds(5000));
  CHECK(s.closedByPeer());
  const auto p1 = out.find("/1 from");
  const auto p2 = out.find("/2 from");
  const auto p3 = out.find("/3 from");
  REQUIRE(p1 != std::string::npos);
  REQUIRE(p2 != std::string::npos);
  REQUIRE(p3 != std::string::npos);
  CHECK(p1 < p2);
  CHECK(p2 < p3);
}

TEST_CASE("a malformed request gets 400 with close and the server keeps serving",
          "[net][http_server]") {
  LoopThread lt;
  TestServer ts(lt, {}, echoHandler);
  REQUIRE(ts.ok());
  {
    RawSocket s(ts.port());
    REQUIRE(s.send("GARBAGE\r\n\r\n"));
    const std::string out = s.read(milliseconds(5000));
    CHECK(out.rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
    CHECK(out.find("Connection: close\r\n") != std::string::npos);
    CHECK(s.closedByPeer());
  }
  {
    // A body the server never reads must not turn the answer into a reset.
    RawSocket s(ts.port());
    REQUIRE(s.send("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n" +
                   std::string(200'000, 'x')));
    const std::string out = s.read(milliseconds(5000), "\r\n\r\n");
    CHECK(out.rfind("HTTP/1.1 501 ", 0) == 0);
  }
  CHECK(ts.server().badRequests() == 2);
  BlockingHttpClient client(local(ts.port()));
  HttpResult r = client.send(get("/after"));
  REQUIRE(r.ok());
  CHECK(r.response->status == 200);
}

TEST_CASE("limits answer 431 and 413", "[net][http_server]") {
  LoopThread lt;
  HttpServerOptions options;
  options.limits.maxHeaderBytes = 1024;
  options.limits.maxBodyBytes = 100;
  TestServer ts(lt, options, echoHandler);
  REQUIRE(ts.ok());
  {
    RawSocket s(ts.port());
    REQUIRE(s.send("GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n"));
    CHECK(s.read(milliseconds(5000)).rfind("HTTP/1.1 431 ", 0) == 0);
  }
  {
    RawSocket s(ts.port());
    REQUIRE(s.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\n\r\n"));
    CHECK(s.read(milliseconds(5000)).rfind("HTTP/1.1 413 ", 0) == 0);
  }
  BlockingHttpClient client(local(ts.port()));
  HttpRequest ok = get("/");
  ok.method = "POST";
  ok.body = std::string(100, 'b');
  REQUIRE(client.send(ok).ok());
}

TEST_CASE("a parked exchange is answered from another thread", "[net][http_server]") {
  LoopThread lt;
  Parking parking;
  TestServer ts(lt, {}, std::ref(parking));
  REQUIRE(ts.ok());
  auto pending = std::async(std::launch::async, [&] {
    BlockingHttpClient client(local(ts.port()));
    HttpRequest ping = get("/Microsoft-Server-ActiveSync?Cmd=Ping");
    ping.method = "POST";
    ping.body = "held";
    return client.send(ping);
  });
  auto ex = parking.waitFor(0);
  REQUIRE(ex);
  CHECK(ex->request().body == "held");
  CHECK_FALSE(ex->finished());
  CHECK(pending.wait_for(milliseconds(200)) == std::future_status::timeout);  // still held
  ex->respond(text(200, "changes"));
  CHECK(ex->finished());
  ex->respond(text(500, "second answer is ignored"));
  HttpResult r = pending.get();
  REQUIRE(r.ok());
  CHECK(r.response->status == 200);
  CHECK(r.response->body == "changes");
}

TEST_CASE("onPeerClosed fires when the client goes away while parked", "[net][http_server]") {
  LoopThread lt;
  std::promise<void> closedPromise;
  auto closed = closedPromise.get_future();
  std::atomic<int> calls{0};
  std::shared_ptr<HttpExchange> held;
  TestServer ts(lt, {}, [&](std::shared_ptr<HttpExchange> ex) {
    held = ex;
    ex->onPeerClosed([&] {
      if (++calls == 1) {
        closedPromise.set_value();
      }
    });
  });
  REQUIRE(ts.ok());
  const bool reset = GENERATE(false, true);
  INFO("reset " << reset);
  {
    RawSocket s(ts.port());
    REQUIRE(s.send("POST /ping HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"));
    REQUIRE(eventually([&] { return lt.sync([&] { return held != nullptr; }); }));
    s.close(reset);
  }
  REQUIRE(closed.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  CHECK(lt.sync([&] { return held->finished(); }));
  held->respond(text(200, "too late"));  // ignored, no crash
  CHECK(eventually([&] { return ts.server().connections() == 0; }));
  lt.sync([] {});
  CHECK(calls.load() == 1);
  CHECK(ts.server().requestsServed() == 0);
}

TEST_CASE("onPeerClosed is not called after respond()", "[net][http_server]") {
  LoopThread lt;
  std::atomic<int> calls{0};
  TestServer ts(lt, {}, [&](std::shared_ptr<HttpExchange> ex) {
    ex->onPeerClosed([&] { ++calls; });
    ex->respond(text(200, "at once"));
  });
  REQUIRE(ts.ok());
  {
    RawSocket s(ts.port());
    REQUIRE(s.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
    CHECK(s.read(milliseconds(5000), "at once").find("at once") != std::string::npos);
  }
  CHECK(eventually([&] { return ts.server().connections() == 0; }));
  CHECK(calls.load() == 0);
}

TEST_CASE("abort() closes without a response and the client sees an error", "[net][http_server]") {
  LoopThread lt;
  Parking parking;
  TestServer ts(lt, {}, std::ref(parking));
  REQUIRE(ts.ok());
  auto pending = std::async(std::launch::async, [&] {
    BlockingHttpClient client(local(ts.port()));
    return client.send(get("/dropped"));
  });
  auto ex = parking.waitFor(0);
  REQUIRE(ex);
  ex->abort();
  CHECK(ex->finished());
  HttpResult r = pending.get();
  CHECK_FALSE(r.ok());
  CHECK(r.error.find("closed") != std::string::npos);
  CHECK(ts.server().requestsServed() == 0);
}

TEST_CASE("respondSlowly delivers the whole body in pieces", "[net][http_server]") {
  LoopThread lt;
  std::string body;
  for (int i = 0; i < 100; ++i) {
    body += std::to_string(i % 10);
  }
  TestServer ts(lt, {}, [&](std::shared_ptr<HttpExchange> ex) {
    ex->respondSlowly(text(200, body), 7, milliseconds(5));
  });
  REQUIRE(ts.ok());
  BlockingHttpClient client(local(ts.port()));
  HttpResult r = client.send(get("/slow"));
  REQUIRE(r.ok());
  CHECK(r.response->body == body);
  // The connection stays usable after the drip.
  HttpResult again = client.send(get("/slow"));
  REQUIRE(again.ok());
  CHECK(again.response->body == body);
}

TEST_CASE("refuse mode resets new connections until switched off", "[net][http_server]") {
  LoopThread lt;
  TestServer ts(lt, {}, echoHandler);
  REQUIRE(ts.ok());
  lt.sync([&] { ts.server().setRefuseConnections(true); });
  {
    BlockingHttpClient client(local(ts.port()), nullptr, milliseconds(5000));
    HttpResult r = client.send(get("/"));
    CHECK_FALSE(r.ok());
  }
  lt.sync([&] { ts.server().setRefuseConnections(false); });
  BlockingHttpClient client(local(ts.port()));
  CHECK(client.send(get("/")).ok());
}

TEST_CASE("a handler that throws gets 500 and the server keeps serving", "[net][http_server]") {
  LoopThread lt;
  TestServer ts(lt, {}, [](std::shared_ptr<HttpExchange> ex) {
    if (ex->request().target == "/throw") {
      throw std::runtime_error("handler bug");
    }
    echoHandler(ex);
  });
  REQUIRE(ts.ok());
  BlockingHttpClient client(local(ts.port()));
  HttpResult bad = client.send(get("/throw"));
  REQUIRE(bad.ok());
  CHECK(bad.response->status == 500);
  HttpResult good = client.send(get("/fine"));
  REQUIRE(good.ok());
  CHECK(good.response->status == 200);
}

TEST_CASE("HEAD gets the head with the body's length but no body", "[net][http_server]") {
  LoopThread lt;
  TestServer ts(lt, {}, [](std::shared_ptr<HttpExchange> ex) { ex->respond(text(200, "12345")); });
  REQUIRE(ts.ok());
  BlockingHttpClient client(local(ts.port()));
  HttpRequest head = get("/");
  head.method = "HEAD";
  HttpResult r = client.send(head);
  REQUIRE(r.ok());
  CHECK(r.response->body.empty());
  CHECK(*findHeader(r.response->headers, "Content-Length") == "5");
  HttpResult after = client.send(get("/"));
  REQUIRE(after.ok());
  CHECK(after.response->body == "12345");
}

TEST_CASE("header and keep-alive timeouts close slow or idle connections", "[net][http_server]") {
  LoopThread lt;
  HttpServerOptions options;
  options.headerTimeout = milliseconds(200);
  options.keepAliveTimeout = milliseconds(200);
  TestServer ts(lt, options, echoHandler);
  REQUIRE(ts.ok());
  {
    RawSocket s(ts.port());
    REQUIRE(s.send("GET / HTTP/1.1\r\nHost: h\r\n"));  // the head never ends
    const std::string out = s.read(milliseconds(5000));
    CHECK(out.rfind("HTTP/1.1 408 ", 0) == 0);
    CHECK(s.closedByPeer());
  }
  {
    RawSocket s(ts.port());
    REQUIRE(s.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
    const std::string out = s.read(milliseconds(5000));  // answer, then idle close
    CHECK(out.rfind("HTTP/1.1 200 ", 0) == 0);
    CHECK(s.closedByPeer());
  }
  {
    RawSocket s(ts.port());  // a body that stops half-way
    REQUIRE(s.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n12345"));
    CHECK(s.read(milliseconds(5000)).rfind("HTTP/1.1 408 ", 0) == 0);
    CHECK(s.closedByPeer());
  }
  {
    RawSocket s(ts.port());  // never sends a byte
    CHECK(s.read(milliseconds(5000)).empty());
    CHECK(s.closedByPeer());
  }
  CHECK(eventually([&] { return ts.server().connections() == 0; }));
}

TEST_CASE("connections beyond maxConnections are closed at once", "[net][http_server]") {
  LoopThread lt;
  HttpServerOptions options;
  options.maxConnections = 1;
  TestServer ts(lt, options, echoHandler);
  REQUIRE(ts.ok());
  RawSocket first(ts.port());
  REQUIRE(eventually([&] { return ts.server().connections() == 1; }));
  RawSocket second(ts.port());
  CHECK(second.read(milliseconds(5000)).empty());
  CHECK(second.closedByPeer());
  REQUIRE(first.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
  CHECK(first.read(milliseconds(5000), "from").find("200 OK") != std::string::npos);
}

TEST_CASE("close() ends parked exchanges and frees the port", "[net][http_server]") {
  LoopThread lt;
  Parking parking;
  TestServer ts(lt, {}, std::ref(parking));
  REQUIRE(ts.ok());
  RawSocket s(ts.port());
  REQUIRE(s.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
  auto ex = parking.waitFor(0);
  REQUIRE(ex);
  lt.sync([&] { ts.server().close(); });
  CHECK(ex->finished());
  CHECK(ts.server().connections() == 0);
  CHECK(s.read(milliseconds(5000)).empty());
  CHECK(s.closedByPeer());
  ex->respond(text(200, "after close"));  // ignored
  BlockingHttpClient client(local(ts.port()), nullptr, milliseconds(2000));
  CHECK_FALSE(client.send(get("/")).ok());
}

TEST_CASE("start() reports a port in use", "[net][http_server]") {
  LoopThread lt;
  TestServer first(lt, {}, echoHandler);
  REQUIRE(first.ok());
  HttpServerOptions options;
  options.port = first.port();
  TestServer second(lt, options, echoHandler);
  CHECK_FALSE(second.ok());
  CHECK(second.error().find("cannot bind 127.0.0.1:") == 0);
  HttpServerOptions badHost;
  badHost.host = "not-an-address";
  TestServer third(lt, badHost, echoHandler);
  CHECK_FALSE(third.ok());
}

TEST_CASE("many parked requests are held and all answered", "[net][http_server]") {
  LoopThread lt;
  std::vector<std::shared_ptr<HttpExchange>> held;
  TestServer ts(lt, {}, [&](std::shared_ptr<HttpExchange> ex) { held.push_back(ex); });
  REQUIRE(ts.ok());
  constexpr int N = 200;
  std::vector<std::unique_ptr<RawSocket>> sockets;
  for (int i = 0; i < N; ++i) {
    sockets.push_back(std::make_unique<RawSocket>(ts.port()));
    REQUIRE(sockets.back()->send("GET /" + std::to_string(i) + " HTTP/1.1\r\nHost: h\r\n\r\n"));
  }
  REQUIRE(eventually([&] { return lt.sync([&] { return held.size(); }) == N; }));
  lt.sync([&] {
    for (auto& ex : held) {
      ex->respond(text(200, "released " + ex->request().target));
    }
  });
  for (int i = 0; i < N; ++i) {
    const std::string out = sockets[static_cast<std::size_t>(i)]->read(
        milliseconds(5000), "released /" + std::to_string(i));
    CHECK(out.find("released /" + std::to_string(i)) != std::string::npos);
  }
  CHECK(ts.server().requestsServed() == N);
}
