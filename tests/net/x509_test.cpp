// The private CA and server certificates: file modes, contents (checked by the openssl CLI),
// reuse checks and fingerprints.
#include "net/x509.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

using namespace cradle::net;
namespace fs = std::filesystem;

namespace {

// A fresh folder under the system temporary directory, removed with its contents.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("cradle-x509-test-" + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string operator/(const char* name) const { return (path_ / name).string(); }
  std::vector<std::string> entries() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(path_)) {
      out.push_back(e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  fs::path path_;
};

struct Command {
  int exitCode = -1;
  std::string output;  // stdout and stderr
};

// Runs a shell command (the openssl CLI) and collects what it printed.
Command shell(const std::string& command) {
  Command c;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  REQUIRE(p);
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) {
    c.output.append(buf, n);
  }
  const int status = ::pclose(p);
  c.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return c;
}

unsigned modeOf(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

std::string slurp(const std::string& path) {
  std::string out;
  FILE* f = std::fopen(path.c_str(), "rb");
  REQUIRE(f);
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    out.append(buf, n);
  }
  std::fclose(f);
  return out;
}

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

// A CA and a server certificate for localhost, 127.0.0.1 and ::1.
struct Pki {
  TempDir dir;
  CaFiles ca{dir / "ca.pem", dir / "ca.key"};
  std::string cert = dir / "server.pem";
  std::string key = dir / "server.key";
  std::vector<std::string> names{"localhost", "127.0.0.1", "::1"};

  Pki() {
    std::string error;
    INFO(error);
    REQUIRE(createCa(ca, "cradle test CA", 30, error));
    REQUIRE(issueServerCertificate(ca, names, 10, cert, key, error));
    CHECK(error.empty());
  }
};

}  // namespace

TEST_CASE("x509: files have their modes and no temporary is left", "[net][x509]") {
  // umask 0 would give 0666 to a careless open(); the key must still be 0600.
  const mode_t saved = ::umask(0);
  Pki pki;
  ::umask(077);  // and a strict umask must not take the certificate's read bits
  std::string error;
  REQUIRE(issueServerCertificate(pki.ca, {"strict.test"}, 5, pki.dir / "strict.pem",
                                 pki.dir / "strict.key", error));
  ::umask(saved);
  CHECK(modeOf(pki.ca.keyFile) == 0600);
  CHECK(modeOf(pki.ca.certFile) == 0644);
  CHECK(modeOf(pki.key) == 0600);
  CHECK(modeOf(pki.cert) == 0644);
  CHECK(modeOf(pki.dir / "strict.key") == 0600);
  CHECK(modeOf(pki.dir / "strict.pem") == 0644);
  CHECK(pki.dir.entries() == std::vector<std::string>{"ca.key", "ca.pem", "server.key",
                                                      "server.pem", "strict.key", "strict.pem"});

  // The chain file is the leaf followed by the CA; the key is PKCS#8 PEM.
  const std::string chain = slurp(pki.cert);
  CHECK(count(chain, "-----BEGIN CERTIFICATE-----") == 2);
  CHECK(chain.find(slurp(pki.ca.certFile)) != std::string::npos);
  CHECK(slurp(pki.key).rfind("-----BEGIN PRIVATE KEY-----", 0) == 0);
}

TEST_CASE("x509: re-issuing replaces the files atomically", "[net][x509]") {
  Pki pki;
  const std::string before = certificateFingerprint(pki.cert);
  const std::string keyBefore = slurp(pki.key);
  std::string error;
  REQUIRE(issueServerCertificate(pki.ca, pki.names, 10, pki.cert, pki.key, error));
  CHECK(certificateFingerprint(pki.cert) != before);
  CHECK(slurp(pki.key) != keyBefore);
  CHECK(modeOf(pki.key) == 0600);
  CHECK(pki.dir.entries().size() == 4);
}

