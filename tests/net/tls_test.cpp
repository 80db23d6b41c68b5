// TlsContext and TlsSession: two sessions pumping bytes to each other in memory, with a private
// CA on disk: handshakes, data both ways, verification failures and their messages, shutdown.
#include "net/tls.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "net/x509.h"

using namespace cradle::net;
namespace fs = std::filesystem;

namespace {

// A CA, an unrelated CA and server certificates, in a temporary folder removed afterwards.
class Pki {
 public:
  Pki() {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("cradle-tls-test-" + std::to_string(rd()));
    fs::create_directories(dir_);
    std::string error;
    const CaFiles ca{path("ca.pem"), path("ca.key")};
    const CaFiles other{path("other.pem"), path("other.key")};
    const bool ok =
        createCa(ca, "cradle test CA", 30, error) && createCa(other, "unrelated CA", 30, error) &&
        issueServerCertificate(ca, {"localhost"}, 30, path("name.pem"), path("name.key"), error) &&
        issueServerCertificate(ca, {"127.0.0.1"}, 30, path("ip.pem"), path("ip.key"), error) &&
        issueServerCertificate(ca, {"localhost", "127.0.0.1", "::1"}, 30, path("multi.pem"),
                               path("multi.key"), error);
    INFO(error);
    REQUIRE(ok);
  }
  ~Pki() {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  Pki(const Pki&) = delete;
  Pki& operator=(const Pki&) = delete;

  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // stem: "name" (localhost), "ip" (127.0.0.1) or "multi" (all three).
  std::shared_ptr<TlsContext> server(const std::string& stem) const {
    std::string error;
    auto ctx = TlsContext::server(path(stem + ".pem"), path(stem + ".key"), error);
    INFO(error);
    REQUIRE(ctx);
    CHECK(ctx->isServer());
    return ctx;
  }
  std::shared_ptr<TlsContext> client(const std::string& caStem = "ca") const {
    std::string error;
    auto ctx = TlsContext::client(path(caStem + ".pem"), error);
    INFO(error);
    REQUIRE(ctx);
    CHECK_FALSE(ctx->isServer());
    return ctx;
  }

 private:
  fs::path dir_;
};

void feed(TlsSession& s, std::string_view bytes, std::size_t chunk) {
  if (chunk == 0) {
    s.feedEncrypted(bytes);
    return;
  }
  for (std::size_t at = 0; at < bytes.size(); at += chunk) {
    s.feedEncrypted(bytes.substr(at, chunk));
  }
}

// Moves ciphertext both ways until neither side has anything to send; chunk 0 feeds whole
// flights, otherwise `chunk` bytes per feedEncrypted().
void pump(TlsSession& a, TlsSession& b, std::size_t chunk = 0) {
  for (int round = 0; round < 100; ++round) {
    std::string ab;
    std::string ba;
    const bool aHas = a.hasEncrypted();
    const bool bHas = b.hasEncrypted();
    CHECK(a.takeEncrypted(ab) == aHas);
    CHECK(b.takeEncrypted(ba) == bHas);
    CHECK_FALSE(a.hasEncrypted());
    if (ab.empty() && ba.empty()) {
      return;
    }
    feed(b, ab, chunk);
    feed(a, ba, chunk);
  }
  FAIL("the sessions kept talking");
}

std::string readAll(TlsSession& s) {
  std::string out;
  const std::size_t n = s.readPlain(out);
  CHECK(n == out.size());
  return out;
}

// A client to `peer` and a server, handshaken (REQUIRE'd).
struct Pair {
  TlsSession client;
  TlsSession server;
  Pair(std::shared_ptr<TlsContext> clientCtx, std::shared_ptr<TlsContext> serverCtx,
       const std::string& peer)
      : client(std::move(clientCtx), peer), server(std::move(serverCtx)) {}

  void handshake(std::size_t chunk = 0) {
    client.start();
    pump(client, server, chunk);
  }
  void requireConnected() {
    INFO("client: " << client.error() << " / server: " << server.error());
    REQUIRE(client.handshakeDone());
    REQUIRE(server.handshakeDone());
    REQUIRE_FALSE(client.failed());
    REQUIRE_FALSE(server.failed());
  }
};

std::string pattern(std::size_t n, unsigned seed) {
  std::string s(n, '\0');
  std::mt19937 rng(seed);
  for (char& c : s) {
    c = static_cast<char>(rng());
  }
  return s;
}

int negotiatedVersion = 0;
void recordVersion(const SSL* ssl, int where, int /*ret*/) {
  if (where & SSL_CB_HANDSHAKE_DONE) {
    negotiatedVersion = SSL_version(ssl);
  }
}

int sniSeen = -1;  // 1: the ClientHello had a server_name extension, 0: it had none
std::string sniName;
int recordSni(SSL* ssl, int* /*alert*/, void* /*arg*/) {
  const unsigned char* ext = nullptr;
  std::size_t len = 0;
  sniSeen = SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_server_name, &ext, &len);
  // RFC 6066 3: list length (2), name type (1), name length (2), name.
  sniName = sniSeen == 1 && len > 5 ? std::string(reinterpret_cast<const char*>(ext) + 5, len - 5)
                                    : std::string();
  return SSL_CLIENT_HELLO_SUCCESS;
}

}  // namespace

