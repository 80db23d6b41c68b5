// Common EAS status codes (MS-ASCMD 2.2.2): names, meanings and the client's reaction.
#include "eas/message/status.h"

#include <iterator>
#include <string>

namespace cradle::eas {
namespace {

struct CommonInfo {
  uint8_t value = 0;
  std::string_view name;
  std::string_view meaning;
  ClientAction action = ClientAction::GiveUp;
};

using A = ClientAction;

// MS-ASCMD 2.2.2, in value order. Meanings paraphrase the spec; actions follow its resolutions.
constexpr CommonInfo CommonTable[] = {
    {101, "InvalidContent", "the request body is not valid for this command (content type, length)",
     A::FixRequest},
    {102, "InvalidWBXML", "the request WBXML could not be decoded", A::FixRequest},
    {103, "InvalidXML", "the request XML does not follow the protocol", A::FixRequest},
    {104, "InvalidDateTime", "a date/time value in the request could not be parsed", A::FixRequest},
    {105, "InvalidCombinationOfIDs", "the request combines parameters that do not go together",
     A::FixRequest},
    {106, "InvalidIDs", "an id in the request could not be parsed", A::FixRequest},
    {107, "InvalidMIME", "the MIME in the request could not be parsed", A::FixRequest},
    {108, "DeviceIdMissingOrInvalid", "the DeviceId is missing or malformed", A::FixRequest},
    {109, "DeviceTypeMissingOrInvalid", "the DeviceType is missing or malformed", A::FixRequest},
    // 110: the spec says the device SHOULD NOT retry.
    {110, "ServerError", "unknown server error; do not retry", A::GiveUp},
    {111, "ServerErrorRetryLater", "unknown server error; retry later", A::RetryLater},
    {112, "ActiveDirectoryAccessDenied", "the server cannot access the directory object",
     A::GiveUp},
    {113, "MailboxQuotaExceeded", "the mailbox is full", A::TellUser},
    {114, "MailboxServerOffline", "the mailbox server is offline", A::RetryLater},
    {115, "SendQuotaExceeded", "the message would exceed the send quota", A::TellUser},
    {116, "MessageRecipientUnresolved", "a recipient could not be resolved", A::TellUser},
    {117, "MessageReplyNotAllowed", "the server does not allow a reply to this message",
     A::TellUser},
    // 118: the ClientId was already used, so the message went out already; do not resend.
    {118, "MessagePreviouslySent", "the message was already sent (ClientId seen before)", A::None},
    {119, "MessageHasNoRecipient", "the message has no recipient", A::TellUser},
    {120, "MailSubmissionFailed", "the server could not submit the message", A::RetryLater},
    {121, "MessageReplyFailed", "the server could not create the reply", A::RetryLater},
    {122, "AttachmentIsTooLarge", "an attachment is too large", A::TellUser},
    {123, "UserHasNoMailbox", "the user has no mailbox", A::GiveUp},
    {124, "UserCannotBeAnonymous", "anonymous requests are not allowed", A::AskPassword},
    {125, "UserPrincipalCouldNotBeFound", "the user is not in the directory", A::AskPassword},
    {126, "UserDisabledForSync", "the user is not enabled for ActiveSync", A::GiveUp},
    {127, "UserOnNewMailboxCannotSync", "the server does not let this user sync", A::GiveUp},
    {128, "UserOnLegacyMailboxCannotSync", "users on legacy servers may not sync", A::GiveUp},
    {129, "DeviceIsBlockedForThisUser", "this device is not allowed for the user", A::GiveUp},
    {130, "AccessDenied", "the user may not perform this request", A::GiveUp},
    {131, "AccountDisabled", "the account is disabled", A::GiveUp},
    {132, "SyncStateNotFound", "the server lost the device's sync state", A::ResetSyncKey},
    {133, "SyncStateLocked", "the sync state is locked (mailbox being moved)", A::RetryLater},
    {134, "SyncStateCorrupt", "the sync state is corrupt", A::ResetSyncKey},
    {135, "SyncStateAlreadyExists", "the sync state already exists (concurrent initial syncs)",
     A::Retry},
    {136, "SyncStateVersionInvalid", "the sync state version is invalid", A::ResetSyncKey},
    {137, "CommandNotSupported", "the server does not support this command", A::GiveUp},
    {138, "VersionNotSupported", "the command is not supported in this protocol version",
     A::GiveUp},
    {139, "DeviceNotFullyProvisionable", "the device's protocol cannot carry all required policies",
     A::GiveUp},
    {140, "RemoteWipeRequested", "a remote wipe is requested; provision to receive it", A::Wiped},
    {141, "LegacyDeviceOnStrictPolicy", "a policy is in force but the device cannot provision",
     A::GiveUp},
    {142, "DeviceNotProvisioned", "a policy is in force; the device must provision", A::Provision},
    {143, "PolicyRefresh", "the policy must be refreshed; provision again", A::Provision},
    {144, "InvalidPolicyKey", "the policy key is invalid (policy changed); provision again",
     A::Provision},
    {145, "ExternallyManagedDevicesNotAllowed", "externally managed devices may not sync",
     A::GiveUp},
    {146, "NoRecurrenceInCalendar", "the meeting occurrence has no recurrence", A::FixRequest},
    {147, "UnexpectedItemClass", "the server does not know this item class", A::FixRequest},
    {148, "RemoteServerHasNoSSL", "the server would have to proxy to a server without TLS",
     A::GiveUp},
    {149, "InvalidStoredRequest", "the cached request could not be replayed; send it in full",
     A::ResendFull},
    {150, "ItemNotFound", "the referenced item is not in the mailbox", A::Sync},
    {151, "TooManyFolders", "the mailbox has too many folders", A::TellUser},
    {152, "NoFoldersFound", "the mailbox has no folders", A::GiveUp},
    {153, "ItemsLostAfterMove", "some moved items were not found in the destination", A::Sync},
    {154, "FailureInMoveOperation", "the mailbox server failed to move the items", A::RetryLater},
    {155, "MoveCommandDisallowedForNonPersistentMoveAction", "a conversation move lacks MoveAlways",
     A::FixRequest},
    {156, "MoveCommandInvalidDestinationFolder", "the move destination folder is invalid",
     A::FolderSync},
    {160, "AvailabilityTooManyRecipients", "too many recipients for an availability request",
     A::FixRequest},
    {161, "AvailabilityDLLimitReached", "the distribution list is too large for availability",
     A::TellUser},
    {162, "AvailabilityTransientFailure", "availability lookup failed transiently", A::Retry},
    {163, "AvailabilityFailure", "availability lookup failed", A::GiveUp},
    {164, "BodyPartPreferenceTypeNotSupported", "BodyPartPreference has an unsupported Type",
     A::FixRequest},
    {165, "DeviceInformationRequired", "Provision must carry Settings:DeviceInformation",
     A::SendDeviceInformation},
    {166, "InvalidAccountId", "the AccountId is not valid", A::FixRequest},
    {167, "AccountSendDisabled", "the account may not send mail", A::TellUser},
    {168, "IRMFeatureDisabled", "Information Rights Management is disabled", A::GiveUp},
    {169, "IRMTransientError", "Information Rights Management failed transiently", A::RetryLater},
    {170, "IRMPermanentError", "Information Rights Management failed", A::GiveUp},
    {171, "IRMInvalidTemplateID", "the rights management template id is invalid", A::FixRequest},
    {172, "IRMOperationNotPermitted", "rights management does not permit this operation",
     A::GiveUp},
    {173, "NoPicture", "the contact has no photo", A::None},
    {174, "PictureTooLarge", "the photo exceeds MaxSize", A::FixRequest},
    {175, "PictureLimitReached", "more photos than MaxPictures", A::FixRequest},
    {176, "BodyPartConversationTooLarge", "conversation too large for body parts; ask for the body",
     A::FixRequest},
    {177, "MaximumDevicesReached", "the user has the maximum number of device partnerships",
     A::TellUser},
};

constexpr bool tableMatchesEnumRange() {
  std::size_t i = 0;
  for (uint32_t v = FirstCommonStatus; v <= LastCommonStatus; ++v) {
    if (!isCommonStatus(v)) {
      continue;
    }
    if (i >= std::size(CommonTable) || CommonTable[i].value != v) {
      return false;
    }
    ++i;
  }
  return i == std::size(CommonTable);
}
static_assert(tableMatchesEnumRange(), "one row per common status, in order");

const CommonInfo* commonInfo(CommonStatus status) {
  for (const CommonInfo& info : CommonTable) {
    if (info.value == static_cast<uint8_t>(status)) {
      return &info;
    }
  }
  return nullptr;
}

}  // namespace

std::string_view describe(ClientAction action) {
  switch (action) {
    case ClientAction::None:
      return "nothing to do";
    case ClientAction::Retry:
      return "retry the request now";
    case ClientAction::RetryLater:
      return "back off and retry later";
    case ClientAction::Provision:
      return "provision, then retry with the new policy key";
    case ClientAction::FolderSync:
      return "run FolderSync, then retry with fresh folder ids";
    case ClientAction::ResetSyncKey:
      return "start over from SyncKey 0 (full resync)";
    case ClientAction::Sync:
      return "sync the affected collection(s)";
    case ClientAction::ResendFull:
      return "send the complete request (the cached one is gone)";
    case ClientAction::AskPassword:
      return "ask the user for credentials";
    case ClientAction::FixRequest:
      return "the request is invalid; do not repeat it unchanged";
    case ClientAction::AdjustHeartbeat:
      return "retry with the heartbeat interval the server returned";
    case ClientAction::ReduceFolders:
      return "retry with no more folders than the server allows";
    case ClientAction::SendDeviceInformation:
      return "send Settings DeviceInformation, then retry";
    case ClientAction::Wiped:
      return "provision, acknowledge the remote wipe and wipe the device";
    case ClientAction::TellUser:
      return "report to the user; only the user can fix it";
    case ClientAction::GiveUp:
      return "permanent failure; stop and report";
  }
  return "unknown action";
}

std::string_view commonStatusName(CommonStatus status) {
  const CommonInfo* info = commonInfo(status);
  return info != nullptr ? info->name : std::string_view();
}

std::string_view describe(CommonStatus status) {
  const CommonInfo* info = commonInfo(status);
  return info != nullptr ? info->meaning : std::string_view("unknown status");
}

ClientAction actionFor(CommonStatus status) {
  const CommonInfo* info = commonInfo(status);
  return info != nullptr ? info->action : ClientAction::GiveUp;
}

Result<std::optional<uint8_t>> readStatusValue(Element parent, Tag tag,
                                               bool (*isCommandValue)(uint32_t)) {
  Element e = parent.child(tag);
  if (!e) {
    return std::optional<uint8_t>();
  }
  auto v = parseUint(e.text());
  if (!v) {
    return badValue(e, "status is not a number: '" + std::string(e.text().substr(0, 32)) + "'");
  }
  if (*v > UINT8_MAX ||
      !(isCommandValue(static_cast<uint32_t>(*v)) || isCommonStatus(static_cast<uint32_t>(*v)))) {
    return badValue(e, "undefined status " + std::to_string(*v));
  }
  return std::optional<uint8_t>(static_cast<uint8_t>(*v));
}

}  // namespace cradle::eas