TEST_CASE("x509: the openssl CLI verifies what we issue", "[net][x509]") {
  Pki pki;
  const std::string ca = " -CAfile '" + pki.ca.certFile + "' ";
  const std::string leaf = " '" + pki.cert + "'";

  Command verify = shell("openssl verify -purpose sslserver" + ca + leaf);
  INFO(verify.output);
  CHECK(verify.exitCode == 0);
  CHECK(verify.output.find(": OK") != std::string::npos);

  Command byName = shell("openssl verify -verify_hostname localhost" + ca + leaf);
  CHECK(byName.exitCode == 0);
  Command byIp = shell("openssl verify -verify_ip 127.0.0.1" + ca + leaf);
  CHECK(byIp.exitCode == 0);
  Command byIp6 = shell("openssl verify -verify_ip ::1" + ca + leaf);
  CHECK(byIp6.exitCode == 0);
  Command otherName = shell("openssl verify -verify_hostname example.org" + ca + leaf);
  CHECK(otherName.exitCode != 0);
  CHECK(otherName.output.find("hostname mismatch") != std::string::npos);

  // The CA verifies itself, and it is a CA.
  CHECK(shell("openssl verify" + ca + "'" + pki.ca.certFile + "'").exitCode == 0);
  Command caText = shell("openssl x509 -noout -text -in '" + pki.ca.certFile + "'");
  CHECK(caText.output.find("CA:TRUE") != std::string::npos);
  CHECK(caText.output.find("Certificate Sign, CRL Sign") != std::string::npos);
  CHECK(caText.output.find("CN = cradle test CA") != std::string::npos);

  Command text = shell("openssl x509 -noout -text -in" + leaf);
  INFO(text.output);
  CHECK(text.output.find("DNS:localhost") != std::string::npos);
  CHECK(text.output.find("IP Address:127.0.0.1") != std::string::npos);
  CHECK(text.output.find("IP Address:0:0:0:0:0:0:0:1") != std::string::npos);
  CHECK(text.output.find("DNS:127.0.0.1") == std::string::npos);  // addresses are IP SANs only
  CHECK(text.output.find("CA:FALSE") != std::string::npos);
  CHECK(text.output.find("TLS Web Server Authentication") != std::string::npos);
  CHECK(text.output.find("ecdsa-with-SHA256") != std::string::npos);
  CHECK(text.output.find("prime256v1") != std::string::npos);
  CHECK(text.output.find("Subject: CN = localhost") != std::string::npos);
  CHECK(text.output.find("Version: 3") != std::string::npos);

  // The key belongs to the certificate.
  Command keyPub = shell("openssl pkey -pubout -in '" + pki.key + "'");
  Command certPub = shell("openssl x509 -noout -pubkey -in" + leaf);
  CHECK(keyPub.exitCode == 0);
  CHECK(keyPub.output == certPub.output);

  // A leaf from another CA does not verify against ours.
  CaFiles other{pki.dir / "other.pem", pki.dir / "other.key"};
  std::string error;
  REQUIRE(createCa(other, "other CA", 30, error));
  REQUIRE(issueServerCertificate(other, {"localhost"}, 10, pki.dir / "o.pem", pki.dir / "o.key",
                                 error));
  CHECK(shell("openssl verify" + ca + "'" + (pki.dir / "o.pem") + "'").exitCode != 0);
}

TEST_CASE("x509: serials are random and positive", "[net][x509]") {
  Pki pki;
  std::string error;
  REQUIRE(
      issueServerCertificate(pki.ca, {"a.test"}, 5, pki.dir / "a.pem", pki.dir / "a.key", error));
  Command s1 = shell("openssl x509 -noout -serial -in '" + pki.cert + "'");
  Command s2 = shell("openssl x509 -noout -serial -in '" + (pki.dir / "a.pem") + "'");
  REQUIRE(s1.exitCode == 0);
  CHECK(s1.output != s2.output);
  // "serial=" and 32 hex digits: 128 bits with the top bit set, sign bit clear in DER.
  CHECK(s1.output.size() == std::string("serial=").size() + 32 + 1);
}

