// TLS over memory BIOs with OpenSSL 3: contexts and non-blocking sessions.
#include "net/tls.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cstring>

namespace cradle::net {

namespace {

// Drains OpenSSL's error queue into one line (the last, most specific reason first).
std::string drainErrors() {
  std::string out;
  unsigned long code = 0;
  while ((code = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    const char* reason = ERR_reason_error_string(code);
    out = reason ? std::string(reason) : std::string(buf);
  }
  return out;
}

bool isIpAddress(const std::string& name) {
  unsigned char buf[16];
  return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

}  // namespace

std::shared_ptr<TlsContext> TlsContext::server(const std::string& certChainFile,
                                               const std::string& keyFile, std::string& error) {
  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx) {
    error = "cannot create a TLS context: " + drainErrors();
    return nullptr;
  }
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_use_certificate_chain_file(ctx, certChainFile.c_str()) != 1) {
    error = "cannot read certificate " + certChainFile + ": " + drainErrors();
    SSL_CTX_free(ctx);
    return nullptr;
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, keyFile.c_str(), SSL_FILETYPE_PEM) != 1) {
    error = "cannot read key " + keyFile + ": " + drainErrors();
    SSL_CTX_free(ctx);
    return nullptr;
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    error = "key " + keyFile + " does not match certificate " + certChainFile;
    drainErrors();
    SSL_CTX_free(ctx);
    return nullptr;
  }
  return std::shared_ptr<TlsContext>(new TlsContext(ctx, true));
}

std::shared_ptr<TlsContext> TlsContext::client(const std::string& caFile, std::string& error) {
  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx) {
    error = "cannot create a TLS context: " + drainErrors();
    return nullptr;
  }
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  const int loaded = caFile.empty() ? SSL_CTX_set_default_verify_paths(ctx)
                                    : SSL_CTX_load_verify_locations(ctx, caFile.c_str(), nullptr);
  if (loaded != 1) {
    error = "cannot read CA file " + (caFile.empty() ? std::string("(system store)") : caFile) +
            ": " + drainErrors();
    SSL_CTX_free(ctx);
    return nullptr;
  }
  return std::shared_ptr<TlsContext>(new TlsContext(ctx, false));
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

struct TlsSession::Impl {
  std::shared_ptr<TlsContext> ctx;
  SSL* ssl = nullptr;
  BIO* in = nullptr;   // ciphertext from the peer (we write, SSL reads)
  BIO* out = nullptr;  // ciphertext to the peer (SSL writes, we read)
  std::string peerName;
  std::string pendingPlain;  // written before the handshake finished
  std::string error;
  bool failed = false;
  bool peerClosed = false;
  bool handshakeDone = false;

  void fail(const std::string& why) {
    if (!failed) {
      failed = true;
      error = why;
    }
  }

  // The reason for a failed handshake, in words a user can act on.
  std::string handshakeError() {
    const std::string queue = drainErrors();
    if (!ctx->isServer()) {
      const long verify = SSL_get_verify_result(ssl);
      if (verify == X509_V_ERR_HOSTNAME_MISMATCH || verify == X509_V_ERR_IP_ADDRESS_MISMATCH) {
        return "host name mismatch: the certificate is not for " + peerName;
      }
      if (verify != X509_V_OK) {
        return std::string("certificate verify failed: ") +
               X509_verify_cert_error_string(verify) + " (peer " + peerName + ")";
      }
    }
    return "TLS handshake failed" + (queue.empty() ? std::string() : ": " + queue);
  }

  // Runs the handshake as far as the bytes allow; flushes queued plaintext after it.
  void advance() {
    if (failed || handshakeDone) {
      return;
    }
    ERR_clear_error();
    const int r = SSL_do_handshake(ssl);
    if (r == 1) {
      handshakeDone = true;
      if (!pendingPlain.empty()) {
        std::string queued;
        queued.swap(pendingPlain);
        writeNow(queued);
      }
      return;
    }
    const int e = SSL_get_error(ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
      return;
    }
    fail(handshakeError());
  }

