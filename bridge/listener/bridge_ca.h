// The bridge's own certificate authority (STATE/ca.pem, ca.key 0600) and the device-facing
// server certificate it signs.
#pragma once

#include <string>
#include <vector>

#include "net/x509.h"

namespace cradle::bridge {

// STATE/ca.pem and STATE/ca.key, created on first use ("Cradle bridge CA", 10 years).
// Returns false with one line in `error`.
bool ensureBridgeCa(const std::string& stateDir, net::CaFiles& out, std::string& error);

// STATE/server.pem (leaf + CA) and STATE/server.key for `names`, re-issued when missing, not
// signed by the current CA, about to expire or not covering every name.
bool ensureServerCertificate(const std::string& stateDir, const net::CaFiles& ca,
                             const std::vector<std::string>& names, std::string& certFile,
                             std::string& keyFile, std::string& error);

}  // namespace cradle::bridge
