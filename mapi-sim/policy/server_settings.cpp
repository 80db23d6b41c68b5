// ServerSettings: profiles, the effective policy of a user, strict JSON, "key=value" edits.
#include "mapi-sim/policy/server_settings.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <array>
#include <sstream>
#include <typeinfo>

#include "eas/ascii.h"
#include "eas/message/common.h"

namespace mapisim {

using cradle::eas::ErrorCode;
using cradle::eas::makeError;
using cradle::eas::Result;
using cradle::eas::Status;

namespace {

constexpr std::string_view Exchange2007 = "exchange2007";
constexpr std::string_view Exchange2003Sp2 = "exchange2003sp2";

cradle::eas::Error bad(std::string detail) {
  return makeError(ErrorCode::BadValue, 0, std::move(detail));
}

// --- the field tables -------------------------------------------------------------------------

// A number and its allowed values: min..max, and 0 as well when zeroMeansNone.
struct Range {
  uint32_t min = 0;
  uint32_t max = UINT32_MAX;
  bool zeroMeansNone = false;

  bool allows(uint64_t v) const { return (zeroMeansNone && v == 0) || (v >= min && v <= max); }
  std::string text() const {
    std::string r = zeroMeansNone ? "0 or " : "";
    return r + std::to_string(min) + ".." + std::to_string(max);
  }
};

// One field of DevicePolicy: a flag or a number.
struct PolicyField {
  std::string_view name;
  bool DevicePolicy::*flag = nullptr;
  uint32_t DevicePolicy::*number = nullptr;
  Range range;
};

// MS-ASPROV 2.2.2.38 MinDevicePasswordLength 1..16; 2.2.2.34 MaxDevicePasswordFailedAttempts
// 4..16; 2.2.2.35 MaxInactivityTimeDeviceLock is in seconds and 9999 means "no limit", so the
// last minute count that still locks is 166.
const std::array<PolicyField, 9> PolicyFields = {{
    {"enforcePassword", &DevicePolicy::enforcePassword, nullptr, {}},
    {"minPasswordLength", nullptr, &DevicePolicy::minPasswordLength, {1, 16, false}},
    {"requireAlphanumeric", &DevicePolicy::requireAlphanumeric, nullptr, {}},
    {"inactivityMinutes", nullptr, &DevicePolicy::inactivityMinutes, {1, 166, true}},
    {"wipeAfterFailures", nullptr, &DevicePolicy::wipeAfterFailures, {4, 16, true}},
    {"refreshHours", nullptr, &DevicePolicy::refreshHours, {1, 8760, true}},
    {"allowNonProvisionable", &DevicePolicy::allowNonProvisionable, nullptr, {}},
    {"attachmentsEnabled", &DevicePolicy::attachmentsEnabled, nullptr, {}},
    {"maxAttachmentSize", nullptr, &DevicePolicy::maxAttachmentSize, {0, UINT32_MAX, false}},
}};

const PolicyField* findPolicyField(std::string_view name) {
  for (const PolicyField& f : PolicyFields) {
    if (f.name == name) {
      return &f;
    }
  }
  return nullptr;
}

struct MobileField {
  std::string_view name;
  bool MobileServices::*flag;
};

const std::array<MobileField, 4> MobileFields = {{
    {"userInitiatedSync", &MobileServices::userInitiatedSync},
    {"upToDateNotifications", &MobileServices::upToDateNotifications},
    {"notifyUserSmtpAddresses", &MobileServices::notifyUserSmtpAddresses},
    {"directPush", &MobileServices::directPush},
}};

// Top-level numbers (heartbeat bounds are checked together as well: min <= max).
struct TopNumber {
  std::string_view name;
  uint32_t ServerSettings::*number;
  Range range;
};

const std::array<TopNumber, 3> TopNumbers = {{
    {"maxPingFolders", &ServerSettings::maxPingFolders, {1, 10000, false}},
    {"heartbeatLogWindow", &ServerSettings::heartbeatLogWindow, {1, 100000, false}},
    {"heartbeatLogThreshold", &ServerSettings::heartbeatLogThreshold, {0, 86400, false}},
}};

constexpr Range HeartbeatRange{1, 86400, false};

std::string lowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = cradle::eas::asciiLower(c);
  }
  return out;
}