TEST_CASE("TLS: handshake and data both ways", "[net][tls]") {
  Pki pki;
  const bool tls12 = GENERATE(false, true);
  const std::size_t chunk = GENERATE(std::size_t{0}, std::size_t{1}, std::size_t{7});
  CAPTURE(tls12, chunk);
  auto clientCtx = pki.client();
  if (tls12) {
    SSL_CTX_set_max_proto_version(clientCtx->native(), TLS1_2_VERSION);
  }
  auto serverCtx = pki.server("multi");
  SSL_CTX_set_info_callback(serverCtx->native(), recordVersion);
  negotiatedVersion = 0;

  Pair p(clientCtx, serverCtx, "localhost");
  // Plaintext written before the handshake is queued and sent after it, in order.
  REQUIRE(p.client.writePlain("hello "));
  REQUIRE(p.client.writePlain("server"));
  REQUIRE(p.server.writePlain("greetings"));
  CHECK_FALSE(p.client.handshakeDone());
  p.handshake(chunk);
  p.requireConnected();
  CHECK(negotiatedVersion == (tls12 ? TLS1_2_VERSION : TLS1_3_VERSION));
  CHECK(readAll(p.server) == "hello server");
  CHECK(readAll(p.client) == "greetings");
  CHECK(readAll(p.client).empty());

  // Larger than one record, both ways at once.
  const std::size_t size = chunk == 0 ? 1'000'000 : 40'000;
  const std::string up = pattern(size, 1);
  const std::string down = pattern(size / 2 + 3, 2);
  REQUIRE(p.client.writePlain(up));
  REQUIRE(p.server.writePlain(down));
  pump(p.client, p.server, chunk);
  CHECK(readAll(p.server) == up);
  CHECK(readAll(p.client) == down);
  CHECK_FALSE(p.client.failed());
  CHECK_FALSE(p.server.failed());
  CHECK(ERR_peek_error() == 0);
}

TEST_CASE("TLS: SNI for a DNS name, none for an address", "[net][tls]") {
  Pki pki;
  auto serverCtx = pki.server("multi");
  SSL_CTX_set_client_hello_cb(serverCtx->native(), recordSni, nullptr);

  sniSeen = -1;
  Pair byName(pki.client(), serverCtx, "localhost");
  byName.handshake();
  byName.requireConnected();
  CHECK(sniSeen == 1);
  CHECK(sniName == "localhost");

  sniSeen = -1;
  Pair byAddress(pki.client(), serverCtx, "127.0.0.1");
  byAddress.handshake();
  byAddress.requireConnected();
  CHECK(sniSeen == 0);
}

TEST_CASE("TLS: a client trusting another CA fails with the verify error", "[net][tls]") {
  Pki pki;
  const bool tls12 = GENERATE(false, true);
  CAPTURE(tls12);
  auto clientCtx = pki.client("other");
  if (tls12) {
    SSL_CTX_set_max_proto_version(clientCtx->native(), TLS1_2_VERSION);
  }
  Pair p(clientCtx, pki.server("name"), "localhost");
  REQUIRE(p.client.writePlain("secret"));
  p.handshake();
  CHECK(p.client.failed());
  CHECK_FALSE(p.client.handshakeDone());
  // The server sends its chain up to the root, which the client does not trust.
  CHECK(p.client.error() ==
        "certificate verify failed: self-signed certificate in certificate chain (peer localhost)");
  // The client told the server why with an alert.
  CHECK(p.server.failed());
  CHECK(p.server.error().find("TLS handshake failed: ") == 0);
  CHECK(p.server.error().find("alert") != std::string::npos);
  CHECK(readAll(p.server).empty());
  CHECK_FALSE(p.client.writePlain("more"));
  CHECK_FALSE(p.client.feedEncrypted("x"));
  CHECK(ERR_peek_error() == 0);
}

