// Settings (MS-ASCMD 2.2.1.18, 12.0+): DeviceInformation, UserInformation, Oof, DevicePassword.
//
// Storage: DeviceInformation goes to DeviceRecord::deviceInfo ("Name: value" lines); the
// recovery password of DevicePassword/Set to the device's state blob "recovery-password" (the
// administrator's copy, as Exchange keeps it; never logged); the Oof settings to the server's
// key/value table under "oof:<user id>" as JSON. A request that is not a Settings request gets
// Settings Status 2 (protocol error); a section that cannot be stored gets Status 4 (server
// unavailable); an Oof/Set whose time-based window is incomplete gets 5 (invalid arguments).
#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>
#include <string>
#include <typeinfo>

#include "eas/message/settings.h"
#include "eas/wbxml/document.h"
#include "mapi-sim/handlers/command.h"
#include "mapi-sim/policy/device_information.h"

namespace mapisim {

namespace eas = cradle::eas;
using eas::OofAudience;
using eas::OofBodyType;
using eas::OofMessage;
using eas::OofSettings;
using eas::OofState;
using eas::SettingsResponse;
using eas::SettingsStatus;

namespace {

constexpr const char* RecoveryPasswordKey = "recovery-password";

std::string oofKey(const UserRecord& user) { return "oof:" + std::to_string(user.id); }

constexpr OofAudience Audiences[] = {OofAudience::Internal, OofAudience::ExternalKnown,
                                     OofAudience::ExternalUnknown};

std::string_view audienceName(OofAudience a) {
  switch (a) {
    case OofAudience::Internal:
      return "internal";
    case OofAudience::ExternalKnown:
      return "externalKnown";
    case OofAudience::ExternalUnknown:
      return "externalUnknown";
  }
  return "internal";
}

std::string oofToJson(const OofSettings& s) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("state", static_cast<int>(s.oofState.value_or(OofState::Disabled)));
  if (s.startTime) {
    o.set("startTime", *s.startTime);
  }
  if (s.endTime) {
    o.set("endTime", *s.endTime);
  }
  Poco::JSON::Array messages;
  for (const OofMessage& m : s.messages) {
    Poco::JSON::Object j(Poco::JSON_PRESERVE_KEY_ORDER);
    j.set("appliesTo", std::string(audienceName(m.appliesTo)));
    j.set("enabled", m.enabled.value_or(false));
    j.set("replyMessage", m.replyMessage.value_or(""));
    messages.add(j);
  }
  o.set("messages", messages);
  std::ostringstream out;
  o.stringify(out);
  return out.str();
}

// The stored settings, or the defaults (disabled, no messages) when nothing usable is stored.
OofSettings oofFromJson(const std::optional<std::string>& json) {
  OofSettings s;
  s.oofState = OofState::Disabled;
  if (!json) {
    return s;
  }
  try {
    Poco::JSON::Parser parser;
    const Poco::Dynamic::Var v = parser.parse(*json);
    const auto o = v.extract<Poco::JSON::Object::Ptr>();
    const int state = o->getValue<int>("state");
    if (state >= 0 && state <= 2) {
      s.oofState = static_cast<OofState>(state);
    }
    if (o->has("startTime")) {
      s.startTime = o->getValue<std::string>("startTime");
    }
    if (o->has("endTime")) {
      s.endTime = o->getValue<std::string>("endTime");
    }
    const auto messages = o->getArray("messages");
    for (std::size_t i = 0; messages && i < messages->size(); ++i) {
      const auto m = messages->getObject(static_cast<unsigned>(i));
      if (!m) {
        continue;
      }
      OofMessage msg;
      const std::string to = m->getValue<std::string>("appliesTo");
      for (OofAudience a : Audiences) {
        if (audienceName(a) == to) {
          msg.appliesTo = a;
        }
      }
      msg.enabled = m->getValue<bool>("enabled");
      msg.replyMessage = m->getValue<std::string>("replyMessage");
      s.messages.push_back(std::move(msg));
    }
  } catch (const Poco::Exception&) {
    return OofSettings{OofState::Disabled, std::nullopt, std::nullopt, {}};
  }
  return s;
}

// Oof/Get: the stored state, one OofMessage per audience in the body type asked for
// (MS-ASCMD 2.2.3.114: the reply text is kept as sent; no conversion between Text and HTML).
OofSettings oofForGet(const OofSettings& stored, OofBodyType bodyType) {
  OofSettings out;
  out.oofState = stored.oofState;
  if (stored.oofState == OofState::TimeBased) {
    out.startTime = stored.startTime;
    out.endTime = stored.endTime;
  }
  for (OofAudience a : Audiences) {
    OofMessage m;
    m.appliesTo = a;
    m.enabled = false;
    for (const OofMessage& s : stored.messages) {
      if (s.appliesTo == a) {
        m.enabled = s.enabled.value_or(false);
        m.replyMessage = s.replyMessage;
      }
    }
    m.bodyType = bodyType;
    out.messages.push_back(std::move(m));
  }
  return out;
}

// Oof/Set: state and window replace the stored ones; each message replaces its audience's.
SettingsStatus applyOofSet(CommandContext& ctx, const OofSettings& set) {
  OofSettings stored = oofFromJson(ctx.mailbox.setting(oofKey(ctx.user)));
  if (set.oofState) {
    if (*set.oofState == OofState::TimeBased && (!set.startTime || !set.endTime)) {
      return SettingsStatus::InvalidArguments;
    }
    stored.oofState = set.oofState;
    stored.startTime = set.startTime;
    stored.endTime = set.endTime;
  }
  for (const OofMessage& m : set.messages) {
    std::erase_if(stored.messages, [&](const OofMessage& s) { return s.appliesTo == m.appliesTo; });
    stored.messages.push_back(m);
  }
  if (!ctx.mailbox.setSetting(oofKey(ctx.user), oofToJson(stored)).ok()) {
    return SettingsStatus::ServerUnavailable;
  }
  return SettingsStatus::Success;
}

}  // namespace

