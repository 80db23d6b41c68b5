// Provision both phases (2.5 WAP XML, 12.1/14.1 WBXML), the provisioning gate, remote wipe.
#include <catch2/catch.hpp>

#include "tests/mapi-sim/policy/policy_fixture.h"

using namespace mapisim;
using namespace mapisim::testing;
using eas::Command;
using eas::HttpStatus;
using eas::PolicyApplyStatus;
using eas::PolicyLimit;
using eas::PolicyStatus;
using eas::PolicyType;
using eas::ProtocolVersion;
using eas::ProvisionStatus;

namespace {

constexpr auto V25 = ProtocolVersion::V2_5;
constexpr auto V121 = ProtocolVersion::V12_1;
constexpr auto V140 = ProtocolVersion::V14_0;
constexpr auto V141 = ProtocolVersion::V14_1;

void strictPassword(ServerSettings& s) {
  s.globalPolicy.enforcePassword = true;
  s.globalPolicy.minPasswordLength = 6;
  s.globalPolicy.requireAlphanumeric = true;
  s.globalPolicy.inactivityMinutes = 10;
  s.globalPolicy.wipeAfterFailures = 5;
}

// <Root><Status>N</Status></Root> as XML text.
std::string statusBody(std::string_view ns, std::string_view root, int status) {
  return "<" + std::string(root) + " xmlns=\"" + std::string(ns) + ":\"><Status>" +
         std::to_string(status) + "</Status></" + std::string(root) + ">";
}

}  // namespace

TEST_CASE("Provision 2.5: WAP provisioning document, both phases", "[mapi-sim][policy]") {
  PolicyFixture f;
  strictPassword(f.settings);

  // Unprovisioned: 449 (MS-ASHTTP, protocol <= 12.1).
  auto challenge = f.gate(V25, std::nullopt);
  CHECK(challenge.outcome.status == HttpStatus::NeedProvisioning);
  CHECK(challenge.body.empty());
  CHECK_FALSE(f.passed);

  // Phase 1.
  auto download = f.provision(V25, eas::makeDownloadRequest(PolicyType::WapProvisioningXml));
  CHECK(download.status == ProvisionStatus::Success);
  REQUIRE(download.policy);
  CHECK(download.policy->policyType == "MS-WAP-Provisioning-XML");
  CHECK(download.policy->status == PolicyStatus::Success);
  REQUIRE(download.policy->policyKey);
  const uint32_t temporary = *download.policy->policyKey;
  CHECK(temporary != 0);
  CHECK(f.device().pendingPolicyKey == temporary);
  CHECK(f.device().policyKey == 0);
  // The wap-provisioningdoc carries the Device Security settings.
  REQUIRE(download.policy->data);
  const auto& data = *download.policy->data;
  CHECK(data.devicePasswordEnabled == true);
  CHECK(data.alphanumericDevicePasswordRequired == true);
  CHECK(data.minDevicePasswordLength == PolicyLimit{6});
  CHECK(data.maxInactivityTimeDeviceLock == PolicyLimit{600});
  CHECK(data.maxDevicePasswordFailedAttempts == PolicyLimit{5});
  const std::string xml = xmlOf(f.lastReply.body);
  CHECK_THAT(xml, Catch::Contains("wap-provisioningdoc"));
  CHECK_THAT(xml, !Catch::Contains("AllowNonProvisionable"));
  CHECK_THAT(xml, !Catch::Contains("EASProvisionDoc"));

  // The temporary key is no key for other commands.
  f.gate(V25, temporary);
  CHECK_FALSE(f.passed);

  // Phase 2.
  auto ack = f.provision(V25, eas::makeAcknowledgement(PolicyType::WapProvisioningXml, temporary));
  CHECK(ack.status == ProvisionStatus::Success);
  REQUIRE(ack.policy);
  CHECK(ack.policy->status == PolicyStatus::Success);
  REQUIRE(ack.policy->policyKey);
  const uint32_t final = *ack.policy->policyKey;
  CHECK(final != 0);
  CHECK(final != temporary);
  CHECK_FALSE(ack.policy->data);
  const DeviceRecord d = f.device();
  CHECK(d.policyKey == final);
  CHECK(d.pendingPolicyKey == 0);
  CHECK(d.policyIssued == T0);
  CHECK_FALSE(d.nonProvisionable);

  // The final key opens the door.
  auto passed = f.gate(V25, final);
  CHECK(f.passed);
  CHECK(passed.outcome.status == HttpStatus::Ok);
}

