// EAS status codes: the common codes of MS-ASCMD 2.2.2 and what a client must do about a status.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "eas/message/common.h"
#include "eas/result.h"
#include "eas/wbxml/document.h"

namespace cradle::eas {

// What a client does next after a status; one value per distinct reaction, so a device
// simulator (or the bridge) can switch on it without knowing every command's table.
enum class ClientAction : uint8_t {
  None,                   // success, or nothing to do
  Retry,                  // re-issue the same request now
  RetryLater,             // back off, then re-issue the same request
  Provision,              // run Provision (both phases), then re-issue with the new PolicyKey
  FolderSync,             // the hierarchy is stale: FolderSync, then retry with fresh ids
  ResetSyncKey,           // sync state lost: restart from SyncKey 0 (full resync)
  Sync,                   // Sync the named collection(s), then continue
  ResendFull,             // the server lost the cached request: send the complete request
  AskPassword,            // credentials missing or not accepted: ask the user
  FixRequest,             // the request is malformed or invalid: do not repeat it unchanged
  AdjustHeartbeat,        // resend with the heartbeat the server returned
  ReduceFolders,          // resend with at most the number of folders the server allows
  SendDeviceInformation,  // send Settings DeviceInformation (or include it in Provision)
  Wiped,                  // a remote wipe is pending: Provision, acknowledge, wipe
  TellUser,               // only the user can fix it (name clash, quota, ...): report it
  GiveUp,                 // permanent: stop using this command/account and report it
};

std::string_view describe(ClientAction action);

// MS-ASCMD 2.2.2: status values common to all commands (mostly 14.0+; 12.x servers use
// HTTP codes for several of them). A server may put one in a command's Status element in
// place of a command-specific value. 157-159 are not defined.
enum class CommonStatus : uint8_t {
  InvalidContent = 101,
  InvalidWBXML = 102,
  InvalidXML = 103,
  InvalidDateTime = 104,
  InvalidCombinationOfIDs = 105,
  InvalidIDs = 106,
  InvalidMIME = 107,
  DeviceIdMissingOrInvalid = 108,
  DeviceTypeMissingOrInvalid = 109,
  ServerError = 110,
  ServerErrorRetryLater = 111,
  ActiveDirectoryAccessDenied = 112,
  MailboxQuotaExceeded = 113,
  MailboxServerOffline = 114,
  SendQuotaExceeded = 115,
  MessageRecipientUnresolved = 116,
  MessageReplyNotAllowed = 117,
  MessagePreviouslySent = 118,
  MessageHasNoRecipient = 119,
  MailSubmissionFailed = 120,
  MessageReplyFailed = 121,
  AttachmentIsTooLarge = 122,
  UserHasNoMailbox = 123,
  UserCannotBeAnonymous = 124,
  UserPrincipalCouldNotBeFound = 125,
  UserDisabledForSync = 126,
  UserOnNewMailboxCannotSync = 127,
  UserOnLegacyMailboxCannotSync = 128,
  DeviceIsBlockedForThisUser = 129,
  AccessDenied = 130,
  AccountDisabled = 131,
  SyncStateNotFound = 132,
  SyncStateLocked = 133,
  SyncStateCorrupt = 134,
  SyncStateAlreadyExists = 135,
  SyncStateVersionInvalid = 136,
  CommandNotSupported = 137,
  VersionNotSupported = 138,
  DeviceNotFullyProvisionable = 139,
  RemoteWipeRequested = 140,
  LegacyDeviceOnStrictPolicy = 141,
  DeviceNotProvisioned = 142,
  PolicyRefresh = 143,
  InvalidPolicyKey = 144,
  ExternallyManagedDevicesNotAllowed = 145,
  NoRecurrenceInCalendar = 146,
  UnexpectedItemClass = 147,
  RemoteServerHasNoSSL = 148,
  InvalidStoredRequest = 149,
  ItemNotFound = 150,
  TooManyFolders = 151,
  NoFoldersFound = 152,
  ItemsLostAfterMove = 153,
  FailureInMoveOperation = 154,
  MoveCommandDisallowedForNonPersistentMoveAction = 155,
  MoveCommandInvalidDestinationFolder = 156,
  AvailabilityTooManyRecipients = 160,
  AvailabilityDLLimitReached = 161,
  AvailabilityTransientFailure = 162,
  AvailabilityFailure = 163,
  BodyPartPreferenceTypeNotSupported = 164,
  DeviceInformationRequired = 165,
  InvalidAccountId = 166,
  AccountSendDisabled = 167,
  IRMFeatureDisabled = 168,
  IRMTransientError = 169,
  IRMPermanentError = 170,
  IRMInvalidTemplateID = 171,
  IRMOperationNotPermitted = 172,
  NoPicture = 173,
  PictureTooLarge = 174,
  PictureLimitReached = 175,
  BodyPartConversationTooLarge = 176,
  MaximumDevicesReached = 177,
};

inline constexpr uint8_t FirstCommonStatus = 101;
inline constexpr uint8_t LastCommonStatus = 177;

// True for 101..156 and 160..177.
constexpr bool isCommonStatus(uint32_t value) {
  return value >= FirstCommonStatus && value <= LastCommonStatus && !(value >= 157 && value <= 159);
}

std::string_view commonStatusName(CommonStatus status);  // "DeviceNotProvisioned"
std::string_view describe(CommonStatus status);
ClientAction actionFor(CommonStatus status);

// Command status enums (PingStatus, FolderSyncStatus, ...) are open: besides their own values
// they may hold a common status, which the server sends in the same Status element. These
// helpers tell the two apart and build one from the other.
template <class E>
constexpr std::optional<CommonStatus> asCommon(E status) {
  auto v = static_cast<uint32_t>(status);
  if (!isCommonStatus(v)) {
    return std::nullopt;
  }
  return static_cast<CommonStatus>(v);
}

template <class E>
constexpr E fromCommon(CommonStatus status) {
  return static_cast<E>(static_cast<uint8_t>(status));
}

// Reads a Status child of `parent` into E. Accepts the values `isCommandValue` approves and the
// common codes; anything else is BadValue, a missing element MissingElement.
template <class E>
Result<E> requiredStatus(Element parent, Tag tag, bool (*isCommandValue)(uint32_t));
template <class E>
Result<std::optional<E>> optionalStatus(Element parent, Tag tag, bool (*isCommandValue)(uint32_t));

// Non-template parts of the two helpers above.
Result<std::optional<uint8_t>> readStatusValue(Element parent, Tag tag,
                                               bool (*isCommandValue)(uint32_t));

template <class E>
Result<std::optional<E>> optionalStatus(Element parent, Tag tag, bool (*isCommandValue)(uint32_t)) {
  auto v = readStatusValue(parent, tag, isCommandValue);
  if (!v) {
    return std::move(v).takeError();
  }
  if (!v->has_value()) {
    return std::optional<E>();
  }
  return std::optional<E>(static_cast<E>(**v));
}

template <class E>
Result<E> requiredStatus(Element parent, Tag tag, bool (*isCommandValue)(uint32_t)) {
  auto v = optionalStatus<E>(parent, tag, isCommandValue);
  if (!v) {
    return std::move(v).takeError();
  }
  if (!v->has_value()) {
    return missingElement(parent, tag);
  }
  return **v;
}

}  // namespace cradle::eas
