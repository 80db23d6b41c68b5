// HttpServer and both clients over TLS (TlsSession on memory BIOs) with a private CA on disk.
#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <future>
#include <random>

#include "net/http_client.h"
#include "net/http_server.h"
#include "net/tls.h"
#include "net/x509.h"
#include "tests/net/net_test_util.h"

using namespace cradle::net;
using cradle::net::test::eventually;
using cradle::net::test::LoopThread;
using cradle::net::test::RawSocket;
using cradle::net::test::TestServer;
using std::chrono::milliseconds;
namespace fs = std::filesystem;

namespace {

// A CA, a server certificate for 127.0.0.1 and one for localhost only, in a temporary folder.
class Pki {
 public:
  Pki() {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("cradle-https-test-" + std::to_string(rd()));
    fs::create_directories(dir_);
    std::string error;
    ca_ = CaFiles{(dir_ / "ca.pem").string(), (dir_ / "ca.key").string()};
    other_ = CaFiles{(dir_ / "other.pem").string(), (dir_ / "other.key").string()};
    ok_ = createCa(ca_, "cradle test CA", 30, error) &&
          createCa(other_, "unrelated CA", 30, error) &&
          issueServerCertificate(ca_, {"127.0.0.1"}, 30, path("ip.pem"), path("ip.key"), error) &&
          issueServerCertificate(ca_, {"localhost"}, 30, path("name.pem"), path("name.key"), error);
    error_ = error;
  }
  ~Pki() {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  bool ok() const { return ok_; }
  const std::string& error() const { return error_; }
  std::string path(const char* name) const { return (dir_ / name).string(); }

  std::shared_ptr<TlsContext> server(const char* stem) const {
    std::string error;
    auto ctx = TlsContext::server(path((std::string(stem) + ".pem").c_str()),
                                  path((std::string(stem) + ".key").c_str()), error);
    INFO(error);
    REQUIRE(ctx);
    return ctx;
  }
  std::shared_ptr<TlsContext> client(bool trusted = true) const {
    std::string error;
    auto ctx = TlsContext::client(trusted ? ca_.certFile : other_.certFile, error);
    INFO(error);
    REQUIRE(ctx);
    return ctx;
  }

 private:
  fs::path dir_;
  CaFiles ca_;
  CaFiles other_;
  bool ok_ = false;
  std::string error_;
};

HttpRequest get(std::string target) {
  HttpRequest r;
  r.method = "GET";
  r.target = std::move(target);
  return r;
}

void echoHandler(std::shared_ptr<HttpExchange> ex) {
  HttpResponse r;
  r.body = ex->request().target + " " + ex->request().body + " " + ex->peerAddress();
  ex->respond(std::move(r));
}

Endpoint httpsLocal(const std::string& host, uint16_t port) {
  return *parseEndpoint("https://" + host + ":" + std::to_string(port));
}

std::string peerOf(const HttpResult& r) {
  return r.response->body.substr(r.response->body.rfind(' '));
}

}  // namespace

TEST_CASE("HTTPS: blocking client, keep-alive, large bodies", "[net][https]") {
  Pki pki;
  INFO(pki.error());
  REQUIRE(pki.ok());
  LoopThread lt;
  HttpServerOptions options;
  options.tls = pki.server("ip");
  TestServer ts(lt, options, echoHandler);
  REQUIRE(ts.ok());
  BlockingHttpClient client(httpsLocal("127.0.0.1", ts.port()), pki.client());
  HttpResult a = client.send(get("/a"));
  INFO(a.error);
  REQUIRE(a.ok());
  CHECK(a.response->body.rfind("/a ", 0) == 0);
  HttpRequest big = get("/big");
  big.method = "POST";
  big.body = std::string(500'000, 'q');
  HttpResult b = client.send(big);
  REQUIRE(b.ok());
  CHECK(b.response->body.find(big.body) != std::string::npos);
  CHECK(peerOf(a) == peerOf(b));
}

TEST_CASE("HTTPS: untrusted CA and wrong host name fail; the server keeps serving",
          "[net][https]") {
  Pki pki;
  REQUIRE(pki.ok());
  LoopThread lt;
  HttpServerOptions options;
  options.tls = pki.server("name");  // valid for "localhost" only
  TestServer ts(lt, options, echoHandler);
  REQUIRE(ts.ok());

  BlockingHttpClient untrusted(httpsLocal("localhost", ts.port()), pki.client(false),
                               milliseconds(5000));
  HttpResult u = untrusted.send(get("/"));
  CHECK_FALSE(u.ok());
  CHECK(u.error.find("certificate verify failed") != std::string::npos);

  BlockingHttpClient wrongName(httpsLocal("127.0.0.1", ts.port()), pki.client(),
                               milliseconds(5000));
  HttpResult w = wrongName.send(get("/"));
  CHECK_FALSE(w.ok());
  CHECK(w.error == "host name mismatch: certificate is for localhost, not 127.0.0.1");

  {
    RawSocket plain(ts.port());  // plain HTTP to a TLS port
    REQUIRE(plain.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n"));
    plain.read(milliseconds(5000));
    CHECK(plain.closedByPeer());
  }

  BlockingHttpClient good(httpsLocal("localhost", ts.port()), pki.client());
  HttpResult g = good.send(get("/ok"));
  INFO(g.error);
  REQUIRE(g.ok());
  CHECK(g.response->status == 200);
  CHECK(eventually([&] { return ts.server().connections() == 1; }));
}

TEST_CASE("HTTPS: async client with reuse", "[net][https]") {
  Pki pki;
  REQUIRE(pki.ok());
  LoopThread lt;
  HttpServerOptions options;
  options.tls = pki.server("ip");
  TestServer ts(lt, options, echoHandler);
  REQUIRE(ts.ok());
  auto tls = pki.client();
  auto conn = lt.sync([&] {
    return AsyncHttpConnection::create(lt.loop(), httpsLocal("127.0.0.1", ts.port()), tls);
  });
  auto send = [&](HttpRequest request) {
    auto promise = std::make_shared<std::promise<HttpResult>>();
    lt.loop().post([&, promise, request] {
      conn->send(request, milliseconds(5000),
                 [promise](HttpResult r) { promise->set_value(std::move(r)); });
    });
    return promise->get_future().get();
  };
  HttpResult a = send(get("/a"));
  INFO(a.error);
  REQUIRE(a.ok());
  HttpResult b = send(get("/b"));
  REQUIRE(b.ok());
  CHECK(peerOf(a) == peerOf(b));

  auto untrusted = lt.sync([&] {
    return AsyncHttpConnection::create(lt.loop(), httpsLocal("127.0.0.1", ts.port()),
                                       pki.client(false));
  });
  auto promise = std::make_shared<std::promise<HttpResult>>();
  lt.loop().post([&, promise] {
    untrusted->send(get("/"), milliseconds(5000),
                    [promise](HttpResult r) { promise->set_value(std::move(r)); });
  });
  HttpResult u = promise->get_future().get();
  CHECK_FALSE(u.ok());
  CHECK(u.error.find("certificate verify failed") != std::string::npos);
  lt.sync([&] {
    conn.reset();
    untrusted.reset();
  });
}

TEST_CASE("HTTPS: async client to an address the certificate does not name", "[net][https]") {
  Pki pki;
  REQUIRE(pki.ok());
  LoopThread lt;
  HttpServerOptions options;
  options.tls = pki.server("name");  // valid for "localhost" only
  TestServer ts(lt, options, echoHandler);
  REQUIRE(ts.ok());
  auto tls = pki.client();
  auto sendVia = [&](const std::string& host) {
    auto conn = lt.sync(
        [&] { return AsyncHttpConnection::create(lt.loop(), httpsLocal(host, ts.port()), tls); });
    auto promise = std::make_shared<std::promise<HttpResult>>();
    lt.loop().post([&, promise] {
      conn->send(get("/"), milliseconds(5000),
                 [promise](HttpResult r) { promise->set_value(std::move(r)); });
    });
    HttpResult r = promise->get_future().get();
    lt.sync([&] { conn.reset(); });
    return r;
  };
  HttpResult byAddress = sendVia("127.0.0.1");
  CHECK_FALSE(byAddress.ok());
  CHECK(byAddress.error == "host name mismatch: certificate is for localhost, not 127.0.0.1");
  HttpResult byName = sendVia("localhost");
  INFO(byName.error);
  REQUIRE(byName.ok());
  CHECK(byName.response->status == 200);
  CHECK(ts.server().requestsServed() == 1);
}

TEST_CASE("HTTPS: parked exchange, peer close and slow responses", "[net][https]") {
  Pki pki;
  REQUIRE(pki.ok());
  LoopThread lt;
  HttpServerOptions options;
  options.tls = pki.server("ip");
  std::shared_ptr<HttpExchange> held;
  std::atomic<int> peerClosed{0};
  TestServer ts(lt, options, [&](std::shared_ptr<HttpExchange> ex) {
    if (ex->request().target == "/slow") {
      HttpResponse r;
      r.body = std::string(3000, 's');
      ex->respondSlowly(std::move(r), 500, milliseconds(5));
      return;
    }
    held = ex;
    ex->onPeerClosed([&] { ++peerClosed; });
  });
  REQUIRE(ts.ok());
  {
    BlockingHttpClient client(httpsLocal("127.0.0.1", ts.port()), pki.client());
    HttpResult slow = client.send(get("/slow"));
    INFO(slow.error);
    REQUIRE(slow.ok());
    CHECK(slow.response->body == std::string(3000, 's'));
    auto pending = std::async(std::launch::async, [&] { return client.send(get("/held")); });
    REQUIRE(eventually([&] { return lt.sync([&] { return held != nullptr; }); }));
    held->respond(HttpResponse{200, {}, {}, "released", 1});
    HttpResult r = pending.get();
    REQUIRE(r.ok());
    CHECK(r.response->body == "released");
    lt.sync([&] { held.reset(); });
    // Park another one, then go away.
    auto gone = std::async(std::launch::async,
                           [&] { return client.send(get("/held"), milliseconds(300)); });
    CHECK_FALSE(gone.get().ok());
    client.disconnect();
  }
  CHECK(eventually([&] { return peerClosed.load() == 1; }));
}