TEST_CASE("Provision 14.1: EASProvisionDoc, DeviceInformation, both phases", "[mapi-sim][policy]") {
  PolicyFixture f;
  strictPassword(f.settings);

  auto challenge = f.gate(V141, std::nullopt);
  CHECK(challenge.outcome.status == HttpStatus::Ok);
  CHECK(xmlOf(challenge.body) == statusBody("FolderHierarchy", "FolderSync", 142));
  CHECK_FALSE(f.passed);

  auto request = eas::makeDownloadRequest(PolicyType::EasProvisioningWbxml);
  eas::DeviceInformation info;
  info.model = "SimPPC";
  info.friendlyName = "Sim Device";
  info.os = "Windows CE 5.2";
  info.userAgent = "MSFT-PPC/5.2.5082";
  request.deviceInformation = info;
  auto download = f.provision(V141, request);
  CHECK(download.status == ProvisionStatus::Success);
  CHECK(download.deviceInformationStatus == 1u);
  REQUIRE(download.policy);
  CHECK(download.policy->policyType == "MS-EAS-Provisioning-WBXML");
  REQUIRE(download.policy->policyKey);
  REQUIRE(download.policy->data);
  const auto& data = *download.policy->data;
  CHECK(data.devicePasswordEnabled == true);
  CHECK(data.alphanumericDevicePasswordRequired == true);
  CHECK(data.minDevicePasswordLength == PolicyLimit{6});
  CHECK(data.maxInactivityTimeDeviceLock == PolicyLimit{600});
  CHECK(data.maxDevicePasswordFailedAttempts == PolicyLimit{5});
  CHECK(data.allowCamera == true);  // 12.1 elements reach a 14.1 client
  const std::string xml = xmlOf(f.lastReply.body);
  CHECK_THAT(xml, Catch::Contains("<EASProvisionDoc>"));
  CHECK_THAT(xml, !Catch::Contains("AllowNonProvisionable"));
  CHECK(f.device().deviceInfo ==
        "Model: SimPPC\nFriendlyName: Sim Device\nOS: Windows CE 5.2\n"
        "UserAgent: MSFT-PPC/5.2.5082\n");

  auto ack = f.provision(V141, eas::makeAcknowledgement(PolicyType::EasProvisioningWbxml,
                                                        *download.policy->policyKey));
  REQUIRE(ack.policy);
  CHECK(ack.policy->status == PolicyStatus::Success);
  REQUIRE(ack.policy->policyKey);
  const uint32_t final = *ack.policy->policyKey;
  CHECK(f.device().policyKey == final);

  f.gate(V141, final);
  CHECK(f.passed);
}

TEST_CASE("Provision: the document follows the version and the settings", "[mapi-sim][policy]") {
  PolicyFixture f;
  SECTION("12.0 gets no 12.1 elements") {
    auto r = f.provision(ProtocolVersion::V12_0,
                         eas::makeDownloadRequest(PolicyType::EasProvisioningWbxml));
    REQUIRE(r.policy);
    REQUIRE(r.policy->data);
    CHECK(r.policy->data->devicePasswordEnabled == false);
    CHECK_FALSE(r.policy->data->allowCamera.has_value());
    CHECK_THAT(xmlOf(f.lastReply.body), !Catch::Contains("AllowCamera"));
  }
  SECTION("no password: the limits are empty elements") {
    auto r = f.provision(V121, eas::makeDownloadRequest(PolicyType::EasProvisioningWbxml));
    REQUIRE(r.policy);
    REQUIRE(r.policy->data);
    CHECK(r.policy->data->devicePasswordEnabled == false);
    CHECK(r.policy->data->minDevicePasswordLength == PolicyLimit::empty());
    CHECK_THAT(xmlOf(f.lastReply.body), Catch::Contains("<MinDevicePasswordLength/>"));
  }
  SECTION("a named policy replaces the global one") {
    DevicePolicy sales;
    sales.enforcePassword = true;
    sales.minPasswordLength = 11;
    f.settings.policies["sales"] = sales;
    REQUIRE(f.mailbox().setUserPolicy("alice", "sales", false).ok());
    auto r = f.provision(V121, eas::makeDownloadRequest(PolicyType::EasProvisioningWbxml));
    REQUIRE(r.policy);
    REQUIRE(r.policy->data);
    CHECK(r.policy->data->minDevicePasswordLength == PolicyLimit{11});
  }
  SECTION("an exempt user gets the no-password document and a key") {
    strictPassword(f.settings);
    f.settings.exemptUsers = {"ALICE"};
    auto r = f.provision(V121, eas::makeDownloadRequest(PolicyType::EasProvisioningWbxml));
    REQUIRE(r.policy);
    CHECK(r.policy->status == PolicyStatus::Success);
    REQUIRE(r.policy->data);
    CHECK(r.policy->data->devicePasswordEnabled == false);
    CHECK(r.policy->policyKey.has_value());
  }
}

