// EasService: authentication, request checks, dispatch, Ping parking and the wire mapping.
#include "mapi-sim/server/eas_service.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <set>
#include <sstream>
#include <thread>

#include "eas/ascii.h"
#include "eas/base64.h"
#include "eas/http/headers.h"
#include "eas/http/request.h"
#include "eas/http/status.h"
#include "eas/message/common.h"
#include "eas/message/ping.h"
#include "eas/wbxml/document.h"
#include "mapi-sim/handlers/command.h"
#include "net/http_client.h"

namespace mapisim {

namespace eas = cradle::eas;
namespace net = cradle::net;
using eas::Command;
using eas::HttpStatus;
using eas::PingResponse;
using eas::PingStatus;
using eas::ProtocolVersion;

namespace {

std::string sha256(std::string_view text) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(text.data(), static_cast<unsigned>(text.size()));
  return Poco::DigestEngine::digestToHex(engine.digest());
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = eas::asciiLower(c);
  }
  return out;
}

// "DOMAIN\user" and "user@domain" log-ins name the same mailbox as "user".
std::string mailboxName(std::string_view login) {
  if (auto slash = login.rfind('\\'); slash != std::string_view::npos) {
    login.remove_prefix(slash + 1);
  }
  return std::string(login);
}

struct Credentials {
  std::string user;
  std::string password;
};

// RFC 7617 Basic; nullopt when absent or malformed.
std::optional<Credentials> basicCredentials(const net::HttpRequest& request) {
  auto value = net::findHeader(request.headers, "Authorization");
  if (!value) {
    return std::nullopt;
  }
  std::string_view v = *value;
  if (v.size() < 6 || !eas::equalsIgnoreCase(v.substr(0, 6), "Basic ")) {
    return std::nullopt;
  }
  v.remove_prefix(6);
  while (!v.empty() && v.front() == ' ') {
    v.remove_prefix(1);
  }
  auto decoded = eas::base64Decode(v);
  if (!decoded) {
    return std::nullopt;
  }
  auto colon = decoded->find(':');
  if (colon == std::string::npos || colon == 0) {
    return std::nullopt;
  }
  return Credentials{decoded->substr(0, colon), decoded->substr(colon + 1)};
}

std::string_view serverBuild(const ServerSettings& s) {
  // MS-Server-ActiveSync as the two products sent it.
  return s.profile == "exchange2003sp2" ? eas::Exchange2003Sp2Build : std::string_view("8.1");
}

bool isCodecError(eas::ErrorCode code) {
  return code <= eas::ErrorCode::BadText;
}

}  // namespace

// ----------------------------------------------------------------------------------------------
// AUTD notifier: a thread that POSTs "new items" notices to SMS gateways, off the hot paths.

struct EasService::Notifier {
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<std::pair<std::string, std::string>> queue;  // url, text
  bool stopping = false;
  std::thread thread;
  std::atomic<uint64_t>* sent = nullptr;
  EventLog* log = nullptr;

  void start() {
    thread = std::thread([this] { run(); });
  }
  void stop() {
    {
      std::lock_guard lock(mutex);
      if (stopping) {
        return;
      }
      stopping = true;
    }
    ready.notify_all();
    if (thread.joinable()) {
      thread.join();
    }
  }
  void push(std::string url, std::string text) {
    {
      std::lock_guard lock(mutex);
      if (queue.size() > 10'000) {
        return;  // a gateway that never answers must not grow memory without bound
      }
      queue.emplace_back(std::move(url), std::move(text));
    }
    ready.notify_one();
  }
  void run() {
    for (;;) {
      std::pair<std::string, std::string> job;
      {
        std::unique_lock lock(mutex);
        ready.wait(lock, [this] { return stopping || !queue.empty(); });
        if (stopping) {
          return;
        }
        job = std::move(queue.front());
        queue.pop_front();
      }
      auto endpoint = net::parseEndpoint(job.first);
      if (!endpoint) {
        log->add("autd", "notification URL is malformed: " + job.first);
        continue;
      }
      std::string path = "/";
      if (auto p = job.first.find('/', job.first.find("//") + 2); p != std::string::npos) {
        path = job.first.substr(p);
      }
      std::string caError;
      std::shared_ptr<net::TlsContext> tls;
      if (endpoint->tls) {
        tls = net::TlsContext::client("", caError);
      }
      net::BlockingHttpClient client(*endpoint, tls, std::chrono::milliseconds(5000));
      net::HttpRequest request;
      request.method = "POST";
      request.target = path;
      request.headers.emplace_back("Content-Type", "text/plain; charset=utf-8");
      request.body = job.second;
      net::HttpResult result = client.send(request);
      if (result.ok() && result.response->status / 100 == 2) {
        ++*sent;
      } else {
        log->add("autd", "notification to " + endpoint->hostHeader() + " failed: " +
                             (result.ok() ? "HTTP " + std::to_string(result.response->status)
                                          : result.error));
      }
    }
  }
};