bool validPolicyName(std::string_view name) {
  if (name.empty() || name.size() > 64) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

// Log-in names as the mailbox accepts them: visible ASCII or UTF-8, no spaces or controls.
bool validUserName(std::string_view name) {
  if (name.empty() || name.size() > 256) {
    return false;
  }
  return std::none_of(name.begin(), name.end(), [](char c) {
    auto b = static_cast<unsigned char>(c);
    return b <= 0x20 || b == 0x7F;
  });
}

Status checkPolicy(const DevicePolicy& p, const std::string& path) {
  for (const PolicyField& f : PolicyFields) {
    if (f.number != nullptr && !f.range.allows(p.*f.number)) {
      return bad(path + "." + std::string(f.name) + " must be " + f.range.text() + " (got " +
                 std::to_string(p.*f.number) + ")");
    }
  }
  return {};
}

// --- value parsing for applySetting -----------------------------------------------------------

std::optional<bool> parseBool(std::string_view v) {
  const std::string s = lowerAscii(v);
  if (s == "on" || s == "true" || s == "yes" || s == "1") {
    return true;
  }
  if (s == "off" || s == "false" || s == "no" || s == "0") {
    return false;
  }
  return std::nullopt;
}

std::optional<uint32_t> parseNumber(std::string_view v) {
  if (v.empty() || v.size() > 10) {
    return std::nullopt;
  }
  uint64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  if (n > UINT32_MAX) {
    return std::nullopt;
  }
  return static_cast<uint32_t>(n);
}

Result<bool> boolValue(std::string_view key, std::string_view value) {
  auto b = parseBool(value);
  if (!b) {
    return bad(std::string(key) + " takes on|off, not '" + std::string(value.substr(0, 64)) + "'");
  }
  return *b;
}

Result<uint32_t> numberValue(std::string_view key, std::string_view value, const Range& range) {
  auto n = parseNumber(value);
  if (!n) {
    return bad(std::string(key) + " takes a decimal number, not '" +
               std::string(value.substr(0, 64)) + "'");
  }
  if (!range.allows(*n)) {
    return bad(std::string(key) + " must be " + range.text() + " (got " + std::to_string(*n) + ")");
  }
  return *n;
}

Status applyPolicyField(DevicePolicy& p, std::string_view key, std::string_view field,
                        std::string_view value) {
  const PolicyField* f = findPolicyField(field);
  if (f == nullptr) {
    return bad("unknown key '" + std::string(key) + "'");
  }
  if (f->flag != nullptr) {
    auto b = boolValue(key, value);
    if (!b) {
      return std::move(b).takeError();
    }
    p.*(f->flag) = *b;
    return {};
  }
  auto n = numberValue(key, value, f->range);
  if (!n) {
    return std::move(n).takeError();
  }
  p.*(f->number) = *n;
  return {};
}

bool sameUser(std::string_view a, std::string_view b) {
  return cradle::eas::equalsIgnoreCase(a, b);
}

// --- JSON -------------------------------------------------------------------------------------

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

bool isObject(const Var& v) { return !v.isEmpty() && v.type() == typeid(Object::Ptr); }
bool isArray(const Var& v) { return !v.isEmpty() && v.type() == typeid(Array::Ptr); }
bool isBool(const Var& v) { return !v.isEmpty() && v.type() == typeid(bool); }

Object policyJson(const DevicePolicy& p) {
  Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const PolicyField& f : PolicyFields) {
    if (f.flag != nullptr) {
      o.set(std::string(f.name), p.*f.flag);
    } else {
      o.set(std::string(f.name), p.*f.number);
    }
  }
  return o;
}

Result<bool> readBool(const Var& v, const std::string& path) {
  if (!isBool(v)) {
    return bad(path + " must be true or false");
  }
  return v.extract<bool>();
}

