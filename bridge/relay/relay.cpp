// Relay: device authentication, request rebuilding and upstream answer mapping.
#include "bridge/relay/relay.h"

#include <algorithm>
#include <cctype>
#include <exception>
#include <utility>

#include "bridge/relay/redact.h"
#include "eas/base64.h"
#include "eas/http/headers.h"
#include "eas/message/item_operations.h"
#include "eas/message/ping.h"
#include "eas/message/sync.h"
#include "eas/wbxml/document.h"

namespace cradle::bridge {

namespace {

constexpr std::string_view WbxmlType = "application/vnd.ms-sync.wbxml";

// Headers a device request carries upstream unchanged (MS-ASHTTP 2.2.1.1.2).
constexpr std::string_view PassedRequestHeaders[] = {"MS-ASProtocolVersion", "X-MS-PolicyKey",
                                                     "User-Agent",           "Content-Type",
                                                     "MS-ASAcceptMultiPart", "Accept-Language"};

// Hop-by-hop headers that belong to one connection, not to the answer (RFC 9110 7.6.1).
bool hopByHop(std::string_view name) {
  static constexpr std::string_view Names[] = {
      "Connection",       "Keep-Alive", "Transfer-Encoding", "Content-Length",
      "Proxy-Connection", "TE",         "Trailer",           "Upgrade"};
  for (std::string_view n : Names) {
    if (eas::headerNameEquals(n, name)) {
      return true;
    }
  }
  return false;
}

bool equalsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// "DOMAIN\user" and "user" name the same mailbox.
std::string_view withoutDomain(std::string_view user) {
  const auto slash = user.rfind('\\');
  return slash == std::string_view::npos ? user : user.substr(slash + 1);
}

bool sameUser(std::string_view a, std::string_view b) {
  return equalsNoCase(withoutDomain(a), withoutDomain(b));
}

struct BasicCredentials {
  std::string user;
  std::string password;
};

// MS-ASHTTP 2.2.2.1.1: "Authorization: Basic base64(user:password)".
std::optional<BasicCredentials> parseBasic(const net::HeaderList& headers) {
  auto value = net::findHeader(headers, "Authorization");
  if (!value || value->size() < 6 || !equalsNoCase(value->substr(0, 6), "Basic ")) {
    return std::nullopt;
  }
  std::string_view token = value->substr(6);
  while (!token.empty() && token.front() == ' ') {
    token.remove_prefix(1);
  }
  auto decoded = eas::base64Decode(token);
  if (!decoded) {
    return std::nullopt;
  }
  const auto colon = decoded->find(':');
  if (colon == std::string::npos || colon == 0) {
    return std::nullopt;
  }
  return BasicCredentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

net::HttpResponse plain(int status, std::string text) {
  net::HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
  r.body = std::move(text) + "\n";
  return r;
}

net::HttpResponse unauthorized() {
  net::HttpResponse r = plain(401, "device not authorized");
  r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"cradle\"");
  return r;
}

// MS-ASCMD 2.2.3.162.11: Ping Status 1, the heartbeat expired without changes.
net::HttpResponse pingExpired() {
  net::HttpResponse r;
  eas::PingResponse ping;
  ping.status = eas::PingStatus::Expired;
  r.body = eas::encode(ping);
  r.headers.emplace_back("Content-Type", std::string(WbxmlType));
  return r;
}

std::string describeHost(const std::string& serverUrl) {
  auto endpoint = net::parseEndpoint(serverUrl);
  return endpoint ? endpoint->host : serverUrl;
}

bool looksLikeTls(const std::string& error) {
  static constexpr std::string_view Words[] = {"certificate", "host name", "handshake",
                                               "TLS",         "SSL",       "verify"};
  for (std::string_view w : Words) {
    if (error.find(w) != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace

Relay::Relay(net::EventLoop& loop, Store& store, RelayOptions options)
    : loop_(loop), store_(store), options_(options), upstream_(loop) {
  if (options_.pushHub) {
    hub_ = std::make_unique<PushHub>(loop_, store_, upstream_, options_.hub,
                                     [this](const std::string& deviceId) {
                                       auto found = store_.partnership(deviceId);
                                       if (found.ok() && found->has_value()) {
                                         markStale(**found);
                                       }
                                     });
  }
}

Relay::~Relay() = default;

void Relay::handle(std::shared_ptr<net::HttpExchange> exchange) {
  try {
    if (stopping_) {
      answerUnavailable(exchange, false, options_.retryAfter, false);
      return;
    }
    const net::HttpRequest& request = exchange->request();
    const std::string& target = request.target;
    const std::string_view path = eas::ActiveSyncPath;
    const std::string_view start = std::string_view(target).substr(0, target.find('?'));
    if (!equalsNoCase(start, path) && start.find("://") == std::string_view::npos) {
      exchange->respond(plain(404, "not found"));
      return;
    }
    if (request.method == "OPTIONS") {
      handleOptions(exchange);
    } else if (request.method == "POST") {
      handlePost(exchange);
    } else {
      net::HttpResponse r = plain(405, "method not allowed");
      r.headers.emplace_back("Allow", "OPTIONS, POST");
      exchange->respond(std::move(r));
    }
  } catch (const std::exception& e) {
    logLine(std::string("internal error: ") + e.what());
    exchange->respond(plain(500, "internal error"));
  }
}

void Relay::handleOptions(const std::shared_ptr<net::HttpExchange>& exchange) {
  auto basic = parseBasic(exchange->request().headers);
  if (!basic) {
    exchange->respond(unauthorized());
    return;
  }
  auto all = store_.partnerships();
  if (!all.ok()) {
    logLine("store: " + all.error().detail);
    answerUnavailable(exchange, false, options_.retryAfter, false);
    return;
  }
  for (const Partnership& p : *all) {
    if (p.state != PartnershipState::Active || !sameUser(p.user, basic->user)) {
      continue;
    }
    auto verified = store_.verifyDeviceSecret(p.deviceId, basic->password);
    if (verified.ok() && *verified) {
      relay(exchange, p, nullptr);
      return;
    }
  }
  logLine("OPTIONS from " + exchange->peerAddress() + " refused: no matching device secret");
  exchange->respond(unauthorized());
}

void Relay::handlePost(const std::shared_ptr<net::HttpExchange>& exchange) {
  const net::HttpRequest& request = exchange->request();
  auto parsed = eas::parseRequest(request.target, request.headers);
  if (!parsed.ok()) {
    logLine("malformed request from " + exchange->peerAddress() + ": " + parsed.error().message());
    exchange->respond(plain(400, "malformed request: " + parsed.error().detail));
    return;
  }
  const std::string& deviceId = parsed->deviceId;
  auto basic = parseBasic(request.headers);
  if (!basic) {
    exchange->respond(unauthorized());
    return;
  }
  auto found = store_.partnership(deviceId);
  if (!found.ok()) {
    logLine("store: " + found.error().detail);
    answerUnavailable(exchange, false, options_.retryAfter, false);
    return;
  }
  if (!found->has_value()) {
    logLine("device " + deviceId + " refused: not paired");
    exchange->respond(unauthorized());
    return;
  }
  const Partnership& p = **found;
  auto verified = store_.verifyDeviceSecret(deviceId, basic->password);
  if (!verified.ok() || !*verified || !sameUser(p.user, basic->user)) {
    logLine("device " + deviceId + " refused: wrong user or device secret");
    exchange->respond(unauthorized());
    return;
  }
  if (p.state != PartnershipState::Active) {
    logLine("device " + deviceId + " refused: partnership revoked");
    exchange->respond(plain(403, "device partnership revoked"));
    return;
  }
  relay(exchange, p, &*parsed);
}

void Relay::relay(const std::shared_ptr<net::HttpExchange>& exchange, const Partnership& p,
                  const eas::EasRequest* parsed) {
  const net::HttpRequest& in = exchange->request();
  const bool ping = parsed != nullptr && parsed->cmd == eas::Command::Ping;
  uint32_t heartbeat = options_.defaultPingHeartbeat;
  if (ping) {
    // MS-ASCMD 2.2.3.79.1: HeartbeatInterval; an empty Ping reuses the server's cached one.
    auto body = eas::decodePingRequestBody(in.body);
    if (body.ok() && body->heartbeatInterval && *body->heartbeatInterval > 0) {
      heartbeat = *body->heartbeatInterval;
    }
  }
  auto credential = store_.credential(p.user, p.serverUrl);
  if (!credential.ok() || !credential->has_value()) {
    noteError(p, "upstream-credential",
              "no stored password for " + p.user + " at " + describeHost(p.serverUrl));
    answerUnavailable(exchange, ping, options_.retryAfter, false);
    return;
  }
  if ((*credential)->stale) {
    // Password-change resync: nothing goes upstream until the user enters the new password.
    if (ping) {
      holdStalePing(exchange, p, heartbeat);
    } else {
      answerUnavailable(exchange, false, options_.staleRetryAfter, false);
    }
    return;
  }
  auto endpoint = net::parseEndpoint(p.serverUrl);
  if (!endpoint) {
    noteError(p, "upstream-config", "the server address " + p.serverUrl + " is not usable");
    answerUnavailable(exchange, ping, options_.retryAfter, false);
    return;
  }

  net::HttpRequest out;
  out.method = in.method;
  if (parsed != nullptr) {
    // The same query form the device used, so a binary device id stays the same bytes.
    auto target = eas::buildTarget(*parsed);
    if (!target.ok()) {
      exchange->respond(plain(400, "request cannot be forwarded: " + target.error().detail));
      return;
    }
    out.target = *target;
  } else {
    out.target = std::string(eas::ActiveSyncPath);
  }
  for (std::string_view name : PassedRequestHeaders) {
    if (auto value = net::findHeader(in.headers, name)) {
      out.headers.emplace_back(std::string(name), std::string(*value));
    }
  }
  out.headers.emplace_back("Authorization", "Basic " + eas::base64Encode((*credential)->user + ":" +
                                                                         (*credential)->password));
  out.body = in.body;

  const eas::ProtocolVersion version = parsed != nullptr
                                           ? parsed->version.value_or(eas::ProtocolVersion::V14_0)
                                           : eas::ProtocolVersion::V14_0;
  Pending::Filter filter = Pending::Filter::None;
  const eas::Command cmd = parsed != nullptr ? parsed->cmd : eas::Command::Sync;
  if (parsed != nullptr && ping) {
    auto body = eas::decodePingRequestBody(in.body);
    if (body.ok() && !body->folders.empty()) {
      auto kept = filterPingFolders(body->folders, p.dataTypes);
      if (kept.empty()) {
        // Only folders of unselected data types: nothing to watch upstream.
        holdStalePing(exchange, p, heartbeat);
        return;
      }
      if (kept.size() != body->folders.size()) {
        body->folders = std::move(kept);
        out.body = eas::encode(*body);
      }
    }
  } else if (parsed != nullptr && cmd == eas::Command::FolderSync) {
    filter = Pending::Filter::FolderSync;
  } else if (parsed != nullptr && cmd == eas::Command::Sync) {
    if (auto rewritten = rewriteSyncOptions(in.body, version, p.email, folderTypes_[p.deviceId])) {
      out.body = std::move(*rewritten);
    }
  } else if (parsed != nullptr && cmd == eas::Command::ItemOperations) {
    if (!p.email.attachments) {
      if (auto refused = refuseAttachmentFetches(in.body, version)) {
        net::HttpResponse r;
        r.body = std::move(*refused);
        r.headers.emplace_back("Content-Type", std::string(WbxmlType));
        exchange->respond(std::move(r));
        return;
      }
    } else if (p.email.attachmentMaxBytes > 0) {
      filter = Pending::Filter::ItemOperations;
    }
  } else if (parsed != nullptr && cmd == eas::Command::GetAttachment) {
    if (!p.email.attachments) {
      exchange->respond(plain(403, "attachments are off for this device"));
      return;
    }
    if (p.email.attachmentMaxBytes > 0) {
      filter = Pending::Filter::GetAttachment;
    }
  }

  if (ping && hub_) {
    auto body = eas::decodePingRequestBody(out.body);
    if (body.ok()) {
      out.body.clear();
      hub_->devicePing(exchange, p.deviceId, *body,
                       UpstreamTemplate{*endpoint, p.caFile, std::move(out)});
      return;
    }
    // A malformed Ping goes upstream as it is: the server's status 4 says what is wrong.
  }
  bool sync = false;
  std::vector<std::string> syncFolders;
  if (hub_ && parsed != nullptr && parsed->cmd == eas::Command::Sync) {
    sync = true;
    if (!out.body.empty()) {
      auto doc = eas::Document::decode(out.body);
      auto request = doc.ok() ? eas::decodeSyncRequest(
                                    *doc, parsed->version.value_or(eas::ProtocolVersion::V14_0))
                              : eas::Result<eas::SyncRequest>(doc.error());
      if (!request.ok()) {
        sync = false;  // the server refuses it too: nothing acknowledged
      } else {
        for (const auto& c : request->collections) {
          syncFolders.push_back(c.collectionId);
        }
      }
    }
  }

  const auto timeout =
      ping ? std::chrono::seconds(heartbeat) + options_.pingMargin : options_.requestTimeout;
  const uint64_t key = nextKey_++;
  Pending pending;
  pending.exchange = exchange;
  pending.deviceId = p.deviceId;
  pending.user = p.user;
  pending.ping = ping;
  pending.sync = sync;
  pending.syncFolders = std::move(syncFolders);
  pending.syncSeq = sync ? hub_->pendingSeq(p.deviceId) : 0;
  pending.filter = filter;
  pending.version = version;
  pending_.emplace(key, pending);
  if (ping) {
    trackPing(p.deviceId, 1);
  }
  const auto id = upstream_.send(
      *endpoint, p.caFile, std::move(out),
      std::chrono::duration_cast<std::chrono::milliseconds>(timeout),
      [this, key, p](net::HttpResult result) { finishUpstream(key, std::move(result), p); });
  pending_[key].upstream = id;
  // A device that gives up (closes its held Ping) ends the upstream request too.
  exchange->onPeerClosed([this, key] {
    auto it = pending_.find(key);
    if (it != pending_.end() && it->second.upstream != 0) {
      upstream_.cancel(it->second.upstream);
    }
  });
}

void Relay::finishUpstream(uint64_t key, net::HttpResult result, const Partnership& p) {
  auto it = pending_.find(key);
  if (it == pending_.end()) {
    return;
  }
  Pending pending = std::move(it->second);
  pending_.erase(it);
  if (pending.ping) {
    trackPing(pending.deviceId, -1);
  }
  if (pending.exchange->finished()) {
    return;  // the device left, or shutdown answered it
  }
  if (!result.ok()) {
    if (result.error == "cancelled") {
      answerUnavailable(pending.exchange, pending.ping, options_.retryAfter, false);
      return;
    }
    const std::string host = describeHost(p.serverUrl);
    if (looksLikeTls(result.error)) {
      noteError(p, "upstream-tls",
                "upstream certificate for " + host + " rejected: " + result.error);
    } else {
      noteError(p, "upstream-unreachable", "cannot reach " + host + ": " + result.error);
    }
    answerUnavailable(pending.exchange, pending.ping, options_.retryAfter, false);
    return;
  }
  net::HttpResponse& upstream = *result.response;
  if (upstream.status == 401) {
    markStale(p);
    answerUnavailable(pending.exchange, pending.ping, options_.staleRetryAfter, true);
    return;
  }
  clearError(pending.deviceId);
  if (hub_ && pending.sync && upstream.status == 200) {
    hub_->deviceSynced(pending.deviceId, pending.syncFolders, pending.syncSeq);
  }
  net::HttpResponse out;
  out.status = upstream.status;
  out.reason = upstream.reason;
  for (auto& [name, value] : upstream.headers) {
    if (!hopByHop(name)) {
      out.headers.emplace_back(name, value);
    }
  }
  out.body = std::move(upstream.body);
  if (out.status == 200) {
    applyAnswerPolicy(pending, p, out);
  }
  pending.exchange->respond(std::move(out));
}

void Relay::applyAnswerPolicy(const Pending& pending, const Partnership& p,
                              net::HttpResponse& out) {
  switch (pending.filter) {
    case Pending::Filter::None:
      return;
    case Pending::Filter::FolderSync:
      if (auto filtered = filterFolderSync(out.body, p.dataTypes, folderTypes_[p.deviceId])) {
        out.body = std::move(*filtered);
      }
      return;
    case Pending::Filter::ItemOperations:
      if (auto capped =
              capAttachmentFetches(out.body, pending.version, p.email.attachmentMaxBytes)) {
        out.body = std::move(*capped);
      }
      return;
    case Pending::Filter::GetAttachment:
      if (out.body.size() > p.email.attachmentMaxBytes) {
        out = plain(403, "the attachment is larger than this device may fetch");
      }
      return;
  }
}

void Relay::markStale(const Partnership& p) {
  // Password-change resync: never pass a 401 on (the device would prompt for a password it
  // does not hold); stop upstream attempts for this user at once (no account lock-out).
  auto changed = store_.markCredentialStale(p.user, p.serverUrl);
  if (changed.ok() && *changed) {
    addEvent(p.deviceId, "credential-stale",
             "the server " + describeHost(p.serverUrl) + " refused the password of " + p.user +
                 "; enter the new password with `cradle password " + p.user + "`");
  }
}

void Relay::holdStalePing(const std::shared_ptr<net::HttpExchange>& exchange, const Partnership& p,
                          uint32_t heartbeat) {
  const uint64_t key = nextKey_++;
  Pending pending;
  pending.exchange = exchange;
  pending.deviceId = p.deviceId;
  pending.user = p.user;
  pending.ping = true;
  pending.timer = loop_.runAfter(std::chrono::seconds(heartbeat), [this, key] {
    auto it = pending_.find(key);
    if (it == pending_.end()) {
      return;
    }
    auto done = std::move(it->second);
    pending_.erase(it);
    done.exchange->respond(pingExpired());
  });
  pending_.emplace(key, std::move(pending));
  exchange->onPeerClosed([this, key] {
    auto it = pending_.find(key);
    if (it != pending_.end() && it->second.upstream == 0) {
      loop_.cancel(it->second.timer);
      pending_.erase(it);
    }
  });
}

void Relay::answerUnavailable(const std::shared_ptr<net::HttpExchange>& exchange, bool ping,
                              std::chrono::seconds retryAfter, bool heldPing) {
  if (ping && heldPing) {
    // A held Ping ends as if its heartbeat expired; the device simply pings again.
    exchange->respond(pingExpired());
    return;
  }
  // MS-ASHTTP 2.2.2.1.2: 503 with Retry-After; the device retries later, it does not prompt.
  net::HttpResponse r = plain(503, "the Exchange server cannot be reached now");
  r.headers.emplace_back("Retry-After", std::to_string(retryAfter.count()));
  exchange->respond(std::move(r));
}

void Relay::shutdown() {
  stopping_ = true;
  if (hub_) {
    hub_->shutdown();
  }
  auto all = std::move(pending_);
  pending_.clear();
  for (auto& [key, pending] : all) {
    if (pending.timer != 0) {
      loop_.cancel(pending.timer);
    }
    answerUnavailable(pending.exchange, pending.ping, options_.retryAfter, true);
  }
  upstream_.cancelAll();
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [id, info] : devices_) {
    info.pingsInFlight = 0;
  }
}

void Relay::credentialUpdated(const std::string& user) {
  loop_.post([this, user] {
    std::vector<uint64_t> keys;
    for (auto& [key, pending] : pending_) {
      if (pending.upstream == 0 && sameUser(pending.user, user)) {
        keys.push_back(key);
      }
    }
    for (uint64_t key : keys) {
      auto it = pending_.find(key);
      loop_.cancel(it->second.timer);
      auto done = std::move(it->second);
      pending_.erase(it);
      done.exchange->respond(pingExpired());
    }
  });
}

std::vector<DeviceLiveStatus> Relay::liveStatus() const {
  const auto hub = hub_ ? hub_->liveStatus() : std::map<std::string, HubLiveStatus>{};
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<DeviceLiveStatus> out;
  for (const auto& [id, info] : devices_) {
    DeviceLiveStatus s;
    s.deviceId = id;
    // A Ping relayed as it is (no hub) is held at both ends at once.
    s.devicePingHeld = info.pingsInFlight > 0;
    s.upstreamPingHeld = info.pingsInFlight > 0;
    s.lastError = info.lastError;
    out.push_back(std::move(s));
  }
  for (const auto& [id, h] : hub) {
    auto it = std::find_if(out.begin(), out.end(),
                           [&id](const DeviceLiveStatus& s) { return s.deviceId == id; });
    if (it == out.end()) {
      it = out.insert(out.end(), DeviceLiveStatus{});
      it->deviceId = id;
    }
    it->devicePingHeld = it->devicePingHeld || h.devicePingHeld;
    it->upstreamPingHeld = it->upstreamPingHeld || h.upstreamPingHeld;
    it->upstreamHeartbeat = h.upstreamHeartbeat;
  }
  return out;
}

void Relay::noteError(const Partnership& p, const std::string& kind, const std::string& text) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    DeviceInfo& info = devices_[p.deviceId];
    if (info.lastError == text) {
      return;  // already told; one event per change, not per request
    }
    info.lastError = text;
  }
  addEvent(p.deviceId, kind, text);
}

void Relay::clearError(const std::string& deviceId) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = devices_.find(deviceId);
  if (it != devices_.end()) {
    it->second.lastError.clear();
  } else {
    devices_[deviceId];
  }
}

void Relay::trackPing(const std::string& deviceId, int delta) {
  std::lock_guard<std::mutex> lock(mutex_);
  devices_[deviceId].pingsInFlight += delta;
}

void Relay::addEvent(const std::string& deviceId, const std::string& kind,
                     const std::string& text) {
  const std::string safe = redact(text);
  logLine((deviceId.empty() ? std::string() : deviceId + ": ") + safe);
  auto added = store_.addEvent(deviceId, kind, safe);
  if (!added.ok()) {
    logLine("cannot record an event: " + added.error().detail);
  }
}

}  // namespace cradle::bridge
