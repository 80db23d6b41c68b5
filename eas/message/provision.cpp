// Provision (MS-ASPROV): typed requests/responses, EASProvisionDoc and wap-provisioningdoc forms.
#include "eas/message/provision.h"

#include <algorithm>
#include <bitset>
#include <charconv>
#include <initializer_list>
#include <iterator>
#include <string>
#include <utility>

#include "eas/ascii.h"
#include "eas/message/common.h"
#include "eas/wbxml/code_pages.h"

namespace cradle::eas {

// ---------------------------------------------------------------------------------------------
// Policy types and statuses

std::string_view toString(PolicyType t) {
  return t == PolicyType::WapProvisioningXml ? WapProvisioningXml : EasProvisioningWbxml;
}

std::optional<PolicyType> parsePolicyType(std::string_view s) {
  if (s == WapProvisioningXml) {
    return PolicyType::WapProvisioningXml;
  }
  if (s == EasProvisioningWbxml) {
    return PolicyType::EasProvisioningWbxml;
  }
  return std::nullopt;
}

PolicyType policyTypeFor(ProtocolVersion v) {
  // MS-ASPROV 2.2.2.43: MS-WAP-Provisioning-XML with 2.5, MS-EAS-Provisioning-WBXML from 12.0.
  return v == ProtocolVersion::V2_5 ? PolicyType::WapProvisioningXml
                                    : PolicyType::EasProvisioningWbxml;
}

// MS-ASPROV 3.1.5.2 (Provision command errors).
std::string_view describe(ProvisionStatus s) {
  switch (s) {
    case ProvisionStatus::Success:
      return "success: the Policies element carries the security policy";
    case ProvisionStatus::ProtocolError:
      return "protocol error: the Provision request has a syntax error";
    case ProvisionStatus::ServerError:
      return "server error: misconfiguration, a temporary system issue or a bad item";
  }
  if (auto c = asCommon(s)) {
    return describe(*c);
  }
  return "unknown status";
}

ClientAction actionFor(ProvisionStatus s) {
  switch (s) {
    case ProvisionStatus::Success:
      return ClientAction::None;  // apply the policy (or acknowledge it): see PolicyStatus
    case ProvisionStatus::ProtocolError:
      return ClientAction::FixRequest;
    case ProvisionStatus::ServerError:
      return ClientAction::RetryLater;  // "frequently a transient condition"
  }
  if (auto c = asCommon(s)) {
    return actionFor(*c);
  }
  return ClientAction::GiveUp;
}

// MS-ASPROV 2.2.2.54.1 and 3.1.5.1 (Policy errors).
std::string_view describe(PolicyStatus s) {
  switch (s) {
    case PolicyStatus::Success:
      return "success";
    case PolicyStatus::NoPolicy:
      return "there is no policy for this client";
    case PolicyStatus::UnknownPolicyType:
      return "unknown PolicyType value";
    case PolicyStatus::CorruptPolicy:
      return "the policy data on the server is corrupted (possibly tampered with)";
    case PolicyStatus::WrongPolicyKey:
      return "the client is acknowledging the wrong policy key";
  }
  return "unknown status";
}

ClientAction actionFor(PolicyStatus s) {
  switch (s) {
    case PolicyStatus::Success:
      // After a download: apply and acknowledge; after an acknowledgement: use the final key.
      return ClientAction::None;
    case PolicyStatus::NoPolicy:
      return ClientAction::None;  // nothing to enforce; go on with the key given
    case PolicyStatus::UnknownPolicyType:
      // Send the type of the version in use (WAP for 2.5, EAS from 12.0).
      return ClientAction::FixRequest;
    case PolicyStatus::CorruptPolicy:
      return ClientAction::GiveUp;  // only the server administrator can repair it
    case PolicyStatus::WrongPolicyKey:
      return ClientAction::Provision;  // start over with a download, acknowledge its key
  }
  return ClientAction::GiveUp;
}

std::string_view describe(PolicyApplyStatus s) {
  switch (s) {
    case PolicyApplyStatus::Success:
      return "the client applied the policy";
    case PolicyApplyStatus::PartialSuccess:
      return "partial success: at least the PIN was enabled";
    case PolicyApplyStatus::NotApplied:
      return "the client did not apply the policy at all";
    case PolicyApplyStatus::ExternallyProvisioned:
      return "the client claims to have been provisioned by a third party";
  }
  return "unknown status";
}

std::string_view serverAction(PolicyApplyStatus s) {
  switch (s) {
    case PolicyApplyStatus::Success:
      return "issue the final policy key";
    case PolicyApplyStatus::PartialSuccess:
      return "issue the final key if devices that cannot fully comply are admitted, otherwise "
             "refuse with common status 139";
    case PolicyApplyStatus::NotApplied:
      return "issue the final key only if non-provisionable devices are admitted, otherwise "
             "refuse (common status 139/141; HTTP 403 up to 12.0)";
    case PolicyApplyStatus::ExternallyProvisioned:
      return "issue the final key only if externally managed devices are allowed, otherwise "
             "refuse with common status 145";
  }
  return "refuse the acknowledgement";
}

std::string_view describe(RemoteWipeStatus s) {
  switch (s) {
    case RemoteWipeStatus::Success:
      return "the client wiped its data";
    case RemoteWipeStatus::Failure:
      return "the client failed to wipe its data";
  }
  return "unknown status";
}

std::string_view serverAction(RemoteWipeStatus s) {
  switch (s) {
    case RemoteWipeStatus::Success:
      return "record the device as wiped and confirm with Provision Status 1";
    case RemoteWipeStatus::Failure:
      return "keep the wipe pending (the next request triggers it again) and alert the "
             "administrator";
  }
  return "keep the wipe pending";
}

// ---------------------------------------------------------------------------------------------
// The policy table: one row per EASProvisionDoc element, in Exchange's emission order.

namespace {

enum class Kind : uint8_t { Flag, Limit, Number, Signed, List };

struct PolicyField {
  Tag tag;
  Kind kind = Kind::Flag;
  ProtocolVersion since = ProtocolVersion::V12_0;
  bool wap = false;  // has a 2.5 (wap-provisioningdoc) form
  std::optional<bool> PolicySet::*flag = nullptr;
  std::optional<PolicyLimit> PolicySet::*limit = nullptr;
  std::optional<uint32_t> PolicySet::*number = nullptr;
  std::optional<int32_t> PolicySet::*signedNumber = nullptr;
  std::optional<std::vector<std::string>> PolicySet::*list = nullptr;
  Tag item{};       // List: the child element
  int64_t min = 0;  // Limit, Number, Signed: inclusive range
  int64_t max = UINT32_MAX;
  uint32_t allowed = 0;  // Number: bit v set = v allowed (0 = the range alone decides)
};

constexpr ProtocolVersion V120 = ProtocolVersion::V12_0;
constexpr ProtocolVersion V121 = ProtocolVersion::V12_1;

constexpr PolicyField flag(Tag t, std::optional<bool> PolicySet::*m, ProtocolVersion since,
                           bool wap = false) {
  return PolicyField{.tag = t, .kind = Kind::Flag, .since = since, .wap = wap, .flag = m};
}
constexpr PolicyField limit(Tag t, std::optional<PolicyLimit> PolicySet::*m, int64_t min,
                            int64_t max, bool wap = false) {
  return PolicyField{
      .tag = t, .kind = Kind::Limit, .since = V120, .wap = wap, .limit = m, .min = min, .max = max};
}
constexpr PolicyField number(Tag t, std::optional<uint32_t> PolicySet::*m, ProtocolVersion since,
                             int64_t min, int64_t max, uint32_t allowed = 0) {
  return PolicyField{.tag = t,
                     .kind = Kind::Number,
                     .since = since,
                     .number = m,
                     .min = min,
                     .max = max,
                     .allowed = allowed};
}
constexpr PolicyField truncation(Tag t, std::optional<int32_t> PolicySet::*m) {
  // MS-ASPROV 2.2.2.36/37: -1 no truncation, 0 headers only, n a size.
  return PolicyField{.tag = t,
                     .kind = Kind::Signed,
                     .since = V121,
                     .signedNumber = m,
                     .min = -1,
                     .max = INT32_MAX};
}
constexpr PolicyField list(Tag t, std::optional<std::vector<std::string>> PolicySet::*m, Tag item) {
  return PolicyField{.tag = t, .kind = Kind::List, .since = V121, .list = m, .item = item};
}

namespace P = tag::Provision;
using S = PolicySet;

// MS-ASPROV 2.2.2.x; order as Exchange emits it (libwbxml test activesync-012), 12.1 elements
// in token order. Ranges: 2.2.2.38 MinDevicePasswordLength 1..16, 2.2.2.34
// MaxDevicePasswordFailedAttempts 4..16, 2.2.2.37 MinDevicePasswordComplexCharacters 1..4,
// AllowBluetooth 0..2, MaxCalendarAgeFilter 0 or 4..7, MaxEmailAgeFilter 0..5,
// RequireSignedSMIMEAlgorithm 0..1, RequireEncryptionSMIMEAlgorithm 0..4,
// AllowSMIMEEncryptionAlgorithmNegotiation 0..2.
constexpr PolicyField Fields[] = {
    flag(P::DevicePasswordEnabled, &S::devicePasswordEnabled, V120, true),
    flag(P::AlphanumericDevicePasswordRequired, &S::alphanumericDevicePasswordRequired, V120, true),
    flag(P::PasswordRecoveryEnabled, &S::passwordRecoveryEnabled, V120),
    flag(P::DeviceEncryptionEnabled, &S::deviceEncryptionEnabled, V120),
    flag(P::DocumentBrowseEnabled, &S::documentBrowseEnabled, V120),
    flag(P::AttachmentsEnabled, &S::attachmentsEnabled, V120),
    limit(P::MinDevicePasswordLength, &S::minDevicePasswordLength, 1, 16, true),
    limit(P::MaxInactivityTimeDeviceLock, &S::maxInactivityTimeDeviceLock, 0, UINT32_MAX, true),
    limit(P::MaxDevicePasswordFailedAttempts, &S::maxDevicePasswordFailedAttempts, 4, 16, true),
    limit(P::MaxAttachmentSize, &S::maxAttachmentSize, 0, UINT32_MAX),
    flag(P::AllowSimpleDevicePassword, &S::allowSimpleDevicePassword, V120),
    limit(P::DevicePasswordExpiration, &S::devicePasswordExpiration, 0, UINT32_MAX),
    number(P::DevicePasswordHistory, &S::devicePasswordHistory, V120, 0, UINT32_MAX),
    flag(P::AllowStorageCard, &S::allowStorageCard, V121),
    flag(P::AllowCamera, &S::allowCamera, V121),
    flag(P::RequireDeviceEncryption, &S::requireDeviceEncryption, V121),
    flag(P::AllowUnsignedApplications, &S::allowUnsignedApplications, V121),
    flag(P::AllowUnsignedInstallationPackages, &S::allowUnsignedInstallationPackages, V121),
    number(P::MinDevicePasswordComplexCharacters, &S::minDevicePasswordComplexCharacters, V121, 1,
           4),
    flag(P::AllowWiFi, &S::allowWiFi, V121),
    flag(P::AllowTextMessaging, &S::allowTextMessaging, V121),
    flag(P::AllowPOPIMAPEmail, &S::allowPOPIMAPEmail, V121),
    number(P::AllowBluetooth, &S::allowBluetooth, V121, 0, 2),
    flag(P::AllowIrDA, &S::allowIrDA, V121),
    flag(P::RequireManualSyncWhenRoaming, &S::requireManualSyncWhenRoaming, V121),
    flag(P::AllowDesktopSync, &S::allowDesktopSync, V121),
    number(P::MaxCalendarAgeFilter, &S::maxCalendarAgeFilter, V121, 0, 7,
           (1u << 0) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 7)),
    flag(P::AllowHTMLEmail, &S::allowHTMLEmail, V121),
    number(P::MaxEmailAgeFilter, &S::maxEmailAgeFilter, V121, 0, 5),
    truncation(P::MaxEmailBodyTruncationSize, &S::maxEmailBodyTruncationSize),
    truncation(P::MaxEmailHTMLBodyTruncationSize, &S::maxEmailHTMLBodyTruncationSize),
    flag(P::RequireSignedSMIMEMessages, &S::requireSignedSMIMEMessages, V121),
    flag(P::RequireEncryptedSMIMEMessages, &S::requireEncryptedSMIMEMessages, V121),
    number(P::RequireSignedSMIMEAlgorithm, &S::requireSignedSMIMEAlgorithm, V121, 0, 1),
    number(P::RequireEncryptionSMIMEAlgorithm, &S::requireEncryptionSMIMEAlgorithm, V121, 0, 4),
    number(P::AllowSMIMEEncryptionAlgorithmNegotiation,
           &S::allowSMIMEEncryptionAlgorithmNegotiation, V121, 0, 2),
    flag(P::AllowSMIMESoftCerts, &S::allowSMIMESoftCerts, V121),
    flag(P::AllowBrowser, &S::allowBrowser, V121),
    flag(P::AllowConsumerEmail, &S::allowConsumerEmail, V121),
    flag(P::AllowRemoteDesktop, &S::allowRemoteDesktop, V121),
    flag(P::AllowInternetSharing, &S::allowInternetSharing, V121),
    list(P::UnapprovedInROMApplicationList, &S::unapprovedInROMApplicationList, P::ApplicationName),
    list(P::ApprovedApplicationList, &S::approvedApplicationList, P::Hash),
};
constexpr std::size_t FieldCount = std::size(Fields);

const PolicyField* findField(Tag t) {
  for (std::size_t i = 0; i < FieldCount; ++i) {
    if (Fields[i].tag == t) {
      return &Fields[i];
    }
  }
  return nullptr;
}

void reset(PolicySet& s, const PolicyField& f) {
  switch (f.kind) {
    case Kind::Flag:
      (s.*f.flag).reset();
      break;
    case Kind::Limit:
      (s.*f.limit).reset();
      break;
    case Kind::Number:
      (s.*f.number).reset();
      break;
    case Kind::Signed:
      (s.*f.signedNumber).reset();
      break;
    case Kind::List:
      (s.*f.list).reset();
      break;
  }
}

std::optional<int64_t> parseInt(std::string_view text) {
  bool negative = !text.empty() && text.front() == '-';
  if (negative) {
    text.remove_prefix(1);
  }
  auto v = parseUint(text);
  if (!v || *v > static_cast<uint64_t>(INT64_MAX)) {
    return std::nullopt;
  }
  int64_t r = static_cast<int64_t>(*v);
  return negative ? -r : r;
}

std::string range(const PolicyField& f) {
  if (f.allowed != 0) {
    std::string out;
    for (uint32_t v = 0; v < 32; ++v) {
      if ((f.allowed >> v) & 1u) {
        out += out.empty() ? "one of " : ", ";
        out += std::to_string(v);
      }
    }
    return out;
  }
  return "[" + std::to_string(f.min) + ", " + std::to_string(f.max) + "]";
}

Result<int64_t> parseInRange(Element e, const PolicyField& f) {
  auto v = f.kind == Kind::Signed ? parseInt(e.text()) : [&]() -> std::optional<int64_t> {
    auto u = parseUint(e.text());
    if (!u || *u > static_cast<uint64_t>(INT64_MAX)) {
      return std::nullopt;
    }
    return static_cast<int64_t>(*u);
  }();
  if (!v) {
    return badValue(e, "not a number: '" + std::string(e.text().substr(0, 32)) + "'");
  }
  bool ok = *v >= f.min && *v <= f.max;
  if (ok && f.allowed != 0) {
    ok = *v < 32 && ((f.allowed >> *v) & 1u) != 0;
  }
  if (!ok) {
    return badValue(e, std::to_string(*v) + " is outside " + range(f));
  }
  return *v;
}

Status decodeField(Element e, const PolicyField& f, PolicySet& out) {
  switch (f.kind) {
    case Kind::Flag: {
      // MS-ASDTYPE 2.1: booleans are 0 or 1.
      if (e.text() == "1" || e.text() == "0") {
        out.*f.flag = e.text() == "1";
        return {};
      }
      return badValue(e, "expected 0 or 1, got '" + std::string(e.text().substr(0, 32)) + "'");
    }
    case Kind::Limit: {
      // MS-ASPROV 2.2.3.2/2.2.3.3: unsignedByteOrEmpty / unsignedIntOrEmpty.
      if (e.text().empty()) {
        out.*f.limit = PolicyLimit::empty();
        return {};
      }
      auto v = parseInRange(e, f);
      if (!v) {
        return std::move(v).takeError();
      }
      out.*f.limit = PolicyLimit{static_cast<uint32_t>(*v)};
      return {};
    }
    case Kind::Number: {
      auto v = parseInRange(e, f);
      if (!v) {
        return std::move(v).takeError();
      }
      out.*f.number = static_cast<uint32_t>(*v);
      return {};
    }
    case Kind::Signed: {
      auto v = parseInRange(e, f);
      if (!v) {
        return std::move(v).takeError();
      }
      out.*f.signedNumber = static_cast<int32_t>(*v);
      return {};
    }
    case Kind::List: {
      if (!e.text().empty()) {
        return badValue(e, "expected " + qualifiedName(f.item) + " children, not text");
      }
      std::vector<std::string> items;
      for (Element c : e.children()) {
        if (!(c.tag() == f.item)) {
          return unexpectedElement(c, qualifiedName(f.tag));
        }
        items.emplace_back(c.text());
      }
      out.*f.list = std::move(items);
      return {};
    }
  }
  return {};
}

void encodeField(WbxmlWriter& w, const PolicySet& s, const PolicyField& f) {
  switch (f.kind) {
    case Kind::Flag:
      writeOptional(w, f.tag, s.*f.flag);
      break;
    case Kind::Limit:
      if (const auto& v = s.*f.limit) {
        if (v->value) {
          w.element(f.tag, uint64_t{*v->value});
        } else {
          w.empty(f.tag);
        }
      }
      break;
    case Kind::Number:
      writeOptional(w, f.tag, s.*f.number);
      break;
    case Kind::Signed:
      if (const auto& v = s.*f.signedNumber) {
        w.element(f.tag, std::to_string(*v));
      }
      break;
    case Kind::List:
      if (const auto& v = s.*f.list) {
        if (v->empty()) {
          w.empty(f.tag);
        } else {
          w.start(f.tag);
          for (const auto& item : *v) {
            w.element(f.item, item);
          }
          w.end();
        }
      }
      break;
  }
}

}  // namespace