Result<uint32_t> readNumber(const Var& v, const std::string& path, const Range& range) {
  if (v.isEmpty() || isBool(v) || !v.isInteger()) {
    return bad(path + " must be a whole number");
  }
  int64_t n = 0;
  try {
    if (v.isSigned()) {
      n = v.convert<Poco::Int64>();
    } else {
      auto u = v.convert<Poco::UInt64>();
      n = u > UINT32_MAX ? -1 : static_cast<int64_t>(u);
    }
  } catch (const Poco::Exception&) {
    n = -1;
  }
  if (n < 0 || n > UINT32_MAX || !range.allows(static_cast<uint64_t>(n))) {
    return bad(path + " must be " + range.text());
  }
  return static_cast<uint32_t>(n);
}

Result<Object::Ptr> readObject(const Var& v, const std::string& path) {
  if (!isObject(v)) {
    return bad(path + " must be an object");
  }
  return v.extract<Object::Ptr>();
}

Status readPolicy(const Object& o, const std::string& path, DevicePolicy& p,
                  std::vector<std::string>* exempt) {
  for (const auto& [key, value] : o) {
    const std::string at = path + "." + key;
    if (exempt != nullptr && key == "exempt") {
      if (!isArray(value)) {
        return bad(at + " must be a list of user names");
      }
      const Array::Ptr list = value.extract<Array::Ptr>();
      exempt->clear();
      for (std::size_t i = 0; i < list->size(); ++i) {
        const Var name = list->get(static_cast<unsigned>(i));
        if (!name.isString() || !validUserName(name.extract<std::string>())) {
          return bad(at + " must be a list of user names");
        }
        const std::string user = name.extract<std::string>();
        if (std::none_of(exempt->begin(), exempt->end(),
                         [&](const std::string& u) { return sameUser(u, user); })) {
          exempt->push_back(user);
        }
      }
      continue;
    }
    const PolicyField* f = findPolicyField(key);
    if (f == nullptr) {
      return bad("unknown key '" + at + "'");
    }
    if (f->flag != nullptr) {
      auto b = readBool(value, at);
      if (!b) {
        return std::move(b).takeError();
      }
      p.*(f->flag) = *b;
    } else {
      auto n = readNumber(value, at, f->range);
      if (!n) {
        return std::move(n).takeError();
      }
      p.*(f->number) = *n;
    }
  }
  return {};
}

Status readSettings(const Object& root, ServerSettings& s) {
  for (const auto& [key, value] : root) {
    if (key == "profile") {
      continue;  // read first, by the caller
    }
    if (key == "heartbeat") {
      auto o = readObject(value, key);
      if (!o) {
        return std::move(o).takeError();
      }
      for (const auto& [k, v] : **o) {
        const std::string at = "heartbeat." + k;
        uint32_t HeartbeatBounds::*field = k == "min"   ? &HeartbeatBounds::min
                                           : k == "max" ? &HeartbeatBounds::max
                                                        : nullptr;
        if (field == nullptr) {
          return bad("unknown key '" + at + "'");
        }
        auto n = readNumber(v, at, HeartbeatRange);
        if (!n) {
          return std::move(n).takeError();
        }
        s.heartbeat.*field = *n;
      }
      continue;
    }
    if (key == "mobile") {
      auto o = readObject(value, key);
      if (!o) {
        return std::move(o).takeError();
      }
      for (const auto& [k, v] : **o) {
        const std::string at = "mobile." + k;
        auto f = std::find_if(MobileFields.begin(), MobileFields.end(),
                              [&](const MobileField& m) { return m.name == k; });
        if (f == MobileFields.end()) {
          return bad("unknown key '" + at + "'");
        }
        auto b = readBool(v, at);
        if (!b) {
          return std::move(b).takeError();
        }
        s.mobile.*(f->flag) = *b;
      }
      continue;
    }
    if (key == "security") {
      auto o = readObject(value, key);
      if (!o) {
        return std::move(o).takeError();
      }
      CRADLE_TRY(readPolicy(**o, "security", s.globalPolicy, &s.exemptUsers));
      continue;
    }
    if (key == "policies") {
      auto o = readObject(value, key);
      if (!o) {
        return std::move(o).takeError();
      }
      for (const auto& [name, body] : **o) {
        const std::string at = "policies." + name;
        if (!validPolicyName(name)) {
          return bad(at + ": a policy name is 1..64 of A-Z a-z 0-9 _ -");
        }
        auto p = readObject(body, at);
        if (!p) {
          return std::move(p).takeError();
        }
        DevicePolicy policy;
        CRADLE_TRY(readPolicy(**p, at, policy, nullptr));
        s.policies[name] = policy;
      }
      continue;
    }
    auto top = std::find_if(TopNumbers.begin(), TopNumbers.end(),
                            [&](const TopNumber& t) { return t.name == key; });
    if (top == TopNumbers.end()) {
      return bad("unknown key '" + key + "'");
    }
    auto n = readNumber(value, key, top->range);
    if (!n) {
      return std::move(n).takeError();
    }
    s.*(top->number) = *n;
  }
  return {};
}

}  // namespace

