// parseEndpoint, BlockingHttpClient errors and timeouts, AsyncHttpConnection against HttpServer.
#include "net/http_client.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <future>
#include <mutex>

#include "net/http_server.h"
#include "tests/net/net_test_util.h"

using namespace cradle::net;
using cradle::net::test::eventually;
using cradle::net::test::LoopThread;
using cradle::net::test::TestServer;
using std::chrono::milliseconds;

namespace {

HttpRequest get(std::string target) {
  HttpRequest r;
  r.method = "GET";
  r.target = std::move(target);
  return r;
}

void echoHandler(std::shared_ptr<HttpExchange> ex) {
  HttpResponse r;
  r.body = ex->request().method + " " + ex->request().target + " " + ex->request().body + " " +
           ex->peerAddress();
  if (ex->request().target == "/close") {
    r.headers.emplace_back("Connection", "close");
  }
  ex->respond(std::move(r));
}

Endpoint local(uint16_t port) { return *parseEndpoint("http://127.0.0.1:" + std::to_string(port)); }

// A port with nobody listening: bind, read the port, close.
uint16_t closedPort() {
  LoopThread lt;
  TestServer ts(lt, {}, echoHandler);
  return ts.port();
}

// Runs one async exchange on the loop and waits for its callback.
HttpResult sendAsync(LoopThread& lt, const std::shared_ptr<AsyncHttpConnection>& conn,
                     HttpRequest request, milliseconds timeout = milliseconds(5000)) {
  auto promise = std::make_shared<std::promise<HttpResult>>();
  auto future = promise->get_future();
  lt.loop().post([conn, request, timeout, promise] {
    conn->send(request, timeout, [promise](HttpResult r) { promise->set_value(std::move(r)); });
  });
  return future.get();
}

}  // namespace

TEST_CASE("parseEndpoint splits URLs and refuses malformed ones", "[net][http_client]") {
  auto a = parseEndpoint("http://127.0.0.1:8080");
  REQUIRE(a);
  CHECK_FALSE(a->tls);
  CHECK(a->host == "127.0.0.1");
  CHECK(a->port == 8080);
  CHECK(a->hostHeader() == "127.0.0.1:8080");

  auto b = parseEndpoint("HTTPS://mail.example.org/Microsoft-Server-ActiveSync");
  REQUIRE(b);
  CHECK(b->tls);
  CHECK(b->host == "mail.example.org");
  CHECK(b->port == 443);

  auto c = parseEndpoint("https://[::1]:8443/");
  REQUIRE(c);
  CHECK(c->host == "::1");
  CHECK(c->port == 8443);
  CHECK(c->hostHeader() == "[::1]:8443");

  CHECK(parseEndpoint("http://localhost")->port == 80);

  for (const char* bad : {"", "127.0.0.1:80", "ftp://h", "http://", "http://:80",
                          "http://h:", "http://h:0", "http://h:65536", "http://h:12x", "http://u@h",
                          "http://[::1", "http://[nope]:80", "http://h h", "http://[::1]x"}) {
    INFO(bad);
    CHECK_FALSE(parseEndpoint(bad));
  }
}

