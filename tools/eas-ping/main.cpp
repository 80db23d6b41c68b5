// eas-ping: plays one handheld's Direct Push loop against an EAS server (Provision, FolderSync,
// Sync of the Inbox, then Ping / Sync), printing each pushed mail with its latency: the time
// from the server's delivery (the mail's DateReceived, in ms) to its arrival here.
//
//   eas-ping --url URL --user U --device-id ID [--ca FILE] [--version 12.1] [--heartbeat S]
//            [--count N]
//
// The password is the first line of standard input. Exits 0 after N pushed mails, 1 on an error.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <map>
#include <memory>
#include <string>

#include "eas/base64.h"
#include "eas/http/request.h"
#include "eas/message/folder_sync.h"
#include "eas/message/ping.h"
#include "eas/message/provision.h"
#include "eas/message/sync.h"
#include "eas/wbxml/document.h"
#include "net/http_client.h"

namespace {

using namespace cradle;

struct Device {
  std::string user;
  std::string password;
  std::string deviceId;
  eas::ProtocolVersion version = eas::ProtocolVersion::V12_1;
  uint32_t policyKey = 0;
  std::unique_ptr<net::BlockingHttpClient> http;

  net::HttpResult post(eas::Command cmd, const std::string& body, int timeoutSeconds = 60) {
    eas::EasRequest r;
    r.cmd = cmd;
    r.user = user;
    r.deviceId = deviceId;
    r.deviceType = "PocketPC";
    r.version = version;
    if (policyKey != 0) {
      r.policyKey = policyKey;
    }
    net::HttpRequest request;
    request.method = "POST";
    auto target = eas::buildPlainTarget(r);
    auto headers = eas::buildRequestHeaders(r);
    if (!target.ok() || !headers.ok()) {
      return net::HttpResult{std::nullopt, "cannot build the request"};
    }
    request.target = target.value();
    request.headers.assign(headers->begin(), headers->end());
    request.headers.emplace_back("Authorization",
                                 "Basic " + eas::base64Encode(user + ":" + password));
    request.headers.emplace_back("User-Agent", "MSFT-PPC/5.2.5082");
    if (!body.empty()) {
      request.headers.emplace_back("Content-Type", "application/vnd.ms-sync.wbxml");
    }
    request.body = body;
    return http->send(request, std::chrono::seconds(timeoutSeconds));
  }
};

[[noreturn]] void die(const std::string& why) {
  std::cerr << "eas-ping: " << why << "\n";
  std::exit(1);
}

eas::Document expectWbxml(const net::HttpResult& r, const char* what) {
  if (!r.ok()) {
    die(std::string(what) + ": " + r.error);
  }
  if (r.response->status != 200) {
    die(std::string(what) + ": HTTP " + std::to_string(r.response->status));
  }
  auto doc = eas::Document::decode(r.response->body);
  if (!doc.ok()) {
    die(std::string(what) + ": " + doc.error().message());
  }
  return std::move(doc).value();
}

// "2026-11-25T09:26:27.123Z" -> unix ms; 0 when malformed.
int64_t parseUtcMillis(const std::string& s) {
  std::tm tm{};
  int ms = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &ms) != 7) {
    return 0;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + ms;
}

