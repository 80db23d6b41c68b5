// The Exchange System Manager settings mapi-sim honours (Mobile Services, Device Security),
// the heartbeat profile, and the named per-user policies; stored as JSON in the mailbox.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eas/result.h"

namespace mapisim {

// Direct Push heartbeat bounds in seconds (MS-ASCMD 2.2.3.79.1 HeartbeatInterval).
// Exchange 2007: 60..3540; Exchange 2003 SP2: 60..2700.
struct HeartbeatBounds {
  uint32_t min = 60;
  uint32_t max = 3540;
  friend bool operator==(const HeartbeatBounds&, const HeartbeatBounds&) = default;
};

// ESM "Mobile Services" (Exchange 2003 SP2).
struct MobileServices {
  bool userInitiatedSync = true;        // off: Sync and friends are refused (403)
  bool upToDateNotifications = true;    // AUTD: SMS/SMTP notifications on change
  bool notifyUserSmtpAddresses = true;  // notifications to user-specified SMTP addresses
  bool directPush = true;               // off: Ping is not offered (OPTIONS) and is refused
  friend bool operator==(const MobileServices&, const MobileServices&) = default;
};

// ESM "Device Security" / an Exchange 2007 mobile mailbox policy.
struct DevicePolicy {
  bool enforcePassword = false;       // DevicePasswordEnabled
  uint32_t minPasswordLength = 4;     // MinDevicePasswordLength, 1..16
  bool requireAlphanumeric = false;   // AlphanumericDevicePasswordRequired
  uint32_t inactivityMinutes = 15;    // MaxInactivityTimeDeviceLock (0: none), 0..166
  uint32_t wipeAfterFailures = 8;     // MaxDevicePasswordFailedAttempts (0: none), 4..16
  uint32_t refreshHours = 0;          // policy key expires after N hours (0: never)
  bool allowNonProvisionable = true;  // server-side only: never sent to the device
  bool attachmentsEnabled = true;
  uint32_t maxAttachmentSize = 0;  // bytes, 0: no limit

  friend bool operator==(const DevicePolicy&, const DevicePolicy&) = default;
};

// Thread: a plain value; EasService keeps one immutable copy behind a shared_ptr and replaces it
// whole (admin API), so readers never see a half-applied change.
struct ServerSettings {
  std::string profile = "exchange2007";  // or "exchange2003sp2": sets heartbeat bounds, versions
  HeartbeatBounds heartbeat;
  uint32_t maxPingFolders = 300;         // Ping status 6 beyond this (MaxFolders)
  uint32_t heartbeatLogWindow = 200;     // average of the last N heartbeats ...
  uint32_t heartbeatLogThreshold = 540;  // ... at or below this many seconds logs an event
  MobileServices mobile;
  DevicePolicy globalPolicy;
  std::vector<std::string> exemptUsers;          // Device Security exceptions list
  std::map<std::string, DevicePolicy> policies;  // Exchange 2007 named per-user policies

  // The policy that applies to a user (their named policy, else the global one), or nullopt
  // when the user is exempt (no policy is enforced: Provision sends an empty policy).
  // Exemption compares names case-insensitively (log-in names are). A userPolicy naming no
  // defined policy falls back to the global one. Named policies apply in both profiles (an
  // Exchange 2003 SP2 administrator simply has none).
  std::optional<DevicePolicy> policyFor(const std::string& userName,
                                        const std::string& userPolicy) const;
  bool isExempt(std::string_view userName) const;

  // Defaults of a profile: "exchange2007" (heartbeat 60..3540) or "exchange2003sp2"
  // (heartbeat 60..2700). Any other name gives the exchange2007 defaults with that name kept,
  // which settingsFromJson then refuses; use isKnownProfile to check first.
  static ServerSettings forProfile(const std::string& profile);
  static bool isKnownProfile(std::string_view profile);

  friend bool operator==(const ServerSettings&, const ServerSettings&) = default;
};

// JSON form (Poco::JSON), the keys mirroring applySetting's:
//   {"profile": "exchange2007", "heartbeat": {"min": 60, "max": 3540}, "maxPingFolders": 300,
//    "heartbeatLogWindow": 200, "heartbeatLogThreshold": 540,
//    "mobile": {"userInitiatedSync": true, "upToDateNotifications": true,
//               "notifyUserSmtpAddresses": true, "directPush": true},
//    "security": {<policy fields>, "exempt": ["alice"]},
//    "policies": {"<name>": {<policy fields>}}}
// <policy fields>: enforcePassword, minPasswordLength, requireAlphanumeric, inactivityMinutes,
// wipeAfterFailures, refreshHours, allowNonProvisionable, attachmentsEnabled, maxAttachmentSize.
std::string toJson(const ServerSettings& s);
// Strict: the text must be one JSON object; an unknown key, a value of the wrong type (a string
// for a number, a fraction, a negative number) or out of its range, an unknown profile, or
// heartbeat min > max is BadValue with the key path in the detail ("security.minPasswordLength
// must be 1..16"). Missing keys keep the defaults of the profile named (or exchange2007).
cradle::eas::Result<ServerSettings> settingsFromJson(const std::string& json);

// Checks every range (the same rules settingsFromJson and applySetting apply). BadValue.
cradle::eas::Status validateSettings(const ServerSettings& s);

// Applies one "key=value" edit (mapi-sim settings set KEY=VALUE, admin POST /settings).
// Booleans: on|off, true|false, yes|no, 1|0 (any case). Numbers: decimal.
//   profile=exchange2007|exchange2003sp2     also resets the heartbeat bounds to the profile's
//   heartbeat.min=N heartbeat.max=N           seconds, 1..86400, min <= max
//   maxPingFolders=N                          1..10000
//   heartbeatLogWindow=N                      1..100000
//   heartbeatLogThreshold=N                   seconds, 0..86400
//   mobile.userInitiatedSync=BOOL  mobile.upToDateNotifications=BOOL
//   mobile.notifyUserSmtpAddresses=BOOL  mobile.directPush=BOOL
//   security.<field>=VALUE                    the global policy (Device Security)
//   security.exempt=+user | -user | (empty)   add to / remove from / clear the exceptions list
//   policy.<name>.<field>=VALUE               a named policy, created with the DevicePolicy
//                                             defaults on its first edit; <name> is 1..64 of
//                                             A-Z a-z 0-9 _ -
//   policy.<name>=remove                      deletes the named policy
// <field> (global and named policies alike):
//   enforcePassword=BOOL  minPasswordLength=1..16  requireAlphanumeric=BOOL
//   inactivityMinutes=0..166 (0 none; 166 min is the last value below MaxInactivityTimeDeviceLock's
//   9999 s "no limit")  wipeAfterFailures=0|4..16 (0 none)  refreshHours=0..8760 (0 never)
//   allowNonProvisionable=BOOL  attachmentsEnabled=BOOL  maxAttachmentSize=bytes (0 no limit)
// Errors are BadValue with a one-line detail naming the key; `s` is unchanged on error.
cradle::eas::Status applySetting(ServerSettings& s, std::string_view key, std::string_view value);

// The key list above as help text for the CLI, one key per line.
std::string_view settingKeysHelp();

}  // namespace mapisim
