// PushHub: the upstream Ping per device, parked device Pings and pending-change delivery.
#include "bridge/push_hub/push_hub.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "bridge/policy/schedule_shaper.h"
#include "bridge/relay/redact.h"
#include "eas/wbxml/document.h"

namespace cradle::bridge {

namespace {

constexpr std::string_view WbxmlType = "application/vnd.ms-sync.wbxml";

net::HttpResponse pingAnswer(const eas::PingResponse& ping) {
  net::HttpResponse r;
  r.body = eas::encode(ping);
  r.headers.emplace_back("Content-Type", std::string(WbxmlType));
  return r;
}

// MS-ASCMD 2.2.3.162.11: status 1, the heartbeat expired without changes.
net::HttpResponse pingExpired() { return pingAnswer(eas::PingResponse{}); }

net::HttpResponse pingStatus(eas::PingStatus status) {
  eas::PingResponse ping;
  ping.status = status;
  return pingAnswer(ping);
}

// How long a device Ping is held: H_dev minus 5 s, or a quarter of short heartbeats, so the
// answer reaches the device before it gives up.
std::chrono::milliseconds holdTime(uint32_t heartbeat) {
  const auto ms = std::chrono::milliseconds(int64_t{heartbeat} * 1000);
  return ms - std::min(std::chrono::milliseconds(5000), ms / 4);
}

bool contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

}  // namespace

PushHub::PushHub(net::EventLoop& loop, Store& store, UpstreamClient& upstream,
                 PushHubOptions options, Unauthorized unauthorized)
    : loop_(loop),
      store_(store),
      upstream_(upstream),
      options_(options),
      unauthorized_(std::move(unauthorized)) {
  options_.upstreamHeartbeatMin = std::max<uint32_t>(1, options_.upstreamHeartbeatMin);
  options_.upstreamHeartbeat = std::max(options_.upstreamHeartbeat, options_.upstreamHeartbeatMin);
  if (!options_.now) {
    options_.now = [] { return std::chrono::system_clock::now(); };
  }
}

PushHub::~PushHub() = default;

void PushHub::devicePing(const std::shared_ptr<net::HttpExchange>& exchange,
                         const std::string& deviceId, const eas::PingRequest& ping,
                         UpstreamTemplate upstream) {
  if (stopping_) {
    exchange->respond(pingExpired());
    return;
  }
  Device& d = devices_[deviceId];
  if (d.heartbeatUp == 0) {
    d.heartbeatUp = options_.upstreamHeartbeat;
    d.heartbeatUpMax = options_.upstreamHeartbeat;
    d.heartbeatUpMin = options_.upstreamHeartbeatMin;
  }
  StatisticsDelta delta;
  delta.devicePings = 1;
  stats(deviceId, delta);
  d.upstream = std::move(upstream);
  bool foldersChanged = false;
  if (!ping.folders.empty()) {
    std::vector<std::string> before;
    for (const auto& f : d.folders) {
      before.push_back(f.id);
    }
    std::vector<std::string> after;
    for (const auto& f : ping.folders) {
      after.push_back(f.id);
    }
    foldersChanged = before != after;
    d.folders = ping.folders;
  }
  if (ping.heartbeatInterval) {
    d.deviceHeartbeat = *ping.heartbeatInterval;
  }
  // An older parked Ping of this device is obsolete: the device no longer waits for it.
  if (d.parked) {
    answerParked(deviceId, d, pingExpired());
  }
  if (d.forDevice) {
    // An answer from upstream the device must act on (FolderSync, 449, ...): as it is.
    net::HttpResponse r = std::move(*d.forDevice);
    d.forDevice.reset();
    d.halted = false;
    exchange->respond(std::move(r));
    publish(deviceId, d);
    return;
  }
  if (d.folders.empty() || d.deviceHeartbeat == 0) {
    // MS-ASCMD 2.2.3.162.11 status 3: an empty Ping with nothing cached (also after a restart).
    exchange->respond(pingStatus(eas::PingStatus::MissingParameters));
    return;
  }
  d.halted = false;
  if (foldersChanged) {
    cancelUpstream(d);
  }
  if (!deliverPending(deviceId, d, exchange)) {
    d.parked = exchange;
    const uint64_t gen = ++d.parkGen;
    d.parkTimer = loop_.runAfter(holdTime(d.deviceHeartbeat), [this, deviceId, gen] {
      auto it = devices_.find(deviceId);
      if (it != devices_.end() && it->second.parked && it->second.parkGen == gen) {
        it->second.parkTimer = 0;
        answerParked(deviceId, it->second, pingExpired());
      }
    });
    exchange->onPeerClosed([this, deviceId, gen] {
      auto it = devices_.find(deviceId);
      if (it != devices_.end() && it->second.parked && it->second.parkGen == gen) {
        loop_.cancel(it->second.parkTimer);
        it->second.parkTimer = 0;
        it->second.parked.reset();
        publish(deviceId, it->second);
      }
    });
  }
  ensureUpstream(deviceId, d);
  publish(deviceId, d);
}

int64_t PushHub::pendingSeq(const std::string& deviceId) const {
  auto batch = store_.takePending(deviceId);
  return batch.ok() ? batch->seq : 0;
}

void PushHub::deviceSynced(const std::string& deviceId, const std::vector<std::string>& folders,
                           int64_t upToSeq) {
  if (upToSeq <= 0) {
    return;
  }
  auto it = devices_.find(deviceId);
  auto batch = store_.takePending(deviceId, upToSeq);
  if (!batch.ok()) {
    logLine("store: " + batch.error().detail);
    return;
  }
  if (batch->seq == 0) {
    return;
  }
  std::vector<std::string> keep;
  if (!folders.empty()) {
    for (const std::string& f : batch->folderIds) {
      if (!contains(folders, f)) {
        keep.push_back(f);
      }
    }
  }
  // Folders the Sync did not cover move to a new sequence number before the batch goes; newer
  // entries (seq > upToSeq >= batch->seq) are not touched by the acknowledgement.
  if (!keep.empty()) {
    auto added = store_.addPending(deviceId, keep);
    if (!added.ok()) {
      logLine("store: " + added.error().detail);
      return;
    }
  }
  auto acked = store_.acknowledgePending(deviceId, batch->seq);
  if (!acked.ok()) {
    logLine("store: " + acked.error().detail);
    return;
  }
  if (it != devices_.end()) {
    // The device has seen these folders: nothing of them is held any more.
    auto& held = it->second.held;
    held.erase(std::remove_if(
                   held.begin(), held.end(),
                   [&](const std::string& f) { return folders.empty() || contains(folders, f); }),
               held.end());
  }
  if (it != devices_.end() && !stopping_ && !it->second.halted && it->second.upstream) {
    // The synced folders go back into the upstream Ping.
    cancelUpstream(it->second);
    ensureUpstream(deviceId, it->second);
    publish(deviceId, it->second);
  }
}

void PushHub::shutdown() {
  stopping_ = true;
  for (auto& [id, d] : devices_) {
    if (d.parked) {
      answerParked(id, d, pingExpired());
    }
    cancelUpstream(d);
    loop_.cancel(d.retryTimer);
    d.retryTimer = 0;
    loop_.cancel(d.slotTimer);
    d.slotTimer = 0;
    publish(id, d);
  }
}

std::map<std::string, HubLiveStatus> PushHub::liveStatus() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return live_;
}

