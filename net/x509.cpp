// A private CA and server certificates signed by it, with the OpenSSL 3 API.
#include "net/x509.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <random>

namespace cradle::net {

namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
  void operator()(GENERAL_NAMES* p) const { GENERAL_NAMES_free(p); }
  void operator()(GENERAL_NAME* p) const { GENERAL_NAME_free(p); }
  void operator()(ASN1_OCTET_STRING* p) const { ASN1_OCTET_STRING_free(p); }
  void operator()(X509_STORE* p) const { X509_STORE_free(p); }
  void operator()(X509_STORE_CTX* p) const { X509_STORE_CTX_free(p); }
};
template <class T>
using Owned = std::unique_ptr<T, Free>;

constexpr int SerialBits = 128;
constexpr long ValidFromSecondsAgo = 3600;  // tolerate clocks a little behind ours

// The first (root-cause) reason on OpenSSL's error queue, which is left empty.
std::string sslError() {
  std::string out;
  unsigned long code = 0;
  while ((code = ERR_get_error()) != 0) {
    if (out.empty()) {
      const char* reason = ERR_reason_error_string(code);
      if (reason) {
        out = reason;
      } else {
        char buf[256];
        ERR_error_string_n(code, buf, sizeof buf);
        out = buf;
      }
    }
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

bool isIp(const std::string& name) {
  unsigned char buf[16];
  return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

// A DNS name we are willing to put in a certificate: letters, digits, '-', '_', dots between
// labels, an optional leading "*." wildcard (RFC 6125 6.4.3), at most 253 characters.
bool isDnsName(const std::string& name) {
  std::string_view rest(name);
  if (rest.substr(0, 2) == "*.") {
    rest.remove_prefix(2);
  }
  if (rest.empty() || name.size() > 253 || rest.front() == '.' || rest.back() == '.' ||
      rest.find("..") != std::string_view::npos) {
    return false;
  }
  for (const char c : rest) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) {
      return false;
    }
  }
  return true;
}

std::string errnoText(const std::string& what, const std::string& path) {
  return "cannot " + what + " " + path + ": " + std::strerror(errno);
}

// A file written under a unique temporary name next to its destination, created with its final
// mode (O_EXCL, so a key is never readable by others, not even for a moment), synced, and then
// renamed into place by commit(). The destructor removes an uncommitted temporary.
class PendingFile {
 public:
  PendingFile(std::string path, mode_t mode) : path_(std::move(path)), mode_(mode) {}
  ~PendingFile() {
    if (!tmp_.empty()) {
      ::unlink(tmp_.c_str());
    }
  }
  PendingFile(const PendingFile&) = delete;
  PendingFile& operator=(const PendingFile&) = delete;

  bool write(const std::string& content, std::string& error) {
    static std::atomic<unsigned> counter{0};
    std::random_device rd;
    int fd = -1;
    for (int attempt = 0; attempt < 8 && fd < 0; ++attempt) {
      tmp_ = path_ + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + "-" +
             std::to_string(rd());
      fd = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode_);
      if (fd < 0 && errno != EEXIST) {
        break;
      }
    }
    if (fd < 0) {
      error = errnoText("write", path_);
      tmp_.clear();
      return false;
    }
    // The umask may have removed bits from a certificate's 0644; set the mode exactly.
    bool ok = ::fchmod(fd, mode_) == 0;
    std::size_t done = 0;
    while (ok && done < content.size()) {
      const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
      if (n < 0 && errno == EINTR) {
        continue;
      }
      ok = n > 0;
      done += ok ? static_cast<std::size_t>(n) : 0;
    }
    ok = ok && ::fsync(fd) == 0;
    if (!ok) {
      error = errnoText("write", path_);
    }
    if (::close(fd) != 0 && ok) {
      error = errnoText("write", path_);
      ok = false;
    }
    return ok;
  }

  bool commit(std::string& error) {
    if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
      error = errnoText("replace", path_);
      return false;
    }
    tmp_.clear();
    // Make the rename itself durable.
    const std::size_t slash = path_.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : path_.substr(0, slash + 1);
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      ::fsync(dfd);
      ::close(dfd);
    }
    return true;
  }

 private:
  std::string path_;
  mode_t mode_;
  std::string tmp_;
};

// Writes a private key (0600) and its certificate (0644): both temporaries first, then the key
// is renamed before the certificate, so the window with a mismatched pair is one rename.
bool writePair(const std::string& keyFile, const std::string& keyPem, const std::string& certFile,
               const std::string& certPem, std::string& error) {
  PendingFile key(keyFile, 0600);
  PendingFile cert(certFile, 0644);
  return key.write(keyPem, error) && cert.write(certPem, error) && key.commit(error) &&
         cert.commit(error);
}

