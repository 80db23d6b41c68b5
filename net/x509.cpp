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

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>

namespace cradle::net {

namespace {

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};
template <class T>
using Owned = std::unique_ptr<T, Free>;

std::string sslError() {
  std::string out;
  unsigned long code = 0;
  while ((code = ERR_get_error()) != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    out = buf;
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

bool isIp(const std::string& name) {
  unsigned char buf[16];
  return inet_pton(AF_INET, name.c_str(), buf) == 1 || inet_pton(AF_INET6, name.c_str(), buf) == 1;
}

// Writes the file under a temporary name created with `mode`, then renames it into place.
bool writeAtomically(const std::string& path, const std::string& content, mode_t mode,
                     std::string& error) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  ::unlink(tmp.c_str());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    error = "cannot write " + path + ": " + std::strerror(errno);
    return false;
  }
  ::fchmod(fd, mode);
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n <= 0) {
      error = "cannot write " + path + ": " + std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    error = "cannot write " + path + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

std::string pemOf(X509* cert) {
  Owned<BIO> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string pemOf(EVP_PKEY* key) {
  Owned<BIO> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

Owned<X509> readCert(const std::string& file) {
  Owned<BIO> bio(BIO_new_file(file.c_str(), "r"));
  if (!bio) {
    return nullptr;
  }
  return Owned<X509>(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

Owned<EVP_PKEY> readKey(const std::string& file) {
  Owned<BIO> bio(BIO_new_file(file.c_str(), "r"));
  if (!bio) {
    return nullptr;
  }
  return Owned<EVP_PKEY>(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

bool addExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  Owned<X509_EXTENSION> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
  return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

// A certificate with a fresh P-256 key, random serial, validity from an hour ago for `days`.
Owned<X509> newCertificate(EVP_PKEY* key, const std::string& commonName, int days) {
  Owned<X509> cert(X509_new());
  Owned<BIGNUM> serial(BN_new());
  if (!cert || !serial || X509_set_version(cert.get(), 2) != 1 ||
      BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) ||
      !X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) ||
      !X509_time_adj_ex(X509_getm_notAfter(cert.get()), days, 0, nullptr) ||
      X509_set_pubkey(cert.get(), key) != 1) {
    return nullptr;
  }
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(commonName.c_str()), -1, -1,
                             0);
  return cert;
}

}  // namespace

bool createCa(const CaFiles& out, const std::string& commonName, int days, std::string& error) {
  ERR_clear_error();
  Owned<EVP_PKEY> key(EVP_EC_gen("P-256"));
  if (!key) {
    error = "cannot create a CA key: " + sslError();
    return false;
  }
  Owned<X509> cert = newCertificate(key.get(), commonName, days);
  if (!cert || X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())) != 1 ||
      !addExtension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE") ||
      !addExtension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign") ||
      !addExtension(cert.get(), cert.get(), NID_subject_key_identifier, "hash") ||
      X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    error = "cannot create the CA certificate: " + sslError();
    return false;
  }
  return writeAtomically(out.keyFile, pemOf(key.get()), 0600, error) &&
         writeAtomically(out.certFile, pemOf(cert.get()), 0644, error);
}

bool issueServerCertificate(const CaFiles& ca, const std::vector<std::string>& names, int days,
                            const std::string& certFile, const std::string& keyFile,
                            std::string& error) {
  ERR_clear_error();
  if (names.empty()) {
    error = "a server certificate needs at least one name";
    return false;
  }
  Owned<X509> caCert = readCert(ca.certFile);
  Owned<EVP_PKEY> caKey = readKey(ca.keyFile);
  if (!caCert || !caKey) {
    error = "cannot read the CA (" + ca.certFile + ", " + ca.keyFile + "): " + sslError();
    return false;
  }
  Owned<EVP_PKEY> key(EVP_EC_gen("P-256"));
  if (!key) {
    error = "cannot create a key: " + sslError();
    return false;
  }
  std::string san;
  for (const std::string& n : names) {
    if (n.empty() || n.find_first_of(",\r\n") != std::string::npos) {
      error = "not a host name or address: '" + n + "'";
      return false;
    }
    san += (san.empty() ? "" : ",") + std::string(isIp(n) ? "IP:" : "DNS:") + n;
  }
  Owned<X509> cert = newCertificate(key.get(), names[0], days);
  if (!cert || X509_set_issuer_name(cert.get(), X509_get_subject_name(caCert.get())) != 1 ||
      !addExtension(cert.get(), caCert.get(), NID_basic_constraints, "critical,CA:FALSE") ||
      !addExtension(cert.get(), caCert.get(), NID_key_usage,
                    "critical,digitalSignature,keyEncipherment") ||
      !addExtension(cert.get(), caCert.get(), NID_ext_key_usage, "serverAuth") ||
      !addExtension(cert.get(), caCert.get(), NID_subject_key_identifier, "hash") ||
      !addExtension(cert.get(), caCert.get(), NID_authority_key_identifier, "keyid:always") ||
      !addExtension(cert.get(), caCert.get(), NID_subject_alt_name, san) ||
      X509_sign(cert.get(), caKey.get(), EVP_sha256()) == 0) {
    error = "cannot issue the certificate: " + sslError();
    return false;
  }
  return writeAtomically(keyFile, pemOf(key.get()), 0600, error) &&
         writeAtomically(certFile, pemOf(cert.get()) + pemOf(caCert.get()), 0644, error);
}

bool certificateUsable(const std::string& certFile, const std::string& caCertFile,
                       const std::vector<std::string>& names, int minDaysLeft) {
  ERR_clear_error();
  Owned<X509> cert = readCert(certFile);
  Owned<X509> ca = readCert(caCertFile);
  if (!cert || !ca) {
    ERR_clear_error();
    return false;
  }
  bool ok = X509_verify(cert.get(), X509_get0_pubkey(ca.get())) == 1;
  time_t horizon = std::time(nullptr) + static_cast<time_t>(minDaysLeft) * 86400;
  ok = ok && X509_cmp_time(X509_get0_notAfter(cert.get()), &horizon) > 0;
  for (const std::string& n : names) {
    ok = ok && (isIp(n) ? X509_check_ip_asc(cert.get(), n.c_str(), 0) == 1
                        : X509_check_host(cert.get(), n.c_str(), n.size(), 0, nullptr) == 1);
  }
  ERR_clear_error();
  return ok;
}

std::string certificateFingerprint(const std::string& certFile) {
  Owned<X509> cert = readCert(certFile);
  if (!cert) {
    ERR_clear_error();
    return {};
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (X509_digest(cert.get(), EVP_sha256(), md, &len) != 1) {
    return {};
  }
  std::string out;
  char hex[4];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(hex, sizeof hex, "%02X", md[i]);
    out += (i ? ":" : "") + std::string(hex);
  }
  return out;
}

}  // namespace cradle::net