void PushHub::answerParked(const std::string& id, Device& d, net::HttpResponse response) {
  loop_.cancel(d.parkTimer);
  d.parkTimer = 0;
  auto exchange = std::move(d.parked);
  d.parked.reset();
  if (exchange && !exchange->finished()) {
    exchange->respond(std::move(response));
  }
  publish(id, d);
}

bool PushHub::deliverPending(const std::string& id, Device& d,
                             const std::shared_ptr<net::HttpExchange>& to) {
  const std::vector<std::string> pending = pendingFolders(id);
  eas::PingResponse ping;
  ping.status = eas::PingStatus::Changes;
  for (const auto& f : d.folders) {
    if (contains(pending, f.id) && !contains(d.held, f.id)) {
      ping.folders.push_back(f.id);  // MS-ASCMD 2.2.3.71.2: the changed folders
    }
  }
  if (ping.folders.empty()) {
    return false;
  }
  // The folders stay pending until the device's Sync of them is relayed (deviceSynced).
  if (to == d.parked) {
    answerParked(id, d, pingAnswer(ping));
  } else {
    to->respond(pingAnswer(ping));
  }
  StatisticsDelta delta;
  delta.wakeupsDelivered = 1;
  stats(id, delta);
  return true;
}

void PushHub::ensureUpstream(const std::string& id, Device& d) {
  if (stopping_ || d.halted || d.upstreamId != 0 || !d.upstream) {
    return;
  }
  if (Clock::now() < d.blockedUntil) {
    return;  // 503 back-off: its timer re-issues
  }
  if (d.retryTimer != 0) {
    // The device is here: try the unreachable upstream now instead of after the back-off.
    loop_.cancel(d.retryTimer);
    d.retryTimer = 0;
  }
  issueUpstream(id, d);
}

