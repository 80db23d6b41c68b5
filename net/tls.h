// TLS over memory BIOs (OpenSSL 3): a context per role and a non-blocking session per connection.
#pragma once

#include <memory>
#include <string>
#include <string_view>

using SSL_CTX = struct ssl_ctx_st;
using SSL = struct ssl_st;

namespace cradle::net {

// An SSL_CTX for one role, shared by every connection of a listener or a client; immutable after
// creation (safe from any thread). TLS 1.2 minimum.
//   server(): certificate chain (PEM; leaf first, may include the CA) and its private key.
//   client(): verifies the peer's chain and host name (or IP) always; caFile is a PEM bundle of
//   trust anchors; empty caFile uses the system store (/etc/ssl/certs).
// Errors: the factory returns nullptr and sets `error` to one line ("cannot read key FILE: ...").
class TlsContext {
 public:
  static std::shared_ptr<TlsContext> server(const std::string& certChainFile,
                                            const std::string& keyFile, std::string& error);
  static std::shared_ptr<TlsContext> client(const std::string& caFile, std::string& error);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  bool isServer() const { return server_; }
  SSL_CTX* native() const { return ctx_; }

 private:
  TlsContext(SSL_CTX* ctx, bool server) : ctx_(ctx), server_(server) {}
  SSL_CTX* ctx_;
  bool server_;
};

// One TLS connection driven by the caller's socket I/O: ciphertext in with feedEncrypted(),
// plaintext out with readPlain(), plaintext in with writePlain(), ciphertext out with
// takeEncrypted(). Never blocks, never touches a socket. Owned by one thread (its loop).
// A failure (bad handshake, verification, record MAC) makes failed() true with error() set,
// e.g. "certificate verify failed: self-signed certificate (peer 127.0.0.1)" or
// "host name mismatch: certificate is for localhost, not example.org".
class TlsSession {
 public:
  // Client: peerName is checked against the certificate (DNS name or IP address) and sent as SNI
  // when it is a DNS name. A client without a peerName is failed() at once: the name is always
  // verified. Matching uses the subjectAltName only (RFC 6125), never the CN when SANs exist.
  TlsSession(std::shared_ptr<TlsContext> ctx, std::string peerName = {});
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  // Client: produce the ClientHello (then takeEncrypted()). No-op for a server.
  void start();
  // Ciphertext received from the peer, in pieces of any size. Decrypts at once (so peerClosed()
  // is current afterwards). Returns false when the session failed.
  bool feedEncrypted(std::string_view bytes);
  // Appends decrypted bytes available so far to out; returns how many were appended. Bytes
  // decrypted before a failure are still handed out.
  std::size_t readPlain(std::string& out);
  // Queues plaintext; before the handshake is done it is buffered and sent afterwards. Returns
  // false once the session failed or shutdown() was called.
  bool writePlain(std::string_view bytes);
  // Moves the ciphertext to send (handshake records, application data, alerts) into out.
  // Returns true when something was appended.
  bool takeEncrypted(std::string& out);
  bool hasEncrypted() const;
  // Sends close_notify (then takeEncrypted()) after any queued plaintext; before the handshake
  // finished it follows the handshake. Reading goes on (half-close) until peerClosed().
  void shutdown();

  bool handshakeDone() const;
  bool peerClosed() const;  // close_notify received
  bool failed() const;
  const std::string& error() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cradle::net
