// The bridge's CA and server certificate files, reused across restarts.
#include "bridge/listener/bridge_ca.h"

#include <unistd.h>

namespace cradle::bridge {

namespace {

constexpr int CaDays = 3650;
constexpr int ServerDays = 825;
constexpr int RenewDaysLeft = 30;

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

}  // namespace

bool ensureBridgeCa(const std::string& stateDir, net::CaFiles& out, std::string& error) {
  out.certFile = stateDir + "/ca.pem";
  out.keyFile = stateDir + "/ca.key";
  if (exists(out.certFile) && exists(out.keyFile)) {
    return true;
  }
  if (!net::createCa(out, "Cradle bridge CA", CaDays, error)) {
    error = "cannot create the bridge CA in " + stateDir + ": " + error;
    return false;
  }
  return true;
}

bool ensureServerCertificate(const std::string& stateDir, const net::CaFiles& ca,
                             const std::vector<std::string>& names, std::string& certFile,
                             std::string& keyFile, std::string& error) {
  certFile = stateDir + "/server.pem";
  keyFile = stateDir + "/server.key";
  if (exists(keyFile) && net::certificateUsable(certFile, ca.certFile, names, RenewDaysLeft)) {
    return true;
  }
  if (!net::issueServerCertificate(ca, names, ServerDays, certFile, keyFile, error)) {
    error = "cannot issue the bridge's server certificate: " + error;
    return false;
  }
  return true;
}

}  // namespace cradle::bridge