TEST_CASE("TLS: a chain without its root does not verify against another CA", "[net][tls]") {
  Pki pki;
  // Only the leaf (the first PEM block of the chain file).
  std::ostringstream text;
  text << std::ifstream(pki.path("name.pem")).rdbuf();
  const std::string chain = text.str();
  const std::string endMarker = "-----END CERTIFICATE-----\n";
  std::ofstream(pki.path("leaf.pem")) << chain.substr(0, chain.find(endMarker) + endMarker.size());
  std::string error;
  auto serverCtx = TlsContext::server(pki.path("leaf.pem"), pki.path("name.key"), error);
  REQUIRE(serverCtx);

  Pair untrusted(pki.client("other"), serverCtx, "localhost");
  untrusted.handshake();
  CHECK(untrusted.client.error() ==
        "certificate verify failed: unable to get local issuer certificate (peer localhost)");
  Pair trusted(pki.client(), serverCtx, "localhost");
  trusted.handshake();
  trusted.requireConnected();
}

TEST_CASE("TLS: a host name mismatch fails and says so", "[net][tls]") {
  Pki pki;
  const bool tls12 = GENERATE(false, true);
  CAPTURE(tls12);
  auto clientCtx = pki.client();
  if (tls12) {
    SSL_CTX_set_max_proto_version(clientCtx->native(), TLS1_2_VERSION);
  }
  struct Case {
    const char* cert;
    const char* peer;
    const char* error;
  };
  const Case cases[] = {
      {"name", "example.org", "host name mismatch: certificate is for localhost, not example.org"},
      {"name", "127.0.0.1", "host name mismatch: certificate is for localhost, not 127.0.0.1"},
      {"ip", "localhost", "host name mismatch: certificate is for 127.0.0.1, not localhost"},
      {"ip", "127.0.0.2", "host name mismatch: certificate is for 127.0.0.1, not 127.0.0.2"},
      {"multi", "sub.localhost",
       "host name mismatch: certificate is for localhost, 127.0.0.1, ::1, not sub.localhost"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.cert, c.peer);
    Pair p(clientCtx, pki.server(c.cert), c.peer);
    p.handshake();
    CHECK(p.client.failed());
    CHECK(p.client.error() == c.error);
    CHECK(p.server.failed());
    CHECK(ERR_peek_error() == 0);
  }
}

TEST_CASE("TLS: IP SANs verify for addresses", "[net][tls]") {
  Pki pki;
  for (const char* peer : {"127.0.0.1", "::1", "localhost", "LOCALHOST"}) {
    CAPTURE(peer);
    Pair p(pki.client(), pki.server("multi"), peer);
    p.handshake();
    p.requireConnected();
  }
  Pair ip(pki.client(), pki.server("ip"), "127.0.0.1");
  ip.handshake();
  ip.requireConnected();
  REQUIRE(ip.client.writePlain("ping"));
  pump(ip.client, ip.server);
  CHECK(readAll(ip.server) == "ping");
}

TEST_CASE("TLS: garbage fed to a server fails cleanly", "[net][tls]") {
  Pki pki;
  auto serverCtx = pki.server("name");
  const std::string inputs[] = {
      "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n",
      std::string("\x16\x03\x01\x00\x05garbage", 12),  // a handshake record with junk
      std::string("\x15\x03\x03\x00\x02\x02\x28", 7),  // a fatal alert before any hello
      std::string(64, '\0'),
      pattern(5000, 7),
  };
  for (const std::string& bytes : inputs) {
    TlsSession server(serverCtx);
    server.start();  // no-op for a server
    CHECK_FALSE(server.hasEncrypted());
    CHECK_FALSE(server.feedEncrypted(bytes));
    CHECK(server.failed());
    CHECK_FALSE(server.handshakeDone());
    CHECK(server.error().find("TLS handshake failed: ") == 0);
    CHECK(server.error().find('\n') == std::string::npos);
    CHECK(ERR_peek_error() == 0);
    // Dead from now on; an alert may be left to send.
    std::string out;
    server.takeEncrypted(out);
    CHECK_FALSE(server.feedEncrypted("more"));
    CHECK_FALSE(server.writePlain("reply"));
    std::string plain;
    CHECK(server.readPlain(plain) == 0);
    server.shutdown();
  }
  // A partial ClientHello is not an error: it waits for the rest.
  TlsSession server(serverCtx);
  CHECK(server.feedEncrypted(std::string("\x16\x03\x01\x02", 4)));
  CHECK_FALSE(server.failed());
}

TEST_CASE("TLS: a corrupted record after the handshake fails both ways", "[net][tls]") {
  Pki pki;
  Pair p(pki.client(), pki.server("name"), "localhost");
  p.handshake();
  p.requireConnected();
  REQUIRE(p.client.writePlain("a request that someone tampers with"));
  std::string record;
  REQUIRE(p.client.takeEncrypted(record));
  record[record.size() - 3] = static_cast<char>(record[record.size() - 3] ^ 0x40);
  CHECK_FALSE(p.server.feedEncrypted(record));
  CHECK(p.server.failed());
  CHECK(p.server.error().find("TLS error: ") == 0);
  CHECK(readAll(p.server).empty());
  CHECK(ERR_peek_error() == 0);
  // The server's alert ends the client too.
  std::string alert;
  REQUIRE(p.server.takeEncrypted(alert));
  CHECK_FALSE(p.client.feedEncrypted(alert));
  CHECK(p.client.error().find("alert") != std::string::npos);
}

