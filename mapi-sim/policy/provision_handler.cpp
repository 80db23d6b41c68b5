// Provision (MS-ASPROV, MS-ASCMD 2.2.1.14) and the provisioning gate every other command passes.
//
// Decisions (Exchange 2003 SP2 / 2007 behaviour where the spec leaves room):
// - Every device must hold a current policy key unless its user is exempt (ESM Device Security
//   "Exceptions...", or the mailbox's per-user flag): exempt users are never challenged. An
//   exempt user's device that provisions anyway gets the "no password" document and a key.
// - allowNonProvisionable decides only the acknowledgement: a device answering Status 2
//   (partial), 3 (not applied) or 4 (third party) is accepted with a key and marked
//   nonProvisionable when it is on, refused when it is off: HTTP 403 up to 12.1, Provision
//   Status 139 DeviceNotFullyProvisionable from 14.0 (MS-ASCMD 2.2.2). It is never sent.
// - The gate's answer: HTTP 449 up to 12.1; from 14.0 an HTTP 200 whose body is the command's
//   root element with Status 142 (no key), 144 (a key the server did not issue or no longer
//   holds), 143 (the key expired after refreshHours, the policy changed since it was issued, or
//   allowNonProvisionable was switched off for a nonProvisionable device), 140 (remote wipe
//   pending). Commands without a WBXML response (GetAttachment, the legacy ones) get 449.
// - A PolicyType of the other era (MS-WAP-Provisioning-XML from 12.0+, MS-EAS-Provisioning-WBXML
//   from 2.5) is answered like an unknown one: Policy Status 3.
// - Remote wipe: Requested -> the next Provision answers <RemoteWipe/> (wipe becomes Sent);
//   the device's RemoteWipe Status 1 makes it Done and forgets the device's keys and sync state;
//   Status 2 (failed) keeps it Sent and answers Status 2 with the directive again
//   (MS-ASPROV 3.2.5.1.2.2).
#include <cstdio>
#include <random>
#include <string>

#include "eas/http/commands.h"
#include "eas/message/provision.h"
#include "eas/message/status.h"
#include "eas/wbxml/code_pages.h"
#include "eas/wbxml/document.h"
#include "eas/wbxml/writer.h"
#include "mapi-sim/handlers/command.h"
#include "mapi-sim/policy/device_information.h"
#include "mapi-sim/policy/policy_document.h"