PolicySet restrictTo(const PolicySet& set, ProtocolVersion version) {
  PolicySet out = set;
  for (std::size_t i = 0; i < FieldCount; ++i) {
    const PolicyField& f = Fields[i];
    bool keep = version == ProtocolVersion::V2_5 ? f.wap : atLeast(version, f.since);
    if (!keep) {
      reset(out, f);
    }
  }
  return out;
}

void encodeEasProvisionDoc(WbxmlWriter& w, const PolicySet& set) {
  w.start(tag::Provision::EASProvisionDoc);
  for (std::size_t i = 0; i < FieldCount; ++i) {
    encodeField(w, set, Fields[i]);
  }
  w.end();
}

Result<PolicySet> decodeEasProvisionDoc(Element doc) {
  PolicySet out;
  if (!doc.text().empty()) {
    return badValue(doc, "expected policy elements, not text");
  }
  std::bitset<FieldCount> seen;
  for (Element e : doc.children()) {
    const PolicyField* f = findField(e.tag());
    if (f == nullptr) {
      return unexpectedElement(e, "Provision:EASProvisionDoc");
    }
    auto index = static_cast<std::size_t>(f - Fields);
    if (seen.test(index)) {
      return badValue(e, "element repeated");
    }
    seen.set(index);
    if (auto st = decodeField(e, *f, out); !st) {
      return std::move(st).takeError();
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// MS-WAP-Provisioning-XML

namespace {

// The registry branches of MS-ASPROV 2.2.2.24.2 (Windows Mobile LASS settings).
constexpr std::string_view AeKey =
    "HKLM\\Comm\\Security\\Policy\\LASSD\\AE\\{50C13377-C66D-400C-889E-C316FC4AB374}";
constexpr std::string_view LassdKey = "HKLM\\Comm\\Security\\Policy\\LASSD";
constexpr std::string_view LapPwKey = "HKLM\\Comm\\Security\\Policy\\LASSD\\LAP\\lap_pw";

// MaxInactivityTimeDeviceLock of 9999 seconds or more means "no limit" (MS-ASPROV 2.2.2.33).
constexpr uint32_t NoInactivityLimit = 9999;
constexpr uint32_t MaxAeMinutes = 9999;

void appendEscaped(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
}

void appendParm(std::string& out, std::string_view name, int64_t value) {
  out += "<parm name=\"";
  appendEscaped(out, name);
  out += "\" value=\"";
  out += std::to_string(value);
  out += "\"/>";
}

void appendRegistryParm(std::string& out, std::string_view key, std::string_view name,
                        int64_t value) {
  out += "<characteristic type=\"";
  appendEscaped(out, key);
  out += "\">";
  appendParm(out, name, value);
  out += "</characteristic>";
}

std::optional<uint32_t> limitValue(const std::optional<PolicyLimit>& l) {
  return l ? l->value : std::nullopt;
}

}  // namespace

std::string encodeWapProvisioningDoc(const PolicySet& set) {
  // MS-ASPROV 2.2.2.24.2; values derived as Exchange derives them for 2.5 clients.
  const bool password = set.devicePasswordEnabled.value_or(false);
  const std::optional<uint32_t> wipe = limitValue(set.maxDevicePasswordFailedAttempts);
  std::string out = "<wap-provisioningdoc><characteristic type=\"SecurityPolicy\">";
  appendParm(out, "4131", password ? 0 : 1);
  appendParm(out, "4133", password && wipe ? 0 : 1);
  out += "</characteristic>";
  if (password) {
    out += "<characteristic type=\"Registry\">";
    // Inactivity lock: seconds become whole minutes (rounded up), 1..9999.
    std::optional<uint32_t> lock = limitValue(set.maxInactivityTimeDeviceLock);
    int64_t minutes = 0;
    if (lock && *lock < NoInactivityLimit) {
      minutes = (static_cast<int64_t>(*lock) + 59) / 60;
      minutes = std::clamp<int64_t>(minutes, 1, MaxAeMinutes);
    }
    out += "<characteristic type=\"";
    appendEscaped(out, AeKey);
    out += "\">";
    appendParm(out, "AEFrequencyType", minutes > 0 ? 1 : 0);
    appendParm(out, "AEFrequencyValue", minutes);
    out += "</characteristic>";
    // Failed attempts before wipe; the codeword prompt comes at half of them (at most 8).
    int64_t threshold = wipe ? std::max<int64_t>(*wipe, 2) : 0;
    int64_t codeword = wipe ? std::min<int64_t>(threshold / 2, 8) : -1;
    appendRegistryParm(out, LassdKey, "DeviceWipeThreshold", threshold);
    appendRegistryParm(out, LassdKey, "CodewordFrequency", codeword);
    std::optional<uint32_t> length = limitValue(set.minDevicePasswordLength);
    appendRegistryParm(out, LapPwKey, "MinimumPasswordLength",
                       std::max<int64_t>(length.value_or(1), 1));
    appendRegistryParm(out, LapPwKey, "PasswordComplexity",
                       set.alphanumericDevicePasswordRequired.value_or(false) ? 0 : 2);
    out += "</characteristic>";
  }
  out += "</wap-provisioningdoc>";
  return out;
}

namespace {

// A strict reader for the small XML dialect of wap-provisioningdoc: elements with attributes,
// white space between them, comments, an XML declaration; no text content, no DOCTYPE, no CDATA.
class WapReader {
 public:
  explicit WapReader(std::string_view xml) : s_(xml) {}

  Result<PolicySet> run();

 private:
  struct Attribute {
    std::string_view name;
    std::string value;
  };
  struct XmlTag {
    std::string_view name;
    std::vector<Attribute> attributes;
    std::size_t offset = 0;
    bool selfClosing = false;
    bool end = false;
  };
  struct Parm {
    std::optional<int64_t> value;
    std::size_t offset = 0;
  };

  static constexpr std::size_t MaxDepth = 16;

  Error syntax(std::size_t at, std::string detail) const {
    return makeError(ErrorCode::XmlSyntax, at, "wap-provisioningdoc: " + std::move(detail));
  }
  bool atEnd() const { return pos_ >= s_.size(); }
  bool startsWith(std::string_view p) const { return s_.substr(pos_).substr(0, p.size()) == p; }
  void skipSpace();
  Status skipMisc();  // white space, comments, and (at the start only) the XML declaration
  Result<XmlTag> readTag();
  Result<std::string_view> readName();
  Result<std::string> readAttributeValue();
  Status onParm(const XmlTag& t);
  static const std::string* attribute(const XmlTag& t, std::string_view name);

  std::string_view s_;
  std::size_t pos_ = 0;
  std::vector<std::string> path_;  // characteristic types from the root down
  // The parms the mapping reads.
  std::optional<Parm> p4131_, p4133_, aeType_, aeValue_, wipe_, codeword_, minLength_, complexity_;
};

void WapReader::skipSpace() {
  while (!atEnd() &&
         (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\r' || s_[pos_] == '\n')) {
    ++pos_;
  }
}

Status WapReader::skipMisc() {
  for (;;) {
    skipSpace();
    if (startsWith("<!--")) {
      std::size_t close = s_.find("-->", pos_ + 4);
      if (close == std::string_view::npos) {
        return syntax(pos_, "unterminated comment");
      }
      pos_ = close + 3;
      continue;
    }
    if (startsWith("<?")) {
      // Only the XML declaration, and only before anything but white space.
      bool first = s_.substr(0, pos_).find_first_not_of(" \t\r\n") == std::string_view::npos;
      if (!first || !startsWith("<?xml")) {
        return syntax(pos_, "processing instruction not allowed here");
      }
      std::size_t close = s_.find("?>", pos_ + 2);
      if (close == std::string_view::npos) {
        return syntax(pos_, "unterminated XML declaration");
      }
      pos_ = close + 2;
      continue;
    }
    return {};
  }
}

Result<std::string_view> WapReader::readName() {
  std::size_t begin = pos_;
  while (!atEnd()) {
    char c = s_[pos_];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == ':' || c == '.';
    if (!ok) {
      break;
    }
    ++pos_;
  }
  if (pos_ == begin) {
    return syntax(begin, "expected a name");
  }
  return s_.substr(begin, pos_ - begin);
}

Result<std::string> WapReader::readAttributeValue() {
  if (atEnd() || (s_[pos_] != '"' && s_[pos_] != '\'')) {
    return syntax(pos_, "expected a quoted attribute value");
  }
  char quote = s_[pos_++];
  std::string value;
  while (!atEnd() && s_[pos_] != quote) {
    char c = s_[pos_];
    if (c == '<') {
      return syntax(pos_, "'<' in an attribute value");
    }
    if (c != '&') {
      value += c;
      ++pos_;
      continue;
    }
    std::size_t semi = s_.find(';', pos_);
    if (semi == std::string_view::npos || semi - pos_ > 12) {
      return syntax(pos_, "unterminated entity reference");
    }
    std::string_view ref = s_.substr(pos_ + 1, semi - pos_ - 1);
    if (ref == "amp") {
      value += '&';
    } else if (ref == "lt") {
      value += '<';
    } else if (ref == "gt") {
      value += '>';
    } else if (ref == "quot") {
      value += '"';
    } else if (ref == "apos") {
      value += '\'';
    } else if (ref.size() > 1 && ref[0] == '#') {
      // Character references: only ASCII is meaningful in this dialect.
      uint32_t code = 0;
      bool hex = ref[1] == 'x';
      std::string_view digits = ref.substr(hex ? 2 : 1);
      auto [end, ec] =
          std::from_chars(digits.data(), digits.data() + digits.size(), code, hex ? 16 : 10);
      if (ec != std::errc() || end != digits.data() + digits.size() || code == 0 || code > 0x7F) {
        return syntax(pos_, "bad character reference");
      }
      value += static_cast<char>(code);
    } else {
      return syntax(pos_, "unknown entity '&" + std::string(ref) + ";'");
    }
    pos_ = semi + 1;
  }
  if (atEnd()) {
    return syntax(pos_, "unterminated attribute value");
  }
  ++pos_;  // closing quote
  return value;
}

Result<WapReader::XmlTag> WapReader::readTag() {
  XmlTag t;
  t.offset = pos_;
  if (atEnd() || s_[pos_] != '<') {
    return syntax(pos_, "expected '<'");
  }
  ++pos_;
  if (!atEnd() && s_[pos_] == '/') {
    t.end = true;
    ++pos_;
  } else if (!atEnd() && s_[pos_] == '!') {
    return syntax(t.offset, "DOCTYPE and CDATA are not allowed");
  }
  auto name = readName();
  if (!name) {
    return std::move(name).takeError();
  }
  t.name = *name;
  for (;;) {
    std::size_t before = pos_;
    skipSpace();
    if (atEnd()) {
      return syntax(t.offset, "unterminated tag <" + std::string(t.name));
    }
    if (s_[pos_] == '>') {
      ++pos_;
      return t;
    }
    if (!t.end && startsWith("/>")) {
      pos_ += 2;
      t.selfClosing = true;
      return t;
    }
    if (t.end || pos_ == before) {
      return syntax(pos_, "unexpected character in tag <" + std::string(t.name));
    }
    auto attrName = readName();
    if (!attrName) {
      return std::move(attrName).takeError();
    }
    skipSpace();
    if (atEnd() || s_[pos_] != '=') {
      return syntax(pos_, "expected '=' after attribute " + std::string(*attrName));
    }
    ++pos_;
    skipSpace();
    auto value = readAttributeValue();
    if (!value) {
      return std::move(value).takeError();
    }
    for (const auto& a : t.attributes) {
      if (a.name == *attrName) {
        return syntax(pos_, "attribute " + std::string(*attrName) + " repeated");
      }
    }
    t.attributes.push_back(Attribute{*attrName, std::move(*value)});
  }
}

const std::string* WapReader::attribute(const XmlTag& t, std::string_view name) {
  for (const auto& a : t.attributes) {
    if (a.name == name) {
      return &a.value;
    }
  }
  return nullptr;
}

Status WapReader::onParm(const XmlTag& t) {
  const std::string* name = attribute(t, "name");
  if (name == nullptr) {
    return makeError(ErrorCode::MissingElement, t.offset,
                     "wap-provisioningdoc: parm without a name attribute");
  }
  // Which known parm is this? The meaning depends on the characteristic path.
  std::optional<Parm>* slot = nullptr;
  int64_t min = 0;
  int64_t max = 1;
  auto in = [&](std::size_t depth, std::string_view type) {
    return path_.size() == depth && equalsIgnoreCase(path_.back(), type);
  };
  bool registry = path_.size() == 2 && equalsIgnoreCase(path_.front(), "Registry");
  if (in(1, "SecurityPolicy")) {
    if (*name == "4131") {
      slot = &p4131_;
    } else if (*name == "4133") {
      slot = &p4133_;
    }
  } else if (registry && equalsIgnoreCase(path_.back(), AeKey)) {
    if (equalsIgnoreCase(*name, "AEFrequencyType")) {
      slot = &aeType_;
    } else if (equalsIgnoreCase(*name, "AEFrequencyValue")) {
      slot = &aeValue_;
      max = MaxAeMinutes;
    }
  } else if (registry && equalsIgnoreCase(path_.back(), LassdKey)) {
    if (equalsIgnoreCase(*name, "DeviceWipeThreshold")) {
      slot = &wipe_;
      max = 16;
    } else if (equalsIgnoreCase(*name, "CodewordFrequency")) {
      slot = &codeword_;
      min = -1;
      max = 16;
    }
  } else if (registry && equalsIgnoreCase(path_.back(), LapPwKey)) {
    if (equalsIgnoreCase(*name, "MinimumPasswordLength")) {
      // Exchange 2003 SP2 allowed 4..18 characters for 2.5 devices (12.x caps at 16).
      slot = &minLength_;
      min = 1;
      max = 18;
    } else if (equalsIgnoreCase(*name, "PasswordComplexity")) {
      slot = &complexity_;
      max = 2;
    }
  }
  if (slot == nullptr) {
    return {};  // a parm this mapping does not read
  }
  if (slot->has_value()) {
    return makeError(ErrorCode::BadValue, t.offset,
                     "wap-provisioningdoc: parm " + *name + " repeated");
  }
  const std::string* value = attribute(t, "value");
  if (value == nullptr) {
    return makeError(ErrorCode::BadValue, t.offset,
                     "wap-provisioningdoc: parm " + *name + " has no value");
  }
  auto v = parseInt(*value);
  if (!v) {
    return makeError(
        ErrorCode::BadValue, t.offset,
        "wap-provisioningdoc: parm " + *name + " is not a number: '" + value->substr(0, 32) + "'");
  }
  if (*v < min || *v > max) {
    return makeError(ErrorCode::BadValue, t.offset,
                     "wap-provisioningdoc: parm " + *name + " = " + std::to_string(*v) +
                         " is outside [" + std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  *slot = Parm{*v, t.offset};
  return {};
}

Result<PolicySet> WapReader::run() {
  if (auto st = skipMisc(); !st) {
    return std::move(st).takeError();
  }
  if (atEnd()) {
    return syntax(pos_, "empty document");
  }
  auto root = readTag();
  if (!root) {
    return std::move(root).takeError();
  }
  if (root->end || root->name != "wap-provisioningdoc") {
    return makeError(ErrorCode::UnexpectedElement, root->offset,
                     "expected wap-provisioningdoc, got <" + std::string(root->end ? "/" : "") +
                         std::string(root->name) + ">");
  }
  // Stack of open elements below the root: characteristic (pushes path_) or parm.
  std::vector<std::string_view> open;
  bool rootOpen = !root->selfClosing;
  while (rootOpen) {
    if (auto st = skipMisc(); !st) {
      return std::move(st).takeError();
    }
    if (atEnd()) {
      return syntax(pos_, "document ends inside <" +
                              std::string(open.empty() ? root->name : open.back()) + ">");
    }
    if (s_[pos_] != '<') {
      return syntax(pos_, "text content is not allowed");
    }
    auto t = readTag();
    if (!t) {
      return std::move(t).takeError();
    }
    if (t->end) {
      std::string_view expected = open.empty() ? root->name : open.back();
      if (t->name != expected) {
        return syntax(t->offset, "</" + std::string(t->name) + "> does not close <" +
                                     std::string(expected) + ">");
      }
      if (open.empty()) {
        rootOpen = false;
      } else {
        if (open.back() == "characteristic") {
          path_.pop_back();
        }
        open.pop_back();
      }
      continue;
    }
    if (!open.empty() && open.back() == "parm") {
      return makeError(ErrorCode::UnexpectedElement, t->offset,
                       "wap-provisioningdoc: <" + std::string(t->name) + "> inside <parm>");
    }
    if (t->name == "characteristic") {
      const std::string* type = attribute(*t, "type");
      if (type == nullptr) {
        return makeError(ErrorCode::MissingElement, t->offset,
                         "wap-provisioningdoc: characteristic without a type attribute");
      }
      if (t->selfClosing) {
        continue;
      }
      if (path_.size() >= MaxDepth) {
        return makeError(ErrorCode::TooDeep, t->offset,
                         "wap-provisioningdoc: characteristics nested too deep");
      }
      path_.push_back(*type);
      open.push_back(t->name);
    } else if (t->name == "parm") {
      if (path_.empty()) {
        return makeError(ErrorCode::UnexpectedElement, t->offset,
                         "wap-provisioningdoc: parm outside a characteristic");
      }
      if (auto st = onParm(*t); !st) {
        return std::move(st).takeError();
      }
      if (!t->selfClosing) {
        open.push_back(t->name);
      }
    } else {
      // MS-ASPROV 2.2.2.24.2: the Data string uses only characteristic and parm.
      return makeError(ErrorCode::UnexpectedElement, t->offset,
                       "wap-provisioningdoc: unexpected element <" + std::string(t->name) + ">");
    }
  }
  if (auto st = skipMisc(); !st) {
    return std::move(st).takeError();
  }
  if (!atEnd()) {
    return syntax(pos_, "data after </wap-provisioningdoc>");
  }

  PolicySet out;
  if (p4131_) {
    out.devicePasswordEnabled = *p4131_->value == 0;
  }
  if (aeType_ && *aeType_->value == 1) {
    if (!aeValue_ || *aeValue_->value < 1) {
      return makeError(ErrorCode::BadValue, aeType_->offset,
                       "wap-provisioningdoc: AEFrequencyType 1 needs AEFrequencyValue 1..9999");
    }
    out.maxInactivityTimeDeviceLock = PolicyLimit{static_cast<uint32_t>(*aeValue_->value * 60)};
  }
  if (wipe_ && *wipe_->value > 0) {
    out.maxDevicePasswordFailedAttempts = PolicyLimit{static_cast<uint32_t>(*wipe_->value)};
  }
  if (minLength_) {
    out.minDevicePasswordLength = PolicyLimit{static_cast<uint32_t>(*minLength_->value)};
  }
  if (complexity_) {
    out.alphanumericDevicePasswordRequired = *complexity_->value == 0;
  }
  return out;
}

}  // namespace

Result<PolicySet> decodeWapProvisioningDoc(std::string_view xml) { return WapReader(xml).run(); }

// ---------------------------------------------------------------------------------------------
// Requests and responses

ProvisionPhase phaseOf(const ProvisionRequest& r) {
  if (!r.policy && r.remoteWipeStatus) {
    return ProvisionPhase::RemoteWipeAcknowledge;
  }
  if (r.policy && r.policy->policyKey) {
    return ProvisionPhase::Acknowledge;
  }
  return ProvisionPhase::Download;
}

ProvisionRequest makeDownloadRequest(PolicyType type) {
  ProvisionRequest r;
  r.policy = ProvisionPolicyRequest{std::string(toString(type)), std::nullopt, std::nullopt};
  return r;
}

ProvisionRequest makeAcknowledgement(PolicyType type, uint32_t temporaryKey,
                                     PolicyApplyStatus status) {
  ProvisionRequest r;
  r.policy = ProvisionPolicyRequest{std::string(toString(type)), temporaryKey, status};
  return r;
}

ProvisionRequest makeRemoteWipeAcknowledgement(RemoteWipeStatus status) {
  ProvisionRequest r;
  r.remoteWipeStatus = status;
  return r;
}

ProvisionResponse makePolicyResponse(ProtocolVersion version, uint32_t temporaryKey,
                                     const PolicySet& policy) {
  ProvisionResponse r;
  r.status = ProvisionStatus::Success;
  r.policy =
      ProvisionPolicyResponse{std::string(toString(policyTypeFor(version))), PolicyStatus::Success,
                              temporaryKey, restrictTo(policy, version)};
  return r;
}

ProvisionResponse makeAcknowledgementResponse(PolicyType type, PolicyStatus status,
                                              std::optional<uint32_t> finalKey) {
  ProvisionResponse r;
  r.status = ProvisionStatus::Success;
  r.policy = ProvisionPolicyResponse{std::string(toString(type)), status, finalKey, std::nullopt};
  return r;
}

namespace {

namespace Se = tag::Settings;

std::optional<uint32_t> parseKey(std::string_view text) {
  // MS-ASPROV 2.2.2.42: PolicyKey, the decimal form of an unsigned 32-bit number.
  auto v = parseUint(text);
  if (!v || *v > UINT32_MAX) {
    return std::nullopt;
  }
  return static_cast<uint32_t>(*v);
}

Result<std::optional<uint32_t>> optionalKey(Element policy) {
  Element e = policy.child(tag::Provision::PolicyKey);
  if (!e) {
    return std::optional<uint32_t>();
  }
  auto key = parseKey(e.text());
  if (!key) {
    return badValue(e, "PolicyKey is not a decimal 32-bit number: '" +
                           std::string(e.text().substr(0, 64)) + "'");
  }
  return std::optional<uint32_t>(*key);
}


}  // namespace

std::string encode(const ProvisionRequest& m) {
  namespace Pr = tag::Provision;
  std::string out;
  WbxmlWriter w(out);
  w.start(Pr::Provision);
  if (m.deviceInformation) {
    writeDeviceInformationSet(w, *m.deviceInformation);
  }
  if (m.policy) {
    w.start(Pr::Policies);
    w.start(Pr::Policy);
    w.element(Pr::PolicyType, m.policy->policyType);
    // MS-ASPROV 3.1.5.1: in an acknowledgement PolicyKey precedes Status.
    writeOptional(w, Pr::PolicyKey, m.policy->policyKey);
    if (m.policy->status) {
      w.element(Pr::Status, uint64_t{static_cast<uint8_t>(*m.policy->status)});
    }
    w.end();
    w.end();
  }
  if (m.remoteWipeStatus) {
    w.start(Pr::RemoteWipe);
    w.element(Pr::Status, uint64_t{static_cast<uint8_t>(*m.remoteWipeStatus)});
    w.end();
  }
  w.end();
  return out;
}

std::string encode(const ProvisionResponse& m) {
  namespace Pr = tag::Provision;
  std::string out;
  WbxmlWriter w(out);
  w.start(Pr::Provision);
  if (m.deviceInformationStatus) {
    w.start(Se::DeviceInformation);
    w.element(Se::Status, uint64_t{*m.deviceInformationStatus});
    w.end();
  }
  w.element(Pr::Status, uint64_t{static_cast<uint8_t>(m.status)});
  if (m.policy) {
    const auto& p = *m.policy;
    w.start(Pr::Policies);
    w.start(Pr::Policy);
    w.element(Pr::PolicyType, p.policyType);
    w.element(Pr::Status, uint64_t{static_cast<uint8_t>(p.status)});
    writeOptional(w, Pr::PolicyKey, p.policyKey);
    auto type = parsePolicyType(p.policyType);
    if (p.data && type) {
      if (*type == PolicyType::EasProvisioningWbxml) {
        w.start(Pr::Data);
        encodeEasProvisionDoc(w, *p.data);
        w.end();
      } else {
        // MS-ASPROV 2.2.2.24.2: the document travels as a string.
        w.element(Pr::Data, encodeWapProvisioningDoc(*p.data));
      }
    }
    w.end();
    w.end();
  }
  if (m.remoteWipe) {
    w.empty(Pr::RemoteWipe);
  }
  w.end();
  return out;
}

Result<ProvisionRequest> decodeProvisionRequest(const Document& doc) {
  namespace Pr = tag::Provision;
  if (auto st = expectRoot(doc, Pr::Provision); !st) {
    return std::move(st).takeError();
  }
  Element root = doc.root();
  if (auto st = onlyOnce(root, {Se::DeviceInformation, Pr::Policies, Pr::RemoteWipe}); !st) {
    return std::move(st).takeError();
  }
  ProvisionRequest r;
  if (Element di = root.child(Se::DeviceInformation)) {
    auto d = decodeDeviceInformationSet(di);
    if (!d) {
      return std::move(d).takeError();
    }
    r.deviceInformation = std::move(*d);
  }
  Element policies = root.child(Pr::Policies);
  Element wipe = root.child(Pr::RemoteWipe);
  if (!policies && !wipe) {
    return missingElement(root, Pr::Policies);
  }
  if (policies) {
    if (auto st = onlyOnce(policies, {Pr::Policy}); !st) {
      return std::move(st).takeError();
    }
    Element policy = policies.child(Pr::Policy);
    if (!policy) {
      return missingElement(policies, Pr::Policy);
    }
    if (auto st = onlyOnce(policy, {Pr::PolicyType, Pr::PolicyKey, Pr::Status}); !st) {
      return std::move(st).takeError();
    }
    auto type = requiredText(policy, Pr::PolicyType);
    if (!type) {
      return std::move(type).takeError();
    }
    ProvisionPolicyRequest p;
    p.policyType = std::string(*type);
    auto key = optionalKey(policy);
    if (!key) {
      return std::move(key).takeError();
    }
    p.policyKey = *key;
    auto status = optionalUint(policy, Pr::Status, 1, 4);
    if (!status) {
      return std::move(status).takeError();
    }
    if (*status) {
      p.status = static_cast<PolicyApplyStatus>(**status);
    }
    // MS-ASPROV 3.1.5.1: an acknowledgement carries both the key and the client's status.
    if (p.policyKey && !p.status) {
      return missingElement(policy, Pr::Status);
    }
    if (p.status && !p.policyKey) {
      return missingElement(policy, Pr::PolicyKey);
    }
    r.policy = std::move(p);
  }
  if (wipe) {
    if (auto st = onlyOnce(wipe, {Pr::Status}); !st) {
      return std::move(st).takeError();
    }
    auto status = requiredUint(wipe, Pr::Status, 1, 2);
    if (!status) {
      return std::move(status).takeError();
    }
    r.remoteWipeStatus = static_cast<RemoteWipeStatus>(*status);
  }
  return r;
}

namespace {

Result<PolicySet> decodeData(Element data, std::string_view policyType) {
  auto type = parsePolicyType(policyType);
  if (!type) {
    return badValue(data, "unknown PolicyType '" + std::string(policyType.substr(0, 64)) +
                              "': cannot interpret the policy data");
  }
  if (*type == PolicyType::EasProvisioningWbxml) {
    if (auto st = onlyOnce(data, {tag::Provision::EASProvisionDoc}); !st) {
      return std::move(st).takeError();
    }
    Element doc = data.child(tag::Provision::EASProvisionDoc);
    if (!doc) {
      return missingElement(data, tag::Provision::EASProvisionDoc);
    }
    return decodeEasProvisionDoc(doc);
  }
  if (Element c = data.firstChild()) {
    return unexpectedElement(c, "Provision:Data of type MS-WAP-Provisioning-XML");
  }
  auto set = decodeWapProvisioningDoc(data.text());
  if (!set) {
    // Report at the Data element; keep the position inside the text in the detail.
    const Error& e = set.error();
    return makeError(e.code, data.offset(),
                     "Provision:Data byte " + std::to_string(e.offset) + ": " + e.detail);
  }
  return set;
}

}  // namespace

Result<ProvisionResponse> decodeProvisionResponse(const Document& doc) {
  namespace Pr = tag::Provision;
  if (auto st = expectRoot(doc, Pr::Provision); !st) {
    return std::move(st).takeError();
  }
  Element root = doc.root();
  if (auto st = onlyOnce(root, {Se::DeviceInformation, Pr::Status, Pr::Policies, Pr::RemoteWipe});
      !st) {
    return std::move(st).takeError();
  }
  ProvisionResponse r;
  // MS-ASPROV 2.2.2.54.2 (1..3) or a common status (MS-ASCMD 2.2.2).
  auto status = requiredStatus<ProvisionStatus>(root, Pr::Status, isProvisionStatus);
  if (!status) {
    return std::move(status).takeError();
  }
  r.status = *status;
  if (Element di = root.child(Se::DeviceInformation)) {
    auto s = requiredUint(di, Se::Status, 1, 255);
    if (!s) {
      return std::move(s).takeError();
    }
    r.deviceInformationStatus = *s;
  }
  if (Element policies = root.child(Pr::Policies)) {
    if (auto st = onlyOnce(policies, {Pr::Policy}); !st) {
      return std::move(st).takeError();
    }
    Element policy = policies.child(Pr::Policy);
    if (!policy) {
      return missingElement(policies, Pr::Policy);
    }
    if (auto st = onlyOnce(policy, {Pr::PolicyType, Pr::Status, Pr::PolicyKey, Pr::Data}); !st) {
      return std::move(st).takeError();
    }
    ProvisionPolicyResponse p;
    auto type = requiredText(policy, Pr::PolicyType);
    if (!type) {
      return std::move(type).takeError();
    }
    p.policyType = std::string(*type);
    auto ps = requiredUint(policy, Pr::Status, 1, 5);
    if (!ps) {
      return std::move(ps).takeError();
    }
    p.status = static_cast<PolicyStatus>(*ps);
    auto key = optionalKey(policy);
    if (!key) {
      return std::move(key).takeError();
    }
    p.policyKey = *key;
    if (Element data = policy.child(Pr::Data)) {
      auto set = decodeData(data, p.policyType);
      if (!set) {
        return std::move(set).takeError();
      }
      p.data = std::move(*set);
    }
    r.policy = std::move(p);
  }
  if (Element wipe = root.child(Pr::RemoteWipe)) {
    if (wipe.firstChild() || !wipe.text().empty()) {
      return badValue(wipe, "RemoteWipe in a response is an empty element");
    }
    r.remoteWipe = true;
  }
  return r;
}

}  // namespace cradle::eas