void PushHub::issueUpstream(const std::string& id, Device& d) {
  const std::vector<std::string> pending = pendingFolders(id);
  eas::PingRequest ping;
  ping.heartbeatInterval = d.heartbeatUp;
  for (const auto& f : d.folders) {
    if (!contains(pending, f.id)) {
      ping.folders.push_back(f);
    }
  }
  if (ping.folders.empty()) {
    return;  // every folder is pending: the device's Sync brings them back (deviceSynced)
  }
  net::HttpRequest request = d.upstream->request;
  request.body = eas::encode(ping);
  const uint64_t gen = ++d.upstreamGen;
  d.upstreamStart = Clock::now();
  const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::seconds(d.heartbeatUp) + options_.pingMargin);
  d.upstreamId = upstream_.send(
      d.upstream->endpoint, d.upstream->caFile, std::move(request), timeout,
      [this, id, gen](net::HttpResult result) { upstreamDone(id, gen, std::move(result)); });
  StatisticsDelta delta;
  delta.upstreamPings = 1;
  delta.heartbeatUpSeconds = d.heartbeatUp;
  stats(id, delta);
}

void PushHub::cancelUpstream(Device& d) {
  if (d.upstreamId != 0) {
    ++d.upstreamGen;
    upstream_.cancel(d.upstreamId);
    d.upstreamId = 0;
  }
}

void PushHub::retryLater(const std::string& id, Device& d, std::chrono::milliseconds delay) {
  loop_.cancel(d.retryTimer);
  d.retryTimer = loop_.runAfter(delay, [this, id] {
    auto it = devices_.find(id);
    if (it == devices_.end()) {
      return;
    }
    it->second.retryTimer = 0;
    it->second.blockedUntil = {};
    ensureUpstream(id, it->second);
    publish(id, it->second);
  });
}