// ---------------------------------------------------------------------------------------------

bool ServerSettings::isExempt(std::string_view userName) const {
  return std::any_of(exemptUsers.begin(), exemptUsers.end(),
                     [&](const std::string& u) { return sameUser(u, userName); });
}

std::optional<DevicePolicy> ServerSettings::policyFor(const std::string& userName,
                                                      const std::string& userPolicy) const {
  // ESM Device Security "Exceptions...": exempt users get no policy at all.
  if (isExempt(userName)) {
    return std::nullopt;
  }
  // Exchange 2007: a mailbox's ActiveSyncMailboxPolicy replaces the default one.
  if (!userPolicy.empty()) {
    if (auto it = policies.find(userPolicy); it != policies.end()) {
      return it->second;
    }
  }
  return globalPolicy;
}

bool ServerSettings::isKnownProfile(std::string_view profile) {
  return profile == Exchange2007 || profile == Exchange2003Sp2;
}

ServerSettings ServerSettings::forProfile(const std::string& profile) {
  ServerSettings s;
  s.profile = profile;
  if (profile == Exchange2003Sp2) {
    // KB 905013 / Exchange 2003 SP2: the heartbeat may not exceed 45 minutes.
    s.heartbeat = HeartbeatBounds{60, 2700};
  } else {
    // Exchange 2007: MaximumHeartbeatInterval 59 minutes.
    s.heartbeat = HeartbeatBounds{60, 3540};
  }
  return s;
}

Status validateSettings(const ServerSettings& s) {
  if (!ServerSettings::isKnownProfile(s.profile)) {
    return bad("profile must be exchange2007 or exchange2003sp2 (got '" + s.profile.substr(0, 64) +
               "')");
  }
  if (!HeartbeatRange.allows(s.heartbeat.min) || !HeartbeatRange.allows(s.heartbeat.max)) {
    return bad("heartbeat.min and heartbeat.max must be " + HeartbeatRange.text());
  }
  if (s.heartbeat.min > s.heartbeat.max) {
    return bad("heartbeat.min (" + std::to_string(s.heartbeat.min) + ") is above heartbeat.max (" +
               std::to_string(s.heartbeat.max) + ")");
  }
  for (const TopNumber& t : TopNumbers) {
    if (!t.range.allows(s.*t.number)) {
      return bad(std::string(t.name) + " must be " + t.range.text());
    }
  }
  if (auto st = checkPolicy(s.globalPolicy, "security"); !st) {
    return st;
  }
  for (const std::string& u : s.exemptUsers) {
    if (!validUserName(u)) {
      return bad("security.exempt holds an invalid user name");
    }
  }
  for (const auto& [name, p] : s.policies) {
    if (!validPolicyName(name)) {
      return bad("policy name '" + name.substr(0, 64) + "' is not 1..64 of A-Z a-z 0-9 _ -");
    }
    if (auto st = checkPolicy(p, "policy." + name); !st) {
      return st;
    }
  }
  return {};
}

