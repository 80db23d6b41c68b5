// FolderSync, FolderCreate, FolderUpdate, FolderDelete (FolderHierarchy page 7): typed messages.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eas/message/app_data.h"
#include "eas/message/status.h"
#include "eas/result.h"
#include "eas/wbxml/document.h"

namespace cradle::eas {

// MS-ASCMD 2.2.3.186.3: folder Type values in FolderSync responses.
enum class FolderType : uint8_t {
  UserGeneric = 1,     // user-created folder (generic)
  Inbox = 2,           // default Inbox
  Drafts = 3,          // default Drafts
  DeletedItems = 4,    // default Deleted Items
  SentItems = 5,       // default Sent Items
  Outbox = 6,          // default Outbox
  Tasks = 7,           // default Tasks
  Calendar = 8,        // default Calendar
  Contacts = 9,        // default Contacts
  Notes = 10,          // default Notes
  Journal = 11,        // default Journal
  UserMail = 12,       // user-created mail folder
  UserCalendar = 13,   // user-created calendar
  UserContacts = 14,   // user-created contacts
  UserTasks = 15,      // user-created tasks
  UserJournal = 16,    // user-created journal
  UserNotes = 17,      // user-created notes
  Unknown = 18,        // unknown folder type
  RecipientInfo = 19,  // recipient information cache (12.1+)
};

constexpr bool isFolderType(uint32_t v) { return v >= 1 && v <= 19; }
// MS-ASCMD 2.2.3.186.2: the Type values a client may create (1, 12-17).
constexpr bool isCreatableFolderType(uint32_t v) { return v == 1 || (v >= 12 && v <= 17); }
std::string_view describe(FolderType type);  // "default Inbox"
// The class a folder of this type syncs as; none for Journal, Unknown and RecipientInfo.
std::optional<ItemClass> classForType(FolderType type);

// MS-ASCMD 2.2.3.177.5. 8 (request timed out) appears in older MS-ASCMD revisions and in
// Z-Push for all folder commands; it is accepted here for all four.
enum class FolderSyncStatus : uint8_t {
  Success = 1,
  ServerError = 6,
  RequestTimedOut = 8,
  InvalidSyncKey = 9,
  BadRequest = 10,
  UnknownError = 11,
  CodeUnknown = 12,
};
// MS-ASCMD 2.2.3.177.3
enum class FolderCreateStatus : uint8_t {
  Success = 1,
  AlreadyExists = 2,
  SpecialParentFolder = 3,
  ParentNotFound = 5,
  ServerError = 6,
  RequestTimedOut = 8,
  InvalidSyncKey = 9,
  BadRequest = 10,
  UnknownError = 11,
  CodeUnknown = 12,
};
// MS-ASCMD 2.2.3.177.6
enum class FolderUpdateStatus : uint8_t {
  Success = 1,
  AlreadyExistsOrSpecial = 2,
  RecipientInfoFolder = 3,
  NotFound = 4,
  ParentNotFound = 5,
  ServerError = 6,
  RequestTimedOut = 8,
  InvalidSyncKey = 9,
  BadRequest = 10,
  UnknownError = 11,
  CodeUnknown = 12,
};
// MS-ASCMD 2.2.3.177.4
enum class FolderDeleteStatus : uint8_t {
  Success = 1,
  SpecialFolder = 3,
  NotFound = 4,
  ServerError = 6,
  RequestTimedOut = 8,
  InvalidSyncKey = 9,
  BadRequest = 10,
  UnknownError = 11,
  CodeUnknown = 12,
};

bool isFolderSyncStatus(uint32_t v);
bool isFolderCreateStatus(uint32_t v);
bool isFolderUpdateStatus(uint32_t v);
bool isFolderDeleteStatus(uint32_t v);

// Each also describes the common codes (MS-ASCMD 2.2.2) an open enum may hold.
std::string_view describe(FolderSyncStatus s);
std::string_view describe(FolderCreateStatus s);
std::string_view describe(FolderUpdateStatus s);
std::string_view describe(FolderDeleteStatus s);
ClientAction actionFor(FolderSyncStatus s);
ClientAction actionFor(FolderCreateStatus s);
ClientAction actionFor(FolderUpdateStatus s);
ClientAction actionFor(FolderDeleteStatus s);

// ---- FolderSync (MS-ASCMD 2.2.1.5) ----

struct FolderSyncRequest {
  std::string syncKey = "0";  // "0" asks for the whole hierarchy
};

// One entry of Changes. Add and Update carry all four fields; Delete only serverId.
struct FolderChange {
  enum class Kind : uint8_t { Add, Update, Delete };
  Kind kind = Kind::Add;
  std::string serverId;
  std::string parentId;  // "0" = top of the mailbox
  std::string displayName;
  FolderType type = FolderType::UserGeneric;
};

struct FolderSyncResponse {
  FolderSyncStatus status = FolderSyncStatus::Success;
  std::optional<std::string> syncKey;  // present on success
  // Absent when the response has no Changes element. The encoder writes Count as the number
  // of entries; the decoder checks a Count it finds against them.
  std::optional<std::vector<FolderChange>> changes;
};

std::string encode(const FolderSyncRequest& m);
std::string encode(const FolderSyncResponse& m);
Result<FolderSyncRequest> decodeFolderSyncRequest(const Document& doc);
Result<FolderSyncResponse> decodeFolderSyncResponse(const Document& doc);

// ---- FolderCreate (MS-ASCMD 2.2.1.3) ----

struct FolderCreateRequest {
  std::string syncKey;
  std::string parentId = "0";
  std::string displayName;
  FolderType type = FolderType::UserMail;  // one of 1, 12-17
};

struct FolderCreateResponse {
  FolderCreateStatus status = FolderCreateStatus::Success;
  std::optional<std::string> syncKey;   // present on success
  std::optional<std::string> serverId;  // present on success
};

std::string encode(const FolderCreateRequest& m);
std::string encode(const FolderCreateResponse& m);
Result<FolderCreateRequest> decodeFolderCreateRequest(const Document& doc);
Result<FolderCreateResponse> decodeFolderCreateResponse(const Document& doc);

// ---- FolderUpdate (MS-ASCMD 2.2.1.6): rename and/or move ----

struct FolderUpdateRequest {
  std::string syncKey;
  std::string serverId;
  std::string parentId = "0";
  std::string displayName;
};

struct FolderUpdateResponse {
  FolderUpdateStatus status = FolderUpdateStatus::Success;
  std::optional<std::string> syncKey;  // present on success
};

std::string encode(const FolderUpdateRequest& m);
std::string encode(const FolderUpdateResponse& m);
Result<FolderUpdateRequest> decodeFolderUpdateRequest(const Document& doc);
Result<FolderUpdateResponse> decodeFolderUpdateResponse(const Document& doc);

// ---- FolderDelete (MS-ASCMD 2.2.1.4) ----

struct FolderDeleteRequest {
  std::string syncKey;
  std::string serverId;
};

struct FolderDeleteResponse {
  FolderDeleteStatus status = FolderDeleteStatus::Success;
  std::optional<std::string> syncKey;  // present on success
};

std::string encode(const FolderDeleteRequest& m);
std::string encode(const FolderDeleteResponse& m);
Result<FolderDeleteRequest> decodeFolderDeleteRequest(const Document& doc);
Result<FolderDeleteResponse> decodeFolderDeleteResponse(const Document& doc);

}  // namespace cradle::eas