// ----------------------------------------------------------------------------------------------

EasService::EasService(Mailbox& mailbox, EventLog& log, Faults& faults, WorkQueue& work, bool tls)
    : mailbox_(mailbox), log_(log), faults_(faults), work_(work), tls_(tls) {
  auto stored = mailbox_.setting("server");
  ServerSettings s;
  if (stored) {
    auto parsed = settingsFromJson(*stored);
    if (parsed.ok()) {
      s = std::move(parsed).value();
    } else {
      log_.add("settings", "stored settings unreadable, defaults used: " + parsed.error().message());
    }
  }
  settings_ = std::make_shared<const ServerSettings>(s);
  hub_ = std::make_unique<PushHub>(
      mailbox_, log_,
      [this](net::HttpExchange& ex, const PingResponse& response) {
        net::HttpResponse r;
        r.headers.emplace_back("Content-Type", "application/vnd.ms-sync.wbxml");
        r.headers.emplace_back("MS-Server-ActiveSync", std::string(serverBuild(*settings())));
        r.body = eas::encode(response);
        ex.respond(std::move(r));
      },
      s.heartbeatLogWindow, s.heartbeatLogThreshold);
  notifier_ = std::make_unique<Notifier>();
  notifier_->sent = &sms_;
  notifier_->log = &log_;
  notifier_->start();
  loadNotifyTargets();
}

EasService::~EasService() { shutdown(); }

void EasService::shutdown() { notifier_->stop(); }

std::shared_ptr<const ServerSettings> EasService::settings() const {
  std::lock_guard lock(mutex_);
  return settings_;
}

eas::Status EasService::setSettings(const ServerSettings& s) {
  CRADLE_TRY(mailbox_.setSetting("server", toJson(s)));
  {
    std::lock_guard lock(mutex_);
    settings_ = std::make_shared<const ServerSettings>(s);
  }
  hub_->setAlertBounds(s.heartbeatLogWindow, s.heartbeatLogThreshold);
  return {};
}

void EasService::forgetCredentials(const std::string& userName) {
  std::lock_guard lock(mutex_);
  credentialCache_.erase(lower(userName));
}

void EasService::loadNotifyTargets() {
  std::lock_guard lock(mutex_);
  notifyUrls_.clear();
  for (const DeviceRecord& d : mailbox_.devices()) {
    if (!d.notifyUrl.empty()) {
      notifyUrls_[d.userId].push_back(d.notifyUrl);
    }
  }
  for (const UserRecord& u : mailbox_.users()) {
    if (auto a = mailbox_.setting("notify-smtp:" + lower(u.name)); a && !a->empty()) {
      notifySmtp_[lower(u.name)] = *a;
    }
  }
}

eas::Status EasService::setNotifyUrl(const std::string& deviceId, const std::string& url) {
  auto device = mailbox_.deviceByDeviceId(eas::canonicalDeviceId(deviceId));
  if (!device) {
    return eas::makeError(eas::ErrorCode::BadValue, 0, "no device " + deviceId);
  }
  if (!url.empty() && !net::parseEndpoint(url)) {
    return eas::makeError(eas::ErrorCode::BadValue, 0, "not an http(s) URL: " + url);
  }
  device->notifyUrl = url;
  CRADLE_TRY(mailbox_.saveDevice(*device));
  loadNotifyTargets();
  return {};
}

