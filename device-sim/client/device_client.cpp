// One simulated handheld's EAS client: the blocking device loop.
#include "device-sim/client/device_client.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <random>
#include <thread>
#include <utility>

#include "device-sim/client/utc_time.h"
#include "device-sim/schedule/time_scale.h"
#include "eas/base64.h"
#include "eas/http/request.h"
#include "eas/message/provision.h"
#include "eas/message/send_mail.h"
#include "eas/message/settings.h"
#include "net/event_loop.h"
#include "net/http_message.h"
#include "net/http_server.h"

namespace devicesim {

namespace eas = cradle::eas;
namespace net = cradle::net;

namespace {

constexpr int64_t CommandTimeoutMs = 60'000;
constexpr int MaxSyncAttempts = 3;
constexpr uint32_t MaxServerErrorBackoffMs = 60'000;

std::string randomDeviceId() {
  std::random_device rd;
  std::string id;
  const char* hex = "0123456789ABCDEF";
  for (int i = 0; i < 32; ++i) {
    id += hex[rd() % 16];
  }
  return id;
}

// What the user sees first: a subject, or a contact's display name.
std::string titleOf(const eas::ApplicationData& data) {
  if (const auto* m = std::get_if<eas::EmailItem>(&data)) {
    return m->subject.value_or("");
  }
  if (const auto* c = std::get_if<eas::ContactItem>(&data)) {
    if (c->fileAs) {
      return *c->fileAs;
    }
    std::string name = c->firstName.value_or("");
    if (c->lastName) {
      name += (name.empty() ? "" : " ") + *c->lastName;
    }
    return name;
  }
  if (const auto* e = std::get_if<eas::CalendarItem>(&data)) {
    return e->subject.value_or("");
  }
  if (const auto* t = std::get_if<eas::TaskItem>(&data)) {
    return t->subject.value_or("");
  }
  return {};
}

// 2.5 AirSync Truncation code for a byte limit (notes §3.2: 0 headers only, 1 512 B, 2 1 KB,
// 3 2 KB, 4 5 KB, 5 10 KB, 6 20 KB, 7 50 KB, 8 100 KB, 9 everything): the largest not above.
uint32_t truncationCode(std::optional<uint32_t> bytes) {
  if (!bytes) {
    return 9;
  }
  static constexpr uint32_t Limits[] = {0, 512, 1024, 2048, 5120, 10240, 20480, 51200, 102400};
  uint32_t code = 0;
  for (uint32_t i = 0; i < 9; ++i) {
    if (*bytes >= Limits[i]) {
      code = i;
    }
  }
  return code;
}

}  // namespace

struct DeviceClient::Reply {
  bool ok = false;     // HTTP 200 with a decodable (or empty) body
  int httpStatus = 0;  // 0: transport error
  std::string error;   // why not ok
  eas::Document doc;   // empty when the body was empty
};

DeviceClient::DeviceClient(DeviceConfig config, std::unique_ptr<DeviceStore> store, EventLog& log)
    : config_(std::move(config)),
      store_(std::move(store)),
      log_(log),
      version_(config_.profile.protocolVersion) {
  if (auto hb = AdaptiveHeartbeat::create(config_.profile.heartbeat); hb.ok()) {
    heartbeat_ = hb.value();
  }
}

DeviceClient::~DeviceClient() = default;

void DeviceClient::fail(const std::string& message, int exitCode) {
  log_.emit("error", JsonFields().add("message", message));
  stop_ = true;
  exitCode_ = exitCode;
}

void DeviceClient::sleepMs(int64_t ms) {
  if (ms > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  }
}

DeviceClient::Reply DeviceClient::call(eas::Command cmd, const std::string& body, int64_t timeoutMs,
                                       const std::string& contentType, bool saveInSent) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    eas::EasRequest r;
    r.cmd = cmd;
    r.user = config_.user;
    r.deviceId = config_.deviceId;
    r.deviceType = config_.profile.deviceType;
    r.version = version_;
    r.saveInSent = saveInSent;
    if (policyKey_ != 0 && cmd != eas::Command::Provision) {
      r.policyKey = policyKey_;  // X-MS-PolicyKey (MS-ASHTTP 2.2.1.1.2.6)
    }
    auto target = eas::buildPlainTarget(r);
    auto headers = eas::buildRequestHeaders(r);
    Reply reply;
    if (!target.ok() || !headers.ok()) {
      reply.error = "cannot build the request";
      return reply;
    }
    net::HttpRequest request;
    request.method = "POST";
    request.target = target.value();
    request.headers.assign(headers->begin(), headers->end());
    request.headers.emplace_back(
        "Authorization", "Basic " + eas::base64Encode(config_.user + ":" + config_.password));
    request.headers.emplace_back("User-Agent", config_.profile.userAgent);
    if (!body.empty()) {
      request.headers.emplace_back("Content-Type", contentType);
    }
    request.body = body;
    log_.counters().bytesSent += serializeRequest(request).size();
    const net::HttpResult result = http_->send(request, std::chrono::milliseconds(timeoutMs));
    if (!result.ok()) {
      reply.error = result.error;
      return reply;
    }
    const net::HttpResponse& response = *result.response;
    log_.counters().bytesReceived +=
        net::serializeResponseHead(response, response.body.size(), true).size() +
        response.body.size();
    reply.httpStatus = response.status;
    if (response.status == 401) {
      // MS-ASHTTP 2.2.2.1.1: the credentials were refused. A real handheld stops syncing and
      // asks its user for the new password; the simulator reports it and ends the run.
      fail("authentication failed (HTTP 401): the server refused the password", ExitAuthFailed);
      reply.error = "HTTP 401";
      return reply;
    }
    if (response.status == 449 && cmd != eas::Command::Provision && attempt == 0) {
      // MS-ASHTTP 2.2.2.1.1: 449 = provision (again), then retry the command.
      if (!supportsProvision(config_.profile)) {
        fail("the server requires provisioning, which this device cannot do", ExitError);
        reply.error = "HTTP 449";
        return reply;
      }
      if (!provision()) {
        reply.error = "provisioning failed";
        return reply;
      }
      continue;
    }
    if (response.status != 200) {
      reply.error = "HTTP " + std::to_string(response.status);
      return reply;
    }
    if (!response.body.empty()) {
      auto doc = eas::Document::decode(response.body);
      if (!doc.ok()) {
        reply.error = "undecodable answer: " + doc.error().message();
        return reply;
      }
      reply.doc = std::move(doc).value();
    }
    reply.ok = true;
    return reply;
  }
  Reply reply;
  reply.error = "still asked to provision after provisioning";
  return reply;
}

