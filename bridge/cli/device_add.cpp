// `cradle device add` and `cradle ca export`: set up a partnership by hand, hand out the CA.
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <iostream>

#include "bridge/cli/cli_support.h"
#include "bridge/cli/commands.h"
#include "bridge/config/bridge_config.h"
#include "bridge/listener/bridge_ca.h"
#include "eas/http/request.h"
#include "net/http_client.h"

namespace cradle::bridge {

namespace {

constexpr const char* DeviceAddUsage =
    "usage: cradle device add --device-id ID --device-type T --user U "
    "--server https://HOST[:PORT] [--ca FILE] [--name NAME] [--secret-out FILE] [--state DIR]\n"
    "  the upstream password is read from standard input (first line) or the terminal";

int usage(const std::string& problem, const char* text) {
  std::cerr << "cradle: " << problem << "\n" << text << "\n";
  return 2;
}

}  // namespace

int runDeviceAdd(const std::vector<std::string>& args) {
  CliArgs a;
  std::string error;
  if (!parseCliArgs(args,
                    {"--device-id", "--device-type", "--user", "--server", "--ca", "--name",
                     "--secret-out", "--state"},
                    {}, a, error)) {
    return usage(error, DeviceAddUsage);
  }
  if (!a.words.empty()) {
    return usage("unexpected argument " + a.words.front(), DeviceAddUsage);
  }
  for (const char* required : {"--device-id", "--device-type", "--user", "--server"}) {
    if (a.get(required).empty()) {
      return usage(std::string(required) + " is required", DeviceAddUsage);
    }
  }
  const std::string server = a.get("--server");
  auto endpoint = net::parseEndpoint(server);
  const bool https = server.rfind("https://", 0) == 0;
  if (!endpoint || (!https && server.rfind("http://", 0) != 0)) {
    return usage("--server wants https://HOST[:PORT], not " + server, DeviceAddUsage);
  }
  if (!https && !isLoopbackHost(endpoint->host)) {
    return usage("a plain http:// upstream is accepted only for a loopback host; use https://",
                 DeviceAddUsage);
  }
  Partnership p;
  p.deviceId = a.get("--device-id");
  if (eas::canonicalDeviceId(p.deviceId) != p.deviceId) {
    return usage("--device-id must be letters and digits (a binary id as its hex text)",
                 DeviceAddUsage);
  }
  p.deviceType = a.get("--device-type");
  p.friendlyName = a.get("--name");
  p.user = a.get("--user");
  p.serverUrl = (https ? "https://" : "http://") + endpoint->hostHeader();
  if (a.has("--ca")) {
    char resolved[PATH_MAX];
    if (::realpath(a.get("--ca").c_str(), resolved) == nullptr || ::access(resolved, R_OK) != 0) {
      return fail("cannot read the CA file " + a.get("--ca"));
    }
    p.caFile = resolved;
  }
  if (auto valid = validatePartnership(p); !valid.ok()) {
    return fail(valid.error().detail);
  }
  const std::string password =
      readSecretLine("Password of " + p.user + " at " + endpoint->host + ": ");
  if (password.empty()) {
    return fail("no password given (standard input was empty)");
  }
  const std::string dir = stateDir(args);
  if (!ensureStateDir(dir, error)) {
    return fail(error);
  }
  auto store = openStateStore(dir, error);
  if (!store) {
    return fail(error);
  }
  auto added = store->addPartnership(p);
  if (!added.ok()) {
    return fail(added.error().detail);
  }
  auto stored = store->setCredential(p.user, p.serverUrl, password, false);
  auto secret =
      stored.ok() ? store->createDeviceSecret(p.deviceId) : Result<std::string>(stored.error());
  if (!secret.ok()) {
    (void)store->removePartnership(p.deviceId);
    return fail(secret.error().detail);
  }
  if (a.has("--secret-out")) {
    if (!writeFileWithMode(a.get("--secret-out"), *secret + "\n", 0600, error)) {
      (void)store->removePartnership(p.deviceId);
      return fail(error);
    }
    std::cout << "device " << p.deviceId << " added; its secret is in " << a.get("--secret-out")
              << "\n";
  } else {
    std::cout << *secret << "\n";
  }
  return 0;
}

int runCaExport(const std::vector<std::string>& args) {
  CliArgs a;
  std::string error;
  constexpr const char* Usage = "usage: cradle ca export [--state DIR] [--out FILE]";
  if (!parseCliArgs(args, {"--state", "--out"}, {}, a, error)) {
    return usage(error, Usage);
  }
  if (!a.words.empty()) {
    return usage("unexpected argument " + a.words.front(), Usage);
  }
  const std::string dir = stateDir(args);
  net::CaFiles ca;
  if (!ensureStateDir(dir, error) || !ensureBridgeCa(dir, ca, error)) {
    return fail(error);
  }
  const std::string pem = readWholeFile(ca.certFile);
  if (pem.empty()) {
    return fail("cannot read " + ca.certFile);
  }
  if (a.has("--out")) {
    if (!writeFileWithMode(a.get("--out"), pem, 0644, error)) {
      return fail(error);
    }
    return 0;
  }
  std::cout << pem;
  return 0;
}

}  // namespace cradle::bridge