void PushHub::upstreamDone(const std::string& id, uint64_t gen, net::HttpResult result) {
  auto it = devices_.find(id);
  if (it == devices_.end() || it->second.upstreamGen != gen || stopping_) {
    return;  // cancelled or replaced
  }
  Device& d = it->second;
  d.upstreamId = 0;
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - d.upstreamStart);
  const auto heartbeat = std::chrono::milliseconds(int64_t{d.heartbeatUp} * 1000);
  if (!result.ok()) {
    if (elapsed >= std::chrono::seconds(1) && elapsed < heartbeat) {
      // Died before its heartbeat without an answer: a NAT or proxy forgets idle flows sooner.
      // Next H_up: what survived minus a margin (a tenth, at least 1 s).
      const int64_t survived = elapsed.count() / 1000;
      const int64_t next = survived - std::max<int64_t>(1, survived / 10);
      d.heartbeatUp =
          static_cast<uint32_t>(std::clamp<int64_t>(next, d.heartbeatUpMin, d.heartbeatUp));
      d.survivals = 0;
      d.backoff = std::chrono::seconds(0);
      StatisticsDelta delta;
      delta.upstreamPingsDiedEarly = 1;
      delta.heartbeatUpSeconds = d.heartbeatUp;
      stats(id, delta);
      logLine(id + ": upstream Ping ended after " + std::to_string(survived) +
              " s without an answer; upstream heartbeat now " + std::to_string(d.heartbeatUp) +
              " s");
      issueUpstream(id, d);
    } else {
      d.backoff = std::clamp(d.backoff * 2, std::chrono::seconds(1), options_.maxBackoff);
      logLine(id + ": upstream Ping failed (" + result.error + "); retry in " +
              std::to_string(d.backoff.count()) + " s");
      retryLater(id, d, d.backoff);
    }
    publish(id, d);
    return;
  }
  d.backoff = std::chrono::seconds(0);
  net::HttpResponse& response = *result.response;
  if (response.status == 401) {
    // Password-change resync: no retries; the device's Pings are held by the relay meanwhile.
    d.halted = true;
    if (d.parked) {
      answerParked(id, d, pingExpired());
    }
    if (unauthorized_) {
      unauthorized_(id);
    }
    publish(id, d);
    return;
  }
  if (response.status == 503) {
    // MS-ASHTTP 2.2.2.1.2: back off for Retry-After; parked device Pings run to their expiry.
    int64_t seconds = 60;
    if (auto value = net::findHeader(response.headers, "Retry-After")) {
      int64_t parsed = 0;
      auto [end, ec] = std::from_chars(value->data(), value->data() + value->size(), parsed);
      if (ec == std::errc() && end == value->data() + value->size() && parsed >= 0) {
        seconds = std::clamp<int64_t>(parsed, 1, 3600);
      }
    }
    d.blockedUntil = Clock::now() + std::chrono::seconds(seconds);
    retryLater(id, d, std::chrono::seconds(seconds));
    publish(id, d);
    return;
  }
  if (response.status != 200) {
    passToDevice(id, d, std::move(response));  // 449, 451, 507, 403 ...: as they are
    return;
  }
  auto doc = eas::Document::decode(response.body);
  auto ping =
      doc.ok() ? eas::decodePingResponse(*doc) : eas::Result<eas::PingResponse>(doc.error());
  if (!ping.ok()) {
    logLine(id + ": upstream Ping answer not understood: " + ping.error().message());
    d.backoff = std::chrono::seconds(1);
    retryLater(id, d, d.backoff);
    return;
  }
  switch (ping->status) {
    case eas::PingStatus::Expired:
      if (elapsed + std::chrono::seconds(1) >= heartbeat &&
          ++d.survivals >= options_.survivalsBeforeRaise && d.heartbeatUp < d.heartbeatUpMax) {
        // Survived its heartbeat several times: try longer again (+10 %, at least 1 s).
        d.heartbeatUp =
            std::min(d.heartbeatUpMax, d.heartbeatUp + std::max<uint32_t>(1, d.heartbeatUp / 10));
        d.survivals = 0;
      }
      issueUpstream(id, d);
      break;
    case eas::PingStatus::Changes: {
      auto added = store_.addPending(id, ping->folders);
      if (!added.ok()) {
        // Not recorded: ask again shortly (the server reports it again) rather than lose it.
        logLine("store: " + added.error().detail);
        retryLater(id, d, std::chrono::seconds(1));
        break;
      }
      const bool held = holdBySchedule(id, d, ping->folders);
      if (d.parked && !held) {
        auto parked = d.parked;
        deliverPending(id, d, parked);
      }
      issueUpstream(id, d);
      break;
    }
    case eas::PingStatus::InvalidHeartbeat:
      // MS-ASCMD 2.2.3.79.1: the server's bound for our H_up; the device's own is not involved.
      if (ping->heartbeatInterval && *ping->heartbeatInterval != d.heartbeatUp) {
        const uint32_t bound = *ping->heartbeatInterval;
        if (bound < d.heartbeatUp) {
          d.heartbeatUpMax = bound;
          d.heartbeatUpMin = std::min(d.heartbeatUpMin, bound);
        } else {
          d.heartbeatUpMin = bound;
          d.heartbeatUpMax = std::max(d.heartbeatUpMax, bound);
        }
        d.heartbeatUp = bound;
        issueUpstream(id, d);
        break;
      }
      passToDevice(id, d, pingAnswer(*ping));
      return;
    case eas::PingStatus::ServerError:
      d.backoff = std::chrono::seconds(1);
      retryLater(id, d, d.backoff);
      break;
    case eas::PingStatus::FolderSyncRequired:
      d.folders.clear();  // the hierarchy changed: the device sends its new list
      passToDevice(id, d, pingAnswer(*ping));
      return;
    default:  // 3, 4, 6 and unknown: the device must change its request
      passToDevice(id, d, pingAnswer(*ping));
      return;
  }
  publish(id, d);
}