TEST_CASE("blocking client: refused, timed out, closed early", "[net][http_client]") {
  SECTION("connection refused") {
    BlockingHttpClient client(local(closedPort()), nullptr, milliseconds(5000));
    HttpResult r = client.send(get("/"));
    CHECK_FALSE(r.ok());
    CHECK(r.error.find("connection refused") != std::string::npos);
  }
  SECTION("a held request times out") {
    LoopThread lt;
    std::vector<std::shared_ptr<HttpExchange>> held;
    TestServer ts(lt, {}, [&](std::shared_ptr<HttpExchange> ex) { held.push_back(ex); });
    REQUIRE(ts.ok());
    BlockingHttpClient client(local(ts.port()));
    HttpResult r = client.send(get("/"), milliseconds(300));
    CHECK_FALSE(r.ok());
    CHECK(r.error == "timed out after 300 ms");
    // The next request opens a fresh connection and works once answered.
    auto next = std::async(std::launch::async, [&] { return client.send(get("/2")); });
    REQUIRE(eventually([&] { return lt.sync([&] { return held.size(); }) == 2; }));
    lt.sync([&] {
      HttpResponse ok;
      ok.body = "late";
      held[1]->respond(ok);
    });
    HttpResult r2 = next.get();
    REQUIRE(r2.ok());
    CHECK(r2.response->body == "late");
  }
  SECTION("a server that closes reused connections is reconnected to") {
    LoopThread lt;
    HttpServerOptions options;
    options.keepAliveTimeout = milliseconds(100);
    TestServer ts(lt, options, echoHandler);
    REQUIRE(ts.ok());
    BlockingHttpClient client(local(ts.port()));
    REQUIRE(client.send(get("/1")).ok());
    REQUIRE(eventually([&] { return ts.server().connections() == 0; }));
    HttpResult r = client.send(get("/2"));
    REQUIRE(r.ok());
    CHECK(r.response->body.find("/2") != std::string::npos);
  }
}

TEST_CASE("blocking client adds Host and sends bodies", "[net][http_client]") {
  LoopThread lt;
  std::string host;
  TestServer ts(lt, {}, [&](std::shared_ptr<HttpExchange> ex) {
    host = std::string(findHeader(ex->request().headers, "Host").value_or(""));
    echoHandler(ex);
  });
  REQUIRE(ts.ok());
  BlockingHttpClient client(local(ts.port()));
  HttpRequest post = get("/upload");
  post.method = "POST";
  post.body = std::string(300'000, 'z');
  HttpResult r = client.send(post);
  REQUIRE(r.ok());
  CHECK(r.response->body.find(post.body) != std::string::npos);
  CHECK(lt.sync([&] { return host; }) == "127.0.0.1:" + std::to_string(ts.port()));
}

TEST_CASE("async client: exchanges, keep-alive reuse, byte counters", "[net][http_client]") {
  LoopThread lt;
  TestServer ts(lt, {}, echoHandler);
  REQUIRE(ts.ok());
  auto conn = lt.sync([&] { return AsyncHttpConnection::create(lt.loop(), local(ts.port())); });
  HttpResult a = sendAsync(lt, conn, get("/a"));
  REQUIRE(a.ok());
  CHECK(a.response->body.rfind("GET /a ", 0) == 0);
  CHECK(lt.sync([&] { return conn->connected() && !conn->busy(); }));
  HttpRequest post = get("/b");
  post.method = "POST";
  post.body = "payload";
  HttpResult b = sendAsync(lt, conn, post);
  REQUIRE(b.ok());
  CHECK(b.response->body.find("payload") != std::string::npos);
  const std::string peerA = a.response->body.substr(a.response->body.rfind(' '));
  const std::string peerB = b.response->body.substr(b.response->body.rfind(' '));
  CHECK(peerA == peerB);  // the same connection
  CHECK(lt.sync([&] { return conn->bytesSent() > 0 && conn->bytesReceived() > 0; }));

  // The server ends the connection: the next send reconnects.
  HttpResult c = sendAsync(lt, conn, get("/close"));
  REQUIRE(c.ok());
  CHECK_FALSE(lt.sync([&] { return conn->connected(); }));
  HttpResult d = sendAsync(lt, conn, get("/d"));
  REQUIRE(d.ok());
  CHECK(d.response->body.substr(d.response->body.rfind(' ')) != peerA);
  lt.sync([&] { conn.reset(); });
}

TEST_CASE("async client: the callback may send the next request", "[net][http_client]") {
  LoopThread lt;
  TestServer ts(lt, {}, echoHandler);
  REQUIRE(ts.ok());
  auto conn = lt.sync([&] { return AsyncHttpConnection::create(lt.loop(), local(ts.port())); });
  std::promise<std::vector<std::string>> done;
  auto bodies = std::make_shared<std::vector<std::string>>();
  std::function<void(HttpResult)> next;
  next = [&](HttpResult r) {
    bodies->push_back(r.ok() ? r.response->body : r.error);
    if (bodies->size() == 5) {
      done.set_value(*bodies);
      return;
    }
    conn->send(get("/" + std::to_string(bodies->size())), milliseconds(5000), next);
  };
  lt.loop().post([&] { conn->send(get("/0"), milliseconds(5000), next); });
  auto got = done.get_future().get();
  REQUIRE(got.size() == 5);
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK(got[i].rfind("GET /" + std::to_string(i) + " ", 0) == 0);
  }
  CHECK(ts.server().requestsServed() == 5);
  lt.sync([&] { conn.reset(); });
}