// MS-ASPROV 3.1.5.1: download the policy (phase 1), acknowledge it (phase 2), keep the final
// key. A RemoteWipe in the answer erases the store, is acknowledged, and ends the run.
bool DeviceClient::provision() {
  const eas::PolicyType type = eas::policyTypeFor(version_);
  Reply first =
      call(eas::Command::Provision, eas::encode(eas::makeDownloadRequest(type)), CommandTimeoutMs);
  if (!first.ok) {
    if (!stop_) {
      fail("Provision: " + first.error, ExitError);
    }
    return false;
  }
  auto response = eas::decodeProvisionResponse(first.doc);
  if (!response.ok()) {
    fail("Provision: " + response.error().message(), ExitError);
    return false;
  }
  if (response->remoteWipe) {
    // MS-ASPROV 3.2.5.1.2: wipe, then report the result with RemoteWipe/Status.
    const bool erased = store_->wipe().ok();
    log_.emit("wiped", JsonFields().add("erased", erased));
    (void)call(eas::Command::Provision,
               eas::encode(eas::makeRemoteWipeAcknowledgement(
                   erased ? eas::RemoteWipeStatus::Success : eas::RemoteWipeStatus::Failure)),
               CommandTimeoutMs);
    policyKey_ = 0;
    stop_ = true;
    exitCode_ = ExitOk;
    return false;
  }
  if (!response->policy || !response->policy->policyKey ||
      response->policy->status != eas::PolicyStatus::Success) {
    fail("Provision: no policy key offered", ExitError);
    return false;
  }
  // Simulated enforcement: the device password the policy demands is "set" on the device.
  const eas::PolicySet policy = response->policy->data.value_or(eas::PolicySet{});
  const bool passwordRequired = policy.devicePasswordEnabled.value_or(false);
  uint32_t minLength = 0;
  if (policy.minDevicePasswordLength && policy.minDevicePasswordLength->value) {
    minLength = *policy.minDevicePasswordLength->value;
  }
  policyKey_ = *response->policy->policyKey;
  Reply second = call(eas::Command::Provision,
                      eas::encode(eas::makeAcknowledgement(type, *response->policy->policyKey)),
                      CommandTimeoutMs);
  auto ack = second.ok ? eas::decodeProvisionResponse(second.doc)
                       : eas::Result<eas::ProvisionResponse>(
                             eas::makeError(eas::ErrorCode::BadValue, 0, second.error));
  if (!ack.ok() || !ack->policy || !ack->policy->policyKey) {
    policyKey_ = 0;
    if (!stop_) {
      fail("Provision: the acknowledgement was refused", ExitError);
    }
    return false;
  }
  policyKey_ = *ack->policy->policyKey;
  (void)store_->setSetting("policyKey", std::to_string(policyKey_));
  (void)store_->setSetting("policy.passwordRequired", passwordRequired ? "1" : "0");
  (void)store_->setSetting("policy.minPasswordLength", std::to_string(minLength));
  log_.emit("provisioned", JsonFields()
                               .add("policyKey", policyKey_)
                               .add("policyType", eas::toString(type))
                               .add("passwordRequired", passwordRequired)
                               .add("minPasswordLength", minLength));
  return true;
}