TEST_CASE("Provision: acknowledgement with status 2 and allowNonProvisionable",
          "[mapi-sim][policy]") {
  PolicyFixture f;
  strictPassword(f.settings);

  SECTION("allowed: a key, the device marked nonProvisionable") {
    f.settings.globalPolicy.allowNonProvisionable = true;
    auto download = f.provision(V121, eas::makeDownloadRequest(PolicyType::EasProvisioningWbxml));
    REQUIRE(download.policy->policyKey);
    auto ack = f.provision(V121, eas::makeAcknowledgement(PolicyType::EasProvisioningWbxml,
                                                          *download.policy->policyKey,
                                                          PolicyApplyStatus::PartialSuccess));
    REQUIRE(ack.policy);
    CHECK(ack.policy->status == PolicyStatus::Success);
    REQUIRE(ack.policy->policyKey);
    CHECK(f.device().nonProvisionable);
    f.gate(V121, *ack.policy->policyKey);
    CHECK(f.passed);

    // Switching the setting off sends the device back to Provision, where it is refused.
    f.settings.globalPolicy.allowNonProvisionable = false;
    auto again = f.gate(V121, *ack.policy->policyKey);
    CHECK(again.outcome.status == HttpStatus::NeedProvisioning);
  }
  SECTION("refused up to 12.1: HTTP 403, no key") {
    f.settings.globalPolicy.allowNonProvisionable = false;
    auto download = f.provision(V121, eas::makeDownloadRequest(PolicyType::EasProvisioningWbxml));
    REQUIRE(download.policy->policyKey);
    auto reply = f.run(Command::Provision, V121,
                       eas::encode(eas::makeAcknowledgement(PolicyType::EasProvisioningWbxml,
                                                            *download.policy->policyKey,
                                                            PolicyApplyStatus::PartialSuccess)),
                       std::nullopt);
    CHECK(reply.outcome.status == HttpStatus::Forbidden);
    CHECK(f.device().policyKey == 0);
    CHECK(f.device().pendingPolicyKey == 0);
  }
  SECTION("refused from 14.0: Provision Status 139") {
    f.settings.globalPolicy.allowNonProvisionable = false;
    auto download = f.provision(V140, eas::makeDownloadRequest(PolicyType::EasProvisioningWbxml));
    REQUIRE(download.policy->policyKey);
    auto ack = f.provision(
        V140, eas::makeAcknowledgement(PolicyType::EasProvisioningWbxml,
                                       *download.policy->policyKey, PolicyApplyStatus::NotApplied));
    CHECK(static_cast<int>(ack.status) == 139);
    CHECK_FALSE(ack.policy.has_value());
    CHECK(f.device().policyKey == 0);
  }
  SECTION("status 1 is accepted whatever the setting") {
    f.settings.globalPolicy.allowNonProvisionable = false;
    const uint32_t key = f.provisionFully(V121);
    CHECK(f.device().policyKey == key);
    CHECK_FALSE(f.device().nonProvisionable);
  }
}