void PushHub::passToDevice(const std::string& id, Device& d, net::HttpResponse response) {
  d.halted = true;  // nothing goes upstream until the device's next Ping
  if (d.parked) {
    answerParked(id, d, std::move(response));
  } else {
    d.forDevice = std::move(response);
  }
  publish(id, d);
}

std::vector<std::string> PushHub::pendingFolders(const std::string& id) const {
  auto batch = store_.takePending(id);
  if (!batch.ok()) {
    logLine("store: " + batch.error().detail);
    return {};
  }
  return batch->folderIds;
}

bool PushHub::holdBySchedule(const std::string& id, Device& d,
                             const std::vector<std::string>& folders) {
  auto found = store_.partnership(id);
  if (!found.ok() || !found->has_value()) {
    return false;
  }
  const Schedule& schedule = (*found)->schedule;
  const auto now = options_.now();
  if (ScheduleShaper::deliverNow(schedule, now)) {
    d.held.clear();
    return false;
  }
  int64_t saved = 0;
  for (const std::string& f : folders) {
    if (!contains(d.held, f)) {
      d.held.push_back(f);
    }
    ++saved;
  }
  StatisticsDelta delta;
  delta.wakeupsSaved = saved;
  stats(id, delta);
  if (d.slotTimer == 0) {
    if (auto slot = ScheduleShaper::nextSlot(schedule, now)) {
      const auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(*slot - now);
      d.slotTimer = loop_.runAfter(std::max(delay, std::chrono::milliseconds(0)), [this, id] {
        auto it = devices_.find(id);
        if (it == devices_.end()) {
          return;
        }
        Device& dev = it->second;
        dev.slotTimer = 0;
        dev.held.clear();  // the slot: everything held is announced now
        if (dev.parked && !stopping_) {
          auto parked = dev.parked;
          deliverPending(id, dev, parked);
        }
      });
    }
  }
  return true;
}

void PushHub::stats(const std::string& id, const StatisticsDelta& delta) {
  auto added = store_.addStatistics(id, delta);
  if (!added.ok()) {
    logLine("store: " + added.error().detail);
  }
}

void PushHub::publish(const std::string& id, const Device& d) {
  std::lock_guard<std::mutex> lock(mutex_);
  HubLiveStatus& s = live_[id];
  s.devicePingHeld = d.parked != nullptr;
  s.upstreamPingHeld = d.upstreamId != 0;
  s.upstreamHeartbeat = d.heartbeatUp;
}

}  // namespace cradle::bridge