CommandReply handleSettings(CommandContext& ctx) {
  SettingsResponse resp;
  auto doc = eas::Document::decode(ctx.body);
  if (!doc) {
    resp.status = SettingsStatus::ProtocolError;
    return wbxmlReply(eas::encode(resp));
  }
  auto request = eas::decodeSettingsRequest(*doc);
  if (!request) {
    resp.status = SettingsStatus::ProtocolError;
    return wbxmlReply(eas::encode(resp));
  }

  if (request->oofGet) {
    const OofSettings stored = oofFromJson(ctx.mailbox.setting(oofKey(ctx.user)));
    resp.oof = SettingsResponse::Oof{SettingsStatus::Success, oofForGet(stored, *request->oofGet)};
  } else if (request->oofSet) {
    resp.oof = SettingsResponse::Oof{applyOofSet(ctx, *request->oofSet), std::nullopt};
  }

  if (request->devicePassword) {
    // MS-ASCMD 2.2.3.49: the recovery password the device escrows with the server.
    if (request->devicePassword->empty()) {
      resp.devicePasswordStatus = SettingsStatus::InvalidArguments;
    } else if (ctx.mailbox
                   .setDeviceState(ctx.device.id, RecoveryPasswordKey, *request->devicePassword)
                   .ok()) {
      resp.devicePasswordStatus = SettingsStatus::Success;
    } else {
      resp.devicePasswordStatus = SettingsStatus::ServerUnavailable;
    }
  }

  if (request->deviceInformation) {
    ctx.device.deviceInfo = deviceInfoText(*request->deviceInformation);
    resp.deviceInformationStatus = ctx.mailbox.saveDevice(ctx.device).ok()
                                       ? SettingsStatus::Success
                                       : SettingsStatus::ServerUnavailable;
  }

  if (request->userInformationGet) {
    SettingsResponse::UserInformation info;
    if (eas::atLeast(ctx.version, eas::ProtocolVersion::V14_1)) {
      // MS-ASCMD 2.2.3.1: 14.1+ answers with Accounts.
      eas::SettingsAccount account;
      account.userDisplayName = ctx.user.name;
      account.primarySmtpAddress = ctx.user.email;
      account.smtpAddresses.push_back(ctx.user.email);
      info.accounts.push_back(std::move(account));
    } else {
      info.smtpAddresses.push_back(ctx.user.email);
    }
    resp.userInformation = std::move(info);
  }
  return wbxmlReply(eas::encode(resp));
}

}  // namespace mapisim