// MS-ASCMD 2.2.1.18: Settings DeviceInformation/Set, what the server's device list shows.
void DeviceClient::settings() {
  eas::SettingsRequest request;
  eas::DeviceInformation info;
  info.model = config_.profile.model;
  info.friendlyName = config_.profile.description;
  info.os = "Windows CE " + config_.profile.osVersion;
  info.osLanguage = "English";
  if (eas::atLeast(version_, eas::ProtocolVersion::V12_1)) {
    info.userAgent = config_.profile.userAgent;  // 12.1+
  }
  request.deviceInformation = info;
  Reply reply = call(eas::Command::Settings, eas::encode(request), CommandTimeoutMs);
  if (!reply.ok && !stop_) {
    log_.emit("error", JsonFields().add("message", "Settings: " + reply.error));
  }
}

bool DeviceClient::folderSync() {
  const std::string key = store_->setting("folderSyncKey").value_or("0");
  Reply reply =
      call(eas::Command::FolderSync, eas::encode(eas::FolderSyncRequest{key}), CommandTimeoutMs);
  if (!reply.ok) {
    if (!stop_) {
      log_.emit("error", JsonFields().add("message", "FolderSync: " + reply.error));
    }
    return false;
  }
  auto response = eas::decodeFolderSyncResponse(reply.doc);
  if (!response.ok()) {
    log_.emit("error", JsonFields().add("message", "FolderSync: " + response.error().message()));
    return false;
  }
  if (response->status == eas::FolderSyncStatus::InvalidSyncKey && key != "0") {
    // MS-ASCMD 2.2.3.177.5 status 9: start the hierarchy over.
    for (const auto& f : store_->folders()) {
      (void)store_->removeFolder(f.serverId);
    }
    (void)store_->setSetting("folderSyncKey", "0");
    return folderSync();
  }
  if (response->status != eas::FolderSyncStatus::Success || !response->syncKey) {
    log_.emit("error",
              JsonFields().add("message", "FolderSync: status " +
                                              std::to_string(static_cast<int>(response->status))));
    return false;
  }
  for (const auto& change : response->changes.value_or(std::vector<eas::FolderChange>{})) {
    if (change.kind == eas::FolderChange::Kind::Delete) {
      (void)store_->removeFolder(change.serverId);
    } else {
      (void)store_->putFolder(StoredFolder{change.serverId, change.parentId, change.displayName,
                                           static_cast<uint32_t>(change.type), "0"});
    }
  }
  (void)store_->setSetting("folderSyncKey", *response->syncKey);
  log_.emit("folder-sync",
            JsonFields().add("count", static_cast<uint64_t>(store_->folders().size())));
  fullPingNext_ = true;
  return true;
}