TEST_CASE("TLS: shutdown sends close_notify and sets peerClosed", "[net][tls]") {
  Pki pki;
  Pair p(pki.client(), pki.server("name"), "localhost");
  p.handshake();
  p.requireConnected();
  REQUIRE(p.client.writePlain("last words"));
  p.client.shutdown();
  CHECK(p.client.hasEncrypted());
  CHECK_FALSE(p.client.writePlain("too late"));
  pump(p.client, p.server);
  CHECK(readAll(p.server) == "last words");
  CHECK(p.server.peerClosed());
  CHECK_FALSE(p.client.peerClosed());
  // Half-closed: the server may still answer, and the client still reads.
  REQUIRE(p.server.writePlain("goodbye"));
  p.server.shutdown();
  p.server.shutdown();  // twice is harmless
  pump(p.client, p.server);
  CHECK(readAll(p.client) == "goodbye");
  CHECK(p.client.peerClosed());
  CHECK_FALSE(p.client.failed());
  CHECK_FALSE(p.server.failed());
  CHECK(ERR_peek_error() == 0);
}

TEST_CASE("TLS: shutdown before the handshake waits for it and the queued data", "[net][tls]") {
  Pki pki;
  Pair p(pki.client(), pki.server("name"), "localhost");
  REQUIRE(p.client.writePlain("queued"));
  p.client.shutdown();
  CHECK_FALSE(p.client.writePlain("refused"));
  p.handshake(3);
  p.requireConnected();
  CHECK(readAll(p.server) == "queued");
  CHECK(p.server.peerClosed());
}

TEST_CASE("TLS: a stale error on the queue does not break a session", "[net][tls]") {
  Pki pki;
  Pair p(pki.client(), pki.server("name"), "localhost");
  // Somebody else's failure left on this thread's queue: without clearing, SSL_get_error()
  // would report it instead of SSL_ERROR_WANT_READ.
  ERR_raise(ERR_LIB_SSL, SSL_R_BAD_LENGTH);
  p.client.start();
  ERR_raise(ERR_LIB_SSL, SSL_R_BAD_LENGTH);
  pump(p.client, p.server, 50);
  p.requireConnected();
  ERR_raise(ERR_LIB_SSL, SSL_R_BAD_LENGTH);
  REQUIRE(p.server.writePlain("fine"));
  pump(p.client, p.server);
  CHECK(readAll(p.client) == "fine");
  ERR_clear_error();
}

TEST_CASE("TLS: a client needs a name to verify", "[net][tls]") {
  Pki pki;
  TlsSession unnamed(pki.client());
  CHECK(unnamed.failed());
  CHECK(unnamed.error().find("host name") != std::string::npos);
  unnamed.start();
  CHECK_FALSE(unnamed.hasEncrypted());
  CHECK_FALSE(unnamed.writePlain("x"));
}

TEST_CASE("TLS: context errors name the file and the reason", "[net][tls]") {
  Pki pki;
  std::string error;
  CHECK_FALSE(TlsContext::server(pki.path("missing.pem"), pki.path("name.key"), error));
  CHECK(error.find("cannot read certificate chain") == 0);
  CHECK(error.find("missing.pem") != std::string::npos);

  error.clear();
  CHECK_FALSE(TlsContext::server(pki.path("name.pem"), pki.path("missing.key"), error));
  CHECK(error.find("cannot read key") == 0);
  CHECK(error.find("missing.key") != std::string::npos);

  error.clear();
  CHECK_FALSE(TlsContext::server(pki.path("name.pem"), pki.path("ip.key"), error));
  INFO(error);
  CHECK(error.find("does not match") != std::string::npos);

  error.clear();
  CHECK_FALSE(TlsContext::client(pki.path("missing.pem"), error));
  CHECK(error.find("cannot read CA file") == 0);
  CHECK(error.find("missing.pem") != std::string::npos);

  error.clear();
  CHECK_FALSE(TlsContext::client(pki.path("name.key"), error));  // a key, not a certificate
  CHECK(error.find("cannot read CA file") == 0);
  CHECK(ERR_peek_error() == 0);

  error.clear();
  auto system = TlsContext::client("", error);
  CHECK(system);
  CHECK(error.empty());
  // The system store does not know our CA.
  Pair p(system, pki.server("name"), "localhost");
  p.handshake();
  CHECK(p.client.error().find("certificate verify failed: ") == 0);
}
