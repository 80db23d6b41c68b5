// The policy document a device is given, and its fingerprint.
#include "mapi-sim/policy/policy_document.h"

#include <string>

#include "eas/wbxml/writer.h"

namespace mapisim {

namespace eas = cradle::eas;

std::optional<DevicePolicy> effectivePolicy(const ServerSettings& settings,
                                            const UserRecord& user) {
  if (user.policyExempt) {
    return std::nullopt;
  }
  return settings.policyFor(user.name, user.policy);
}

eas::PolicySet toPolicySet(const DevicePolicy& p) {
  using eas::PolicyLimit;
  eas::PolicySet s;
  const bool pin = p.enforcePassword;
  // MS-ASPROV 2.2.2.x, in Exchange's order. Without a password Exchange leaves the password
  // limits empty (E2003 SP2 greys them out in the Device Security dialog).
  s.devicePasswordEnabled = pin;
  s.alphanumericDevicePasswordRequired = pin && p.requireAlphanumeric;
  s.passwordRecoveryEnabled = false;
  s.deviceEncryptionEnabled = false;
  s.attachmentsEnabled = p.attachmentsEnabled;
  s.minDevicePasswordLength = pin ? PolicyLimit{p.minPasswordLength} : PolicyLimit::empty();
  // MS-ASPROV 2.2.2.35: MaxInactivityTimeDeviceLock is in seconds (settings hold minutes).
  s.maxInactivityTimeDeviceLock =
      pin && p.inactivityMinutes > 0 ? PolicyLimit{p.inactivityMinutes * 60} : PolicyLimit::empty();
  s.maxDevicePasswordFailedAttempts =
      pin && p.wipeAfterFailures > 0 ? PolicyLimit{p.wipeAfterFailures} : PolicyLimit::empty();
  s.maxAttachmentSize =
      p.maxAttachmentSize > 0 ? PolicyLimit{p.maxAttachmentSize} : PolicyLimit::empty();
  s.allowSimpleDevicePassword = true;
  s.devicePasswordExpiration = PolicyLimit::empty();
  s.devicePasswordHistory = 0;
  // 12.1: Exchange 2007 SP1 defaults.
  s.allowStorageCard = true;
  s.allowCamera = true;
  s.requireDeviceEncryption = false;
  s.allowUnsignedApplications = true;
  s.allowUnsignedInstallationPackages = true;
  s.minDevicePasswordComplexCharacters = 1;
  s.allowWiFi = true;
  s.allowTextMessaging = true;
  s.allowPOPIMAPEmail = true;
  s.allowBluetooth = 2;
  s.allowIrDA = true;
  s.requireManualSyncWhenRoaming = false;
  s.allowDesktopSync = true;
  s.maxCalendarAgeFilter = 0;
  s.allowHTMLEmail = true;
  s.maxEmailAgeFilter = 0;
  s.maxEmailBodyTruncationSize = -1;
  s.maxEmailHTMLBodyTruncationSize = -1;
  s.requireSignedSMIMEMessages = false;
  s.requireEncryptedSMIMEMessages = false;
  s.requireSignedSMIMEAlgorithm = 0;
  s.requireEncryptionSMIMEAlgorithm = 0;
  s.allowSMIMEEncryptionAlgorithmNegotiation = 2;
  s.allowSMIMESoftCerts = true;
  s.allowBrowser = true;
  s.allowConsumerEmail = true;
  s.allowRemoteDesktop = true;
  s.allowInternetSharing = true;
  s.unapprovedInROMApplicationList = std::vector<std::string>{};
  s.approvedApplicationList = std::vector<std::string>{};
  return s;
}

eas::PolicySet policySetFor(const ServerSettings& settings, const UserRecord& user) {
  if (auto policy = effectivePolicy(settings, user)) {
    return toPolicySet(*policy);
  }
  DevicePolicy none;
  none.enforcePassword = false;
  return toPolicySet(none);
}

uint64_t policyFingerprint(const eas::PolicySet& set, eas::ProtocolVersion version) {
  const eas::PolicySet sent = eas::restrictTo(set, version);
  std::string bytes;
  if (eas::policyTypeFor(version) == eas::PolicyType::WapProvisioningXml) {
    bytes = eas::encodeWapProvisioningDoc(sent);
  } else {
    eas::WbxmlWriter w(bytes);
    eas::encodeEasProvisionDoc(w, sent);
  }
  // FNV-1a, 64 bit: stable across runs and builds (std::hash is not).
  uint64_t h = 14695981039346656037ull;
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace mapisim