std::string bioText(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return n > 0 && data ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

std::string pemOf(X509* cert) {
  Owned<BIO> bio(BIO_new(BIO_s_mem()));
  return bio && PEM_write_bio_X509(bio.get(), cert) == 1 ? bioText(bio.get()) : std::string();
}

std::string pemOf(EVP_PKEY* key) {
  Owned<BIO> bio(BIO_new(BIO_s_mem()));
  // PKCS#8 "PRIVATE KEY", unencrypted: the file mode is its protection.
  return bio && PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1
             ? bioText(bio.get())
             : std::string();
}

Owned<X509> readCert(BIO* bio) {
  return Owned<X509>(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
}

Owned<X509> readCert(const std::string& file) {
  Owned<BIO> bio(BIO_new_file(file.c_str(), "r"));
  return bio ? readCert(bio.get()) : nullptr;
}

Owned<EVP_PKEY> readKey(const std::string& file) {
  Owned<BIO> bio(BIO_new_file(file.c_str(), "r"));
  if (!bio) {
    return nullptr;
  }
  return Owned<EVP_PKEY>(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

Owned<EVP_PKEY> newKey() {
  char curve[] = "P-256";  // EVP_PKEY_Q_keygen's "EC" variant takes a char*
  return Owned<EVP_PKEY>(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve));
}

bool addExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  Owned<X509_EXTENSION> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

// subjectAltName with an iPAddress entry for each address and a dNSName for each other name.
bool addSubjectAltNames(X509* cert, const std::vector<std::string>& names) {
  Owned<GENERAL_NAMES> sans(GENERAL_NAMES_new());
  if (!sans) {
    return false;
  }
  for (const std::string& name : names) {
    Owned<GENERAL_NAME> gen(GENERAL_NAME_new());
    if (!gen) {
      return false;
    }
    if (isIp(name)) {
      Owned<ASN1_OCTET_STRING> ip(a2i_IPADDRESS(name.c_str()));
      if (!ip) {
        return false;
      }
      GENERAL_NAME_set0_value(gen.get(), GEN_IPADD, ip.release());
    } else {
      Owned<ASN1_OCTET_STRING> dns(ASN1_IA5STRING_new());
      if (!dns || ASN1_STRING_set(dns.get(), name.data(), static_cast<int>(name.size())) != 1) {
        return false;
      }
      GENERAL_NAME_set0_value(gen.get(), GEN_DNS, dns.release());
    }
    if (sk_GENERAL_NAME_push(sans.get(), gen.get()) <= 0) {
      return false;
    }
    gen.release();  // owned by the stack now
  }
  return X509_add1_ext_i2d(cert, NID_subject_alt_name, sans.get(), 0, X509V3_ADD_DEFAULT) == 1;
}

// A v3 certificate for `key` with a random positive 128-bit serial (RFC 5280 4.1.2.2),
// CN=commonName, valid from an hour ago for `days`.
Owned<X509> newCertificate(EVP_PKEY* key, const std::string& commonName, int days) {
  Owned<X509> cert(X509_new());
  Owned<BIGNUM> serial(BN_new());
  if (!cert || !serial || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      BN_rand(serial.get(), SerialBits - 1, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) != 1 ||
      !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) ||
      !X509_gmtime_adj(X509_getm_notBefore(cert.get()), -ValidFromSecondsAgo) ||
      !X509_time_adj_ex(X509_getm_notAfter(cert.get()), days, 0, nullptr) ||
      X509_set_pubkey(cert.get(), key) != 1) {
    return nullptr;
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(commonName.c_str()), -1, -1,
                                 0) != 1) {
    return nullptr;
  }
  return cert;
}

bool notAfterBeyond(const X509* cert, time_t horizon) {
  // X509_cmp_time: 1 when the certificate's time is later than horizon (0 on a parse error).
  return X509_cmp_time(X509_get0_notAfter(cert), &horizon) == 1;
}

}  // namespace

bool createCa(const CaFiles& out, const std::string& commonName, int days, std::string& error) {
  ERR_clear_error();
  if (days <= 0 || commonName.empty()) {
    error = "a CA needs a name and a validity of at least one day";
    return false;
  }
  Owned<EVP_PKEY> key = newKey();
  if (!key) {
    error = "cannot create a CA key: " + sslError();
    return false;
  }
  Owned<X509> cert = newCertificate(key.get(), commonName, days);
  // RFC 5280 4.2.1.9 / 4.2.1.3: a CA has basicConstraints CA:TRUE (critical) and keyCertSign.
  if (!cert || X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())) != 1 ||
      !addExtension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE") ||
      !addExtension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign") ||
      !addExtension(cert.get(), cert.get(), NID_subject_key_identifier, "hash") ||
      !addExtension(cert.get(), cert.get(), NID_authority_key_identifier, "keyid:always") ||
      X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    error = "cannot create the CA certificate: " + sslError();
    return false;
  }
  const std::string keyPem = pemOf(key.get());
  const std::string certPem = pemOf(cert.get());
  if (keyPem.empty() || certPem.empty()) {
    error = "cannot encode the CA: " + sslError();
    return false;
  }
  return writePair(out.keyFile, keyPem, out.certFile, certPem, error);
}