std::string toJson(const ServerSettings& s) {
  Object root(Poco::JSON_PRESERVE_KEY_ORDER);
  root.set("profile", s.profile);
  Object heartbeat(Poco::JSON_PRESERVE_KEY_ORDER);
  heartbeat.set("min", s.heartbeat.min);
  heartbeat.set("max", s.heartbeat.max);
  root.set("heartbeat", heartbeat);
  for (const TopNumber& t : TopNumbers) {
    root.set(std::string(t.name), s.*t.number);
  }
  Object mobile(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const MobileField& f : MobileFields) {
    mobile.set(std::string(f.name), s.mobile.*f.flag);
  }
  root.set("mobile", mobile);
  Object security = policyJson(s.globalPolicy);
  Array exempt;
  for (const std::string& u : s.exemptUsers) {
    exempt.add(u);
  }
  security.set("exempt", exempt);
  root.set("security", security);
  Object policies(Poco::JSON_PRESERVE_KEY_ORDER);
  for (const auto& [name, p] : s.policies) {
    policies.set(name, policyJson(p));
  }
  root.set("policies", policies);
  std::ostringstream out;
  root.stringify(out);
  return out.str();
}

Result<ServerSettings> settingsFromJson(const std::string& json) {
  Var parsed;
  try {
    Poco::JSON::Parser parser;
    parsed = parser.parse(json);
  } catch (const Poco::Exception& e) {
    return bad("settings are not valid JSON: " + e.displayText());
  }
  if (!isObject(parsed)) {
    return bad("settings must be a JSON object");
  }
  const Object::Ptr root = parsed.extract<Object::Ptr>();
  std::string profile(Exchange2007);
  if (root->has("profile")) {
    const Var p = root->get("profile");
    if (!p.isString()) {
      return bad("profile must be a string");
    }
    profile = p.extract<std::string>();
    if (!ServerSettings::isKnownProfile(profile)) {
      return bad("unknown profile '" + profile.substr(0, 64) +
                 "' (exchange2007 or exchange2003sp2)");
    }
  }
  ServerSettings s = ServerSettings::forProfile(profile);
  try {
    if (auto st = readSettings(*root, s); !st) {
      return std::move(st).takeError();
    }
  } catch (const Poco::Exception& e) {
    // A value of a type the checks above did not foresee; still the caller's bad input.
    return bad("settings JSON has a value of the wrong type: " + e.displayText());
  }
  if (auto st = validateSettings(s); !st) {
    return std::move(st).takeError();
  }
  return s;
}

