// `device-sim load`: N simulated devices in Direct Push on one event loop, for the benchmarks.
#include "device-sim/load/load_runner.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <sstream>
#include <utility>
#include <vector>

#include "device-sim/client/utc_time.h"
#include "eas/base64.h"
#include "eas/http/request.h"
#include "eas/message/folder_sync.h"
#include "eas/message/ping.h"
#include "eas/message/sync.h"
#include "eas/wbxml/document.h"
#include "net/event_loop.h"
#include "net/http_client.h"
#include "net/tls.h"

namespace devicesim {

namespace {

namespace eas = cradle::eas;
namespace net = cradle::net;
using Clock = std::chrono::steady_clock;

constexpr auto CommandTimeout = std::chrono::seconds(120);
constexpr auto PingSlack = std::chrono::seconds(60);  // beyond the heartbeat, for the answer
constexpr eas::ProtocolVersion Version = eas::ProtocolVersion::V12_1;

int64_t nowUnixMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t percentile(std::vector<int64_t> v, double p) {
  if (v.empty()) {
    return 0;
  }
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

std::string jsonString(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::optional<eas::Document> documentOf(const net::HttpResult& r) {
  if (!r.ok() || r.response->status != 200 || r.response->body.empty()) {
    return std::nullopt;
  }
  auto doc = eas::Document::decode(r.response->body);
  if (!doc.ok()) {
    return std::nullopt;
  }
  return std::move(doc).value();
}

std::string describeFailure(const std::string& what, const net::HttpResult& r) {
  if (!r.ok()) {
    return what + ": " + r.error;
  }
  if (r.response->status == 449) {
    return what + ": HTTP 449 (the server wants a Provision: exempt the user from the policy)";
  }
  return what + ": HTTP " + std::to_string(r.response->status);
}

struct Device {
  std::string id;
  std::string inbox;
  std::string syncKey = "0";
  std::shared_ptr<net::AsyncHttpConnection> conn;
  uint32_t heartbeat = 0;
  bool held = false;
  bool everHeld = false;
  bool failed = false;
  bool woke = false;  // the Sync in flight follows a wake: its mails carry push latencies
};

}  // namespace

struct LoadRunner::Impl {
  Impl(LoadConfig c, FILE* o) : config(std::move(c)), out(o) {}

  LoadConfig config;
  FILE* out;
  net::EventLoop loop;
  net::Endpoint endpoint;
  std::shared_ptr<net::TlsContext> tls;
  std::vector<std::unique_ptr<Device>> devices;
  Clock::time_point start;
  bool readyPrinted = false;
  uint32_t held = 0;
  uint32_t settled = 0;  // devices that held a first Ping or failed
  uint32_t failures = 0;
  uint64_t wakeUps = 0;
  uint64_t wakesSynced = 0;
  std::vector<int64_t> latencies;
  std::string firstError;
  uint64_t closedSent = 0;
  uint64_t closedReceived = 0;

  net::HttpRequest request(eas::Command cmd, const Device& d, std::string body) const {
    eas::EasRequest r;
    r.cmd = cmd;
    r.user = config.user;
    r.deviceId = d.id;
    r.deviceType = "PocketPC";
    r.version = Version;
    net::HttpRequest h;
    h.method = "POST";
    auto target = eas::buildPlainTarget(r);
    auto headers = eas::buildRequestHeaders(r);
    if (target.ok()) {
      h.target = target.value();
    }
    if (headers.ok()) {
      h.headers.assign(headers->begin(), headers->end());
    }
    h.headers.emplace_back("Authorization",
                           "Basic " + eas::base64Encode(config.user + ":" + config.password));
    h.headers.emplace_back("User-Agent", "MSFT-PPC/5.2.5082");  // WM6 (device-sim/profiles)
    h.headers.emplace_back("Host", endpoint.hostHeader());
    if (!body.empty()) {
      h.headers.emplace_back("Content-Type", "application/vnd.ms-sync.wbxml");
    }
    h.body = std::move(body);
    return h;
  }

  void settle() {
    ++settled;
    if (!readyPrinted && settled >= devices.size()) {
      readyPrinted = true;
      const auto ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
      std::fprintf(out, "{\"event\":\"load-ready\",\"devices\":%zu,\"held\":%u,\"setupMs\":%lld}\n",
                   devices.size(), held, static_cast<long long>(ms));
      std::fflush(out);
    }
  }

  void fail(Device& d, std::string why) {
    if (d.failed) {
      return;
    }
    if (firstError.empty()) {
      firstError = d.id + ": " + why;
    }
    d.failed = true;
    ++failures;
    if (d.held) {
      d.held = false;
      --held;
    }
    if (!d.everHeld) {
      settle();
    }
    closedSent += d.conn->bytesSent();
    closedReceived += d.conn->bytesReceived();
    d.conn->close();
  }

  void startDevice(Device& d) {
    d.conn = net::AsyncHttpConnection::create(loop, endpoint, tls);
    d.heartbeat = config.heartbeatSeconds;
    d.conn->send(request(eas::Command::FolderSync, d, eas::encode(eas::FolderSyncRequest{"0"})),
                 CommandTimeout, [this, &d](net::HttpResult r) {
                   auto doc = documentOf(r);
                   if (!doc) {
                     fail(d, describeFailure("FolderSync", r));
                     return;
                   }
                   auto m = eas::decodeFolderSyncResponse(*doc);
                   if (!m.ok()) {
                     fail(d, "FolderSync: " + m.error().message());
                     return;
                   }
                   for (const auto& f : m->changes.value_or(std::vector<eas::FolderChange>{})) {
                     if (f.type == eas::FolderType::Inbox) {
                       d.inbox = f.serverId;
                     }
                   }
                   if (d.inbox.empty()) {
                     fail(d, "FolderSync: no Inbox");
                     return;
                   }
                   sync(d);
                 });
  }

  // MS-ASCMD 2.2.3.166: Sync 0 first (no GetChanges), then Syncs with GetChanges until no
  // MoreAvailable; then the Ping.
  void sync(Device& d) {
    eas::SyncRequest s;
    s.version = Version;
    eas::SyncCollectionRequest c;
    c.itemClass = eas::ItemClass::Email;
    c.collectionId = d.inbox;
    c.syncKey = d.syncKey;
    if (d.syncKey != "0") {
      c.getChanges = true;
      c.windowSize = 100;
    }
    s.collections.push_back(c);
    d.conn->send(request(eas::Command::Sync, d, eas::encode(s)), CommandTimeout,
                 [this, &d](net::HttpResult r) { onSync(d, r); });
  }

  void onSync(Device& d, const net::HttpResult& r) {
    if (r.ok() && r.response->status == 200 && r.response->body.empty() && d.syncKey != "0") {
      finishSync(d);  // 12.1: an empty answer means nothing changed
      return;
    }
    auto doc = documentOf(r);
    if (!doc) {
      fail(d, describeFailure("Sync", r));
      return;
    }
    const auto lookup = [](std::string_view) { return std::optional(eas::ItemClass::Email); };
    auto m = eas::decodeSyncResponse(*doc, Version, lookup);
    if (!m.ok() || m->collections.empty()) {
      fail(d, "Sync: " + (m.ok() ? std::string("no collection") : m.error().message()));
      return;
    }
    const auto& col = m->collections.front();
    if (col.status != eas::SyncStatus::Success) {
      fail(d, "Sync status " + std::to_string(static_cast<int>(col.status)));
      return;
    }
    const bool first = d.syncKey == "0";
    d.syncKey = col.syncKey;
    if (d.woke) {
      const int64_t arrived = nowUnixMillis();
      for (const auto& command : col.commands) {
        if (const auto* add = std::get_if<eas::SyncServerAdd>(&command)) {
          if (const auto* mail = std::get_if<eas::EmailItem>(&add->data)) {
            if (auto delivered = parseUtcMillis(mail->dateReceived.value_or(""))) {
              latencies.push_back(arrived - *delivered);
            }
          }
        }
      }
    }
    if (first || col.moreAvailable) {
      sync(d);
      return;
    }
    finishSync(d);
  }

  void finishSync(Device& d) {
    if (d.woke) {
      d.woke = false;
      ++wakesSynced;
    }
    ping(d);
  }

  void ping(Device& d) {
    eas::PingRequest p;
    p.heartbeatInterval = d.heartbeat;
    p.folders.push_back({d.inbox, eas::ItemClass::Email});
    d.held = true;
    ++held;
    d.conn->send(request(eas::Command::Ping, d, eas::encode(p)),
                 std::chrono::seconds(d.heartbeat) + PingSlack,
                 [this, &d](net::HttpResult r) { onPing(d, r); });
    if (!d.everHeld) {
      d.everHeld = true;
      settle();
    }
    if (config.wakeTarget > 0 && wakesSynced >= config.wakeTarget) {
      loop.stop();
    }
  }

  void onPing(Device& d, const net::HttpResult& r) {
    d.held = false;
    --held;
    auto doc = documentOf(r);
    if (!doc) {
      fail(d, describeFailure("Ping", r));
      return;
    }
    auto m = eas::decodePingResponse(*doc);
    if (!m.ok()) {
      fail(d, "Ping: " + m.error().message());
      return;
    }
    switch (m->status) {
      case eas::PingStatus::Expired:  // MS-ASCMD 2.2.3.177.11: nothing new, ping again
        ping(d);
        return;
      case eas::PingStatus::Changes:
        ++wakeUps;
        d.woke = true;
        sync(d);
        return;
      case eas::PingStatus::InvalidHeartbeat:  // the answer carries the allowed bound
        if (m->heartbeatInterval && *m->heartbeatInterval != d.heartbeat) {
          d.heartbeat = *m->heartbeatInterval;
          ping(d);
          return;
        }
        break;
      default:
        break;
    }
    fail(d, "Ping status " + std::to_string(static_cast<int>(m->status)) + " (" +
                std::string(eas::describe(m->status)) + ")");
  }

  void summary() {
    uint64_t sent = closedSent;
    uint64_t received = closedReceived;
    for (const auto& d : devices) {
      if (d->conn && !d->failed) {
        sent += d->conn->bytesSent();
        received += d->conn->bytesReceived();
      }
    }
    const int64_t maxLatency =
        latencies.empty() ? 0 : *std::max_element(latencies.begin(), latencies.end());
    std::ostringstream line;
    line << "{\"event\":\"load-summary\",\"devices\":" << devices.size() << ",\"held\":" << held
         << ",\"wakeUps\":" << wakeUps << ",\"latencies\":" << latencies.size()
         << ",\"p50Ms\":" << percentile(latencies, 0.5)
         << ",\"p99Ms\":" << percentile(latencies, 0.99) << ",\"maxMs\":" << maxLatency
         << ",\"bytesSent\":" << sent << ",\"bytesReceived\":" << received
         << ",\"failures\":" << failures;
    if (!firstError.empty()) {
      line << ",\"firstError\":" << jsonString(firstError);
    }
    line << "}\n";
    std::fputs(line.str().c_str(), out);
    std::fflush(out);
  }
};

LoadRunner::LoadRunner(LoadConfig config, FILE* out)
    : impl_(std::make_unique<Impl>(std::move(config), out)) {}

LoadRunner::~LoadRunner() = default;

void LoadRunner::stop() { impl_->loop.stop(); }

int LoadRunner::run() {
  Impl& s = *impl_;
  auto endpoint = net::parseEndpoint(s.config.url);
  if (!endpoint) {
    std::fprintf(stderr, "device-sim: bad URL %s\n", s.config.url.c_str());
    return 1;
  }
  s.endpoint = *endpoint;
  if (endpoint->tls) {
    std::string error;
    s.tls = net::TlsContext::client(s.config.caFile, error);
    if (!s.tls) {
      std::fprintf(stderr, "device-sim: %s\n", error.c_str());
      return 1;
    }
  }
  for (uint32_t i = 0; i < s.config.count; ++i) {
    auto d = std::make_unique<Device>();
    d->id = s.config.idPrefix + std::to_string(i);
    s.devices.push_back(std::move(d));
  }
  s.start = Clock::now();
  // Start in batches of 200 so that the set-up requests do not all land at once.
  constexpr std::size_t Batch = 200;
  for (std::size_t i = 0; i < s.devices.size(); i += Batch) {
    const auto delay = std::chrono::milliseconds(static_cast<int64_t>(i / Batch) * 100);
    const std::size_t end = std::min(i + Batch, s.devices.size());
    s.loop.runAfter(delay, [&s, i, end] {
      for (std::size_t j = i; j < end; ++j) {
        s.startDevice(*s.devices[j]);
      }
    });
  }
  if (s.config.durationMs > 0) {
    s.loop.runAfter(std::chrono::milliseconds(s.config.durationMs), [&s] { s.loop.stop(); });
  }
  s.loop.run();
  s.summary();
  return s.failures == 0 ? 0 : 1;
}

}  // namespace devicesim
