// TLS over memory BIOs with OpenSSL 3: contexts and non-blocking sessions.
#include "net/tls.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <string>
#include <vector>

namespace cradle::net {

namespace {

constexpr std::size_t ReadChunk = 16 * 1024;  // one maximal TLS record of plaintext
constexpr std::size_t MaxNamesShown = 4;      // of a certificate, in a mismatch message

// The first (root-cause) reason on this thread's OpenSSL error queue; the queue is left empty so
// the next call on this thread starts clean.
std::string drainErrors() {
  std::string out;
  unsigned long code = 0;
  while ((code = ERR_get_error()) != 0) {
    if (!out.empty()) {
      continue;
    }
    const char* reason = ERR_reason_error_string(code);
    if (reason) {
      out = reason;
    } else {
      char buf[256];
      ERR_error_string_n(code, buf, sizeof buf);
      out = buf;
    }
  }
  return out;
}

bool isIpAddress(const std::string& name) {
  unsigned char buf[16];
  return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

// Certificate names come from the peer: keep them printable and short in an error line.
std::string printable(std::string_view s) {
  constexpr std::size_t MaxChars = 100;
  std::string out;
  for (const char c : s.substr(0, MaxChars)) {
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  if (s.size() > MaxChars) {
    out += "...";
  }
  return out;
}

std::string asn1Text(const ASN1_STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<std::size_t>(std::max(0, ASN1_STRING_length(s))));
}

// What a certificate is for: its DNS and IP subjectAltNames, or its CN when it has none.
std::string certificateNames(X509* cert) {
  std::vector<std::string> names;
  auto* sans =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (sans) {
    for (int i = 0; i < sk_GENERAL_NAME_num(sans); ++i) {
      const GENERAL_NAME* gen = sk_GENERAL_NAME_value(sans, i);
      if (gen->type == GEN_DNS) {
        names.push_back(printable(asn1Text(gen->d.dNSName)));
      } else if (gen->type == GEN_IPADD) {
        const std::string raw = asn1Text(gen->d.iPAddress);
        char text[INET6_ADDRSTRLEN] = {};
        const int family = raw.size() == 4 ? AF_INET : raw.size() == 16 ? AF_INET6 : 0;
        if (family && inet_ntop(family, raw.data(), text, sizeof text)) {
          names.emplace_back(text);
        }
      }
    }
    GENERAL_NAMES_free(sans);
  }
  if (names.empty()) {
    X509_NAME* subject = X509_get_subject_name(cert);
    const int at = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
    if (at >= 0) {
      names.push_back(
          printable(asn1Text(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, at)))));
    }
  }
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < MaxNamesShown; ++i) {
    out += (i ? ", " : "") + names[i];
  }
  if (names.size() > MaxNamesShown) {
    out += " and " + std::to_string(names.size() - MaxNamesShown) + " more";
  }
  ERR_clear_error();  // X509_get_ext_d2i may have queued a parse error
  return out;
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
  // Thousands of mostly idle connections: give the 2 x ~34 KB record buffers back between uses.
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_use_certificate_chain_file(ctx, certChainFile.c_str()) != 1) {
    error = "cannot read certificate chain " + certChainFile + ": " + drainErrors();
    SSL_CTX_free(ctx);
    return nullptr;
  }
  bool mismatch = false;
  if (SSL_CTX_use_PrivateKey_file(ctx, keyFile.c_str(), SSL_FILETYPE_PEM) != 1) {
    // A key that parses but belongs to another certificate fails here already.
    const unsigned long first = ERR_peek_error();
    mismatch =
        ERR_GET_LIB(first) == ERR_LIB_X509 && ERR_GET_REASON(first) == X509_R_KEY_VALUES_MISMATCH;
    if (!mismatch) {
      error = "cannot read key " + keyFile + ": " + drainErrors();
      SSL_CTX_free(ctx);
      return nullptr;
    }
  }
  if (mismatch || SSL_CTX_check_private_key(ctx) != 1) {
    drainErrors();
    error = "key " + keyFile + " does not match certificate " + certChainFile;
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
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  // No callback: a chain or name that does not verify ends the handshake.
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  // The system store is OpenSSL's default directory (/usr/lib/ssl/certs -> /etc/ssl/certs).
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
  std::string pendingPlain;  // accepted by writePlain() but not yet encrypted
  std::string plain;         // decrypted, not yet taken by readPlain()
  std::string error;
  bool failed = false;
  bool peerClosed = false;
  bool handshakeDone = false;
  bool shutdownRequested = false;  // no more writes; close_notify after pendingPlain
  bool shutdownSent = false;

  void fail(std::string why) {
    if (!failed) {
      failed = true;
      error = std::move(why);
    }
    pendingPlain.clear();
  }

  // The reason for a failed handshake, in words a user can act on. Called right after the
  // failing call, so the error queue holds that call's errors only.
  std::string handshakeError() {
    const std::string queue = drainErrors();
    if (!ctx->isServer()) {
      const long verify = SSL_get_verify_result(ssl);
      if (verify == X509_V_ERR_HOSTNAME_MISMATCH || verify == X509_V_ERR_IP_ADDRESS_MISMATCH) {
        // The client keeps the chain it received even when verification fails.
        STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl);
        X509* leaf = chain && sk_X509_num(chain) > 0 ? sk_X509_value(chain, 0) : nullptr;
        const std::string names = leaf ? certificateNames(leaf) : std::string();
        return "host name mismatch: certificate is " +
               (names.empty() ? std::string("not for ") : "for " + names + ", not ") +
               printable(peerName);
      }
      if (verify != X509_V_OK) {
        return std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify) +
               " (peer " + printable(peerName) + ")";
      }
    }
    return "TLS handshake failed: " + (queue.empty() ? std::string("protocol error") : queue);
  }

  // Moves the handshake on as far as the buffered bytes allow, then encrypts queued plaintext
  // and decrypts what arrived. Every SSL call starts with a clean error queue and leaves it so.
  void advance() {
    if (failed) {
      return;
    }
    if (!handshakeDone) {
      ERR_clear_error();
      const int r = SSL_do_handshake(ssl);
      if (r != 1) {
        const int e = SSL_get_error(ssl, r);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
          ERR_clear_error();
          return;  // needs the peer's next flight
        }
        fail(handshakeError());
        return;
      }
      handshakeDone = true;
    }
    flush();
    readAvailable();
    flush();  // a write that wanted a read may go now
  }

  // Encrypts pendingPlain; sends close_notify after it when asked to.
  void flush() {
    while (!pendingPlain.empty() && !failed) {
      ERR_clear_error();
      std::size_t written = 0;
      if (SSL_write_ex(ssl, pendingPlain.data(), pendingPlain.size(), &written) == 1) {
        pendingPlain.erase(0, written);
        continue;
      }
      const int e = SSL_get_error(ssl, 0);
      if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        ERR_clear_error();
        return;  // kept; retried after the next feedEncrypted()
      }
      fail("TLS write failed: " + drainErrors());
    }
    if (shutdownRequested && !shutdownSent && !failed && pendingPlain.empty()) {
      shutdownSent = true;
      ERR_clear_error();
      SSL_shutdown(ssl);  // 0: close_notify queued in `out`, the peer's not yet seen; fine
      ERR_clear_error();
    }
  }

  // Decrypts every whole record buffered in `in` into `plain`.
  void readAvailable() {
    char buf[ReadChunk];
    while (!failed && !peerClosed) {
      ERR_clear_error();
      std::size_t n = 0;
      if (SSL_read_ex(ssl, buf, sizeof buf, &n) == 1) {
        plain.append(buf, n);
        continue;
      }
      const int e = SSL_get_error(ssl, 0);
      if (e == SSL_ERROR_ZERO_RETURN) {
        peerClosed = true;  // close_notify
      } else if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
        const std::string why = drainErrors();
        fail("TLS error: " + (why.empty() ? std::string("protocol error") : why));
      }
      ERR_clear_error();
      return;
    }
  }
};

