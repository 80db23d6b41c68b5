// FolderSync and FolderCreate/Update/Delete encoding, decoding and validation (FolderHierarchy).
#include "eas/message/folder_sync.h"

#include <cassert>

#include "eas/message/common.h"
#include "eas/wbxml/writer.h"

namespace cradle::eas {
namespace {

namespace F = tag::FolderHierarchy;

// MS-ASCMD 2.2.3.49.3: a folder's display name; a request may not ask for an empty one.
Result<std::string_view> requiredName(Element parent) {
  auto name = requiredText(parent, F::DisplayName);
  if (name && name->empty()) {
    return badValue(parent.child(F::DisplayName), "must not be empty");
  }
  return name;
}

Result<FolderType> requiredType(Element parent, bool (*allowed)(uint32_t)) {
  auto t = requiredUint(parent, F::Type, 0, UINT8_MAX);
  if (!t) {
    return std::move(t).takeError();
  }
  if (!allowed(*t)) {
    return badValue(parent.child(F::Type), "folder type " + std::to_string(*t) + " not allowed");
  }
  return static_cast<FolderType>(*t);
}

// Shared meaning and action of the values the four folder commands have in common.
std::string_view describeShared(uint32_t v) {
  switch (v) {
    case 1:
      return "success";
    case 6:
      return "server error (often transient)";
    case 8:
      return "the request timed out";
    case 9:
      return "FolderSync SyncKey mismatch or invalid";
    case 10:
      return "incorrectly formatted request";
    case 11:
      return "unknown server error";
    case 12:
      return "unusual back-end issue (code unknown)";
    default:
      break;
  }
  if (isCommonStatus(v)) {
    return describe(static_cast<CommonStatus>(v));
  }
  return "unknown status";
}

ClientAction actionShared(uint32_t v) {
  switch (v) {
    case 1:
      return ClientAction::None;
    case 6:  // retry; if it persists, go back to SyncKey 0 (MS-ASCMD 2.2.3.177.5)
    case 8:
    case 11:
      return ClientAction::Retry;
    case 9:
      return ClientAction::ResetSyncKey;  // FolderSync with SyncKey 0
    case 10:
      return ClientAction::FixRequest;
    case 12:
      return ClientAction::RetryLater;
    default:
      break;
  }
  if (isCommonStatus(v)) {
    return actionFor(static_cast<CommonStatus>(v));
  }
  return ClientAction::GiveUp;
}

constexpr bool isSharedFolderStatus(uint32_t v) { return v == 1 || v == 6 || (v >= 8 && v <= 12); }

template <class E>
constexpr uint8_t wire(E status) {
  return static_cast<uint8_t>(status);
}

// <Root><Status/>[<SyncKey/>]...; the common root check and Status read of every response.
template <class E>
Result<E> readRootStatus(const Document& doc, Tag root, bool (*valid)(uint32_t)) {
  if (auto rooted = expectRoot(doc, root); !rooted) {
    return std::move(rooted).takeError();
  }
  return requiredStatus<E>(doc.root(), F::Status, valid);
}

// SyncKey of a response: optional, but when present it must be a valid key.
Result<std::optional<std::string>> optionalSyncKey(Element parent) {
  if (!parent.child(F::SyncKey)) {
    return std::optional<std::string>();
  }
  auto key = requiredId(parent, F::SyncKey);
  if (!key) {
    return std::move(key).takeError();
  }
  return std::optional<std::string>(std::string(*key));
}

Result<FolderChange> decodeChange(Element e, FolderChange::Kind kind) {
  FolderChange c;
  c.kind = kind;
  auto serverId = requiredId(e, F::ServerId);
  if (!serverId) {
    return std::move(serverId).takeError();
  }
  c.serverId = std::string(*serverId);
  if (kind == FolderChange::Kind::Delete) {
    return c;
  }
  // MS-ASCMD 2.2.1.5: Add and Update carry ServerId, ParentId, DisplayName and Type.
  auto parentId = requiredId(e, F::ParentId);
  if (!parentId) {
    return std::move(parentId).takeError();
  }
  c.parentId = std::string(*parentId);
  auto name = requiredText(e, F::DisplayName);
  if (!name) {
    return std::move(name).takeError();
  }
  c.displayName = std::string(*name);
  auto type = requiredType(e, &isFolderType);
  if (!type) {
    return std::move(type).takeError();
  }
  c.type = *type;
  return c;
}

void writeChange(WbxmlWriter& w, const FolderChange& c) {
  switch (c.kind) {
    case FolderChange::Kind::Add:
      w.start(F::Add);
      break;
    case FolderChange::Kind::Update:
      w.start(F::Update);
      break;
    case FolderChange::Kind::Delete:
      w.start(F::Delete);
      w.element(F::ServerId, c.serverId);
      w.end();
      return;
  }
  w.element(F::ServerId, c.serverId);
  w.element(F::ParentId, c.parentId);
  w.element(F::DisplayName, c.displayName);
  w.element(F::Type, uint64_t{static_cast<uint8_t>(c.type)});
  w.end();
}

void checkFinished(const WbxmlWriter& w) {
  assert(w.finish().ok());  // every encoder below closes what it opens
  (void)w;
}

}  // namespace

// ---- classes and types ----

std::string_view describe(FolderType type) {
  switch (type) {
    case FolderType::UserGeneric:
      return "user-created folder (generic)";
    case FolderType::Inbox:
      return "default Inbox";
    case FolderType::Drafts:
      return "default Drafts";
    case FolderType::DeletedItems:
      return "default Deleted Items";
    case FolderType::SentItems:
      return "default Sent Items";
    case FolderType::Outbox:
      return "default Outbox";
    case FolderType::Tasks:
      return "default Tasks";
    case FolderType::Calendar:
      return "default Calendar";
    case FolderType::Contacts:
      return "default Contacts";
    case FolderType::Notes:
      return "default Notes";
    case FolderType::Journal:
      return "default Journal";
    case FolderType::UserMail:
      return "user-created mail folder";
    case FolderType::UserCalendar:
      return "user-created calendar folder";
    case FolderType::UserContacts:
      return "user-created contacts folder";
    case FolderType::UserTasks:
      return "user-created tasks folder";
    case FolderType::UserJournal:
      return "user-created journal folder";
    case FolderType::UserNotes:
      return "user-created notes folder";
    case FolderType::Unknown:
      return "unknown folder type";
    case FolderType::RecipientInfo:
      return "recipient information cache";
  }
  return "undefined folder type";
}

std::optional<ItemClass> classForType(FolderType type) {
  switch (type) {
    case FolderType::UserGeneric:
    case FolderType::Inbox:
    case FolderType::Drafts:
    case FolderType::DeletedItems:
    case FolderType::SentItems:
    case FolderType::Outbox:
    case FolderType::UserMail:
      return ItemClass::Email;
    case FolderType::Tasks:
    case FolderType::UserTasks:
      return ItemClass::Tasks;
    case FolderType::Calendar:
    case FolderType::UserCalendar:
      return ItemClass::Calendar;
    case FolderType::Contacts:
    case FolderType::UserContacts:
      return ItemClass::Contacts;
    case FolderType::Notes:
    case FolderType::UserNotes:
      return ItemClass::Notes;
    case FolderType::Journal:
    case FolderType::UserJournal:
    case FolderType::Unknown:
    case FolderType::RecipientInfo:
      return std::nullopt;
  }
  return std::nullopt;
}

// ---- statuses ----

bool isFolderSyncStatus(uint32_t v) { return isSharedFolderStatus(v); }
bool isFolderCreateStatus(uint32_t v) {
  return isSharedFolderStatus(v) || v == 2 || v == 3 || v == 5;
}
bool isFolderUpdateStatus(uint32_t v) { return isSharedFolderStatus(v) || (v >= 2 && v <= 5); }
bool isFolderDeleteStatus(uint32_t v) { return isSharedFolderStatus(v) || v == 3 || v == 4; }

std::string_view describe(FolderSyncStatus s) { return describeShared(wire(s)); }
ClientAction actionFor(FolderSyncStatus s) { return actionShared(wire(s)); }

std::string_view describe(FolderCreateStatus s) {
  switch (s) {
    case FolderCreateStatus::AlreadyExists:
      return "a folder with this name already exists in the parent";
    case FolderCreateStatus::SpecialParentFolder:
      return "the parent is a special folder (recipient information cache)";
    case FolderCreateStatus::ParentNotFound:
      return "the parent folder does not exist";
    default:
      return describeShared(wire(s));
  }
}

ClientAction actionFor(FolderCreateStatus s) {
  switch (s) {
    case FolderCreateStatus::AlreadyExists:
    case FolderCreateStatus::SpecialParentFolder:
      return ClientAction::TellUser;  // choose another name / parent
    case FolderCreateStatus::ParentNotFound:
      return ClientAction::FolderSync;
    default:
      return actionShared(wire(s));
  }
}

std::string_view describe(FolderUpdateStatus s) {
  switch (s) {
    case FolderUpdateStatus::AlreadyExistsOrSpecial:
      return "a folder with this name exists, or the folder is a special folder";
    case FolderUpdateStatus::RecipientInfoFolder:
      return "the recipient information folder cannot be updated";
    case FolderUpdateStatus::NotFound:
      return "the folder does not exist";
    case FolderUpdateStatus::ParentNotFound:
      return "the parent folder does not exist";
    default:
      return describeShared(wire(s));
  }
}

ClientAction actionFor(FolderUpdateStatus s) {
  switch (s) {
    case FolderUpdateStatus::AlreadyExistsOrSpecial:
    case FolderUpdateStatus::RecipientInfoFolder:
      return ClientAction::TellUser;
    case FolderUpdateStatus::NotFound:
    case FolderUpdateStatus::ParentNotFound:
      return ClientAction::FolderSync;
    default:
      return actionShared(wire(s));
  }
}

std::string_view describe(FolderDeleteStatus s) {
  switch (s) {
    case FolderDeleteStatus::SpecialFolder:
      return "special folders cannot be deleted";
    case FolderDeleteStatus::NotFound:
      return "the folder does not exist";
    default:
      return describeShared(wire(s));
  }
}

ClientAction actionFor(FolderDeleteStatus s) {
  switch (s) {
    case FolderDeleteStatus::SpecialFolder:
      return ClientAction::TellUser;
    case FolderDeleteStatus::NotFound:
      return ClientAction::FolderSync;
    default:
      return actionShared(wire(s));
  }
}

// ---- FolderSync ----

std::string encode(const FolderSyncRequest& m) {
  std::string out;
  WbxmlWriter w(out);
  w.start(F::FolderSync);
  w.element(F::SyncKey, m.syncKey);
  w.end();
  checkFinished(w);
  return out;
}

std::string encode(const FolderSyncResponse& m) {
  std::string out;
  WbxmlWriter w(out);
  w.start(F::FolderSync);
  w.element(F::Status, uint64_t{wire(m.status)});
  writeOptional(w, F::SyncKey, m.syncKey);
  if (m.changes) {
    w.start(F::Changes);
    w.element(F::Count, uint64_t{m.changes->size()});
    for (const FolderChange& c : *m.changes) {
      writeChange(w, c);
    }
    w.end();
  }
  w.end();
  checkFinished(w);
  return out;
}

Result<FolderSyncRequest> decodeFolderSyncRequest(const Document& doc) {
  if (auto rooted = expectRoot(doc, F::FolderSync); !rooted) {
    return std::move(rooted).takeError();
  }
  auto key = requiredId(doc.root(), F::SyncKey);
  if (!key) {
    return std::move(key).takeError();
  }
  return FolderSyncRequest{std::string(*key)};
}

Result<FolderSyncResponse> decodeFolderSyncResponse(const Document& doc) {
  auto status = readRootStatus<FolderSyncStatus>(doc, F::FolderSync, &isFolderSyncStatus);
  if (!status) {
    return std::move(status).takeError();
  }
  Element root = doc.root();
  FolderSyncResponse m;
  m.status = *status;
  auto key = optionalSyncKey(root);
  if (!key) {
    return std::move(key).takeError();
  }
  m.syncKey = std::move(*key);
  if (m.status == FolderSyncStatus::Success && !m.syncKey) {
    return missingElement(root, F::SyncKey);  // a successful FolderSync always moves the key
  }

  if (Element changes = root.child(F::Changes)) {
    std::vector<FolderChange> list;
    for (Element e : changes.children()) {
      FolderChange::Kind kind;
      if (e.tag() == F::Add) {
        kind = FolderChange::Kind::Add;
      } else if (e.tag() == F::Update) {
        kind = FolderChange::Kind::Update;
      } else if (e.tag() == F::Delete) {
        kind = FolderChange::Kind::Delete;
      } else {
        continue;  // Count, or an element a later version adds
      }
      auto c = decodeChange(e, kind);
      if (!c) {
        return std::move(c).takeError();
      }
      list.push_back(std::move(*c));
    }
    // MS-ASCMD 2.2.1.5: Count is the number of Add, Update and Delete entries.
    auto count = optionalUint(changes, F::Count);
    if (!count) {
      return std::move(count).takeError();
    }
    if (*count && **count != list.size()) {
      return badValue(changes.child(F::Count), "Count " + std::to_string(**count) + " but " +
                                                   std::to_string(list.size()) + " entries");
    }
    m.changes = std::move(list);
  }
  return m;
}

// ---- FolderCreate ----

std::string encode(const FolderCreateRequest& m) {
  std::string out;
  WbxmlWriter w(out);
  w.start(F::FolderCreate);
  w.element(F::SyncKey, m.syncKey);
  w.element(F::ParentId, m.parentId);
  w.element(F::DisplayName, m.displayName);
  w.element(F::Type, uint64_t{static_cast<uint8_t>(m.type)});
  w.end();
  checkFinished(w);
  return out;
}

std::string encode(const FolderCreateResponse& m) {
  std::string out;
  WbxmlWriter w(out);
  w.start(F::FolderCreate);
  w.element(F::Status, uint64_t{wire(m.status)});
  writeOptional(w, F::SyncKey, m.syncKey);
  writeOptional(w, F::ServerId, m.serverId);
  w.end();
  checkFinished(w);
  return out;
}

Result<FolderCreateRequest> decodeFolderCreateRequest(const Document& doc) {
  if (auto rooted = expectRoot(doc, F::FolderCreate); !rooted) {
    return std::move(rooted).takeError();
  }
  Element root = doc.root();
  FolderCreateRequest m;
  auto key = requiredId(root, F::SyncKey);
  if (!key) {
    return std::move(key).takeError();
  }
  m.syncKey = std::string(*key);
  auto parentId = requiredId(root, F::ParentId);
  if (!parentId) {
    return std::move(parentId).takeError();
  }
  m.parentId = std::string(*parentId);
  auto name = requiredName(root);
  if (!name) {
    return std::move(name).takeError();
  }
  m.displayName = std::string(*name);
  auto type = requiredType(root, &isCreatableFolderType);  // MS-ASCMD 2.2.3.186.2
  if (!type) {
    return std::move(type).takeError();
  }
  m.type = *type;
  return m;
}

Result<FolderCreateResponse> decodeFolderCreateResponse(const Document& doc) {
  auto status = readRootStatus<FolderCreateStatus>(doc, F::FolderCreate, &isFolderCreateStatus);
  if (!status) {
    return std::move(status).takeError();
  }
  Element root = doc.root();
  FolderCreateResponse m;
  m.status = *status;
  auto key = optionalSyncKey(root);
  if (!key) {
    return std::move(key).takeError();
  }
  m.syncKey = std::move(*key);
  if (root.child(F::ServerId)) {
    auto id = requiredId(root, F::ServerId);
    if (!id) {
      return std::move(id).takeError();
    }
    m.serverId = std::string(*id);
  }
  if (m.status == FolderCreateStatus::Success) {
    // MS-ASCMD 2.2.1.3: a created folder comes back with the new SyncKey and its ServerId.
    if (!m.syncKey) {
      return missingElement(root, F::SyncKey);
    }
    if (!m.serverId) {
      return missingElement(root, F::ServerId);
    }
  }
  return m;
}

// ---- FolderUpdate ----

std::string encode(const FolderUpdateRequest& m) {
  std::string out;
  WbxmlWriter w(out);
  w.start(F::FolderUpdate);
  w.element(F::SyncKey, m.syncKey);
  w.element(F::ServerId, m.serverId);
  w.element(F::ParentId, m.parentId);
  w.element(F::DisplayName, m.displayName);
  w.end();
  checkFinished(w);
  return out;
}

std::string encode(const FolderUpdateResponse& m) {
  std::string out;
  WbxmlWriter w(out);
  w.start(F::FolderUpdate);
  w.element(F::Status, uint64_t{wire(m.status)});
  writeOptional(w, F::SyncKey, m.syncKey);
  w.end();
  checkFinished(w);
  return out;
}

Result<FolderUpdateRequest> decodeFolderUpdateRequest(const Document& doc) {
  if (auto rooted = expectRoot(doc, F::FolderUpdate); !rooted) {
    return std::move(rooted).takeError();
  }
  Element root = doc.root();
  FolderUpdateRequest m;
  auto key = requiredId(root, F::SyncKey);
  if (!key) {
    return std::move(key).takeError();
  }
  m.syncKey = std::string(*key);
  auto serverId = requiredId(root, F::ServerId);
  if (!serverId) {
    return std::move(serverId).takeError();
  }
  m.serverId = std::string(*serverId);
  auto parentId = requiredId(root, F::ParentId);
  if (!parentId) {
    return std::move(parentId).takeError();
  }
  m.parentId = std::string(*parentId);
  auto name = requiredName(root);
  if (!name) {
    return std::move(name).takeError();
  }
  m.displayName = std::string(*name);
  return m;
}

Result<FolderUpdateResponse> decodeFolderUpdateResponse(const Document& doc) {
  auto status = readRootStatus<FolderUpdateStatus>(doc, F::FolderUpdate, &isFolderUpdateStatus);
  if (!status) {
    return std::move(status).takeError();
  }
  FolderUpdateResponse m;
  m.status = *status;
  auto key = optionalSyncKey(doc.root());
  if (!key) {
    return std::move(key).takeError();
  }
  m.syncKey = std::move(*key);
  if (m.status == FolderUpdateStatus::Success && !m.syncKey) {
    return missingElement(doc.root(), F::SyncKey);
  }
  return m;
}

// ---- FolderDelete ----

std::string encode(const FolderDeleteRequest& m) {
  std::string out;
  WbxmlWriter w(out);
  w.start(F::FolderDelete);
  w.element(F::SyncKey, m.syncKey);
  w.element(F::ServerId, m.serverId);
  w.end();
  checkFinished(w);
  return out;
}

std::string encode(const FolderDeleteResponse& m) {
  std::string out;
  WbxmlWriter w(out);
  w.start(F::FolderDelete);
  w.element(F::Status, uint64_t{wire(m.status)});
  writeOptional(w, F::SyncKey, m.syncKey);
  w.end();
  checkFinished(w);
  return out;
}

Result<FolderDeleteRequest> decodeFolderDeleteRequest(const Document& doc) {
  if (auto rooted = expectRoot(doc, F::FolderDelete); !rooted) {
    return std::move(rooted).takeError();
  }
  Element root = doc.root();
  FolderDeleteRequest m;
  auto key = requiredId(root, F::SyncKey);
  if (!key) {
    return std::move(key).takeError();
  }
  m.syncKey = std::string(*key);
  auto serverId = requiredId(root, F::ServerId);
  if (!serverId) {
    return std::move(serverId).takeError();
  }
  m.serverId = std::string(*serverId);
  return m;
}

Result<FolderDeleteResponse> decodeFolderDeleteResponse(const Document& doc) {
  auto status = readRootStatus<FolderDeleteStatus>(doc, F::FolderDelete, &isFolderDeleteStatus);
  if (!status) {
    return std::move(status).takeError();
  }
  FolderDeleteResponse m;
  m.status = *status;
  auto key = optionalSyncKey(doc.root());
  if (!key) {
    return std::move(key).takeError();
  }
  m.syncKey = std::move(*key);
  if (m.status == FolderDeleteStatus::Success && !m.syncKey) {
    return missingElement(doc.root(), F::SyncKey);
  }
  return m;
}

}  // namespace cradle::eas
