// ControlClient: the blocking client of the bridge's control API, for the CLI and the tray.
#pragma once

#include <Poco/JSON/Object.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace cradle::net {
class BlockingHttpClient;
}

namespace cradle::bridge {

// The outcome of one call: the HTTP status with the JSON text of the answer, or an error line
// when there was no usable answer ("cradle is not running (/home/u/.local/state/cradle)") or the
// bridge refused the request (its "error" text, e.g. "no device X").
struct ControlResult {
  int status = 0;     // HTTP status; 0 when the bridge did not answer
  std::string body;   // the JSON text as received
  std::string error;  // empty on success (2xx)
  bool ok() const { return error.empty(); }
  // The answer parsed as a JSON object; null when it is not one.
  Poco::JSON::Object::Ptr json() const;
};

// Talks to one running bridge over loopback HTTP with its bearer token (docs/control-api.md).
// One thread at a time (it owns one keep-alive connection). Nothing throws: every call returns a
// ControlResult.
class ControlClient {
 public:
  // url: "http://127.0.0.1:PORT"; stateDir only names the bridge in error lines.
  ControlClient(std::string url, std::string token, std::string stateDir = {});
  ~ControlClient();
  ControlClient(const ControlClient&) = delete;
  ControlClient& operator=(const ControlClient&) = delete;

  // The bridge that runs with state folder `stateDir`, found through STATE/control.url and
  // STATE/control.token (written by `cradle serve`); null with `error` set when they are missing
  // or malformed ("cradle is not running (STATE)").
  static std::unique_ptr<ControlClient> fromStateDir(const std::string& stateDir,
                                                     std::string& error);

  ControlResult status();
  ControlResult devices();
  ControlResult device(const std::string& deviceId);
  // settingsJson: a JSON object with the settings to change (see docs/control-api.md).
  ControlResult setDevice(const std::string& deviceId, const std::string& settingsJson);
  ControlResult revoke(const std::string& deviceId);
  // server empty: every server the user's devices use.
  ControlResult setPassword(const std::string& user, const std::string& server,
                            const std::string& password);
  // Events after `since`; with waitSeconds > 0 the bridge holds the call until one arrives.
  ControlResult events(int64_t since, int waitSeconds = 0);
  ControlResult pairing();

  // Any call: method, path ("/devices"), JSON body (may be empty).
  ControlResult call(const std::string& method, const std::string& path,
                     const std::string& body = {},
                     std::chrono::milliseconds timeout = std::chrono::milliseconds(10'000));

 private:
  std::string url_;
  std::string token_;
  std::string stateDir_;
  std::unique_ptr<net::BlockingHttpClient> http_;
};

}  // namespace cradle::bridge
