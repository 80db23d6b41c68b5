// Test support: EAS client and mapi-sim process handle.
#include "tests/support/eas_client.h"

#include <catch2/catch.hpp>
#include <signal.h>

#include <filesystem>

#include "eas/base64.h"
#include "eas/http/headers.h"
#include "eas/wbxml/document.h"

namespace cradle::test {

std::string binPath(const std::string& name) { return std::string(CRADLE_BIN_DIR) + "/" + name; }

MapiSim::MapiSim(std::string dir, bool tls) : dir_(std::move(dir)), tls_(tls) {}

MapiSim::~MapiSim() {
  if (child_.running()) {
    child_.stop(SIGTERM);
  }
}

void MapiSim::start() {
  std::filesystem::remove(dir_ + "/eas.url");
  std::filesystem::remove(dir_ + "/admin.url");
  std::filesystem::create_directories(dir_);
  std::vector<std::string> argv{binPath("mapi-sim"), "serve", "--data", dir_, "--listen",
                                "127.0.0.1:0"};
  if (tls_) {
    argv.push_back("--tls");
  }
  child_.start(argv, dir_, "mapi-sim");
  easUrl_ = waitForLine(dir_ + "/eas.url", std::chrono::milliseconds(20'000));
  if (easUrl_.empty() || waitForLine(dir_ + "/admin.url", std::chrono::seconds(5)).empty()) {
    FAIL("mapi-sim did not start: " << child_.output());
  }
}

int MapiSim::stop(int sig) { return child_.stop(sig); }

RunResult MapiSim::cli(std::vector<std::string> args, const std::string& input) const {
  std::vector<std::string> argv{binPath("mapi-sim"), "--data", dir_};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, input);
}

std::string MapiSim::ok(std::vector<std::string> args, const std::string& input) const {
  RunResult r = cli(args, input);
  INFO("mapi-sim " << (args.empty() ? "" : args[0]) << ": " << r.err);
  REQUIRE(r.exitCode == 0);
  return r.out;
}

EasClient::EasClient(const std::string& url, std::string user, std::string pw,
                     std::string deviceId, eas::ProtocolVersion version, const std::string& caFile)
    : password(std::move(pw)),
      user_(std::move(user)),
      deviceId_(std::move(deviceId)),
      version_(version) {
  auto endpoint = net::parseEndpoint(url);
  REQUIRE(endpoint);
  endpoint_ = *endpoint;
  if (endpoint_.tls) {
    std::string error;
    tls_ = net::TlsContext::client(caFile, error);
    REQUIRE(tls_);
  }
  client_ = std::make_unique<net::BlockingHttpClient>(endpoint_, tls_);
}

net::HttpResult EasClient::post(eas::Command cmd, const std::string& body,
                                std::chrono::milliseconds timeout,
                                const std::string& contentType) {
  eas::EasRequest r;
  r.cmd = cmd;
  r.user = user_;
  r.deviceId = deviceId_;
  r.deviceType = "PocketPC";
  r.version = version_;
  if (policyKey != 0) {
    r.policyKey = policyKey;
  }
  auto target = eas::buildPlainTarget(r);
  REQUIRE(target.ok());
  auto headers = eas::buildRequestHeaders(r);
  REQUIRE(headers.ok());
  net::HttpRequest request;
  request.method = "POST";
  request.target = *target;
  for (auto& h : *headers) {
    request.headers.push_back(h);
  }
  request.headers.emplace_back("Authorization",
                               "Basic " + eas::base64Encode(user_ + ":" + password));
  request.headers.emplace_back("User-Agent", "MSFT-PPC/5.2.5082");
  if (!body.empty()) {
    request.headers.emplace_back("Content-Type", contentType);
  }
  request.body = body;
  return client_->send(request, timeout);
}

net::HttpResult EasClient::options() {
  net::HttpRequest request;
  request.method = "OPTIONS";
  request.target = std::string(eas::ActiveSyncPath);
  request.headers.emplace_back("Authorization",
                               "Basic " + eas::base64Encode(user_ + ":" + password));
  return client_->send(request);
}

namespace {

template <class T>
T decodeOk(const net::HttpResult& r, eas::Result<T> (*decoder)(const eas::Document&)) {
  REQUIRE(r.ok());
  INFO("HTTP " << r.response->status << " " << r.response->body);
  REQUIRE(r.response->status == 200);
  auto doc = eas::Document::decode(r.response->body);
  REQUIRE(doc.ok());
  auto m = decoder(*doc);
  INFO((m.ok() ? std::string() : m.error().message()));
  REQUIRE(m.ok());
  return std::move(m).value();
}

}  // namespace

uint32_t EasClient::provision(eas::PolicyApplyStatus ack) {
  const auto type = eas::policyTypeFor(version_);
  policyKey = 0;
  auto first = decodeOk(post(eas::Command::Provision, eas::encode(eas::makeDownloadRequest(type))),
                        &eas::decodeProvisionResponse);
  if (!first.policy || !first.policy->policyKey) {
    return 0;
  }
  auto second = decodeOk(
      post(eas::Command::Provision,
           eas::encode(eas::makeAcknowledgement(type, *first.policy->policyKey, ack))),
      &eas::decodeProvisionResponse);
  if (second.policy && second.policy->status == eas::PolicyStatus::Success &&
      second.policy->policyKey) {
    policyKey = *second.policy->policyKey;
  }
  return policyKey;
}

eas::FolderSyncResponse EasClient::folderSync(const std::string& key) {
  auto r = decodeOk(post(eas::Command::FolderSync, eas::encode(eas::FolderSyncRequest{key})),
                    &eas::decodeFolderSyncResponse);
  if (r.syncKey) {
    folderSyncKey = *r.syncKey;
  }
  if (r.changes) {
    for (const auto& c : *r.changes) {
      if (c.kind == eas::FolderChange::Kind::Add) {
        folders.push_back(c);
      }
    }
  }
  return r;
}

std::string EasClient::folderId(eas::FolderType type) {
  for (const auto& f : folders) {
    if (f.type == type) {
      return f.serverId;
    }
  }
  FAIL("no folder of that type");
  return {};
}

eas::SyncResponse EasClient::sync(const eas::SyncRequest& request) {
  auto r = post(eas::Command::Sync, eas::encode(request));
  REQUIRE(r.ok());
  INFO("HTTP " << r.response->status);
  REQUIRE(r.response->status == 200);
  auto doc = eas::Document::decode(r.response->body);
  REQUIRE(doc.ok());
  auto m = eas::decodeSyncResponse(*doc, version_);
  INFO((m.ok() ? std::string() : m.error().message()));
  REQUIRE(m.ok());
  return std::move(m).value();
}

eas::SyncCollectionResponse EasClient::initialSync(const std::string& collectionId,
                                                   eas::ItemClass cls) {
  eas::SyncRequest request;
  request.version = version_;
  eas::SyncCollectionRequest c;
  c.collectionId = collectionId;
  c.syncKey = "0";
  if (!eas::atLeast(version_, eas::ProtocolVersion::V14_0)) {
    c.itemClass = cls;
  }
  request.collections.push_back(c);
  auto first = sync(request);
  REQUIRE(first.collections.size() == 1);
  REQUIRE(first.collections[0].status == eas::SyncStatus::Success);
  c.syncKey = first.collections[0].syncKey;
  c.getChanges = true;
  request.collections = {c};
  auto second = sync(request);
  REQUIRE(second.collections.size() == 1);
  return second.collections[0];
}

eas::PingResponse EasClient::ping(const eas::PingRequest& request,
                                  std::chrono::milliseconds timeout) {
  return decodeOk(post(eas::Command::Ping, eas::encode(request), timeout),
                  &eas::decodePingResponse);
}

}  // namespace cradle::test