Status applySetting(ServerSettings& s, std::string_view key, std::string_view value) {
  ServerSettings next = s;
  auto fail = [&](std::string detail) { return Status(bad(std::move(detail))); };
  const std::string k(key);

  if (key == "profile") {
    const std::string p = lowerAscii(value);
    if (!ServerSettings::isKnownProfile(p)) {
      return fail("profile takes exchange2007 or exchange2003sp2, not '" +
                  std::string(value.substr(0, 64)) + "'");
    }
    next.profile = p;
    next.heartbeat = ServerSettings::forProfile(p).heartbeat;
  } else if (key == "heartbeat.min" || key == "heartbeat.max") {
    auto n = numberValue(key, value, HeartbeatRange);
    if (!n) {
      return std::move(n).takeError();
    }
    (key == "heartbeat.min" ? next.heartbeat.min : next.heartbeat.max) = *n;
    if (next.heartbeat.min > next.heartbeat.max) {
      return fail(k + "=" + std::to_string(*n) + " would put heartbeat.min (" +
                  std::to_string(next.heartbeat.min) + ") above heartbeat.max (" +
                  std::to_string(next.heartbeat.max) + ")");
    }
  } else if (key.starts_with("mobile.")) {
    const std::string_view field = key.substr(7);
    auto f = std::find_if(MobileFields.begin(), MobileFields.end(),
                          [&](const MobileField& m) { return m.name == field; });
    if (f == MobileFields.end()) {
      return fail("unknown key '" + k + "'");
    }
    auto b = boolValue(key, value);
    if (!b) {
      return std::move(b).takeError();
    }
    next.mobile.*(f->flag) = *b;
  } else if (key == "security.exempt") {
    // ESM Device Security "Exceptions...": +user adds, -user removes, empty clears.
    if (value.empty()) {
      next.exemptUsers.clear();
    } else if (value[0] == '+' || value[0] == '-') {
      const std::string user(value.substr(1));
      if (!validUserName(user)) {
        return fail("security.exempt takes +user or -user with a user name");
      }
      auto it = std::find_if(next.exemptUsers.begin(), next.exemptUsers.end(),
                             [&](const std::string& u) { return sameUser(u, user); });
      if (value[0] == '+') {
        if (it == next.exemptUsers.end()) {
          next.exemptUsers.push_back(user);
        }
      } else {
        if (it == next.exemptUsers.end()) {
          return fail("security.exempt: " + user + " is not on the exceptions list");
        }
        next.exemptUsers.erase(it);
      }
    } else {
      return fail("security.exempt takes +user, -user, or nothing (clear the list)");
    }
  } else if (key.starts_with("security.")) {
    CRADLE_TRY(applyPolicyField(next.globalPolicy, key, key.substr(9), value));
  } else if (key.starts_with("policy.")) {
    const std::string_view rest = key.substr(7);
    const auto dot = rest.find('.');
    const std::string_view name = rest.substr(0, dot);
    if (!validPolicyName(name)) {
      return fail("policy names are 1..64 of A-Z a-z 0-9 _ - (key '" + k.substr(0, 100) + "')");
    }
    const std::string policyName(name);
    if (dot == std::string_view::npos) {
      if (lowerAscii(value) != "remove") {
        return fail(k + " takes only 'remove'; set fields with " + k + ".<field>=VALUE");
      }
      if (next.policies.erase(policyName) == 0) {
        return fail("no policy named '" + policyName + "'");
      }
    } else {
      DevicePolicy policy;
      if (auto it = next.policies.find(policyName); it != next.policies.end()) {
        policy = it->second;
      }
      CRADLE_TRY(applyPolicyField(policy, key, rest.substr(dot + 1), value));
      next.policies[policyName] = policy;
    }
  } else {
    auto top = std::find_if(TopNumbers.begin(), TopNumbers.end(),
                            [&](const TopNumber& t) { return t.name == key; });
    if (top == TopNumbers.end()) {
      return fail("unknown key '" + k.substr(0, 100) + "'");
    }
    auto n = numberValue(key, value, top->range);
    if (!n) {
      return std::move(n).takeError();
    }
    next.*(top->number) = *n;
  }
  s = std::move(next);
  return {};
}

std::string_view settingKeysHelp() {
  return "profile=exchange2007|exchange2003sp2   (also resets heartbeat.min/max)\n"
         "heartbeat.min=SECONDS                  1..86400, <= heartbeat.max\n"
         "heartbeat.max=SECONDS                  1..86400, >= heartbeat.min\n"
         "maxPingFolders=N                       1..10000\n"
         "heartbeatLogWindow=N                   1..100000\n"
         "heartbeatLogThreshold=SECONDS          0..86400\n"
         "mobile.userInitiatedSync=on|off\n"
         "mobile.upToDateNotifications=on|off\n"
         "mobile.notifyUserSmtpAddresses=on|off\n"
         "mobile.directPush=on|off\n"
         "security.enforcePassword=on|off\n"
         "security.minPasswordLength=1..16\n"
         "security.requireAlphanumeric=on|off\n"
         "security.inactivityMinutes=0..166      0: no inactivity lock\n"
         "security.wipeAfterFailures=0|4..16     0: never wipe\n"
         "security.refreshHours=0..8760          0: the policy key never expires\n"
         "security.allowNonProvisionable=on|off\n"
         "security.attachmentsEnabled=on|off\n"
         "security.maxAttachmentSize=BYTES       0: no limit\n"
         "security.exempt=+USER|-USER|           add, remove, clear the exceptions list\n"
         "policy.NAME.FIELD=VALUE                a named policy (FIELD as under security.)\n"
         "policy.NAME=remove                     delete a named policy\n";
}

}  // namespace mapisim