void EasService::setNotifySmtp(const std::string& userName, const std::string& address) {
  (void)mailbox_.setSetting("notify-smtp:" + lower(userName), address);
  std::lock_guard lock(mutex_);
  if (address.empty()) {
    notifySmtp_.erase(lower(userName));
  } else {
    notifySmtp_[lower(userName)] = address;
  }
}

std::vector<ProtocolVersion> EasService::versions() const {
  if (settings()->profile == "exchange2003sp2") {
    return {ProtocolVersion::V2_5};
  }
  return {ProtocolVersion::V2_5, ProtocolVersion::V12_0, ProtocolVersion::V12_1,
          ProtocolVersion::V14_0, ProtocolVersion::V14_1};
}

EasStats EasService::stats() const {
  EasStats s;
  s.requests = requests_.load();
  s.unauthorized = unauthorized_.load();
  s.badRequests = badRequests_.load();
  s.smsNotifications = sms_.load();
  s.smtpNotifications = smtp_.load();
  s.heldPings = hub_->held();
  s.pingWakeups = hub_->wakeups();
  s.pingExpiries = hub_->expiries();
  return s;
}

void EasService::onChange(const ChangeNotice& notice) {
  hub_->onChange(notice);
  if (notice.folderIds.empty()) {
    return;
  }
  const auto s = settings();
  std::vector<std::string> urls;
  std::string smtp;
  std::string userName;
  {
    std::lock_guard lock(mutex_);
    if (s->mobile.upToDateNotifications) {
      if (auto it = notifyUrls_.find(notice.userId); it != notifyUrls_.end()) {
        urls = it->second;
      }
    }
  }
  if (s->mobile.notifyUserSmtpAddresses) {
    if (auto user = mailbox_.userById(notice.userId)) {
      userName = user->name;
      std::lock_guard lock(mutex_);
      if (auto it = notifySmtp_.find(lower(user->name)); it != notifySmtp_.end()) {
        smtp = it->second;
      }
    }
  }
  for (const std::string& url : urls) {
    // Exchange 2003 AUTD: a short notice that tells the device to sync; no content.
    notifier_->push(url, "AUTD: new items for " + std::to_string(notice.userId));
  }
  if (!smtp.empty()) {
    ++smtp_;
    log_.add("smtp-notification", "change notice for " + userName + " sent to " + smtp);
  }
}

// ----------------------------------------------------------------------------------------------
// The request path.

namespace {

net::HttpResponse toHttp(const CommandReply& reply, const ServerSettings& s) {
  net::HttpResponse r;
  r.status = static_cast<int>(reply.outcome.status);
  if (auto info = eas::httpStatusInfo(reply.outcome.status)) {
    r.reason = std::string(info->reason);
  }
  for (auto& [name, value] : eas::outcomeHeaders(reply.outcome)) {
    r.headers.emplace_back(name, value);
  }
  r.headers.emplace_back("MS-Server-ActiveSync", std::string(serverBuild(s)));
  if (reply.outcome.status == HttpStatus::Unauthorized) {
    r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"mapi-sim\"");
  }
  if (!reply.body.empty()) {
    r.headers.emplace_back("Content-Type", reply.contentType.empty()
                                               ? std::string("application/vnd.ms-sync.wbxml")
                                               : reply.contentType);
  }
  r.body = reply.body;
  return r;
}

CommandReply textReply(HttpStatus status, std::string text) {
  CommandReply r = httpReply(status);
  r.body = std::move(text);
  if (!r.body.empty() && r.body.back() != '\n') {
    r.body += '\n';
  }
  r.contentType = "text/plain; charset=utf-8";
  return r;
}

void send(const std::shared_ptr<net::HttpExchange>& ex, net::HttpResponse response,
          const FaultPlan& plan) {
  if (plan.dripBytes > 0) {
    ex->respondSlowly(std::move(response), plan.dripBytes,
                      std::chrono::milliseconds(plan.dripIntervalMs));
    return;
  }
  if (plan.delayMs > 0) {
    net::EventLoop& loop = ex->loop();
    auto shared = std::make_shared<net::HttpResponse>(std::move(response));
    loop.post([ex, shared, &loop, delay = plan.delayMs] {
      loop.runAfter(std::chrono::milliseconds(delay), [ex, shared] { ex->respond(*shared); });
    });
    return;
  }
  ex->respond(std::move(response));
}

}  // namespace