void DeviceClient::resetHierarchy() {
  log_.emit("error", JsonFields().add("message", "folder hierarchy out of date: full resync"));
  for (const auto& f : store_->folders()) {
    (void)store_->removeFolder(f.serverId);
  }
  (void)store_->setSetting("folderSyncKey", "0");
  if (folderSync()) {
    syncFolders(selectedFolders(), true);
  } else {
    sleepMs(1000);
  }
}

// The default folder of each selected type (Windows Mobile syncs only the default Inbox,
// Contacts, Calendar and Tasks folders).
std::vector<std::string> DeviceClient::selectedFolders() {
  std::vector<std::string> out;
  for (const eas::ItemClass cls : config_.types) {
    eas::FolderType wanted = eas::FolderType::Inbox;
    switch (cls) {
      case eas::ItemClass::Email:
        wanted = eas::FolderType::Inbox;
        break;
      case eas::ItemClass::Contacts:
        wanted = eas::FolderType::Contacts;
        break;
      case eas::ItemClass::Calendar:
        wanted = eas::FolderType::Calendar;
        break;
      case eas::ItemClass::Tasks:
        wanted = eas::FolderType::Tasks;
        break;
      case eas::ItemClass::Notes:
        continue;
    }
    for (const auto& f : store_->folders()) {
      if (f.type == static_cast<uint32_t>(wanted)) {
        out.push_back(f.serverId);
        break;
      }
    }
  }
  return out;
}

std::optional<eas::ItemClass> DeviceClient::classOfFolder(const std::string& folderId) {
  for (const auto& f : store_->folders()) {
    if (f.serverId == folderId && eas::isFolderType(f.type)) {
      return eas::classForType(static_cast<eas::FolderType>(f.type));
    }
  }
  return std::nullopt;
}

void DeviceClient::applyCommands(const std::string& folderId, eas::ItemClass cls,
                                 const std::vector<eas::SyncServerCommand>& commands,
                                 bool initial) {
  const int64_t arrived = nowMillis();
  for (const auto& command : commands) {
    if (const auto* add = std::get_if<eas::SyncServerAdd>(&command)) {
      const std::string title = titleOf(add->data);
      (void)store_->putItem(
          StoredItem{folderId, add->serverId, std::string(eas::toString(cls)), title});
      JsonFields f;
      f.add("class", eas::toString(cls)).add("serverId", add->serverId);
      f.add(cls == eas::ItemClass::Contacts ? "displayName" : "subject", title);
      f.add("initial", initial);
      if (const auto* mail = std::get_if<eas::EmailItem>(&add->data)) {
        // The seed's push latency: from the server's delivery (DateReceived) to the device.
        if (auto delivered = parseUtcMillis(mail->dateReceived.value_or(""))) {
          const int64_t latency = arrived - *delivered;
          f.add("latencyMs", latency);
          if (!initial) {
            log_.counters().latencySumMs += latency;
            ++log_.counters().latencyCount;
          }
        }
      }
      log_.emit("item-added", f);
    } else if (const auto* change = std::get_if<eas::SyncChange>(&command)) {
      (void)store_->putItem(StoredItem{folderId, change->serverId, std::string(eas::toString(cls)),
                                       titleOf(change->data)});
    } else if (const auto* del = std::get_if<eas::SyncDelete>(&command)) {
      (void)store_->removeItem(folderId, del->serverId);
    } else if (const auto* soft = std::get_if<eas::SyncSoftDelete>(&command)) {
      (void)store_->removeItem(folderId, soft->serverId);
    }
  }
}

