// Test support: a small EAS client on eas/ and net/ (request lines, Basic auth, policy key,
// WBXML bodies), and a handle on a running mapi-sim process.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "eas/http/commands.h"
#include "eas/http/request.h"
#include "eas/message/folder_sync.h"
#include "eas/message/ping.h"
#include "eas/message/provision.h"
#include "eas/message/sync.h"
#include "eas/version.h"
#include "net/http_client.h"
#include "tests/support/process.h"

namespace cradle::test {

// `mapi-sim serve` in a child process on a free loopback port, data in `dir`.
class MapiSim {
 public:
  explicit MapiSim(std::string dir, bool tls = false);
  ~MapiSim();
  void start();  // waits until eas.url and admin.url are written (throws on time-out)
  int stop(int sig = 15);
  bool running() { return child_.running(); }
  const std::string& dir() const { return dir_; }
  const std::string& easUrl() const { return easUrl_; }
  std::string caFile() const { return dir_ + "/ca.pem"; }
  // `mapi-sim --data DIR args...`, with `input` on stdin.
  RunResult cli(std::vector<std::string> args, const std::string& input = {}) const;
  // cli() that must succeed (REQUIRE inside).
  std::string ok(std::vector<std::string> args, const std::string& input = {}) const;
  std::string output() const { return child_.output(); }

 private:
  std::string dir_;
  bool tls_;
  Child child_;
  std::string easUrl_;
};

std::string binPath(const std::string& name);  // CRADLE_BIN_DIR/name

// One device's view of the server.
class EasClient {
 public:
  EasClient(const std::string& url, std::string user, std::string password, std::string deviceId,
            eas::ProtocolVersion version, const std::string& caFile = {});

  // POSTs cmd with body (WBXML unless contentType says otherwise); sets X-MS-PolicyKey from
  // policyKey when non-zero. An HTTP-level error leaves response empty and error set.
  net::HttpResult post(eas::Command cmd, const std::string& body,
                       std::chrono::milliseconds timeout = std::chrono::milliseconds(20'000),
                       const std::string& contentType = "application/vnd.ms-sync.wbxml");
  net::HttpResult options();

  // Both Provision phases; returns the final key (0 on failure). status of phase 2 applied.
  uint32_t provision(eas::PolicyApplyStatus ack = eas::PolicyApplyStatus::Success);
  eas::FolderSyncResponse folderSync(const std::string& key = "0");
  eas::SyncResponse sync(const eas::SyncRequest& request);
  // SyncKey 0 then a GetChanges round; returns the collection's response after the second call.
  eas::SyncCollectionResponse initialSync(const std::string& collectionId, eas::ItemClass cls);
  eas::PingResponse ping(const eas::PingRequest& request,
                         std::chrono::milliseconds timeout = std::chrono::milliseconds(20'000));
  std::string folderId(eas::FolderType type);  // after folderSync()

  eas::ProtocolVersion version() const { return version_; }
  uint32_t policyKey = 0;
  std::string password;
  std::vector<eas::FolderChange> folders;
  std::string folderSyncKey;

 private:
  net::Endpoint endpoint_;
  std::shared_ptr<net::TlsContext> tls_;
  std::unique_ptr<net::BlockingHttpClient> client_;
  std::string user_;
  std::string deviceId_;
  eas::ProtocolVersion version_;
};

}  // namespace cradle::test
