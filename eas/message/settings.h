// Settings (Settings page 18, 12.0+): typed request and response, MS-ASCMD 2.2.1.18.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eas/message/status.h"
#include "eas/result.h"
#include "eas/wbxml/document.h"
#include "eas/wbxml/writer.h"

namespace cradle::eas {

// MS-ASCMD 2.2.3.177.15; used by the Settings element and by each section. Open enum: may also
// hold a common status (MS-ASCMD 2.2.2).
enum class SettingsStatus : uint8_t {
  Success = 1,
  ProtocolError = 2,
  AccessDenied = 3,
  ServerUnavailable = 4,
  InvalidArguments = 5,
  ConflictingArguments = 6,
  DeniedByPolicy = 7,  // e.g. a DevicePassword the policy does not accept
};

constexpr bool isSettingsStatus(uint32_t v) { return v >= 1 && v <= 7; }
std::string_view describe(SettingsStatus s);
ClientAction actionFor(SettingsStatus s);

// MS-ASCMD 2.2.1.18: DeviceInformation/Set. Every field is optional on the wire.
struct DeviceInformation {
  std::optional<std::string> model;
  std::optional<std::string> imei;
  std::optional<std::string> friendlyName;
  std::optional<std::string> os;
  std::optional<std::string> osLanguage;
  std::optional<std::string> phoneNumber;
  std::optional<std::string> userAgent;       // 12.1+
  std::optional<bool> enableOutboundSms;      // 14.0+
  std::optional<std::string> mobileOperator;  // 14.0+
};

// MS-ASCMD 2.2.1.18 OofState: 0 disabled, 1 global (on until switched off), 2 time-based.
enum class OofState : uint8_t { Disabled = 0, Global = 1, TimeBased = 2 };

// MS-ASCMD 2.2.1.18 BodyType: "Text" or "HTML" (compared case-insensitively when decoding).
enum class OofBodyType : uint8_t { Text, Html };
std::string_view toString(OofBodyType t);

// Which senders an OofMessage answers (exactly one AppliesTo* element).
enum class OofAudience : uint8_t { Internal, ExternalKnown, ExternalUnknown };

struct OofMessage {
  OofAudience appliesTo = OofAudience::Internal;
  std::optional<bool> enabled;
  std::optional<std::string> replyMessage;
  std::optional<OofBodyType> bodyType;
};

// The body of Oof/Set in a request and of Oof/Get in a response. StartTime and EndTime are
// EAS date-times ("2007-05-08T10:00:00.000Z") and are required when oofState is TimeBased.
struct OofSettings {
  std::optional<OofState> oofState;
  std::optional<std::string> startTime;
  std::optional<std::string> endTime;
  std::vector<OofMessage> messages;
};

// Any combination of sections; at most one of oofGet / oofSet (they share the Oof element).
struct SettingsRequest {
  std::optional<OofBodyType> oofGet;                   // Oof/Get/BodyType
  std::optional<OofSettings> oofSet;                   // Oof/Set
  std::optional<std::string> devicePassword;           // DevicePassword/Set/Password
  std::optional<DeviceInformation> deviceInformation;  // DeviceInformation/Set
  bool userInformationGet = false;                     // UserInformation/Get
};

// One account of a 14.1+ UserInformation/Get response.
struct SettingsAccount {
  std::optional<std::string> accountId;
  std::optional<std::string> accountName;
  std::optional<std::string> userDisplayName;
  std::optional<bool> sendDisabled;
  std::optional<std::string> primarySmtpAddress;
  std::vector<std::string> smtpAddresses;
};

struct SettingsResponse {
  SettingsStatus status = SettingsStatus::Success;
  struct Oof {
    SettingsStatus status = SettingsStatus::Success;
    std::optional<OofSettings> get;  // present when answering Oof/Get
  };
  std::optional<Oof> oof;
  std::optional<SettingsStatus> devicePasswordStatus;
  std::optional<SettingsStatus> deviceInformationStatus;
  struct UserInformation {
    SettingsStatus status = SettingsStatus::Success;
    std::vector<std::string> smtpAddresses;  // Get/EmailAddresses (12.0-14.0)
    std::vector<SettingsAccount> accounts;   // Get/Accounts (14.1+)
  };
  std::optional<UserInformation> userInformation;
};

std::string encode(const SettingsRequest& m);
std::string encode(const SettingsResponse& m);
Result<SettingsRequest> decodeSettingsRequest(const Document& doc);
Result<SettingsResponse> decodeSettingsResponse(const Document& doc);

// <DeviceInformation><Set>...</Set></DeviceInformation>, shared with Provision (14.1+ carries it
// inside Provision, MS-ASPROV 2.2.2.52).
void writeDeviceInformationSet(WbxmlWriter& w, const DeviceInformation& info);
// `element` is a Settings:DeviceInformation element; its Set child is required.
Result<DeviceInformation> decodeDeviceInformationSet(Element element);

}  // namespace cradle::eas