// One Sync round trip for the folders. A broken answer (transport error, undecodable body)
// leaves the stored sync keys untouched, so the retry sends the previous key again.
bool DeviceClient::syncOnce(const std::vector<std::string>& folderIds, bool initial, bool& more) {
  more = false;
  eas::SyncRequest request;
  request.version = version_;
  std::vector<StoredFolder> all = store_->folders();
  for (const std::string& id : folderIds) {
    auto it = std::find_if(all.begin(), all.end(),
                           [&](const StoredFolder& f) { return f.serverId == id; });
    const auto cls = classOfFolder(id);
    if (it == all.end() || !cls) {
      continue;
    }
    eas::SyncCollectionRequest c;
    c.itemClass = *cls;  // AirSync:Class up to 12.1
    c.syncKey = it->syncKey.empty() ? "0" : it->syncKey;
    c.collectionId = id;
    if (c.syncKey != "0") {
      c.getChanges = true;
      c.windowSize = 100;
      eas::SyncOptions options;
      if (*cls == eas::ItemClass::Email) {
        options.filterType = config_.emailFilter;
        if (version_ == eas::ProtocolVersion::V2_5) {
          options.truncation = truncationCode(config_.emailSizeBytes);  // MS-ASCMD 2.2.3.172
        } else {
          eas::BodyPreference pref;  // MS-ASAIRS 2.2.2.7
          pref.type = eas::BodyType::PlainText;
          pref.truncationSize = config_.emailSizeBytes;
          options.bodyPreferences.push_back(pref);
        }
      } else if (version_ != eas::ProtocolVersion::V2_5) {
        eas::BodyPreference pref;
        pref.type = eas::BodyType::PlainText;
        pref.truncationSize = 1024;
        options.bodyPreferences.push_back(pref);
      }
      c.options = options;
    }
    request.collections.push_back(c);
  }
  if (request.collections.empty()) {
    return true;
  }
  Reply reply = call(eas::Command::Sync, eas::encode(request), CommandTimeoutMs);
  if (!reply.ok) {
    if (!stop_) {
      log_.emit("error", JsonFields().add("message", "Sync: " + reply.error));
    }
    return false;
  }
  if (reply.doc.empty()) {
    return true;  // 12.1+: nothing changed
  }
  auto lookup = [this](std::string_view id) { return classOfFolder(std::string(id)); };
  auto response = eas::decodeSyncResponse(reply.doc, version_, lookup);
  if (!response.ok()) {
    log_.emit("error", JsonFields().add("message", "Sync: " + response.error().message()));
    return false;
  }
  if (response->status) {
    if (*response->status == eas::SyncStatus::FolderHierarchyChanged) {
      folderSync();  // MS-ASCMD 2.2.3.177.17 status 12; the next cycle syncs the new folders
      return true;
    }
    log_.emit("error",
              JsonFields().add("message", "Sync: status " +
                                              std::to_string(static_cast<int>(*response->status))));
    return false;
  }
  for (const auto& c : response->collections) {
    const auto cls = classOfFolder(c.collectionId);
    if (!cls) {
      continue;
    }
    if (c.status == eas::SyncStatus::InvalidSyncKey) {
      // MS-ASCMD 2.2.3.177.17 status 3: drop the folder's items and start it over.
      (void)store_->clearItems(c.collectionId);
      (void)store_->setSyncKey(c.collectionId, "0");
      more = true;
      continue;
    }
    if (c.status != eas::SyncStatus::Success) {
      log_.emit("error",
                JsonFields().add("message", "Sync of folder " + c.collectionId + ": status " +
                                                std::to_string(static_cast<int>(c.status))));
      continue;
    }
    const bool first = std::any_of(all.begin(), all.end(), [&](const StoredFolder& f) {
      return f.serverId == c.collectionId && (f.syncKey.empty() || f.syncKey == "0");
    });
    applyCommands(c.collectionId, *cls, c.commands, initial);
    (void)store_->setSyncKey(c.collectionId, c.syncKey);
    if (first || c.moreAvailable) {
      more = true;  // after SyncKey 0 the items come with the next request
    }
  }
  return true;
}

bool DeviceClient::syncFolders(const std::vector<std::string>& folderIds, bool initial) {
  for (int rounds = 0; rounds < 50 && !stop_; ++rounds) {
    bool more = false;
    bool done = false;
    for (int attempt = 0; attempt < MaxSyncAttempts && !stop_; ++attempt) {
      if (syncOnce(folderIds, initial, more)) {
        done = true;
        break;
      }
      sleepMs(500 << attempt);
    }
    if (!done) {
      return false;
    }
    if (!more) {
      return true;
    }
  }
  return !stop_;
}