bool issueServerCertificate(const CaFiles& ca, const std::vector<std::string>& names, int days,
                            const std::string& certFile, const std::string& keyFile,
                            std::string& error) {
  ERR_clear_error();
  if (names.empty() || days <= 0) {
    error = "a server certificate needs at least one name and one day of validity";
    return false;
  }
  for (const std::string& n : names) {
    if (!isIp(n) && !isDnsName(n)) {
      error = "not a host name or address: '" + n + "'";
      return false;
    }
  }
  Owned<X509> caCert = readCert(ca.certFile);
  if (!caCert) {
    error = "cannot read CA certificate " + ca.certFile + ": " + sslError();
    return false;
  }
  Owned<EVP_PKEY> caKey = readKey(ca.keyFile);
  if (!caKey) {
    error = "cannot read CA key " + ca.keyFile + ": " + sslError();
    return false;
  }
  if (X509_check_private_key(caCert.get(), caKey.get()) != 1) {
    ERR_clear_error();
    error = "CA key " + ca.keyFile + " does not match " + ca.certFile;
    return false;
  }
  Owned<EVP_PKEY> key = newKey();
  if (!key) {
    error = "cannot create a key: " + sslError();
    return false;
  }
  Owned<X509> cert = newCertificate(key.get(), names[0], days);
  // RFC 5480 3: an ECDSA end-entity key signs (digitalSignature); it never enciphers keys.
  if (!cert || X509_set_issuer_name(cert.get(), X509_get_subject_name(caCert.get())) != 1 ||
      !addExtension(cert.get(), caCert.get(), NID_basic_constraints, "critical,CA:FALSE") ||
      !addExtension(cert.get(), caCert.get(), NID_key_usage, "critical,digitalSignature") ||
      !addExtension(cert.get(), caCert.get(), NID_ext_key_usage, "serverAuth") ||
      !addExtension(cert.get(), caCert.get(), NID_subject_key_identifier, "hash") ||
      !addExtension(cert.get(), caCert.get(), NID_authority_key_identifier, "keyid:always") ||
      !addSubjectAltNames(cert.get(), names) ||
      X509_sign(cert.get(), caKey.get(), EVP_sha256()) == 0) {
    error = "cannot issue the certificate: " + sslError();
    return false;
  }
  const std::string keyPem = pemOf(key.get());
  const std::string leafPem = pemOf(cert.get());
  const std::string caPem = pemOf(caCert.get());
  if (keyPem.empty() || leafPem.empty() || caPem.empty()) {
    error = "cannot encode the certificate: " + sslError();
    return false;
  }
  return writePair(keyFile, keyPem, certFile, leafPem + caPem, error);
}

bool certificateUsable(const std::string& certFile, const std::string& caCertFile,
                       const std::vector<std::string>& names, int minDaysLeft) {
  ERR_clear_error();
  Owned<BIO> chain(BIO_new_file(certFile.c_str(), "r"));
  Owned<X509> leaf = chain ? readCert(chain.get()) : nullptr;
  Owned<X509> ca = readCert(caCertFile);
  Owned<X509_STORE> store(X509_STORE_new());
  Owned<X509_STORE_CTX> ctx(X509_STORE_CTX_new());
  bool ok = leaf && ca && store && ctx;
  // The rest of the chain file must be this CA (a renewed CA makes the old chain stale).
  while (ok) {
    Owned<X509> more = readCert(chain.get());
    if (!more) {
      break;
    }
    ok = X509_cmp(more.get(), ca.get()) == 0;
  }
  // The whole chain verifies now, for a TLS server, with the CA as the only trust anchor.
  ok = ok && X509_STORE_add_cert(store.get(), ca.get()) == 1 &&
       X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), nullptr) == 1 &&
       X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER) == 1 &&
       X509_verify_cert(ctx.get()) == 1;
  const time_t horizon = std::time(nullptr) + static_cast<time_t>(minDaysLeft) * 86400;
  ok = ok && notAfterBeyond(leaf.get(), horizon) && notAfterBeyond(ca.get(), horizon);
  // Names as a TLS client checks them: subjectAltName only, never the CN.
  const unsigned flags = X509_CHECK_FLAG_NEVER_CHECK_SUBJECT | X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS;
  for (const std::string& n : names) {
    ok = ok && (isIp(n) ? X509_check_ip_asc(leaf.get(), n.c_str(), 0) == 1
                        : X509_check_host(leaf.get(), n.c_str(), n.size(), flags, nullptr) == 1);
  }
  ERR_clear_error();
  return ok;
}

std::string certificateFingerprint(const std::string& certFile) {
  ERR_clear_error();
  Owned<X509> cert = readCert(certFile);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!cert || X509_digest(cert.get(), EVP_sha256(), md, &len) != 1) {
    ERR_clear_error();
    return {};
  }
  std::string out;
  char hex[4];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(hex, sizeof hex, "%02X", md[i]);
    if (i > 0) {
      out += ':';
    }
    out += hex;
  }
  return out;
}

}  // namespace cradle::net