TEST_CASE("Provision: wrong key, unknown and mismatched policy types", "[mapi-sim][policy]") {
  PolicyFixture f;
  SECTION("acknowledging a key that was not issued: Policy Status 5") {
    auto download = f.provision(V121, eas::makeDownloadRequest(PolicyType::EasProvisioningWbxml));
    REQUIRE(download.policy->policyKey);
    auto ack = f.provision(V121, eas::makeAcknowledgement(PolicyType::EasProvisioningWbxml,
                                                          *download.policy->policyKey + 1));
    CHECK(ack.status == ProvisionStatus::Success);
    REQUIRE(ack.policy);
    CHECK(ack.policy->status == PolicyStatus::WrongPolicyKey);
    CHECK_FALSE(ack.policy->policyKey);
    CHECK(f.device().policyKey == 0);
  }
  SECTION("acknowledging without a download: Policy Status 5") {
    auto ack = f.provision(V121, eas::makeAcknowledgement(PolicyType::EasProvisioningWbxml, 1234));
    REQUIRE(ack.policy);
    CHECK(ack.policy->status == PolicyStatus::WrongPolicyKey);
  }
  SECTION("unknown policy type: Policy Status 3") {
    eas::ProvisionRequest r;
    r.policy = eas::ProvisionPolicyRequest{"MS-Made-Up", std::nullopt, std::nullopt};
    auto resp = f.provision(V121, r);
    REQUIRE(resp.policy);
    CHECK(resp.policy->status == PolicyStatus::UnknownPolicyType);
    CHECK(resp.policy->policyType == "MS-Made-Up");
    CHECK_FALSE(resp.policy->policyKey);
    CHECK(f.device().pendingPolicyKey == 0);
  }
  SECTION("a 2.5 device asking for the WBXML type: Policy Status 3") {
    auto resp = f.provision(V25, eas::makeDownloadRequest(PolicyType::EasProvisioningWbxml));
    REQUIRE(resp.policy);
    CHECK(resp.policy->status == PolicyStatus::UnknownPolicyType);
  }
  SECTION("a 12.1 device asking for the WAP type: Policy Status 3") {
    auto resp = f.provision(V121, eas::makeDownloadRequest(PolicyType::WapProvisioningXml));
    REQUIRE(resp.policy);
    CHECK(resp.policy->status == PolicyStatus::UnknownPolicyType);
  }
  SECTION("a body that is no Provision request: Provision Status 2") {
    auto reply = f.run(Command::Provision, V121, wbxmlOf("<Ping xmlns=\"Ping:\"/>"), std::nullopt);
    auto resp = eas::decodeWbxml(reply.body, &eas::decodeProvisionResponse);
    REQUIRE(resp.ok());
    CHECK(resp->status == ProvisionStatus::ProtocolError);
  }
}

TEST_CASE("checkProvisioning: 449 and statuses 142/143/144", "[mapi-sim][policy]") {
  PolicyFixture f;

  SECTION("12.1 without a key, with a wrong key: 449 and no body") {
    auto r = f.gate(V121, std::nullopt);
    CHECK(r.outcome.status == HttpStatus::NeedProvisioning);
    CHECK(r.body.empty());
    r = f.gate(V121, 0);
    CHECK(r.outcome.status == HttpStatus::NeedProvisioning);
    r = f.gate(V121, 77);
    CHECK(r.outcome.status == HttpStatus::NeedProvisioning);
  }
  SECTION("14.0: the command's root element with the status") {
    auto r = f.gate(V140, std::nullopt);
    CHECK(r.outcome.status == HttpStatus::Ok);
    CHECK(r.contentType == "application/vnd.ms-sync.wbxml");
    CHECK(xmlOf(r.body) == statusBody("FolderHierarchy", "FolderSync", 142));
    r = f.gate(V140, 12345);  // never issued
    CHECK(xmlOf(r.body) == statusBody("FolderHierarchy", "FolderSync", 144));
    r = f.gate(V140, std::nullopt, T0, Command::Sync);
    CHECK(xmlOf(r.body) == statusBody("AirSync", "Sync", 142));
    r = f.gate(V140, std::nullopt, T0, Command::Ping);
    CHECK(xmlOf(r.body) == statusBody("Ping", "Ping", 142));
    r = f.gate(V140, std::nullopt, T0, Command::GetItemEstimate);
    CHECK(xmlOf(r.body) == statusBody("GetItemEstimate", "GetItemEstimate", 142));
    // GetAttachment has no WBXML response: 449.
    r = f.gate(V140, std::nullopt, T0, Command::GetAttachment);
    CHECK(r.outcome.status == HttpStatus::NeedProvisioning);
  }
  SECTION("the key expires after refreshHours (ctx.now)") {
    f.settings.globalPolicy.refreshHours = 2;
    const uint32_t key = f.provisionFully(V140);
    f.gate(V140, key, T0 + 2 * Hour);
    CHECK(f.passed);
    auto r = f.gate(V140, key, T0 + 2 * Hour + 1);
    CHECK_FALSE(f.passed);
    CHECK(xmlOf(r.body) == statusBody("FolderHierarchy", "FolderSync", 143));
    r = f.gate(V121, key, T0 + 3 * Hour);
    CHECK(r.outcome.status == HttpStatus::NeedProvisioning);
    // Provisioning again starts a new interval.
    const uint32_t renewed = f.provisionFully(V140, T0 + 3 * Hour);
    CHECK(renewed != key);
    f.gate(V140, renewed, T0 + 4 * Hour);
    CHECK(f.passed);
    // The old key is now unknown.
    r = f.gate(V140, key, T0 + 4 * Hour);
    CHECK(xmlOf(r.body) == statusBody("FolderHierarchy", "FolderSync", 144));
  }
  SECTION("refreshHours 0: the key never expires") {
    const uint32_t key = f.provisionFully(V140);
    f.gate(V140, key, T0 + 10000 * Hour);
    CHECK(f.passed);
  }
  SECTION("a policy change asks for a refresh") {
    const uint32_t key = f.provisionFully(V140);
    f.settings.globalPolicy.enforcePassword = true;
    auto r = f.gate(V140, key);
    CHECK(xmlOf(r.body) == statusBody("FolderHierarchy", "FolderSync", 143));
    // A change no element carries (allowNonProvisionable) is not a policy change.
    f.settings.globalPolicy.enforcePassword = false;
    f.settings.globalPolicy.allowNonProvisionable = false;
    f.gate(V140, key);
    CHECK(f.passed);
  }
  SECTION("exempt users are never challenged") {
    f.settings.exemptUsers = {"alice"};
    auto r = f.gate(V121, std::nullopt);
    CHECK(f.passed);
    CHECK(r.outcome.status == HttpStatus::Ok);
    f.gate(V140, 999);
    CHECK(f.passed);
  }
  SECTION("the mailbox's per-user exempt flag counts too") {
    REQUIRE(f.mailbox().setUserPolicy("alice", "", true).ok());
    f.gate(V140, std::nullopt);
    CHECK(f.passed);
  }
}