namespace mapisim {

namespace eas = cradle::eas;
using eas::Command;
using eas::CommonStatus;
using eas::HttpStatus;
using eas::PolicyApplyStatus;
using eas::PolicyStatus;
using eas::ProtocolVersion;
using eas::ProvisionPhase;
using eas::ProvisionResponse;
using eas::ProvisionStatus;
using eas::Tag;

namespace {

// Per-device state key (Mailbox::deviceState) holding the fingerprint of the policy the
// current key was issued for.
constexpr const char* PolicyFingerprintKey = "policy-fingerprint";

constexpr int64_t MillisPerHour = 3600 * 1000;

// A random nonzero key, different from the ones the device holds (MS-ASPROV 2.2.2.42: the
// decimal of a uint32; Z-Push issues nonzero keys because some clients treat 0 as "none").
uint32_t newPolicyKey(uint32_t avoid1, uint32_t avoid2) {
  thread_local std::mt19937 rng{std::random_device{}()};
  std::uniform_int_distribution<uint32_t> dist(1, UINT32_MAX);
  for (;;) {
    const uint32_t key = dist(rng);
    if (key != avoid1 && key != avoid2) {
      return key;
    }
  }
}

std::string fingerprintText(const CommandContext& ctx) {
  const uint64_t h = policyFingerprint(policySetFor(ctx.settings, ctx.user), ctx.version);
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

CommandReply provisionReply(const ProvisionResponse& r) { return wbxmlReply(eas::encode(r)); }

ProvisionResponse statusOnly(ProvisionStatus s) {
  ProvisionResponse r;
  r.status = s;
  return r;
}

// The root element and its Status child for the commands whose 14.0+ response is WBXML.
struct StatusElement {
  Tag root;
  Tag status;
};

std::optional<StatusElement> statusElementFor(Command c) {
  namespace T = eas::tag;
  switch (c) {
    case Command::Sync:
      return StatusElement{T::AirSync::Sync, T::AirSync::Status};
    case Command::SendMail:
      return StatusElement{T::ComposeMail::SendMail, T::ComposeMail::Status};
    case Command::SmartForward:
      return StatusElement{T::ComposeMail::SmartForward, T::ComposeMail::Status};
    case Command::SmartReply:
      return StatusElement{T::ComposeMail::SmartReply, T::ComposeMail::Status};
    case Command::FolderSync:
      return StatusElement{T::FolderHierarchy::FolderSync, T::FolderHierarchy::Status};
    case Command::FolderCreate:
      return StatusElement{T::FolderHierarchy::FolderCreate, T::FolderHierarchy::Status};
    case Command::FolderDelete:
      return StatusElement{T::FolderHierarchy::FolderDelete, T::FolderHierarchy::Status};
    case Command::FolderUpdate:
      return StatusElement{T::FolderHierarchy::FolderUpdate, T::FolderHierarchy::Status};
    case Command::MoveItems:
      return StatusElement{T::Move::MoveItems, T::Move::Status};
    case Command::GetItemEstimate:
      return StatusElement{T::GetItemEstimate::GetItemEstimate, T::GetItemEstimate::Status};
    case Command::MeetingResponse:
      return StatusElement{T::MeetingResponse::MeetingResponse, T::MeetingResponse::Status};
    case Command::Search:
      return StatusElement{T::Search::Search, T::Search::Status};
    case Command::Settings:
      return StatusElement{T::Settings::Settings, T::Settings::Status};
    case Command::Ping:
      return StatusElement{T::Ping::Ping, T::Ping::Status};
    case Command::ItemOperations:
      return StatusElement{T::ItemOperations::ItemOperations, T::ItemOperations::Status};
    case Command::ResolveRecipients:
      return StatusElement{T::ResolveRecipients::ResolveRecipients, T::ResolveRecipients::Status};
    case Command::ValidateCert:
      return StatusElement{T::ValidateCert::ValidateCert, T::ValidateCert::Status};
    default:
      return std::nullopt;  // no WBXML response (GetAttachment, legacy commands) or Provision
  }
}

// "Run Provision": 449 up to 12.1; from 14.0 the command's root with the common status
// (MS-ASPROV 4.1.1: <FolderSync><Status>142</Status></FolderSync>).
CommandReply provisionChallenge(const CommandContext& ctx, CommonStatus status) {
  if (eas::provisioningByHttpStatus(ctx.version)) {
    return httpReply(HttpStatus::NeedProvisioning);
  }
  auto element = statusElementFor(ctx.request.cmd);
  if (!element) {
    return httpReply(HttpStatus::NeedProvisioning);
  }
  std::string body;
  eas::WbxmlWriter w(body);
  w.start(element->root);
  w.element(element->status, uint64_t{static_cast<uint8_t>(status)});
  w.end();
  return wbxmlReply(std::move(body));
}

bool wipePending(const DeviceRecord& d) {
  return d.wipe == DeviceRecord::Wipe::Requested || d.wipe == DeviceRecord::Wipe::Sent;
}

// Saves the device; a store failure turns the answer into a server error.
bool save(CommandContext& ctx) { return ctx.mailbox.saveDevice(ctx.device).ok(); }

CommandReply answerWipeAcknowledgement(CommandContext& ctx, eas::RemoteWipeStatus status,
                                       ProvisionResponse resp) {
  DeviceRecord& d = ctx.device;
  if (d.wipe == DeviceRecord::Wipe::Done && status == eas::RemoteWipeStatus::Success) {
    resp.status = ProvisionStatus::Success;  // a repeated acknowledgement
    return provisionReply(resp);
  }
  if (d.wipe != DeviceRecord::Wipe::Sent) {
    resp.status = ProvisionStatus::ProtocolError;  // no wipe directive was sent
    return provisionReply(resp);
  }
  // MS-ASPROV 3.2.5.1.2.2: record the result; success -> Status 1; failure -> Status 2 and the
  // directive again.
  if (status == eas::RemoteWipeStatus::Success) {
    d.wipe = DeviceRecord::Wipe::Done;
    d.policyKey = 0;
    d.pendingPolicyKey = 0;
    d.policyIssued = 0;
    d.nonProvisionable = false;
    if (!save(ctx) || !ctx.mailbox.clearDeviceState(d.id).ok()) {
      return provisionReply(statusOnly(ProvisionStatus::ServerError));
    }
    resp.status = ProvisionStatus::Success;
    return provisionReply(resp);
  }
  resp.status = ProvisionStatus::ProtocolError;
  resp.remoteWipe = true;
  return provisionReply(resp);
}

}  // namespace

CommandReply handleProvision(CommandContext& ctx) {
  // A request that is WBXML but not a Provision request: Provision Status 2, protocol error
  // (the dispatcher already answered undecodable WBXML with 400).
  auto doc = eas::Document::decode(ctx.body);
  if (!doc) {
    return provisionReply(statusOnly(ProvisionStatus::ProtocolError));
  }
  auto request = eas::decodeProvisionRequest(*doc);
  if (!request) {
    return provisionReply(statusOnly(ProvisionStatus::ProtocolError));
  }
  DeviceRecord& device = ctx.device;
  ProvisionResponse resp;

  // MS-ASPROV 2.2.2.52: 14.1+ clients send Settings:DeviceInformation inside Provision.
  if (request->deviceInformation) {
    device.deviceInfo = deviceInfoText(*request->deviceInformation);
    if (!save(ctx)) {
      return provisionReply(statusOnly(ProvisionStatus::ServerError));
    }
    if (eas::atLeast(ctx.version, ProtocolVersion::V14_1)) {
      resp.deviceInformationStatus = 1;
    }
  }

  const ProvisionPhase phase = eas::phaseOf(*request);
  if (phase == ProvisionPhase::RemoteWipeAcknowledge) {
    return answerWipeAcknowledgement(ctx, *request->remoteWipeStatus, std::move(resp));
  }

  // MS-ASPROV 3.2.5.1.2.1: a pending wipe is the answer to any policy request.
  if (wipePending(device)) {
    device.wipe = DeviceRecord::Wipe::Sent;
    if (!save(ctx)) {
      return provisionReply(statusOnly(ProvisionStatus::ServerError));
    }
    resp.status = ProvisionStatus::Success;
    resp.remoteWipe = true;
    return provisionReply(resp);
  }

  const eas::ProvisionPolicyRequest& policy = *request->policy;
  const auto type = eas::parsePolicyType(policy.policyType);
  if (!type || *type != eas::policyTypeFor(ctx.version)) {
    // MS-ASPROV 2.2.2.54.1: Policy Status 3, the PolicyType is not one the server knows (for
    // this protocol version).
    resp.status = ProvisionStatus::Success;
    resp.policy = eas::ProvisionPolicyResponse{policy.policyType, PolicyStatus::UnknownPolicyType,
                                               std::nullopt, std::nullopt};
    return provisionReply(resp);
  }

  if (phase == ProvisionPhase::Download) {
    // Phase 1: the document and a temporary key; the current key stays valid until the
    // acknowledgement replaces it.
    const uint32_t temporary = newPolicyKey(device.policyKey, device.pendingPolicyKey);
    device.pendingPolicyKey = temporary;
    if (!save(ctx)) {
      return provisionReply(statusOnly(ProvisionStatus::ServerError));
    }
    ProvisionResponse download =
        eas::makePolicyResponse(ctx.version, temporary, policySetFor(ctx.settings, ctx.user));
    download.deviceInformationStatus = resp.deviceInformationStatus;
    return provisionReply(download);
  }

  // Phase 2: the acknowledgement must carry the temporary key of phase 1.
  if (device.pendingPolicyKey == 0 || *policy.policyKey != device.pendingPolicyKey) {
    // MS-ASPROV 2.2.2.54.1: Policy Status 5, the client acknowledged the wrong policy key.
    ProvisionResponse wrong =
        eas::makeAcknowledgementResponse(*type, PolicyStatus::WrongPolicyKey, std::nullopt);
    wrong.deviceInformationStatus = resp.deviceInformationStatus;
    return provisionReply(wrong);
  }
  const PolicyApplyStatus applied = *policy.status;
  const auto enforced = effectivePolicy(ctx.settings, ctx.user);
  const bool allowPartial = !enforced || enforced->allowNonProvisionable;
  if (applied != PolicyApplyStatus::Success && !allowPartial) {
    // The device cannot enforce the policy and such devices are not allowed.
    device.pendingPolicyKey = 0;
    if (!save(ctx)) {
      return provisionReply(statusOnly(ProvisionStatus::ServerError));
    }
    if (eas::provisioningByHttpStatus(ctx.version)) {
      return httpReply(HttpStatus::Forbidden);
    }
    ProvisionResponse refused =
        statusOnly(eas::fromCommon<ProvisionStatus>(CommonStatus::DeviceNotFullyProvisionable));
    refused.deviceInformationStatus = resp.deviceInformationStatus;
    return provisionReply(refused);
  }
  const uint32_t finalKey = newPolicyKey(device.pendingPolicyKey, device.policyKey);
  device.policyKey = finalKey;
  device.pendingPolicyKey = 0;
  device.policyIssued = ctx.now;
  device.nonProvisionable = applied != PolicyApplyStatus::Success;
  if (!save(ctx) ||
      !ctx.mailbox.setDeviceState(device.id, PolicyFingerprintKey, fingerprintText(ctx)).ok()) {
    return provisionReply(statusOnly(ProvisionStatus::ServerError));
  }
  ProvisionResponse ack = eas::makeAcknowledgementResponse(*type, PolicyStatus::Success, finalKey);
  ack.deviceInformationStatus = resp.deviceInformationStatus;
  return provisionReply(ack);
}

std::optional<CommandReply> checkProvisioning(CommandContext& ctx) {
  if (ctx.request.cmd == Command::Provision) {
    return std::nullopt;  // MS-ASPROV 3.1.5.1: the way out of every challenge
  }
  const DeviceRecord& d = ctx.device;
  // A pending wipe sends even an exempt user's device to Provision (MS-ASCMD 2.2.2: 140).
  if (wipePending(d)) {
    return provisionChallenge(ctx, CommonStatus::RemoteWipeRequested);
  }
  const auto policy = effectivePolicy(ctx.settings, ctx.user);
  if (!policy) {
    return std::nullopt;  // exempt: never challenged
  }
  const uint32_t key = ctx.request.policyKey.value_or(0);
  if (key == 0) {
    return provisionChallenge(ctx, CommonStatus::DeviceNotProvisioned);
  }
  if (key != d.policyKey) {
    return provisionChallenge(ctx, CommonStatus::InvalidPolicyKey);
  }
  // ESM "Refresh settings on the device (hours)": the key expires.
  if (policy->refreshHours > 0 &&
      d.policyIssued + static_cast<int64_t>(policy->refreshHours) * MillisPerHour < ctx.now) {
    return provisionChallenge(ctx, CommonStatus::PolicyRefresh);
  }
  if (d.nonProvisionable && !policy->allowNonProvisionable) {
    return provisionChallenge(ctx, CommonStatus::PolicyRefresh);
  }
  // The policy the key was issued for has changed (an absent fingerprint, e.g. after the
  // handlers cleared the device's state, is not a change: that would loop).
  if (auto issued = ctx.mailbox.deviceState(d.id, PolicyFingerprintKey)) {
    if (*issued != fingerprintText(ctx)) {
      return provisionChallenge(ctx, CommonStatus::PolicyRefresh);
    }
  }
  return std::nullopt;
}

}  // namespace mapisim
