// Provision (MS-ASPROV): policy download, acknowledgement and remote wipe, both policy forms.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eas/message/settings.h"
#include "eas/message/status.h"
#include "eas/result.h"
#include "eas/version.h"
#include "eas/wbxml/document.h"
#include "eas/wbxml/writer.h"

namespace cradle::eas {

// ---------------------------------------------------------------------------------------------
// Policy types and statuses

// MS-ASPROV 2.2.2.43: the only two PolicyType values. The wire strings are below.
enum class PolicyType : uint8_t {
  WapProvisioningXml,    // "MS-WAP-Provisioning-XML": EAS 2.5, Data is a wap-provisioningdoc text
  EasProvisioningWbxml,  // "MS-EAS-Provisioning-WBXML": 12.0+, Data holds an EASProvisionDoc
};
inline constexpr std::string_view WapProvisioningXml = "MS-WAP-Provisioning-XML";
inline constexpr std::string_view EasProvisioningWbxml = "MS-EAS-Provisioning-WBXML";

std::string_view toString(PolicyType t);
std::optional<PolicyType> parsePolicyType(std::string_view s);  // exact, case-sensitive
PolicyType policyTypeFor(ProtocolVersion v);                    // 2.5 -> WAP, else EAS

// MS-ASPROV 2.2.2.54.2: Provision/Status in a response. Open enum: a 12.1+ server may answer
// with a common status instead (MS-ASPROV 3.1.5.2: 139, 141, 145, ...).
enum class ProvisionStatus : uint8_t {
  Success = 1,
  ProtocolError = 2,
  ServerError = 3,
};
constexpr bool isProvisionStatus(uint32_t v) { return v >= 1 && v <= 3; }
std::string_view describe(ProvisionStatus s);
ClientAction actionFor(ProvisionStatus s);

// MS-ASPROV 2.2.2.54.1: Policy/Status in a response (the server's verdict).
enum class PolicyStatus : uint8_t {
  Success = 1,
  NoPolicy = 2,           // there is no policy for this client
  UnknownPolicyType = 3,  // the PolicyType value is not one the server knows
  CorruptPolicy = 4,      // the policy data on the server is corrupted (possibly tampered with)
  WrongPolicyKey = 5,     // the client acknowledged a policy key that is not the one issued
};
constexpr bool isPolicyStatus(uint32_t v) { return v >= 1 && v <= 5; }
std::string_view describe(PolicyStatus s);
ClientAction actionFor(PolicyStatus s);

// MS-ASPROV 2.2.2.54.1: Policy/Status in an acknowledgement request (the client's result).
// The reaction is the server's, so it is told as text.
enum class PolicyApplyStatus : uint8_t {
  Success = 1,
  PartialSuccess = 2,         // at least the PIN was enabled
  NotApplied = 3,             // the client did not apply the policy at all
  ExternallyProvisioned = 4,  // the client claims to be provisioned by a third party
};
constexpr bool isPolicyApplyStatus(uint32_t v) { return v >= 1 && v <= 4; }
std::string_view describe(PolicyApplyStatus s);
std::string_view serverAction(PolicyApplyStatus s);

// MS-ASPROV 2.2.2.54.3: RemoteWipe/Status in a request (the client's wipe result).
enum class RemoteWipeStatus : uint8_t {
  Success = 1,
  Failure = 2,
};
constexpr bool isRemoteWipeStatus(uint32_t v) { return v >= 1 && v <= 2; }
std::string_view describe(RemoteWipeStatus s);
std::string_view serverAction(RemoteWipeStatus s);

// ---------------------------------------------------------------------------------------------
// The policy set

// An element of type unsignedIntOrEmpty / unsignedByteOrEmpty (MS-ASPROV 2.2.3.2, 2.2.3.3) that
// is present: with a number, or empty (Exchange sends <MaxAttachmentSize/> for "no limit").
// Absent and empty mean the same to a client; keeping them apart lets a document re-encode to
// the same bytes.
struct PolicyLimit {
  std::optional<uint32_t> value;  // nullopt: present but empty
  static PolicyLimit empty() { return PolicyLimit{}; }
  friend bool operator==(const PolicyLimit&, const PolicyLimit&) = default;
};

// The security policy a server imposes, as the EASProvisionDoc elements (MS-ASPROV 2.2.2.28);
// every field is optional (absent = the element is not sent). Fields are listed in the order
// Exchange emits them, which is also the order encodeEasProvisionDoc writes.
// AllowNonProvisionableDevices is deliberately not here: it is a server-side admission rule
// (E2003 SP2 checkbox, E2007+ mailbox policy parameter), never an element sent to a device.
struct PolicySet {
  // 12.0
  std::optional<bool> devicePasswordEnabled;
  std::optional<bool> alphanumericDevicePasswordRequired;
  std::optional<bool> passwordRecoveryEnabled;
  std::optional<bool> deviceEncryptionEnabled;  // old name RequireStorageCardEncryption
  std::optional<bool> documentBrowseEnabled;    // deprecated; kept for round trips
  std::optional<bool> attachmentsEnabled;
  std::optional<PolicyLimit> minDevicePasswordLength;          // 1..16 characters
  std::optional<PolicyLimit> maxInactivityTimeDeviceLock;      // seconds; >= 9999 = no limit
  std::optional<PolicyLimit> maxDevicePasswordFailedAttempts;  // 4..16
  std::optional<PolicyLimit> maxAttachmentSize;                // bytes
  std::optional<bool> allowSimpleDevicePassword;
  std::optional<PolicyLimit> devicePasswordExpiration;  // days; 0 = never
  std::optional<uint32_t> devicePasswordHistory;        // passwords remembered; 0 = none
  // 12.1
  std::optional<bool> allowStorageCard;
  std::optional<bool> allowCamera;
  std::optional<bool> requireDeviceEncryption;
  std::optional<bool> allowUnsignedApplications;
  std::optional<bool> allowUnsignedInstallationPackages;
  std::optional<uint32_t> minDevicePasswordComplexCharacters;  // 1..4 character classes
  std::optional<bool> allowWiFi;
  std::optional<bool> allowTextMessaging;
  std::optional<bool> allowPOPIMAPEmail;
  std::optional<uint32_t> allowBluetooth;  // 0 disabled, 1 hands-free only, 2 allowed
  std::optional<bool> allowIrDA;
  std::optional<bool> requireManualSyncWhenRoaming;
  std::optional<bool> allowDesktopSync;
  std::optional<uint32_t> maxCalendarAgeFilter;  // 0 all, 4 two weeks, 5 month, 6 3 months, 7 6 m.
  std::optional<bool> allowHTMLEmail;
  std::optional<uint32_t> maxEmailAgeFilter;  // 0 all, 1 day, 2 3 days, 3 week, 4 2 weeks, 5 month
  std::optional<int32_t> maxEmailBodyTruncationSize;      // -1 none, 0 headers only, n KB
  std::optional<int32_t> maxEmailHTMLBodyTruncationSize;  // -1 none, 0 headers only, n KB
  std::optional<bool> requireSignedSMIMEMessages;
  std::optional<bool> requireEncryptedSMIMEMessages;
  std::optional<uint32_t> requireSignedSMIMEAlgorithm;      // 0 SHA1, 1 MD5
  std::optional<uint32_t> requireEncryptionSMIMEAlgorithm;  // 0 3DES, 1 DES, 2-4 RC2 128/64/40
  std::optional<uint32_t> allowSMIMEEncryptionAlgorithmNegotiation;  // 0 no, 1 strong, 2 any
  std::optional<bool> allowSMIMESoftCerts;
  std::optional<bool> allowBrowser;
  std::optional<bool> allowConsumerEmail;
  std::optional<bool> allowRemoteDesktop;
  std::optional<bool> allowInternetSharing;
  // Present and empty is a real state (Exchange sends <ApprovedApplicationList/>).
  std::optional<std::vector<std::string>> unapprovedInROMApplicationList;  // ApplicationName
  std::optional<std::vector<std::string>> approvedApplicationList;         // Hash (SHA-1 hex)

