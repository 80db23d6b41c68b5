// Settings encoding, decoding and validation: Oof, DevicePassword, DeviceInformation,
// UserInformation (MS-ASCMD 2.2.1.18).
#include "eas/message/settings.h"

#include <cassert>

#include "eas/ascii.h"
#include "eas/message/common.h"

namespace cradle::eas {
namespace {

namespace T = tag::Settings;

bool digitsInRange(std::string_view s, std::size_t pos, std::size_t len, int min, int max) {
  int v = 0;
  for (std::size_t i = pos; i < pos + len; ++i) {
    if (s[i] < '0' || s[i] > '9') {
      return false;
    }
    v = v * 10 + (s[i] - '0');
  }
  return v >= min && v <= max;
}

// MS-ASDTYPE 2.3 dateTime: YYYY-MM-DDTHH:MM:SS[.mmm]Z (UTC).
bool isEasDateTime(std::string_view s) {
  constexpr std::string_view Shape = "0000-00-00T00:00:00";
  if (s.size() < Shape.size() + 1) {
    return false;
  }
  for (std::size_t i = 0; i < Shape.size(); ++i) {
    if (Shape[i] != '0' && s[i] != Shape[i]) {
      return false;
    }
  }
  if (!digitsInRange(s, 0, 4, 1601, 9999) || !digitsInRange(s, 5, 2, 1, 12) ||
      !digitsInRange(s, 8, 2, 1, 31) || !digitsInRange(s, 11, 2, 0, 23) ||
      !digitsInRange(s, 14, 2, 0, 59) || !digitsInRange(s, 17, 2, 0, 59)) {
    return false;
  }
  std::string_view rest = s.substr(Shape.size());
  if (rest.front() == '.') {
    std::size_t n = 1;
    while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') {
      ++n;
    }
    if (n < 2 || n > 4) {
      return false;  // one to three fraction digits
    }
    rest.remove_prefix(n);
  }
  return rest == "Z";
}

Result<std::optional<std::string>> optionalDateTime(Element parent, Tag tag) {
  Element e = parent.child(tag);
  if (!e) {
    return std::optional<std::string>();
  }
  if (!isEasDateTime(e.text())) {
    return badValue(e, "not a date-time (YYYY-MM-DDTHH:MM:SS.mmmZ): '" +
                           std::string(e.text().substr(0, 32)) + "'");
  }
  return std::optional<std::string>(std::string(e.text()));
}

Result<OofBodyType> parseBodyType(Element e) {
  if (equalsIgnoreCase(e.text(), "Text")) {
    return OofBodyType::Text;
  }
  if (equalsIgnoreCase(e.text(), "HTML")) {
    return OofBodyType::Html;
  }
  return badValue(e, "expected Text or HTML, got '" + std::string(e.text().substr(0, 32)) + "'");
}

Result<std::optional<OofBodyType>> optionalBodyType(Element parent) {
  Element e = parent.child(T::BodyType);
  if (!e) {
    return std::optional<OofBodyType>();
  }
  auto t = parseBodyType(e);
  if (!t) {
    return std::move(t).takeError();
  }
  return std::optional<OofBodyType>(*t);
}

std::optional<std::string> ownedText(Element parent, Tag tag) {
  auto t = optionalText(parent, tag);
  if (!t) {
    return std::nullopt;
  }
  return std::string(*t);
}

Result<OofMessage> decodeOofMessage(Element e) {
  OofMessage m;
  int audiences = 0;
  for (Element c : e.children()) {
    if (c.tag() == T::AppliesToInternal) {
      m.appliesTo = OofAudience::Internal;
    } else if (c.tag() == T::AppliesToExternalKnown) {
      m.appliesTo = OofAudience::ExternalKnown;
    } else if (c.tag() == T::AppliesToExternalUnknown) {
      m.appliesTo = OofAudience::ExternalUnknown;
    } else {
      continue;
    }
    if (++audiences > 1) {
      return unexpectedElement(c, "an OofMessage that already names its audience");
    }
  }
  if (audiences == 0) {
    return missingElement(e, T::AppliesToInternal);  // or one of the two external ones
  }
  auto enabled = optionalBool(e, T::Enabled);
  if (!enabled) {
    return std::move(enabled).takeError();
  }
  m.enabled = *enabled;
  m.replyMessage = ownedText(e, T::ReplyMessage);
  auto bodyType = optionalBodyType(e);
  if (!bodyType) {
    return std::move(bodyType).takeError();
  }
  m.bodyType = *bodyType;
  return m;
}

// Oof/Set (request) or Oof/Get (response); the response must say its OofState.
Result<OofSettings> decodeOofSettings(Element e, bool stateRequired) {
  OofSettings m;
  auto state = optionalUint(e, T::OofState, 0, 2);
  if (!state) {
    return std::move(state).takeError();
  }
  if (*state) {
    m.oofState = static_cast<OofState>(**state);
  } else if (stateRequired) {
    return missingElement(e, T::OofState);
  }
  auto start = optionalDateTime(e, T::StartTime);
  if (!start) {
    return std::move(start).takeError();
  }
  m.startTime = std::move(*start);
  auto end = optionalDateTime(e, T::EndTime);
  if (!end) {
    return std::move(end).takeError();
  }
  m.endTime = std::move(*end);
  if (m.oofState == OofState::TimeBased) {
    // A time-based Oof needs its window.
    if (!m.startTime) {
      return missingElement(e, T::StartTime);
    }
    if (!m.endTime) {
      return missingElement(e, T::EndTime);
    }
  }
  for (Element msg : e.children(T::OofMessage)) {
    auto decoded = decodeOofMessage(msg);
    if (!decoded) {
      return std::move(decoded).takeError();
    }
    m.messages.push_back(std::move(*decoded));
  }
  return m;
}

void writeOofSettings(WbxmlWriter& w, const OofSettings& m) {
  if (m.oofState) {
    w.element(T::OofState, uint64_t{static_cast<uint8_t>(*m.oofState)});
  }
  writeOptional(w, T::StartTime, m.startTime);
  writeOptional(w, T::EndTime, m.endTime);
  for (const OofMessage& msg : m.messages) {
    w.start(T::OofMessage);
    switch (msg.appliesTo) {
      case OofAudience::Internal:
        w.empty(T::AppliesToInternal);
        break;
      case OofAudience::ExternalKnown:
        w.empty(T::AppliesToExternalKnown);
        break;
      case OofAudience::ExternalUnknown:
        w.empty(T::AppliesToExternalUnknown);
        break;
    }
    writeOptional(w, T::Enabled, msg.enabled);
    writeOptional(w, T::ReplyMessage, msg.replyMessage);
    if (msg.bodyType) {
      w.element(T::BodyType, toString(*msg.bodyType));
    }
    w.end();
  }
}

// <Section><Status>n</Status>...: the per-section status every response section carries.
Result<SettingsStatus> sectionStatus(Element section) {
  return requiredStatus<SettingsStatus>(section, T::Status, &isSettingsStatus);
}

void writeStatus(WbxmlWriter& w, SettingsStatus s) {
  w.element(T::Status, uint64_t{static_cast<uint8_t>(s)});
}

Result<SettingsAccount> decodeAccount(Element e) {
  SettingsAccount a;
  a.accountId = ownedText(e, T::AccountId);
  a.accountName = ownedText(e, T::AccountName);
  a.userDisplayName = ownedText(e, T::UserDisplayName);
  auto sendDisabled = optionalBool(e, T::SendDisabled);
  if (!sendDisabled) {
    return std::move(sendDisabled).takeError();
  }
  a.sendDisabled = *sendDisabled;
  if (Element addresses = e.child(T::EmailAddresses)) {
    a.primarySmtpAddress = ownedText(addresses, T::PrimarySmtpAddress);
    for (Element s : addresses.children(T::SmtpAddress)) {
      a.smtpAddresses.emplace_back(s.text());
    }
  }
  return a;
}

Result<SettingsResponse::UserInformation> decodeUserInformation(Element e) {
  SettingsResponse::UserInformation u;
  auto status = sectionStatus(e);
  if (!status) {
    return std::move(status).takeError();
  }
  u.status = *status;
  Element get = e.child(T::Get);
  if (!get) {
    return u;
  }
  if (Element addresses = get.child(T::EmailAddresses)) {
    for (Element s : addresses.children(T::SmtpAddress)) {
      u.smtpAddresses.emplace_back(s.text());
    }
  }
  if (Element accounts = get.child(T::Accounts)) {
    for (Element a : accounts.children(T::Account)) {
      auto account = decodeAccount(a);
      if (!account) {
        return std::move(account).takeError();
      }
      u.accounts.push_back(std::move(*account));
    }
  }
  return u;
}

void writeUserInformation(WbxmlWriter& w, const SettingsResponse::UserInformation& u) {
  w.start(T::UserInformation);
  writeStatus(w, u.status);
  if (!u.smtpAddresses.empty() || !u.accounts.empty()) {
    w.start(T::Get);
    if (!u.smtpAddresses.empty()) {
      w.start(T::EmailAddresses);
      for (const std::string& s : u.smtpAddresses) {
        w.element(T::SmtpAddress, s);
      }
      w.end();
    }
    if (!u.accounts.empty()) {
      w.start(T::Accounts);
      for (const SettingsAccount& a : u.accounts) {
        w.start(T::Account);
        writeOptional(w, T::AccountId, a.accountId);
        writeOptional(w, T::AccountName, a.accountName);
        writeOptional(w, T::UserDisplayName, a.userDisplayName);
        writeOptional(w, T::SendDisabled, a.sendDisabled);
        if (a.primarySmtpAddress || !a.smtpAddresses.empty()) {
          w.start(T::EmailAddresses);
          writeOptional(w, T::PrimarySmtpAddress, a.primarySmtpAddress);
          for (const std::string& s : a.smtpAddresses) {
            w.element(T::SmtpAddress, s);
          }
          w.end();
        }
        w.end();
      }
      w.end();
    }
    w.end();
  }
  w.end();
}

}  // namespace

