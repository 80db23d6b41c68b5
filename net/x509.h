// Creating a private CA and server certificates signed by it (OpenSSL 3), as PEM files.
#pragma once

#include <string>
#include <vector>

namespace cradle::net {

// Files are written atomically (temporary + rename); key files with mode 0600, certificates 0644.
// Keys are ECDSA P-256; signatures SHA-256; serials random 128-bit; validity from now-1h.
struct CaFiles {
  std::string certFile;  // "DIR/ca.pem"
  std::string keyFile;   // "DIR/ca.key" (0600)
};

// Creates a self-signed CA certificate (basicConstraints CA:TRUE critical, keyUsage keyCertSign
// cRLSign, subject CN=commonName) valid for `days`. Returns false with `error` set on failure.
bool createCa(const CaFiles& out, const std::string& commonName, int days, std::string& error);

// Issues a server certificate signed by the CA for `names`: each is a DNS name or an IPv4/IPv6
// address (becomes an IP SAN); CN = names[0]; extendedKeyUsage serverAuth; CA:FALSE.
// certFile receives the leaf followed by the CA certificate (the chain a server sends).
bool issueServerCertificate(const CaFiles& ca, const std::vector<std::string>& names, int days,
                            const std::string& certFile, const std::string& keyFile,
                            std::string& error);

// True when certFile exists, parses, is signed by the CA in caCertFile, is valid for at least
// `minDaysLeft` more days (the CA too) and covers every one of names in its subjectAltName (as
// a TLS client checks them). Certificates after the leaf in certFile must be that CA. Used to
// reuse files across restarts.
bool certificateUsable(const std::string& certFile, const std::string& caCertFile,
                       const std::vector<std::string>& names, int minDaysLeft);

// The SHA-256 fingerprint of a PEM certificate, "AB:CD:..." (for logs and the tray); empty on
// error.
std::string certificateFingerprint(const std::string& certFile);

}  // namespace cradle::net