void EasService::handle(std::shared_ptr<net::HttpExchange> exchange) {
  ++requests_;
  const net::HttpRequest& request = exchange->request();
  std::string_view path = request.target;
  path = path.substr(0, path.find('?'));
  if (eas::equalsIgnoreCase(path, "/autodiscover/autodiscover.xml")) {
    work_.post([this, exchange] { autodiscover(exchange); });
    return;
  }
  if (!eas::equalsIgnoreCase(path, eas::ActiveSyncPath)) {
    exchange->respond(toHttp(textReply(HttpStatus::NotFound, "no such path"), *settings()));
    return;
  }
  const FaultPlan plan = faults_.planRequest();
  if (plan.unavailable) {
    CommandReply reply = httpReply(HttpStatus::ServiceUnavailable);
    reply.outcome.retryAfter = plan.retryAfterSeconds;
    exchange->respond(toHttp(reply, *settings()));
    return;
  }
  work_.post([this, exchange, plan] {
    try {
      process(exchange, plan);
    } catch (const std::exception& e) {
      log_.add("error", std::string("request failed: ") + e.what());
      exchange->respond(toHttp(textReply(HttpStatus::InternalServerError, "server error"),
                               *settings()));
    }
  });
}

void EasService::process(const std::shared_ptr<net::HttpExchange>& ex, const FaultPlan& plan) {
  const net::HttpRequest& request = ex->request();
  const auto s = settings();
  auto reply = [&](const CommandReply& r) { send(ex, toHttp(r, *s), plan); };

  // MS-ASHTTP 2.2.2.1.1: Basic authentication; 401 asks the device for its credentials.
  auto credentials = basicCredentials(request);
  std::optional<UserRecord> user;
  if (credentials) {
    user = mailbox_.findUser(mailboxName(credentials->user));
  }
  bool authenticated = false;
  if (user) {
    const std::string key = lower(user->name);
    const std::string digest = sha256(credentials->password);
    {
      std::lock_guard lock(mutex_);
      auto it = credentialCache_.find(key);
      authenticated = it != credentialCache_.end() && it->second == digest;
    }
    if (!authenticated && mailbox_.checkPassword(user->name, credentials->password)) {
      authenticated = true;
      std::lock_guard lock(mutex_);
      credentialCache_[key] = digest;
    }
  }
  if (!authenticated) {
    ++unauthorized_;
    reply(textReply(HttpStatus::Unauthorized, "authentication required"));
    return;
  }

  if (request.method == "OPTIONS") {
    // MS-ASHTTP 2.2.4: versions and commands; Ping is not offered when Direct Push is off.
    const auto vs = versions();
    eas::OptionsInfo info = eas::optionsFor(vs.back(), std::string(serverBuild(*s)));
    info.versions = vs;
    if (!s->mobile.directPush) {
      std::erase(info.commands, Command::Ping);
    }
    net::HttpResponse r;
    for (auto& [name, value] : eas::buildOptionsHeaders(info)) {
      r.headers.emplace_back(name, value);
    }
    send(ex, std::move(r), plan);
    return;
  }
  if (request.method != "POST") {
    ++badRequests_;
    reply(textReply(HttpStatus::BadRequest, "EAS commands are POSTed"));
    return;
  }

  eas::HeaderList headers(request.headers.begin(), request.headers.end());
  auto parsed = eas::parseRequest(request.target, headers);
  if (!parsed.ok()) {
    ++badRequests_;
    reply(textReply(HttpStatus::BadRequest, parsed.error().message()));
    return;
  }
  eas::EasRequest& r = parsed.value();
  const auto vs = versions();
  if (auto ok = eas::checkRequestVersion(r, vs); !ok.ok()) {
    ++badRequests_;
    reply(textReply(HttpStatus::BadRequest, ok.error().message()));
    return;
  }
  if (!r.user.empty() && !eas::equalsIgnoreCase(mailboxName(r.user), user->name)) {
    reply(textReply(HttpStatus::Forbidden, "the query names another user"));
    return;
  }
  const ProtocolVersion version = *r.version;

  // Malformed WBXML is an HTTP-level error (400), whatever the command.
  if (eas::requestMediaType(r.cmd, version) == eas::MediaType::Wbxml && !request.body.empty()) {
    auto doc = eas::Document::decode(request.body);
    if (!doc.ok()) {
      ++badRequests_;
      reply(textReply(HttpStatus::BadRequest, "malformed WBXML: " + doc.error().message()));
      return;
    }
  }

  std::string userAgent;
  if (auto ua = net::findHeader(request.headers, "User-Agent")) {
    userAgent = std::string(*ua);
  }
  DeviceRecord device = mailbox_.touchDevice(user->id, r.deviceId, r.deviceType, userAgent,
                                             std::string(eas::toString(version)));
  if (r.cmd != Command::Ping) {
    // A newer request from the device makes its held Ping obsolete.
    hub_->endHeld(device.id);
  }

  // ESM Mobile Services.
  if (!s->mobile.userInitiatedSync && r.cmd != Command::Provision) {
    reply(textReply(HttpStatus::Forbidden, "synchronization is disabled for this server"));
    return;
  }
  if (r.cmd == Command::Ping && !s->mobile.directPush) {
    reply(textReply(HttpStatus::Forbidden, "Direct Push is disabled for this server"));
    return;
  }

  if (plan.serverError) {
    // Fault: the command fails inside the server. Ping has its own status for it (8).
    if (r.cmd == Command::Ping) {
      reply(wbxmlReply(eas::encode(PingResponse{PingStatus::ServerError, {}, {}, {}})));
    } else {
      reply(textReply(HttpStatus::InternalServerError, "server error (injected)"));
    }
    return;
  }
  CommandContext ctx{r, version, request.body, *user, device, mailbox_, *s, unixMillisNow()};
  if (r.cmd != Command::Provision) {
    if (auto gate = checkProvisioning(ctx)) {
      reply(*gate);
      return;
    }
  }

  switch (r.cmd) {
    case Command::Provision:
      reply(handleProvision(ctx));
      return;
    case Command::Settings:
      reply(handleSettings(ctx));
      return;
    case Command::FolderSync:
      reply(handleFolderSync(ctx));
      return;
    case Command::FolderCreate:
      reply(handleFolderCreate(ctx));
      return;
    case Command::FolderUpdate:
      reply(handleFolderUpdate(ctx));
      return;
    case Command::FolderDelete:
      reply(handleFolderDelete(ctx));
      return;
    case Command::Sync:
      reply(handleSync(ctx));
      return;
    case Command::GetItemEstimate:
      reply(handleGetItemEstimate(ctx));
      return;
    case Command::MoveItems:
      reply(handleMoveItems(ctx));
      return;
    case Command::ItemOperations:
      reply(handleItemOperations(ctx));
      return;
    case Command::SendMail:
    case Command::SmartReply:
    case Command::SmartForward:
      reply(handleSendMail(ctx));
      return;
    case Command::GetAttachment:
      reply(handleGetAttachment(ctx));
      return;
    case Command::Ping:
      break;
    default:
      reply(textReply(HttpStatus::NotImplemented,
                      std::string(eas::toString(r.cmd)) + " is not implemented"));
      return;
  }

  // ---- Ping (MS-ASCMD 2.2.1.13) ----
  auto pingReply = [&](PingResponse response) { reply(wbxmlReply(eas::encode(response))); };
  auto decoded = eas::decodePingRequestBody(request.body);
  if (!decoded.ok()) {
    if (isCodecError(decoded.error().code)) {
      ++badRequests_;
      reply(textReply(HttpStatus::BadRequest, "malformed WBXML: " + decoded.error().message()));
    } else {
      pingReply(PingResponse{PingStatus::SyntaxError, {}, {}, {}});
    }
    return;
  }
  // 3.1.5.8: the server caches HeartbeatInterval and Folders; a Ping may omit either.
  std::optional<uint32_t> heartbeat = decoded->heartbeatInterval;
  std::vector<std::string> folderIds;
  for (const auto& f : decoded->folders) {
    folderIds.push_back(f.id);
  }
  std::string cached;
  {
    std::lock_guard lock(mutex_);
    if (auto it = pingCache_.find(device.id); it != pingCache_.end()) {
      cached = it->second;
    }
  }
  if (cached.empty()) {
    cached = mailbox_.deviceState(device.id, "ping").value_or("");
  }
  if (!cached.empty() && (!heartbeat || folderIds.empty())) {
    // "<heartbeat>;<id>,<id>,..."
    const auto semi = cached.find(';');
    if (!heartbeat) {
      heartbeat = static_cast<uint32_t>(std::stoul(cached.substr(0, semi)));
    }
    if (folderIds.empty() && semi != std::string::npos) {
      std::stringstream list(cached.substr(semi + 1));
      for (std::string id; std::getline(list, id, ',');) {
        if (!id.empty()) {
          folderIds.push_back(id);
        }
      }
    }
  }
  if (!heartbeat || folderIds.empty()) {
    pingReply(PingResponse{PingStatus::MissingParameters, {}, {}, {}});
    return;
  }
  if (*heartbeat < s->heartbeat.min || *heartbeat > s->heartbeat.max) {
    // Status 5 carries the bound the request broke.
    pingReply(PingResponse{PingStatus::InvalidHeartbeat, {},
                           *heartbeat < s->heartbeat.min ? s->heartbeat.min : s->heartbeat.max,
                           {}});
    return;
  }
  if (folderIds.size() > s->maxPingFolders) {
    pingReply(PingResponse{PingStatus::TooManyFolders, {}, {}, s->maxPingFolders});
    return;
  }
  if (std::set<std::string>(folderIds.begin(), folderIds.end()).size() != folderIds.size()) {
    pingReply(PingResponse{PingStatus::SyntaxError, {}, {}, {}});
    return;
  }
  PingWatch watch;
  watch.userId = user->id;
  watch.device = device;
  watch.heartbeatSeconds = *heartbeat;
  watch.dropAfterMs = faults_.dropPingsAfterMs();
  for (const std::string& id : folderIds) {
    auto folder = mailbox_.folder(user->id, id);
    if (!folder) {
      pingReply(PingResponse{PingStatus::FolderSyncRequired, {}, {}, {}});
      return;
    }
    watch.folderIds.push_back(id);
    watch.folderRows.push_back(folder->id);
  }
  std::string params = std::to_string(*heartbeat) + ";";
  for (std::size_t i = 0; i < folderIds.size(); ++i) {
    params += (i ? "," : "") + folderIds[i];
  }
  bool changed = false;
  {
    std::lock_guard lock(mutex_);
    auto& slot = pingCache_[device.id];
    changed = slot != params;
    slot = params;
  }
  if (changed) {
    (void)mailbox_.setDeviceState(device.id, "ping", params);
  }
  hub_->hold(ex, std::move(watch));
}