std::string_view describe(SettingsStatus s) {
  switch (s) {
    case SettingsStatus::Success:
      return "success";
    case SettingsStatus::ProtocolError:
      return "protocol error (malformed request)";
    case SettingsStatus::AccessDenied:
      return "access denied";
    case SettingsStatus::ServerUnavailable:
      return "server unavailable";
    case SettingsStatus::InvalidArguments:
      return "invalid arguments";
    case SettingsStatus::ConflictingArguments:
      return "conflicting arguments";
    case SettingsStatus::DeniedByPolicy:
      return "denied by policy";
  }
  if (auto c = asCommon(s)) {
    return describe(*c);
  }
  return "unknown status";
}

ClientAction actionFor(SettingsStatus s) {
  switch (s) {
    case SettingsStatus::Success:
      return ClientAction::None;
    case SettingsStatus::ProtocolError:
    case SettingsStatus::InvalidArguments:
    case SettingsStatus::ConflictingArguments:
      return ClientAction::FixRequest;
    case SettingsStatus::AccessDenied:
      return ClientAction::GiveUp;
    case SettingsStatus::ServerUnavailable:
      return ClientAction::RetryLater;
    case SettingsStatus::DeniedByPolicy:
      return ClientAction::TellUser;
  }
  if (auto c = asCommon(s)) {
    return actionFor(*c);
  }
  return ClientAction::GiveUp;
}

