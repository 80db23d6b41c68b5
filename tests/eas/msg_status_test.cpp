// Common status codes (MS-ASCMD 2.2.2), client actions and the Status element readers.
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "eas/message/status.h"
#include "eas/wbxml/code_pages.h"
#include "tests/eas/message_test_util.h"

using namespace cradle::eas;
using namespace cradle::eas::testing;

namespace {

// MS-ASCMD 2.2.2, typed in again from the spec table (not derived from status.cpp).
const std::vector<std::pair<uint32_t, std::string_view>> SpecNames = {
    {101, "InvalidContent"},
    {102, "InvalidWBXML"},
    {103, "InvalidXML"},
    {104, "InvalidDateTime"},
    {105, "InvalidCombinationOfIDs"},
    {106, "InvalidIDs"},
    {107, "InvalidMIME"},
    {108, "DeviceIdMissingOrInvalid"},
    {109, "DeviceTypeMissingOrInvalid"},
    {110, "ServerError"},
    {111, "ServerErrorRetryLater"},
    {112, "ActiveDirectoryAccessDenied"},
    {113, "MailboxQuotaExceeded"},
    {114, "MailboxServerOffline"},
    {115, "SendQuotaExceeded"},
    {116, "MessageRecipientUnresolved"},
    {117, "MessageReplyNotAllowed"},
    {118, "MessagePreviouslySent"},
    {119, "MessageHasNoRecipient"},
    {120, "MailSubmissionFailed"},
    {121, "MessageReplyFailed"},
    {122, "AttachmentIsTooLarge"},
    {123, "UserHasNoMailbox"},
    {124, "UserCannotBeAnonymous"},
    {125, "UserPrincipalCouldNotBeFound"},
    {126, "UserDisabledForSync"},
    {127, "UserOnNewMailboxCannotSync"},
    {128, "UserOnLegacyMailboxCannotSync"},
    {129, "DeviceIsBlockedForThisUser"},
    {130, "AccessDenied"},
    {131, "AccountDisabled"},
    {132, "SyncStateNotFound"},
    {133, "SyncStateLocked"},
    {134, "SyncStateCorrupt"},
    {135, "SyncStateAlreadyExists"},
    {136, "SyncStateVersionInvalid"},
    {137, "CommandNotSupported"},
    {138, "VersionNotSupported"},
    {139, "DeviceNotFullyProvisionable"},
    {140, "RemoteWipeRequested"},
    {141, "LegacyDeviceOnStrictPolicy"},
    {142, "DeviceNotProvisioned"},
    {143, "PolicyRefresh"},
    {144, "InvalidPolicyKey"},
    {145, "ExternallyManagedDevicesNotAllowed"},
    {146, "NoRecurrenceInCalendar"},
    {147, "UnexpectedItemClass"},
    {148, "RemoteServerHasNoSSL"},
    {149, "InvalidStoredRequest"},
    {150, "ItemNotFound"},
    {151, "TooManyFolders"},
    {152, "NoFoldersFound"},
    {153, "ItemsLostAfterMove"},
    {154, "FailureInMoveOperation"},
    {155, "MoveCommandDisallowedForNonPersistentMoveAction"},
    {156, "MoveCommandInvalidDestinationFolder"},
    {160, "AvailabilityTooManyRecipients"},
    {161, "AvailabilityDLLimitReached"},
    {162, "AvailabilityTransientFailure"},
    {163, "AvailabilityFailure"},
    {164, "BodyPartPreferenceTypeNotSupported"},
    {165, "DeviceInformationRequired"},
    {166, "InvalidAccountId"},
    {167, "AccountSendDisabled"},
    {168, "IRMFeatureDisabled"},
    {169, "IRMTransientError"},
    {170, "IRMPermanentError"},
    {171, "IRMInvalidTemplateID"},
    {172, "IRMOperationNotPermitted"},
    {173, "NoPicture"},
    {174, "PictureTooLarge"},
    {175, "PictureLimitReached"},
    {176, "BodyPartConversationTooLarge"},
    {177, "MaximumDevicesReached"},
};

const ClientAction AllActions[] = {
    ClientAction::None,
    ClientAction::Retry,
    ClientAction::RetryLater,
    ClientAction::Provision,
    ClientAction::FolderSync,
    ClientAction::ResetSyncKey,
    ClientAction::Sync,
    ClientAction::ResendFull,
    ClientAction::AskPassword,
    ClientAction::FixRequest,
    ClientAction::AdjustHeartbeat,
    ClientAction::ReduceFolders,
    ClientAction::SendDeviceInformation,
    ClientAction::Wiped,
    ClientAction::TellUser,
    ClientAction::GiveUp,
};

bool anyValue(uint32_t) { return false; }  // only the common codes pass
bool upToEight(uint32_t v) { return v >= 1 && v <= 8; }

enum class TestStatus : uint8_t { One = 1 };

}  // namespace

TEST_CASE("every common status has its spec name, a meaning and an action", "[eas][message]") {
  REQUIRE(SpecNames.size() == 74);  // 101..177 without 157..159
  std::set<uint32_t> seen;
  for (const auto& [value, specName] : SpecNames) {
    INFO("status " << value);
    REQUIRE(isCommonStatus(value));
    auto s = static_cast<CommonStatus>(value);
    CHECK(commonStatusName(s) == specName);
    CHECK_FALSE(describe(s).empty());
    CHECK(describe(s) != "unknown status");
    CHECK_FALSE(describe(actionFor(s)).empty());
    seen.insert(value);
  }
  for (uint32_t v = 0; v < 300; ++v) {
    CHECK(isCommonStatus(v) == (seen.count(v) == 1));
  }
}