TEST_CASE("x509: certificateUsable", "[net][x509]") {
  Pki pki;
  const std::string& ca = pki.ca.certFile;
  CHECK(certificateUsable(pki.cert, ca, pki.names, 7));
  CHECK(certificateUsable(pki.cert, ca, {"127.0.0.1"}, 0));
  CHECK(certificateUsable(pki.cert, ca, {"LOCALHOST"}, 0));  // DNS names are case-insensitive
  CHECK(certificateUsable(pki.cert, ca, {}, 0));

  CHECK_FALSE(certificateUsable(pki.cert, ca, {"example.org"}, 0));
  CHECK_FALSE(certificateUsable(pki.cert, ca, {"localhost", "example.org"}, 0));
  CHECK_FALSE(certificateUsable(pki.cert, ca, {"127.0.0.2"}, 0));
  CHECK_FALSE(certificateUsable(pki.cert, ca, {"cradle test CA"}, 0));
  CHECK_FALSE(certificateUsable(pki.cert, ca, pki.names, 11));  // valid for 10 days only
  CHECK_FALSE(certificateUsable(pki.dir / "missing.pem", ca, pki.names, 0));
  CHECK_FALSE(certificateUsable(pki.cert, pki.dir / "missing.pem", pki.names, 0));

  std::ofstream(pki.dir / "garbage.pem") << "-----BEGIN CERTIFICATE-----\nAAAA\n";
  CHECK_FALSE(certificateUsable(pki.dir / "garbage.pem", ca, pki.names, 0));

  // Another CA (same name even): the signature does not match.
  CaFiles other{pki.dir / "other.pem", pki.dir / "other.key"};
  std::string error;
  REQUIRE(createCa(other, "cradle test CA", 30, error));
  CHECK_FALSE(certificateUsable(pki.cert, other.certFile, pki.names, 0));
  // A CA certificate is not a server certificate for its own CN.
  CHECK_FALSE(certificateUsable(ca, ca, {}, 0));
  REQUIRE(issueServerCertificate(pki.ca, {"a.test", "b.test"}, 5, pki.dir / "ab.pem",
                                 pki.dir / "ab.key", error));
  CHECK(certificateUsable(pki.dir / "ab.pem", ca, {"b.test", "a.test"}, 1));
  CHECK_FALSE(certificateUsable(pki.dir / "ab.pem", ca, {"c.test"}, 1));
  // The CN alone does not count (RFC 6125 6.4.4): a name must be in the subjectAltName. The
  // openssl CLI signs such a certificate (v1, no extensions) with our CA.
  Command cnOnly = shell(
      "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
      " -subj /CN=cnonly.test -keyout '" +
      (pki.dir / "cn.key") + "' -out '" + (pki.dir / "cn.csr") +
      "' && openssl x509 -req -days 5"
      " -set_serial 4660 -in '" +
      (pki.dir / "cn.csr") + "' -CA '" + ca + "' -CAkey '" + pki.ca.keyFile + "' -out '" +
      (pki.dir / "cn.pem") + "'");
  INFO(cnOnly.output);
  REQUIRE(cnOnly.exitCode == 0);
  CHECK(certificateUsable(pki.dir / "cn.pem", ca, {}, 1));
  CHECK_FALSE(certificateUsable(pki.dir / "cn.pem", ca, {"cnonly.test"}, 1));
  // The CA expires before the horizon.
  CaFiles brief{pki.dir / "brief.pem", pki.dir / "brief.key"};
  REQUIRE(createCa(brief, "brief CA", 3, error));
  REQUIRE(issueServerCertificate(brief, {"localhost"}, 30, pki.dir / "bl.pem", pki.dir / "bl.key",
                                 error));
  CHECK(certificateUsable(pki.dir / "bl.pem", brief.certFile, {"localhost"}, 2));
  CHECK_FALSE(certificateUsable(pki.dir / "bl.pem", brief.certFile, {"localhost"}, 5));
}

TEST_CASE("x509: issuing refuses bad input without writing files", "[net][x509]") {
  Pki pki;
  const auto before = pki.dir.entries();
  std::string error;
  CHECK_FALSE(issueServerCertificate(pki.ca, {}, 5, pki.dir / "x.pem", pki.dir / "x.key", error));
  CHECK_FALSE(error.empty());
  for (const char* bad : {"", "a b", "a,DNS:evil", "bad\nname", "a..b", ".a", "ex@mple"}) {
    error.clear();
    CHECK_FALSE(
        issueServerCertificate(pki.ca, {bad}, 5, pki.dir / "x.pem", pki.dir / "x.key", error));
    CHECK(error.find("not a host name or address") != std::string::npos);
  }
  error.clear();
  CHECK_FALSE(
      issueServerCertificate(pki.ca, {"ok.test"}, 0, pki.dir / "x.pem", pki.dir / "x.key", error));
  CHECK_FALSE(error.empty());

  error.clear();
  CaFiles missing{pki.dir / "nope.pem", pki.dir / "nope.key"};
  CHECK_FALSE(
      issueServerCertificate(missing, {"ok.test"}, 5, pki.dir / "x.pem", pki.dir / "x.key", error));
  CHECK(error.find("cannot read CA certificate") != std::string::npos);
  CHECK(error.find("nope.pem") != std::string::npos);

  // The CA certificate with somebody else's key.
  error.clear();
  CaFiles mixed{pki.ca.certFile, pki.key};
  CHECK_FALSE(
      issueServerCertificate(mixed, {"ok.test"}, 5, pki.dir / "x.pem", pki.dir / "x.key", error));
  CHECK(error.find("does not match") != std::string::npos);
  CHECK(pki.dir.entries() == before);

  // A folder that does not exist: an error naming the file, nothing left behind.
  error.clear();
  CHECK_FALSE(createCa({pki.dir / "no/ca.pem", pki.dir / "no/ca.key"}, "x", 5, error));
  CHECK(error.find("no/ca.key") != std::string::npos);
  CHECK(pki.dir.entries() == before);
}

TEST_CASE("x509: fingerprint is the SHA-256 of the leaf as openssl prints it", "[net][x509]") {
  Pki pki;
  const std::string mine = certificateFingerprint(pki.cert);
  CHECK(mine.size() == 32 * 3 - 1);
  Command theirs = shell("openssl x509 -noout -fingerprint -sha256 -in '" + pki.cert + "'");
  REQUIRE(theirs.exitCode == 0);
  const std::size_t eq = theirs.output.find('=');
  REQUIRE(eq != std::string::npos);
  CHECK(theirs.output.substr(eq + 1, mine.size()) == mine);
  CHECK(certificateFingerprint(pki.ca.certFile) != mine);
  CHECK(certificateFingerprint(pki.dir / "missing.pem").empty());
  CHECK(certificateFingerprint(pki.key).empty());
}