  friend bool operator==(const PolicySet&, const PolicySet&) = default;
};

// The same set without the elements the version does not define (12.1 elements for 12.0, all
// but the WAP-expressible ones for 2.5). A server must not send a client elements of a newer
// version (a 12.x client that hashes them loops FolderSync -> 449, grommunio-sync#26).
PolicySet restrictTo(const PolicySet& set, ProtocolVersion version);

// EASProvisionDoc (12.0+): writes <Provision:EASProvisionDoc> with the fields that are set, in
// Exchange's order.
void encodeEasProvisionDoc(WbxmlWriter& w, const PolicySet& set);
// Reads a Provision:EASProvisionDoc element. Errors: BadValue for a boolean that is not 0/1, a
// number that is not decimal, a value out of its range (MinDevicePasswordLength 1..16,
// MaxDevicePasswordFailedAttempts 4..16, MinDevicePasswordComplexCharacters 1..4,
// AllowBluetooth 0..2, MaxCalendarAgeFilter 0/4..7, MaxEmailAgeFilter 0..5, truncation sizes
// >= -1, S/MIME algorithm codes), an element repeated; UnexpectedElement for an element that is
// not a policy.
Result<PolicySet> decodeEasProvisionDoc(Element easProvisionDoc);

// MS-WAP-Provisioning-XML (2.5, MS-ASPROV 2.2.2.24.2): the wap-provisioningdoc text Windows
// Mobile 5 applies through its SecurityPolicy and Registry configuration service providers.
// Mapping (as Exchange writes it):
//   SecurityPolicy 4131 = 0 password required / 1 not required   <- devicePasswordEnabled
//   SecurityPolicy 4133 = 0 wipe after failed attempts applies / 1 does not (derived)
//   Registry, only when a password is required:
//     LASSD\AE\{50C13377-C66D-400C-889E-C316FC4AB374} AEFrequencyType 1 + AEFrequencyValue
//       minutes (1..9999), or type 0 = no inactivity lock  <- maxInactivityTimeDeviceLock / 60
//     LASSD DeviceWipeThreshold (0 = never)               <- maxDevicePasswordFailedAttempts
//     LASSD CodewordFrequency = threshold / 2 capped at 8, -1 without threshold (derived)
//     LASSD\LAP\lap_pw MinimumPasswordLength (1..18)       <- minDevicePasswordLength
//     LASSD\LAP\lap_pw PasswordComplexity 0 alphanumeric required, 2 simple PIN allowed
//                                                          <- alphanumericDevicePasswordRequired
// Other PolicySet fields have no 2.5 form and are not written.
std::string encodeWapProvisioningDoc(const PolicySet& set);
// Parses the text back. Errors (offset = byte in the text): XmlSyntax for text that is not
// well-formed (unclosed or mismatched tags, bad attribute syntax or entity, trailing data);
// UnexpectedElement for a root other than wap-provisioningdoc or an element other than
// characteristic/parm; MissingElement for a characteristic without type or a parm without name;
// BadValue for a known parm whose value is not a number in its range. Unknown characteristics
// and parms are skipped.
Result<PolicySet> decodeWapProvisioningDoc(std::string_view xml);

// ---------------------------------------------------------------------------------------------
// Requests and responses

// Policies/Policy in a request. Phase 1 (download) carries only policyType; phase 2
// (acknowledgement) adds the temporary policyKey and the client's status, PolicyKey first.
struct ProvisionPolicyRequest {
  std::string policyType;  // kept verbatim: a server answers an unknown one with PolicyStatus 3
  std::optional<uint32_t> policyKey;
  std::optional<PolicyApplyStatus> status;
  friend bool operator==(const ProvisionPolicyRequest&, const ProvisionPolicyRequest&) = default;
};

struct ProvisionRequest {
  // 14.1+: Settings:DeviceInformation/Set inside Provision (MS-ASPROV 2.2.2.52), the type and
  // codec of eas/message/settings.h.
  std::optional<DeviceInformation> deviceInformation;
  std::optional<ProvisionPolicyRequest> policy;
  std::optional<RemoteWipeStatus> remoteWipeStatus;  // RemoteWipe/Status: wipe acknowledgement
};

// Which step of the exchange a request is.
enum class ProvisionPhase : uint8_t { Download, Acknowledge, RemoteWipeAcknowledge };
ProvisionPhase phaseOf(const ProvisionRequest& r);

// Policies/Policy in a response.
struct ProvisionPolicyResponse {
  std::string policyType;
  PolicyStatus status = PolicyStatus::Success;
  std::optional<uint32_t> policyKey;  // temporary after a download, final after an ack
  std::optional<PolicySet> data;      // only in the answer to a download
  friend bool operator==(const ProvisionPolicyResponse&, const ProvisionPolicyResponse&) = default;
};

struct ProvisionResponse {
  ProvisionStatus status = ProvisionStatus::Success;
  std::optional<uint32_t> deviceInformationStatus;  // 14.1+: Settings:DeviceInformation/Status
  std::optional<ProvisionPolicyResponse> policy;
  bool remoteWipe = false;  // <RemoteWipe/>: the device must wipe itself, then acknowledge
  friend bool operator==(const ProvisionResponse&, const ProvisionResponse&) = default;
};

// Builders for the usual steps.
ProvisionRequest makeDownloadRequest(PolicyType type);
ProvisionRequest makeAcknowledgement(PolicyType type, uint32_t temporaryKey,
                                     PolicyApplyStatus status = PolicyApplyStatus::Success);
ProvisionRequest makeRemoteWipeAcknowledgement(RemoteWipeStatus status);
// Phase 1 answer for a client of this version: its policy type, the policy restricted to what
// the version defines, and a temporary key.
ProvisionResponse makePolicyResponse(ProtocolVersion version, uint32_t temporaryKey,
                                     const PolicySet& policy);
// Phase 2 answer: the final key (or, with another status, the refusal and no key).
ProvisionResponse makeAcknowledgementResponse(PolicyType type, PolicyStatus status,
                                              std::optional<uint32_t> finalKey);

// Encoders. The response's Data is written in the form its policyType names (an unknown
// policyType gets no Data); the PolicySet is written as it is (see restrictTo).
std::string encode(const ProvisionRequest& m);
std::string encode(const ProvisionResponse& m);

// Decoders. Errors: MissingElement (no Policies and no RemoteWipe, Policy without PolicyType,
// RemoteWipe without Status, Provision response without Status, an acknowledgement with a
// PolicyKey but no Status or the reverse), BadValue (PolicyKey not a decimal uint32, a status
// out of range, an unknown PolicyType where Data must be interpreted, bad policy values),
// UnexpectedElement (an element that does not belong, a second Policy), plus the errors of
// decodeEasProvisionDoc / decodeWapProvisioningDoc for the Data.
Result<ProvisionRequest> decodeProvisionRequest(const Document& doc);
Result<ProvisionResponse> decodeProvisionResponse(const Document& doc);

}  // namespace cradle::eas