  void writeNow(std::string_view bytes) {
    while (!bytes.empty() && !failed) {
      ERR_clear_error();
      const int chunk = static_cast<int>(std::min<std::size_t>(bytes.size(), 1 << 20));
      const int n = SSL_write(ssl, bytes.data(), chunk);
      if (n <= 0) {
        fail("TLS write failed: " + drainErrors());
        return;
      }
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }
};

TlsSession::TlsSession(std::shared_ptr<TlsContext> ctx, std::string peerName)
    : impl_(std::make_unique<Impl>()) {
  impl_->ctx = std::move(ctx);
  impl_->peerName = std::move(peerName);
  impl_->ssl = SSL_new(impl_->ctx->native());
  impl_->in = BIO_new(BIO_s_mem());
  impl_->out = BIO_new(BIO_s_mem());
  if (!impl_->ssl || !impl_->in || !impl_->out) {
    BIO_free(impl_->in);
    BIO_free(impl_->out);
    impl_->in = impl_->out = nullptr;
    impl_->fail("cannot create a TLS session: " + drainErrors());
    return;
  }
  BIO_set_mem_eof_return(impl_->in, -1);  // empty means "want more", not EOF
  SSL_set_bio(impl_->ssl, impl_->in, impl_->out);
  if (impl_->ctx->isServer()) {
    SSL_set_accept_state(impl_->ssl);
    return;
  }
  SSL_set_connect_state(impl_->ssl);
  const std::string& name = impl_->peerName;
  if (!name.empty()) {
    if (isIpAddress(name)) {
      X509_VERIFY_PARAM* param = SSL_get0_param(impl_->ssl);
      X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str());
    } else {
      // SSL_set_tlsext_host_name without its C cast.
      SSL_ctrl(impl_->ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               const_cast<char*>(name.c_str()));
      SSL_set1_host(impl_->ssl, name.c_str());
    }
  }
}

TlsSession::~TlsSession() {
  if (impl_ && impl_->ssl) {
    SSL_free(impl_->ssl);  // frees both BIOs
  }
}

void TlsSession::start() {
  if (!impl_->ctx->isServer()) {
    impl_->advance();
  }
}

bool TlsSession::feedEncrypted(std::string_view bytes) {
  if (impl_->failed) {
    return false;
  }
  while (!bytes.empty()) {
    const int n = BIO_write(impl_->in, bytes.data(),
                            static_cast<int>(std::min<std::size_t>(bytes.size(), 1 << 30)));
    if (n <= 0) {
      impl_->fail("TLS buffer write failed");
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  impl_->advance();
  return !impl_->failed;
}

std::size_t TlsSession::readPlain(std::string& out) {
  if (impl_->failed || !impl_->handshakeDone) {
    return 0;
  }
  std::size_t total = 0;
  char buf[16384];
  for (;;) {
    ERR_clear_error();
    const int n = SSL_read(impl_->ssl, buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<std::size_t>(n));
      total += static_cast<std::size_t>(n);
      continue;
    }
    const int e = SSL_get_error(impl_->ssl, n);
    if (e == SSL_ERROR_ZERO_RETURN) {
      impl_->peerClosed = true;
    } else if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
      impl_->fail("TLS read failed: " + drainErrors());
    }
    return total;
  }
}

bool TlsSession::writePlain(std::string_view bytes) {
  if (impl_->failed) {
    return false;
  }
  if (!impl_->handshakeDone) {
    impl_->pendingPlain.append(bytes);
    return true;
  }
  impl_->writeNow(bytes);
  return !impl_->failed;
}

bool TlsSession::takeEncrypted(std::string& out) {
  if (!impl_->out) {
    return false;
  }
  const std::size_t before = out.size();
  char buf[16384];
  int n = 0;
  while ((n = BIO_read(impl_->out, buf, sizeof buf)) > 0) {
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out.size() > before;
}

bool TlsSession::hasEncrypted() const { return impl_->out && BIO_ctrl_pending(impl_->out) > 0; }

void TlsSession::shutdown() {
  if (impl_->ssl && impl_->handshakeDone && !impl_->failed) {
    ERR_clear_error();
    SSL_shutdown(impl_->ssl);
    drainErrors();
  }
}

bool TlsSession::handshakeDone() const { return impl_->handshakeDone; }
bool TlsSession::peerClosed() const { return impl_->peerClosed; }
bool TlsSession::failed() const { return impl_->failed; }
const std::string& TlsSession::error() const { return impl_->error; }

}  // namespace cradle::net