// MS-ASCMD 2.2.1.16 (2.5-12.1): the MIME message is the body.
bool DeviceClient::sendMail(const std::string& to) {
  const std::string mime = "From: " + config_.user + "\r\nTo: " + to +
                           "\r\nSubject: Sent from device-sim " + config_.deviceId +
                           "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8"
                           "\r\n\r\nHello from a simulated " +
                           config_.profile.model + ".\r\n";
  Reply reply = call(eas::Command::SendMail, mime, CommandTimeoutMs,
                     std::string(eas::MimeMailContentType), true);
  if (!reply.ok) {
    if (!stop_) {
      log_.emit("error", JsonFields().add("message", "SendMail: " + reply.error));
    }
    return false;
  }
  log_.emit("mail-sent", JsonFields().add("to", to));
  return true;
}

void DeviceClient::heartbeatChanged(uint32_t from, HeartbeatChange change) {
  if (change != HeartbeatChange::None && heartbeat_.current() != from) {
    log_.emit("heartbeat-changed", JsonFields()
                                       .add("from", from)
                                       .add("to", heartbeat_.current())
                                       .add("why", describe(change)));
  }
}

// One Ping and what its answer asks for (MS-ASCMD 2.2.3.177.11, notes §3.1).
void DeviceClient::pingCycle() {
  std::vector<std::string> folders = selectedFolders();
  if (maxPingFolders_ != 0 && folders.size() > maxPingFolders_) {
    folders.resize(maxPingFolders_);  // the Inbox is first
  }
  if (folders.empty()) {
    fail("no folder to Ping", ExitError);
    return;
  }
  eas::PingRequest request;
  const uint32_t hb = heartbeat_.current();
  request.heartbeatInterval = hb;  // the current value in every Ping
  if (fullPingNext_) {
    for (const auto& id : folders) {
      request.folders.push_back({id, classOfFolder(id).value_or(eas::ItemClass::Email)});
    }
  }  // else: no Folders, the server reuses the list it cached (MS-ASCMD 3.1.5.8)
  // The device waits the heartbeat plus a margin for the server's answer.
  Reply reply =
      call(eas::Command::Ping, eas::encode(request), static_cast<int64_t>(hb + 60) * 1000);
  if (stop_) {
    return;
  }
  ++log_.counters().wakeUps;
  if (!reply.ok) {
    if (reply.httpStatus == 0) {
      // No answer by the end of the interval, or the connection dropped: the network cut it.
      http_->disconnect();
      log_.emit("ping-died", JsonFields().add("heartbeat", hb).add("reason", reply.error));
      heartbeatChanged(hb, heartbeat_.onPingDied());
      fullPingNext_ = true;
      return;
    }
    log_.emit("error", JsonFields().add("message", "Ping: " + reply.error));
    sleepMs(serverErrorBackoffMs_);
    serverErrorBackoffMs_ = std::min(serverErrorBackoffMs_ * 2, MaxServerErrorBackoffMs);
    fullPingNext_ = true;
    return;
  }
  auto response = reply.doc.empty() ? eas::Result<eas::PingResponse>(eas::makeError(
                                          eas::ErrorCode::MissingElement, 0, "empty answer"))
                                    : eas::decodePingResponse(reply.doc);
  if (!response.ok()) {
    log_.emit("error", JsonFields().add("message", "Ping: " + response.error().message()));
    fullPingNext_ = true;
    sleepMs(1000);
    return;
  }
  fullPingNext_ = false;
  if (response->status != eas::PingStatus::FolderSyncRequired) {
    folderSyncRequired_ = 0;
  }
  switch (response->status) {
    case eas::PingStatus::Expired:
      serverErrorBackoffMs_ = 1000;
      heartbeatChanged(hb, heartbeat_.onPingReturned(response->status));
      return;
    case eas::PingStatus::Changes: {
      serverErrorBackoffMs_ = 1000;
      heartbeatChanged(hb, heartbeat_.onPingReturned(response->status));
      ++log_.counters().pushes;
      log_.emit("push-woke", JsonFields().add("folders", response->folders));
      syncFolders(response->folders, false);
      if (config_.maxPushes != 0 && log_.counters().pushes.load() >= config_.maxPushes) {
        stop_ = true;
      }
      return;
    }
    case eas::PingStatus::MissingParameters:
      fullPingNext_ = true;  // resend the full Ping
      return;
    case eas::PingStatus::SyntaxError:
      fail("Ping: the server found the request malformed (status 4)", ExitError);
      return;
    case eas::PingStatus::InvalidHeartbeat:
      if (!response->heartbeatInterval) {
        fail("Ping status 5 without a HeartbeatInterval", ExitError);
        return;
      }
      heartbeatChanged(hb, heartbeat_.onStatus5(*response->heartbeatInterval));
      fullPingNext_ = true;
      if (heartbeat_.current() == hb) {
        fail("Ping status 5: the server's bound " + std::to_string(*response->heartbeatInterval) +
                 " s cannot be adopted",
             ExitError);
      }
      return;
    case eas::PingStatus::TooManyFolders:
      if (!response->maxFolders || *response->maxFolders == 0) {
        fail("Ping status 6 without a usable MaxFolders", ExitError);
        return;
      }
      maxPingFolders_ = *response->maxFolders;
      log_.emit("ping-folders-reduced", JsonFields().add("maxFolders", *response->maxFolders));
      fullPingNext_ = true;
      return;
    case eas::PingStatus::FolderSyncRequired:
      fullPingNext_ = true;
      if (++folderSyncRequired_ >= 2) {
        // A FolderSync from the current key did not cure it: the device's hierarchy is beyond
        // repair. Start over from SyncKey 0, as a handheld does after "folder hierarchy" errors.
        folderSyncRequired_ = 0;
        resetHierarchy();
        return;
      }
      if (!folderSync()) {
        sleepMs(1000);
      }
      return;
    case eas::PingStatus::ServerError:
      log_.emit("error",
                JsonFields().add("message", "Ping: server error (status 8), backing off " +
                                                std::to_string(serverErrorBackoffMs_) + " ms"));
      sleepMs(serverErrorBackoffMs_);
      serverErrorBackoffMs_ = std::min(serverErrorBackoffMs_ * 2, MaxServerErrorBackoffMs);
      fullPingNext_ = true;
      return;
  }
  log_.emit("error",
            JsonFields().add("message", "Ping: unknown status " +
                                            std::to_string(static_cast<int>(response->status))));
  fullPingNext_ = true;
  sleepMs(1000);
}

