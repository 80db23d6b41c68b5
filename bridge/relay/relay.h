// Relay: authenticates a device request against the store and forwards it to the upstream EAS
// server with the stored credential, passing the answer back unchanged.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bridge/control/control_server.h"
#include "bridge/policy/device_policy.h"
#include "bridge/push_hub/push_hub.h"
#include "bridge/store/store.h"
#include "bridge/upstream/upstream_client.h"
#include "eas/http/request.h"
#include "net/event_loop.h"
#include "net/http_server.h"

namespace cradle::bridge {

struct RelayOptions {
  std::chrono::seconds retryAfter{60};        // upstream unreachable / TLS refused
  std::chrono::seconds staleRetryAfter{300};  // upstream credential refused (stale)
  std::chrono::seconds requestTimeout{120};   // every command but Ping
  // MS-ASCMD 2.2.3.79.1: Ping without HeartbeatInterval; the upstream timeout is the heartbeat
  // plus pingMargin.
  uint32_t defaultPingHeartbeat = 3540;
  std::chrono::seconds pingMargin{120};
  // Heartbeat proxying (bridge/push_hub): device Pings are answered by the hub; off, a Ping is
  // relayed as it is.
  bool pushHub = false;
  PushHubOptions hub;
};

// The device-facing request handler (bridge/listener feeds it). Per request:
//   - eas::parseRequest (malformed: 400), Basic authentication with the device secret
//     (missing, unpaired or wrong: 401 with WWW-Authenticate; revoked: 403), never relayed
//     unless all of it passed; OPTIONS (no device id) accepts a secret of any active
//     partnership of the Basic user;
//   - the upstream request is rebuilt (same method, the target in the same query form through
//     eas::buildTarget, the EAS headers passed through, Authorization replaced by the stored
//     credential) and its answer goes back unchanged;
//   - upstream failures become 503 + Retry-After and an event in plain words (once per change
//     of the device's last error); an upstream 401 marks the credential stale and, while
//     stale, nothing goes upstream for that user: commands get 503, Pings are held locally for
//     their heartbeat and end with status 1;
//   - with RelayOptions::pushHub, Pings go to the PushHub (one upstream Ping per device,
//     device Pings answered locally) and relayed Syncs acknowledge its pending changes;
//   - the device's policy (bridge/policy, read from the store with each request, so `cradle
//     device set` applies at the next request): FolderSync answers lose the folders of
//     unselected data types; Pings lose such folders (a Ping left with none is held locally and
//     ends with status 1 at its heartbeat, nothing goes upstream); a Sync of such a collection
//     is relayed as it is (the device only knows it from an earlier, unfiltered hierarchy; the
//     server's answer is the least surprising); e-mail collections' Sync Options are bounded by
//     the e-mail limits; attachment fetches (ItemOperations FileReference, GetAttachment) are
//     refused while attachments are off (ItemOperations status 16, GetAttachment HTTP 403) and
//     above attachmentMaxBytes when on (status 11, HTTP 403).
// Loop thread for handle()/shutdown(); liveStatus() and credentialUpdated() from any thread.
// Store calls run on the loop thread (short reads; moving them off the loop is for later).
class Relay {
 public:
  Relay(net::EventLoop& loop, Store& store, RelayOptions options = {});
  ~Relay();
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  void handle(std::shared_ptr<net::HttpExchange> exchange);
  // Answers every exchange still waiting (Ping: status 1, others 503) and cancels upstream work;
  // later requests get 503.
  void shutdown();

  std::vector<DeviceLiveStatus> liveStatus() const;
  // The credential of user was replaced: held stale Pings of that user end now (status 1) so
  // their devices come back and are relayed again.
  void credentialUpdated(const std::string& user);

 private:
  struct Pending {
    std::shared_ptr<net::HttpExchange> exchange;
    std::string deviceId;
    std::string user;
    bool ping = false;
    UpstreamClient::RequestId upstream = 0;  // 0: held locally (stale credential)
    bool sync = false;                       // a Sync: acknowledges pending changes (hub)
    std::vector<std::string> syncFolders;    // its collections; empty: the cached Sync
    int64_t syncSeq = 0;                     // PushHub::pendingSeq() when it went upstream
    net::EventLoop::TimerId timer = 0;
    enum class Filter : uint8_t { None, FolderSync, ItemOperations, GetAttachment };
    Filter filter = Filter::None;  // the policy applied to the answer
    eas::ProtocolVersion version = eas::ProtocolVersion::V14_0;
  };
  struct DeviceInfo {
    int pingsInFlight = 0;
    std::string lastError;
  };

  void handleOptions(const std::shared_ptr<net::HttpExchange>& exchange);
  void handlePost(const std::shared_ptr<net::HttpExchange>& exchange);
  void relay(const std::shared_ptr<net::HttpExchange>& exchange, const Partnership& p,
             const eas::EasRequest* parsed);
  void finishUpstream(uint64_t key, net::HttpResult result, const Partnership& p);
  // The policy on the answer of a relayed request (FolderSync filter, attachment caps).
  void applyAnswerPolicy(const Pending& pending, const Partnership& p, net::HttpResponse& out);
  void markStale(const Partnership& p);
  void holdStalePing(const std::shared_ptr<net::HttpExchange>& exchange, const Partnership& p,
                     uint32_t heartbeat);
  void answerUnavailable(const std::shared_ptr<net::HttpExchange>& exchange, bool ping,
                         std::chrono::seconds retryAfter, bool heldPing);
  void noteError(const Partnership& p, const std::string& kind, const std::string& text);
  void clearError(const std::string& deviceId);
  void trackPing(const std::string& deviceId, int delta);
  void addEvent(const std::string& deviceId, const std::string& kind, const std::string& text);

  net::EventLoop& loop_;
  Store& store_;
  RelayOptions options_;
  UpstreamClient upstream_;
  std::unique_ptr<PushHub> hub_;  // when options_.pushHub
  bool stopping_ = false;
  uint64_t nextKey_ = 1;
  std::map<uint64_t, Pending> pending_;             // loop thread
  std::map<std::string, FolderTypes> folderTypes_;  // loop thread; per device id
  mutable std::mutex mutex_;                        // guards devices_
  std::map<std::string, DeviceInfo> devices_;
};

}  // namespace cradle::bridge