std::string_view toString(OofBodyType t) { return t == OofBodyType::Html ? "HTML" : "Text"; }

void writeDeviceInformationSet(WbxmlWriter& w, const DeviceInformation& info) {
  w.start(T::DeviceInformation);
  w.start(T::Set);
  writeOptional(w, T::Model, info.model);
  writeOptional(w, T::IMEI, info.imei);
  writeOptional(w, T::FriendlyName, info.friendlyName);
  writeOptional(w, T::OS, info.os);
  writeOptional(w, T::OSLanguage, info.osLanguage);
  writeOptional(w, T::PhoneNumber, info.phoneNumber);
  writeOptional(w, T::UserAgent, info.userAgent);
  writeOptional(w, T::EnableOutboundSMS, info.enableOutboundSms);
  writeOptional(w, T::MobileOperator, info.mobileOperator);
  w.end();
  w.end();
}

Result<DeviceInformation> decodeDeviceInformationSet(Element element) {
  Element set = element.child(T::Set);
  if (!set) {
    return missingElement(element, T::Set);
  }
  DeviceInformation info;
  info.model = ownedText(set, T::Model);
  info.imei = ownedText(set, T::IMEI);
  info.friendlyName = ownedText(set, T::FriendlyName);
  info.os = ownedText(set, T::OS);
  info.osLanguage = ownedText(set, T::OSLanguage);
  info.phoneNumber = ownedText(set, T::PhoneNumber);
  info.userAgent = ownedText(set, T::UserAgent);
  auto sms = optionalBool(set, T::EnableOutboundSMS);
  if (!sms) {
    return std::move(sms).takeError();
  }
  info.enableOutboundSms = *sms;
  info.mobileOperator = ownedText(set, T::MobileOperator);
  return info;
}

std::string encode(const SettingsRequest& m) {
  std::string out;
  WbxmlWriter w(out);
  w.start(T::Settings);
  if (m.oofGet || m.oofSet) {
    w.start(T::Oof);
    if (m.oofGet) {
      w.start(T::Get);
      w.element(T::BodyType, toString(*m.oofGet));
      w.end();
    }
    if (m.oofSet) {
      w.start(T::Set);
      writeOofSettings(w, *m.oofSet);
      w.end();
    }
    w.end();
  }
  if (m.devicePassword) {
    w.start(T::DevicePassword);
    w.start(T::Set);
    w.element(T::Password, *m.devicePassword);
    w.end();
    w.end();
  }
  if (m.deviceInformation) {
    writeDeviceInformationSet(w, *m.deviceInformation);
  }
  if (m.userInformationGet) {
    w.start(T::UserInformation);
    w.empty(T::Get);
    w.end();
  }
  w.end();
  assert(w.finish().ok());  // balanced by construction
  return out;
}