TEST_CASE("undefined common values have no name and mean give up", "[eas][message]") {
  for (uint32_t v : {0u, 1u, 100u, 157u, 158u, 159u, 178u, 255u}) {
    INFO("value " << v);
    auto s = static_cast<CommonStatus>(v);
    CHECK(commonStatusName(s).empty());
    CHECK(describe(s) == "unknown status");
    CHECK(actionFor(s) == ClientAction::GiveUp);
  }
}

TEST_CASE("the common statuses that need a specific reaction get it", "[eas][message]") {
  CHECK(actionFor(CommonStatus::DeviceNotProvisioned) == ClientAction::Provision);
  CHECK(actionFor(CommonStatus::PolicyRefresh) == ClientAction::Provision);
  CHECK(actionFor(CommonStatus::InvalidPolicyKey) == ClientAction::Provision);
  CHECK(actionFor(CommonStatus::RemoteWipeRequested) == ClientAction::Wiped);
  CHECK(actionFor(CommonStatus::ServerErrorRetryLater) == ClientAction::RetryLater);
  CHECK(actionFor(CommonStatus::ServerError) == ClientAction::GiveUp);  // SHOULD NOT retry
  CHECK(actionFor(CommonStatus::UserDisabledForSync) == ClientAction::GiveUp);
  CHECK(actionFor(CommonStatus::SyncStateNotFound) == ClientAction::ResetSyncKey);
  CHECK(actionFor(CommonStatus::InvalidStoredRequest) == ClientAction::ResendFull);
  CHECK(actionFor(CommonStatus::DeviceInformationRequired) == ClientAction::SendDeviceInformation);
  CHECK(actionFor(CommonStatus::UserCannotBeAnonymous) == ClientAction::AskPassword);
  CHECK(actionFor(CommonStatus::InvalidWBXML) == ClientAction::FixRequest);
  CHECK(actionFor(CommonStatus::MailboxQuotaExceeded) == ClientAction::TellUser);
  CHECK(actionFor(CommonStatus::MessagePreviouslySent) == ClientAction::None);
}

TEST_CASE("every client action has its own description", "[eas][message]") {
  std::set<std::string_view> texts;
  for (ClientAction a : AllActions) {
    CHECK_FALSE(describe(a).empty());
    texts.insert(describe(a));
  }
  CHECK(texts.size() == std::size(AllActions));
}

TEST_CASE("open status enums tell common values from their own", "[eas][message]") {
  CHECK_FALSE(asCommon(TestStatus::One).has_value());
  auto wiped = fromCommon<TestStatus>(CommonStatus::RemoteWipeRequested);
  CHECK(static_cast<uint8_t>(wiped) == 140);
  REQUIRE(asCommon(wiped).has_value());
  CHECK(*asCommon(wiped) == CommonStatus::RemoteWipeRequested);
  CHECK_FALSE(asCommon(static_cast<TestStatus>(158)).has_value());
}

TEST_CASE("the Status readers accept command and common values only", "[eas][message]") {
  auto withStatus = [](std::string_view text) {
    return build([&](WbxmlWriter& w) {
      w.start(tag::Ping::Ping);
      w.element(tag::Ping::Status, text);
      w.end();
    });
  };

  SECTION("a command value") {
    Document doc = withStatus("7");
    auto s = requiredStatus<TestStatus>(doc.root(), tag::Ping::Status, &upToEight);
    REQUIRE(s.ok());
    CHECK(static_cast<uint8_t>(*s) == 7);
  }
  SECTION("a common value is accepted even when the command defines none") {
    Document doc = withStatus("142");
    auto s = requiredStatus<TestStatus>(doc.root(), tag::Ping::Status, &anyValue);
    REQUIRE(s.ok());
    CHECK(asCommon(*s) == CommonStatus::DeviceNotProvisioned);
  }
  SECTION("undefined values are BadValue at the Status element") {
    for (std::string_view text : {"9", "0", "100", "157", "178", "256", "4294967296"}) {
      INFO(text);
      Document doc = withStatus(text);
      Error e = errorOf(requiredStatus<TestStatus>(doc.root(), tag::Ping::Status, &upToEight));
      CHECK(e.code == ErrorCode::BadValue);
      CHECK(e.offset == doc.root().child(tag::Ping::Status).offset());
    }
  }
  SECTION("a non-number is BadValue") {
    for (std::string_view text : {"x", "-1", " 1", "1.0", ""}) {
      INFO(text);
      Document doc = withStatus(text);
      Error e = errorOf(requiredStatus<TestStatus>(doc.root(), tag::Ping::Status, &upToEight));
      CHECK(e.code == ErrorCode::BadValue);
    }
  }
  SECTION("absent: MissingElement for required, nothing for optional") {
    Document doc = build([](WbxmlWriter& w) {
      w.start(tag::Ping::Ping);
      w.element(tag::Ping::HeartbeatInterval, "60");
      w.end();
    });
    Error e = errorOf(requiredStatus<TestStatus>(doc.root(), tag::Ping::Status, &upToEight));
    CHECK(e.code == ErrorCode::MissingElement);
    CHECK(e.offset == doc.root().offset());
    auto o = optionalStatus<TestStatus>(doc.root(), tag::Ping::Status, &upToEight);
    REQUIRE(o.ok());
    CHECK_FALSE(o->has_value());
  }
}