int64_t nowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> opt{{"--version", "12.1"}, {"--heartbeat", "480"},
                                         {"--count", "1"}};
  for (int i = 1; i + 1 < argc; i += 2) {
    opt[argv[i]] = argv[i + 1];
  }
  if (!opt.count("--url") || !opt.count("--user") || !opt.count("--device-id") || argc % 2 == 0) {
    std::cerr << "usage: eas-ping --url URL --user U --device-id ID [--ca FILE] [--version V]"
                 " [--heartbeat S] [--count N]   (password on stdin)\n";
    return 2;
  }
  Device d;
  d.user = opt["--user"];
  d.deviceId = opt["--device-id"];
  std::getline(std::cin, d.password);
  auto version = eas::parseProtocolVersion(opt["--version"]);
  auto endpoint = net::parseEndpoint(opt["--url"]);
  if (!version || !endpoint) {
    die("bad --version or --url");
  }
  d.version = *version;
  std::shared_ptr<net::TlsContext> tls;
  if (endpoint->tls) {
    std::string error;
    tls = net::TlsContext::client(opt.count("--ca") ? opt["--ca"] : "", error);
    if (!tls) {
      die(error);
    }
  }
  d.http = std::make_unique<net::BlockingHttpClient>(*endpoint, tls);
  const uint32_t heartbeat = static_cast<uint32_t>(std::stoul(opt["--heartbeat"]));
  const int count = std::stoi(opt["--count"]);

  // Provision (MS-ASPROV): download the policy, acknowledge it, keep the final key.
  const auto type = eas::policyTypeFor(d.version);
  auto first = eas::decodeProvisionResponse(
      expectWbxml(d.post(eas::Command::Provision, eas::encode(eas::makeDownloadRequest(type))),
                  "Provision"));
  if (!first.ok() || !first->policy || !first->policy->policyKey) {
    die("Provision: no policy key offered");
  }
  auto second = eas::decodeProvisionResponse(expectWbxml(
      d.post(eas::Command::Provision,
             eas::encode(eas::makeAcknowledgement(type, *first->policy->policyKey))),
      "Provision acknowledgement"));
  if (!second.ok() || !second->policy || !second->policy->policyKey) {
    die("Provision: the acknowledgement was refused");
  }
  d.policyKey = *second->policy->policyKey;
  std::printf("provisioned: policy key %u\n", d.policyKey);

  auto folders = eas::decodeFolderSyncResponse(expectWbxml(
      d.post(eas::Command::FolderSync, eas::encode(eas::FolderSyncRequest{"0"})), "FolderSync"));
  std::string inbox;
  for (const auto& f : folders->changes.value_or(std::vector<eas::FolderChange>{})) {
    if (f.type == eas::FolderType::Inbox) {
      inbox = f.serverId;
    }
  }
  if (inbox.empty()) {
    die("FolderSync: no Inbox");
  }
  std::string syncKey = "0";
  auto sync = [&]() {
    eas::SyncRequest s;
    s.version = d.version;
    eas::SyncCollectionRequest c;
    if (!eas::atLeast(d.version, eas::ProtocolVersion::V14_0)) {
      c.itemClass = eas::ItemClass::Email;
    }
    c.collectionId = inbox;
    c.syncKey = syncKey;
    if (syncKey != "0") {
      c.getChanges = true;
    }
    s.collections.push_back(c);
    auto m = eas::decodeSyncResponse(
        expectWbxml(d.post(eas::Command::Sync, eas::encode(s)), "Sync"), d.version);
    if (!m.ok() || m->collections.empty()) {
      die("Sync: unreadable answer");
    }
    syncKey = m->collections[0].syncKey;
    return m->collections[0];
  };
  sync();
  sync();  // anything already there is old news, not a push
  std::printf("synced the Inbox (folder %s); holding Pings of %u s\n", inbox.c_str(), heartbeat);
  std::fflush(stdout);

  int pushed = 0;
  while (pushed < count) {
    eas::PingRequest p;
    p.heartbeatInterval = heartbeat;
    p.folders.push_back({inbox, eas::ItemClass::Email});
    auto ping = eas::decodePingResponse(expectWbxml(
        d.post(eas::Command::Ping, eas::encode(p), static_cast<int>(heartbeat) + 60), "Ping"));
    if (!ping.ok()) {
      die("Ping: unreadable answer");
    }
    if (ping->status != eas::PingStatus::Changes) {
      continue;  // 1: the heartbeat ended quietly; ping again
    }
    const int64_t arrived = nowMillis();
    for (const auto& cmd : sync().commands) {
      if (const auto* add = std::get_if<eas::SyncServerAdd>(&cmd)) {
        if (const auto* mail = std::get_if<eas::EmailItem>(&add->data)) {
          const int64_t delivered = parseUtcMillis(mail->dateReceived.value_or(""));
          std::printf("pushed: \"%s\" latency %lld ms\n", mail->subject.value_or("").c_str(),
                      static_cast<long long>(delivered ? arrived - delivered : -1));
          std::fflush(stdout);
          ++pushed;
        }
      }
    }
  }
  return 0;
}