TlsSession::TlsSession(std::shared_ptr<TlsContext> ctx, std::string peerName)
    : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.ctx = std::move(ctx);
  s.peerName = std::move(peerName);
  ERR_clear_error();
  s.ssl = SSL_new(s.ctx->native());
  s.in = BIO_new(BIO_s_mem());
  s.out = BIO_new(BIO_s_mem());
  if (!s.ssl || !s.in || !s.out) {
    BIO_free(s.in);
    BIO_free(s.out);
    s.in = s.out = nullptr;
    SSL_free(s.ssl);
    s.ssl = nullptr;
    s.fail("cannot create a TLS session: " + drainErrors());
    return;
  }
  BIO_set_mem_eof_return(s.in, -1);  // empty means "want more", not end of stream
  SSL_set_bio(s.ssl, s.in, s.out);   // the SSL owns both BIOs now
  if (s.ctx->isServer()) {
    SSL_set_accept_state(s.ssl);
    return;
  }
  SSL_set_connect_state(s.ssl);
  // The client always checks the name; without one there is nothing to check it against.
  if (s.peerName.empty()) {
    s.fail("TLS client needs the server's host name or address to verify its certificate");
    return;
  }
  bool named = false;
  if (isIpAddress(s.peerName)) {
    // RFC 6066 3: no SNI for an address; the certificate needs an iPAddress SAN.
    named = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(s.ssl), s.peerName.c_str()) == 1;
  } else {
    SSL_set_hostflags(s.ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    // SSL_set_tlsext_host_name() is this SSL_ctrl() behind a C cast.
    named = SSL_ctrl(s.ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                     const_cast<char*>(s.peerName.c_str())) == 1 &&
            SSL_set1_host(s.ssl, s.peerName.c_str()) == 1;
  }
  if (!named) {
    drainErrors();
    s.fail("not a host name or address to verify: '" + printable(s.peerName) + "'");
  }
}