int DeviceClient::run() {
  auto endpoint = net::parseEndpoint(config_.url);
  if (!endpoint) {
    fail("bad URL", ExitError);
    return exitCode_;
  }
  std::shared_ptr<net::TlsContext> tls;
  if (endpoint->tls) {
    std::string error;
    tls = net::TlsContext::client(config_.caFile, error);
    if (!tls) {
      fail("TLS: " + error, ExitError);
      return exitCode_;
    }
  }
  http_ = std::make_unique<net::BlockingHttpClient>(*endpoint, tls);
  if (config_.deviceId.empty()) {
    config_.deviceId = store_->setting("deviceId").value_or(randomDeviceId());
  }
  (void)store_->setSetting("deviceId", config_.deviceId);
  (void)store_->setSetting("profile", config_.profile.name);
  (void)store_->setSetting("user", config_.user);
  if (auto key = store_->setting("policyKey")) {
    policyKey_ = static_cast<uint32_t>(std::strtoul(key->c_str(), nullptr, 10));
  }
  log_.emit("started", JsonFields()
                           .add("deviceId", config_.deviceId)
                           .add("profile", config_.profile.name)
                           .add("protocolVersion", eas::toString(version_))
                           .add("directPush", supportsDirectPush(config_.profile)));

  if (supportsProvision(config_.profile) && policyKey_ == 0 && !provision()) {
    return exitCode_;
  }
  if (!stop_ && supportsSettings(config_.profile)) {
    settings();
  }
  if (stop_ || !folderSync()) {
    return stop_ ? exitCode_ : ExitError;
  }
  const bool synced = syncFolders(selectedFolders(), true);
  log_.emit("sync", JsonFields()
                        .add("initial", true)
                        .add("ok", synced)
                        .add("items", static_cast<uint64_t>(store_->items().size())));
  if (!stop_ && config_.sendMailTo) {
    sendMail(*config_.sendMailTo);
  }

  const bool directPush = supportsDirectPush(config_.profile);
  ScheduleConfig scheduleConfig =
      config_.schedule.value_or(directPush ? ScheduleConfig::asItemsArrive() : ScheduleConfig{});
  auto schedule = SyncSchedule::create(scheduleConfig, directPush);
  if (!schedule.ok()) {
    fail("schedule: " + schedule.error().message(), ExitError);
    return exitCode_;
  }
  if (config_.autd) {
    return autdLoop();
  }
  const int64_t origin = nowMillis();
  auto clock = TimeScale::create(origin, origin, config_.timeScale);
  if (!clock.ok()) {
    fail("time scale: " + clock.error().message(), ExitError);
    return exitCode_;
  }
  while (!stop_) {
    const int64_t simNowMs = clock->simulatedAt(nowMillis());
    if (directPush && schedule->pushAt(simNowMs / 1000)) {
      pingCycle();
      continue;
    }
    const SyncSchedule::Period period = schedule->periodAt(simNowMs / 1000);
    std::optional<UnixSeconds> next = schedule->nextSync(simNowMs / 1000);
    std::optional<UnixSeconds> wake = next;
    if (period.end && (!wake || *period.end < *wake)) {
      wake = period.end;  // the period changes first (maybe to As items arrive)
    }
    if (!wake) {
      sleepMs(1000);  // Manual only: nothing will ever happen by itself
      continue;
    }
    sleepMs(clock->realAt(*wake * 1000) - nowMillis());
    if (next && *wake == *next) {
      ++log_.counters().wakeUps;
      const int64_t before = static_cast<int64_t>(store_->items().size());
      syncFolders(selectedFolders(), false);
      const int64_t after = static_cast<int64_t>(store_->items().size());
      log_.emit("sync", JsonFields()
                            .add("scheduled", true)
                            .add("simulatedTime", isoMillis(*next * 1000))
                            .add("added", after - before));
    }
  }
  return exitCode_;
}