TEST_CASE("async client: timeout, cancel, refused, peer abort", "[net][http_client]") {
  LoopThread lt;
  std::vector<std::shared_ptr<HttpExchange>> held;
  TestServer ts(lt, {}, [&](std::shared_ptr<HttpExchange> ex) {
    if (ex->request().target == "/abort") {
      ex->abort();
      return;
    }
    held.push_back(ex);
  });
  REQUIRE(ts.ok());
  auto conn = lt.sync([&] { return AsyncHttpConnection::create(lt.loop(), local(ts.port())); });

  HttpResult timedOut = sendAsync(lt, conn, get("/held"), milliseconds(200));
  CHECK_FALSE(timedOut.ok());
  CHECK(timedOut.error == "timed out after 200 ms");
  CHECK_FALSE(lt.sync([&] { return conn->busy(); }));

  auto promise = std::make_shared<std::promise<HttpResult>>();
  std::atomic<int> calls{0};
  lt.loop().post([&, promise] {
    conn->send(get("/held"), milliseconds(5000), [promise, &calls](HttpResult r) {
      ++calls;
      promise->set_value(std::move(r));
    });
  });
  REQUIRE(eventually([&] { return lt.sync([&] { return held.size(); }) == 2; }));
  lt.sync([&] {
    CHECK(conn->busy());
    conn->cancel();
    conn->cancel();  // nothing in flight: a no-op
  });
  HttpResult cancelled = promise->get_future().get();
  CHECK(cancelled.error == "cancelled");
  CHECK(calls.load() == 1);

  HttpResult aborted = sendAsync(lt, conn, get("/abort"));
  CHECK_FALSE(aborted.ok());
  CHECK(aborted.error.find("closed") != std::string::npos);

  auto refusedConn =
      lt.sync([&] { return AsyncHttpConnection::create(lt.loop(), local(closedPort())); });
  HttpResult refused = sendAsync(lt, refusedConn, get("/"));
  CHECK_FALSE(refused.ok());
  CHECK(refused.error.find("connection refused") != std::string::npos);
  lt.sync([&] {
    conn.reset();
    refusedConn.reset();
  });
}

TEST_CASE("async client: many connections in parallel on one loop", "[net][http_client]") {
  LoopThread serverLoop;
  TestServer ts(serverLoop, {}, echoHandler);
  REQUIRE(ts.ok());
  LoopThread clientLoop;
  constexpr int N = 50;
  std::vector<std::shared_ptr<AsyncHttpConnection>> conns;
  std::atomic<int> ok{0};
  std::atomic<int> finished{0};
  std::promise<void> all;
  clientLoop.sync([&] {
    for (int i = 0; i < N; ++i) {
      conns.push_back(AsyncHttpConnection::create(clientLoop.loop(), local(ts.port())));
      conns.back()->send(get("/" + std::to_string(i)), milliseconds(5000), [&](HttpResult r) {
        if (r.ok() && r.response->status == 200) {
          ++ok;
        }
        if (++finished == N) {
          all.set_value();
        }
      });
    }
  });
  REQUIRE(all.get_future().wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  CHECK(ok.load() == N);
  clientLoop.sync([&] { conns.clear(); });
}