TlsSession::~TlsSession() {
  if (impl_->ssl) {
    SSL_free(impl_->ssl);  // frees both BIOs
  }
}

void TlsSession::start() {
  if (!impl_->ctx->isServer()) {
    impl_->advance();  // writes the ClientHello
  }
}

bool TlsSession::feedEncrypted(std::string_view bytes) {
  Impl& s = *impl_;
  if (s.failed) {
    return false;
  }
  while (!bytes.empty()) {
    std::size_t n = 0;
    if (BIO_write_ex(s.in, bytes.data(), bytes.size(), &n) != 1 || n == 0) {
      drainErrors();
      s.fail("TLS error: out of memory buffering received data");
      return false;
    }
    bytes.remove_prefix(n);
  }
  s.advance();
  return !s.failed;
}

std::size_t TlsSession::readPlain(std::string& out) {
  // Plaintext decrypted before a failure was authentic; it is still handed out.
  const std::size_t n = impl_->plain.size();
  out.append(impl_->plain);
  std::string().swap(impl_->plain);
  return n;
}

bool TlsSession::writePlain(std::string_view bytes) {
  Impl& s = *impl_;
  if (s.failed || s.shutdownRequested) {
    return false;
  }
  s.pendingPlain.append(bytes);
  if (s.handshakeDone) {
    s.flush();
  }
  return !s.failed;
}

bool TlsSession::takeEncrypted(std::string& out) {
  BIO* bio = impl_->out;
  const std::size_t pending = bio ? BIO_ctrl_pending(bio) : 0;
  if (pending == 0) {
    return false;
  }
  const std::size_t before = out.size();
  out.resize(before + pending);
  std::size_t got = 0;
  if (BIO_read_ex(bio, out.data() + before, pending, &got) != 1) {
    got = 0;
    ERR_clear_error();
  }
  out.resize(before + got);
  return got > 0;
}

bool TlsSession::hasEncrypted() const { return impl_->out && BIO_ctrl_pending(impl_->out) > 0; }

void TlsSession::shutdown() {
  Impl& s = *impl_;
  if (s.shutdownRequested) {
    return;
  }
  s.shutdownRequested = true;
  // Before the handshake finished, close_notify waits for it (and for the queued plaintext).
  if (s.handshakeDone && !s.failed) {
    s.flush();
  }
}

bool TlsSession::handshakeDone() const { return impl_->handshakeDone; }
bool TlsSession::peerClosed() const { return impl_->peerClosed; }
bool TlsSession::failed() const { return impl_->failed; }
const std::string& TlsSession::error() const { return impl_->error; }

}  // namespace cradle::net