TEST_CASE("Remote wipe: challenge, directive, acknowledgement", "[mapi-sim][policy]") {
  PolicyFixture f;
  const uint32_t key = f.provisionFully(V121);
  DeviceRecord d = f.device();
  d.wipe = DeviceRecord::Wipe::Requested;
  f.saveDevice(d);

  // Every command is sent to Provision, even with a good key; exemption does not help.
  f.settings.exemptUsers = {"alice"};
  auto r = f.gate(V121, key);
  CHECK(r.outcome.status == HttpStatus::NeedProvisioning);
  r = f.gate(V141, key);
  CHECK(xmlOf(r.body) == statusBody("FolderHierarchy", "FolderSync", 140));
  f.settings.exemptUsers.clear();

  // The Provision answer is the directive, without a policy.
  auto directive = f.provision(V121, eas::makeDownloadRequest(PolicyType::EasProvisioningWbxml));
  CHECK(directive.status == ProvisionStatus::Success);
  CHECK(directive.remoteWipe);
  CHECK_FALSE(directive.policy.has_value());
  CHECK(f.device().wipe == DeviceRecord::Wipe::Sent);
  CHECK_THAT(xmlOf(f.lastReply.body), Catch::Contains("<RemoteWipe/>"));

  SECTION("the device reports success") {
    auto done =
        f.provision(V121, eas::makeRemoteWipeAcknowledgement(eas::RemoteWipeStatus::Success));
    CHECK(done.status == ProvisionStatus::Success);
    CHECK_FALSE(done.remoteWipe);
    const DeviceRecord after = f.device();
    CHECK(after.wipe == DeviceRecord::Wipe::Done);
    CHECK(after.policyKey == 0);
    // The wiped device starts over: its old key is gone.
    f.gate(V121, key);
    CHECK_FALSE(f.passed);
    const uint32_t fresh = f.provisionFully(V121);
    f.gate(V121, fresh);
    CHECK(f.passed);
  }
  SECTION("the device reports failure: Status 2 and the directive again") {
    auto failed =
        f.provision(V121, eas::makeRemoteWipeAcknowledgement(eas::RemoteWipeStatus::Failure));
    CHECK(failed.status == ProvisionStatus::ProtocolError);
    CHECK(failed.remoteWipe);
    CHECK(f.device().wipe == DeviceRecord::Wipe::Sent);
    f.gate(V121, key);
    CHECK_FALSE(f.passed);
  }
}

TEST_CASE("Remote wipe acknowledgement without a directive is a protocol error",
          "[mapi-sim][policy]") {
  PolicyFixture f;
  auto r = f.provision(V121, eas::makeRemoteWipeAcknowledgement(eas::RemoteWipeStatus::Success));
  CHECK(r.status == ProvisionStatus::ProtocolError);
  CHECK(f.device().wipe == DeviceRecord::Wipe::None);
}
