// PushHub: heartbeat proxying; one upstream Ping per device, device Pings answered locally.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "bridge/store/store.h"
#include "bridge/upstream/upstream_client.h"
#include "eas/message/ping.h"
#include "net/event_loop.h"
#include "net/http_client.h"
#include "net/http_server.h"

namespace cradle::bridge {

struct PushHubOptions {
  uint32_t upstreamHeartbeat = 3540;     // H_up at start and its upper bound (seconds)
  uint32_t upstreamHeartbeatMin = 60;    // H_up never adapts below this
  uint32_t survivalsBeforeRaise = 3;     // full-heartbeat survivals before H_up goes up again
  std::chrono::seconds pingMargin{120};  // upstream time-out = H_up + pingMargin
  std::chrono::seconds maxBackoff{30};   // unreachable upstream: retries 1 s, 2 s, ... up to this
  // Wall clock for schedule shaping (peak hours are local time); empty: the system clock.
  std::function<std::chrono::system_clock::time_point()> now;
};

// What the relay hands over with a device Ping: where the upstream Ping goes and its request
// (target in the device's query form, EAS headers, the stored credential); the hub writes the
// body.
struct UpstreamTemplate {
  net::Endpoint endpoint;
  std::string caFile;
  net::HttpRequest request;
};

struct HubLiveStatus {
  bool devicePingHeld = false;
  bool upstreamPingHeld = false;
  uint32_t upstreamHeartbeat = 0;
};

// The push hub (DESIGN.md "Heartbeat proxying"). Per device: one upstream Ping in flight with
// H_up (adapted down when upstream Pings die early, back up after survivals), independent of
// the device's H_dev; at most one device Ping parked on the loop (a timer and the parked
// exchange, no thread) for H_dev minus a margin, answered status 1 when it runs out.
// Changes reported upstream are Store::addPending'd first, then delivered; they stay pending
// until the device's Sync of that folder is relayed with HTTP 200 (deviceSynced), so a device
// that sleeps, a bridge restart or an upstream outage loses nothing. The upstream Ping leaves
// out folders already pending (the server would answer at once for changes the device has not
// synced yet); a device Ping is answered status 2 at once while any of its folders is pending.
// Until the device syncs, a pending folder is reported to each of its Pings: that is EAS's own
// meaning of status 2 (not a second change).
// Schedule shaping (bridge/policy/schedule_shaper.h): outside AsItemsArrive, changes reported
// upstream are recorded as pending but held from the device (each counted as a wake-up saved)
// until the schedule's next slot, when a parked Ping is answered status 2; a manual schedule
// holds them until the device's own Sync. Parked Pings run to their expiry (status 1) meanwhile.
// Loop thread for everything but liveStatus() (any thread). Store calls run on the loop thread
// (single-row SQLite reads and writes under WAL, well under a millisecond here); moving them to
// a worker would need a per-device queue to keep their order and is left for later.
class PushHub {
 public:
  // The upstream refused the credential (401) for this device: the relay marks it stale.
  using Unauthorized = std::function<void(const std::string& deviceId)>;

  PushHub(net::EventLoop& loop, Store& store, UpstreamClient& upstream, PushHubOptions options,
          Unauthorized unauthorized);
  ~PushHub();
  PushHub(const PushHub&) = delete;
  PushHub& operator=(const PushHub&) = delete;

  // A device Ping that passed authentication; `ping` is its decoded body.
  void devicePing(const std::shared_ptr<net::HttpExchange>& exchange, const std::string& deviceId,
                  const eas::PingRequest& ping, UpstreamTemplate upstream);
  // The newest pending sequence number of the device, taken when its Sync goes upstream.
  int64_t pendingSeq(const std::string& deviceId) const;
  // The device's Sync of `folders` (empty: the cached Sync, taken as every folder), sent when
  // pendingSeq() was upToSeq, was relayed with HTTP 200: those folders' changes up to upToSeq
  // are no longer pending. A change recorded while the Sync was in flight stays pending (at
  // worst the device syncs once more and finds nothing; never a lost change).
  void deviceSynced(const std::string& deviceId, const std::vector<std::string>& folders,
                    int64_t upToSeq);
  // Answers parked device Pings with status 1 and cancels upstream Pings; nothing new starts.
  void shutdown();

  std::map<std::string, HubLiveStatus> liveStatus() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Device {
    std::vector<eas::PingFolder> folders;  // the device's cached Ping folders
    uint32_t deviceHeartbeat = 0;          // H_dev, cached
    std::optional<UpstreamTemplate> upstream;
    // upstream side
    uint64_t upstreamGen = 0;  // bumps on every send/cancel: stale callbacks are ignored
    UpstreamClient::RequestId upstreamId = 0;
    Clock::time_point upstreamStart;
    uint32_t heartbeatUp = 0;
    uint32_t heartbeatUpMax = 0;
    uint32_t heartbeatUpMin = 0;
    uint32_t survivals = 0;
    net::EventLoop::TimerId retryTimer = 0;
    std::chrono::seconds backoff{0};
    Clock::time_point blockedUntil{};  // 503 Retry-After
    bool halted = false;  // an answer the device must act on first (401, 3/4/6/7, HTTP error)
    std::optional<net::HttpResponse> forDevice;  // passed on at the device's next Ping
    // device side
    std::shared_ptr<net::HttpExchange> parked;
    net::EventLoop::TimerId parkTimer = 0;
    uint64_t parkGen = 0;
    // schedule shaping
    std::vector<std::string> held;  // pending folders not announced before the next slot
    net::EventLoop::TimerId slotTimer = 0;
  };

  void answerParked(const std::string& id, Device& d, net::HttpResponse response);
  bool deliverPending(const std::string& id, Device& d,
                      const std::shared_ptr<net::HttpExchange>& to);
  void ensureUpstream(const std::string& id, Device& d);
  void issueUpstream(const std::string& id, Device& d);
  void cancelUpstream(Device& d);
  void retryLater(const std::string& id, Device& d, std::chrono::milliseconds delay);
  void upstreamDone(const std::string& id, uint64_t gen, net::HttpResult result);
  void passToDevice(const std::string& id, Device& d, net::HttpResponse response);
  std::vector<std::string> pendingFolders(const std::string& id) const;
  void stats(const std::string& id, const StatisticsDelta& delta);
  void publish(const std::string& id, const Device& d);
  // Changes of `folders` just recorded: held by the device's schedule? (then counted as saved)
  bool holdBySchedule(const std::string& id, Device& d, const std::vector<std::string>& folders);

  net::EventLoop& loop_;
  Store& store_;
  UpstreamClient& upstream_;
  PushHubOptions options_;
  Unauthorized unauthorized_;
  bool stopping_ = false;
  std::map<std::string, Device> devices_;  // loop thread
  mutable std::mutex mutex_;               // guards live_
  std::map<std::string, HubLiveStatus> live_;
};

}  // namespace cradle::bridge