// AUTD: the server POSTs a notice to the URL the device registered (with Exchange 2003 an SMS to
// the handheld); each one is counted and answered with a Sync of the selected folders.
int DeviceClient::autdLoop() {
  cradle::net::EventLoop loop;
  std::mutex mutex;
  std::condition_variable arrived;
  uint64_t notices = 0;
  cradle::net::HttpServer inbox(
      loop, cradle::net::HttpServerOptions{},
      [&](std::shared_ptr<cradle::net::HttpExchange> ex) {
        ++log_.counters().smsNotifications;
        {
          std::lock_guard lock(mutex);
          ++notices;
        }
        arrived.notify_one();
        ex->respond(cradle::net::HttpResponse{});
      });
  std::string error;
  if (!inbox.start(error)) {
    fail("AUTD listener: " + error, ExitError);
    return exitCode_;
  }
  std::thread loopThread([&loop] { loop.run(); });
  log_.emit("autd-listening",
            JsonFields().add("url", "http://127.0.0.1:" + std::to_string(inbox.port()) + "/sms"));
  uint64_t handled = 0;
  while (!stop_) {
    {
      std::unique_lock lock(mutex);
      arrived.wait_for(lock, std::chrono::milliseconds(500), [&] { return notices > handled; });
      if (notices == handled) {
        continue;
      }
      handled = notices;  // several notices before one Sync need only that Sync
    }
    ++log_.counters().wakeUps;
    ++log_.counters().pushes;
    log_.emit("sms-woke", JsonFields().add("notices", log_.counters().smsNotifications.load()));
    syncFolders(selectedFolders(), false);
    if (config_.maxPushes != 0 && log_.counters().pushes.load() >= config_.maxPushes) {
      stop_ = true;
    }
  }
  loop.stop();
  loopThread.join();
  return exitCode_;
}

}  // namespace devicesim