std::string encode(const SettingsResponse& m) {
  std::string out;
  WbxmlWriter w(out);
  w.start(T::Settings);
  writeStatus(w, m.status);
  if (m.oof) {
    w.start(T::Oof);
    writeStatus(w, m.oof->status);
    if (m.oof->get) {
      w.start(T::Get);
      writeOofSettings(w, *m.oof->get);
      w.end();
    }
    w.end();
  }
  if (m.devicePasswordStatus) {
    w.start(T::DevicePassword);
    writeStatus(w, *m.devicePasswordStatus);
    w.end();
  }
  if (m.deviceInformationStatus) {
    w.start(T::DeviceInformation);
    writeStatus(w, *m.deviceInformationStatus);
    w.end();
  }
  if (m.userInformation) {
    writeUserInformation(w, *m.userInformation);
  }
  w.end();
  assert(w.finish().ok());  // balanced by construction
  return out;
}

Result<SettingsRequest> decodeSettingsRequest(const Document& doc) {
  if (auto rooted = expectRoot(doc, T::Settings); !rooted) {
    return std::move(rooted).takeError();
  }
  Element root = doc.root();
  SettingsRequest m;
  bool any = false;
  if (Element oof = root.child(T::Oof)) {
    any = true;
    Element get = oof.child(T::Get);
    Element set = oof.child(T::Set);
    if (get && set) {
      return unexpectedElement(set, "an Oof that already has Get");
    }
    if (get) {
      Element bodyType = get.child(T::BodyType);
      if (!bodyType) {
        return missingElement(get, T::BodyType);  // Oof/Get names the reply body format
      }
      auto t = parseBodyType(bodyType);
      if (!t) {
        return std::move(t).takeError();
      }
      m.oofGet = *t;
    } else if (set) {
      auto settings = decodeOofSettings(set, false);
      if (!settings) {
        return std::move(settings).takeError();
      }
      m.oofSet = std::move(*settings);
    } else {
      return missingElement(oof, T::Get);  // Oof holds Get or Set
    }
  }
  if (Element password = root.child(T::DevicePassword)) {
    any = true;
    Element set = password.child(T::Set);
    if (!set) {
      return missingElement(password, T::Set);
    }
    auto text = requiredText(set, T::Password);
    if (!text) {
      return std::move(text).takeError();
    }
    m.devicePassword = std::string(*text);
  }
  if (Element info = root.child(T::DeviceInformation)) {
    any = true;
    auto decoded = decodeDeviceInformationSet(info);
    if (!decoded) {
      return std::move(decoded).takeError();
    }
    m.deviceInformation = std::move(*decoded);
  }
  if (Element user = root.child(T::UserInformation)) {
    any = true;
    if (!user.child(T::Get)) {
      return missingElement(user, T::Get);
    }
    m.userInformationGet = true;
  }
  if (!any) {
    return makeError(ErrorCode::MissingElement, root.offset(),
                     "Settings request has no Oof, DevicePassword, DeviceInformation or "
                     "UserInformation");
  }
  return m;
}

Result<SettingsResponse> decodeSettingsResponse(const Document& doc) {
  if (auto rooted = expectRoot(doc, T::Settings); !rooted) {
    return std::move(rooted).takeError();
  }
  Element root = doc.root();
  SettingsResponse m;
  auto status = sectionStatus(root);
  if (!status) {
    return std::move(status).takeError();
  }
  m.status = *status;
  if (Element oof = root.child(T::Oof)) {
    SettingsResponse::Oof o;
    auto s = sectionStatus(oof);
    if (!s) {
      return std::move(s).takeError();
    }
    o.status = *s;
    if (Element get = oof.child(T::Get)) {
      auto settings = decodeOofSettings(get, true);
      if (!settings) {
        return std::move(settings).takeError();
      }
      o.get = std::move(*settings);
    }
    m.oof = std::move(o);
  }
  if (Element password = root.child(T::DevicePassword)) {
    auto s = sectionStatus(password);
    if (!s) {
      return std::move(s).takeError();
    }
    m.devicePasswordStatus = *s;
  }
  if (Element info = root.child(T::DeviceInformation)) {
    auto s = sectionStatus(info);
    if (!s) {
      return std::move(s).takeError();
    }
    m.deviceInformationStatus = *s;
  }
  if (Element user = root.child(T::UserInformation)) {
    auto u = decodeUserInformation(user);
    if (!u) {
      return std::move(u).takeError();
    }
    m.userInformation = std::move(*u);
  }
  return m;
}

}  // namespace cradle::eas
