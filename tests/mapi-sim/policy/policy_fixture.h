// A real Mailbox in a temporary folder, one user and one device, and helpers that run Provision,
// Settings and the provisioning gate the way the dispatcher does.
#pragma once

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "eas/http/request.h"
#include "eas/message/provision.h"
#include "eas/message/settings.h"
#include "eas/version.h"
#include "eas/wbxml/document.h"
#include "eas/wbxml/xml_text.h"
#include "mapi-sim/handlers/command.h"
#include "mapi-sim/mailbox/mailbox.h"
#include "mapi-sim/policy/server_settings.h"

namespace mapisim::testing {

namespace eas = cradle::eas;

constexpr UnixMillis T0 = 1'200'000'000'000;  // 2008-01-10, any fixed instant
constexpr UnixMillis Hour = 3600 * 1000;

class PolicyFixture {
 public:
  PolicyFixture() {
    char pattern[] = "/tmp/cradle-policy-test-XXXXXX";
    const char* made = mkdtemp(pattern);
    REQUIRE(made != nullptr);
    dir_ = made;
    auto opened = Mailbox::open(dir_);
    REQUIRE(opened.ok());
    mailbox_ = std::move(opened).value();
    auto user = mailbox_->addUser("alice", "secret", "alice@example.com");
    REQUIRE(user.ok());
  }
  ~PolicyFixture() {
    mailbox_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  PolicyFixture(const PolicyFixture&) = delete;
  PolicyFixture& operator=(const PolicyFixture&) = delete;

  Mailbox& mailbox() { return *mailbox_; }
  ServerSettings settings;
  std::string deviceId = "6F24CAD599A5BF1A690246B8C68FAE8D";

  UserRecord user() const { return *mailbox_->findUser("alice"); }

  DeviceRecord device() {
    auto d = mailbox_->device(user().id, deviceId);
    REQUIRE(d.has_value());
    return *d;
  }
  void saveDevice(const DeviceRecord& d) { REQUIRE(mailbox_->saveDevice(d).ok()); }

  // Runs one command as the dispatcher does: touch the device, then the gate (all but Provision),
  // then the handler. A command other than Provision/Settings that passes the gate gets an empty
  // 200, so `passed` tells whether the gate let it through.
  CommandReply run(eas::Command cmd, eas::ProtocolVersion version, const std::string& body,
                   std::optional<uint32_t> policyKey, UnixMillis now = T0) {
    eas::EasRequest r;
    r.cmd = cmd;
    r.user = "alice";
    r.deviceId = deviceId;
    r.deviceType = "PocketPC";
    r.policyKey = policyKey;
    r.version = version;
    const UserRecord u = user();
    DeviceRecord d = mailbox_->touchDevice(u.id, deviceId, "PocketPC", "MSFT-PPC/5.2.5082",
                                           std::string(eas::toString(version)));
    CommandContext ctx{r, version, body, u, d, *mailbox_, settings, now};
    passed = false;
    if (cmd != eas::Command::Provision) {
      if (auto gate = checkProvisioning(ctx)) {
        return *gate;
      }
    }
    passed = true;
    if (cmd == eas::Command::Provision) {
      return handleProvision(ctx);
    }
    if (cmd == eas::Command::Settings) {
      return handleSettings(ctx);
    }
    return wbxmlReply("");
  }

  // Provision with a typed request; the response must be 200 with a decodable body.
  eas::ProvisionResponse provision(eas::ProtocolVersion version, const eas::ProvisionRequest& req,
                                   UnixMillis now = T0) {
    lastReply = run(eas::Command::Provision, version, eas::encode(req), std::nullopt, now);
    REQUIRE(lastReply.outcome.status == eas::HttpStatus::Ok);
    auto resp = eas::decodeWbxml(lastReply.body, &eas::decodeProvisionResponse);
    INFO((resp.ok() ? std::string() : resp.error().message()));
    REQUIRE(resp.ok());
    return *resp;
  }

  // Both phases; returns the final key.
  uint32_t provisionFully(eas::ProtocolVersion version, UnixMillis now = T0) {
    const auto type = eas::policyTypeFor(version);
    auto download = provision(version, eas::makeDownloadRequest(type), now);
    REQUIRE(download.policy.has_value());
    REQUIRE(download.policy->policyKey.has_value());
    auto ack = provision(version, eas::makeAcknowledgement(type, *download.policy->policyKey), now);
    REQUIRE(ack.policy.has_value());
    REQUIRE(ack.policy->status == eas::PolicyStatus::Success);
    REQUIRE(ack.policy->policyKey.has_value());
    return *ack.policy->policyKey;
  }

  // The gate alone, for a FolderSync (or `cmd`).
  CommandReply gate(eas::ProtocolVersion version, std::optional<uint32_t> key, UnixMillis now = T0,
                    eas::Command cmd = eas::Command::FolderSync) {
    return run(cmd, version, "", key, now);
  }

  bool passed = false;
  CommandReply lastReply;

 private:
  std::string dir_;
  std::unique_ptr<Mailbox> mailbox_;
};

// The XML text of a WBXML body, for assertions on element names.
inline std::string xmlOf(const std::string& wbxml) {
  auto doc = eas::Document::decode(wbxml);
  REQUIRE(doc.ok());
  return eas::toXml(*doc, eas::XmlOptions{false, false, false});
}

// A request body from its XML text form.
inline std::string wbxmlOf(std::string_view xml) {
  auto doc = eas::fromXml(xml);
  INFO(std::string(xml));
  REQUIRE(doc.ok());
  return doc->encode();
}

}  // namespace mapisim::testing