void EasService::autodiscover(const std::shared_ptr<net::HttpExchange>& ex) {
  const net::HttpRequest& request = ex->request();
  const auto s = settings();
  auto credentials = basicCredentials(request);
  std::optional<UserRecord> user;
  if (credentials) {
    user = mailbox_.findUser(mailboxName(credentials->user));
  }
  if (!user || !mailbox_.checkPassword(user->name, credentials->password)) {
    ++unauthorized_;
    ex->respond(toHttp(textReply(HttpStatus::Unauthorized, "authentication required"), *s));
    return;
  }
  std::string host = "127.0.0.1";
  if (auto h = net::findHeader(request.headers, "Host")) {
    host = std::string(*h);
  }
  // MS-ASAB mobilesync response schema 2006.
  std::string body =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
      "<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/responseschema/"
      "2006\">\n<Response xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/mobilesync/"
      "responseschema/2006\">\n<Culture>en:us</Culture>\n<User><DisplayName>" +
      user->name + "</DisplayName><EMailAddress>" + user->email +
      "</EMailAddress></User>\n<Action><Settings><Server><Type>MobileSync</Type><Url>" +
      (tls_ ? "https://" : "http://") + host + std::string(eas::ActiveSyncPath) + "</Url><Name>" +
      (tls_ ? "https://" : "http://") + host + std::string(eas::ActiveSyncPath) +
      "</Name></Server></Settings></Action>\n</Response>\n</Autodiscover>\n";
  net::HttpResponse r;
  r.headers.emplace_back("Content-Type", "text/xml; charset=utf-8");
  r.body = std::move(body);
  ex->respond(std::move(r));
}

}  // namespace mapisim
