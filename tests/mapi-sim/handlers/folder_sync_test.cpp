// FolderSync, FolderCreate, FolderUpdate, FolderDelete against a real mailbox.
#include "eas/message/folder_sync.h"

#include <algorithm>

#include "tests/mapi-sim/handlers/handler_fixture.h"

namespace mapisim::test {
namespace {

using eas::FolderChange;

struct FolderSyncResult {
  eas::FolderSyncResponse response;
  std::string raw;
};

FolderSyncResult folderSync(HandlerFixture& f, const std::string& key,
                            ProtocolVersion v = ProtocolVersion::V12_1) {
  eas::FolderSyncRequest req;
  req.syncKey = key;
  CommandReply reply = f.call(&handleFolderSync, eas::Command::FolderSync, v, eas::encode(req));
  REQUIRE(reply.outcome.status == eas::HttpStatus::Ok);
  auto decoded = eas::decodeWbxml(reply.body, &eas::decodeFolderSyncResponse);
  REQUIRE(decoded.ok());
  return {std::move(decoded).value(), reply.body};
}

const FolderChange* find(const std::vector<FolderChange>& changes, const std::string& id) {
  auto it = std::find_if(changes.begin(), changes.end(),
                         [&](const FolderChange& c) { return c.serverId == id; });
  return it == changes.end() ? nullptr : &*it;
}

}  // namespace

TEST_CASE("FolderSync 0 sends the whole hierarchy, later keys only the changes",
          "[mapi-sim][handlers]") {
  HandlerFixture f;
  auto first = folderSync(f, "0");
  REQUIRE(first.response.status == eas::FolderSyncStatus::Success);
  REQUIRE(first.response.syncKey);
  REQUIRE(first.response.changes);
  const auto& adds = *first.response.changes;
  CHECK(adds.size() == f.mailbox->folders(f.user.id).size());
  CHECK(std::all_of(adds.begin(), adds.end(),
                    [](const FolderChange& c) { return c.kind == FolderChange::Kind::Add; }));
  const FolderChange* inbox = find(adds, f.folderId(FolderType::Inbox));
  REQUIRE(inbox);
  CHECK(inbox->type == FolderType::Inbox);
  CHECK(inbox->parentId == "0");

  SECTION("nothing changed: Count 0 and the same key") {
    auto again = folderSync(f, *first.response.syncKey);
    CHECK(again.response.status == eas::FolderSyncStatus::Success);
    CHECK(again.response.syncKey == first.response.syncKey);
    REQUIRE(again.response.changes);
    CHECK(again.response.changes->empty());
  }

  SECTION("a created, a renamed and a deleted folder") {
    auto created = f.mailbox->createFolder(f.user.id, f.folderId(FolderType::Inbox), "Projects",
                                           FolderType::UserMail);
    REQUIRE(created.ok());
    auto doomed = f.mailbox->createFolder(f.user.id, "0", "Old", FolderType::UserMail);
    REQUIRE(doomed.ok());
    auto mid = folderSync(f, *first.response.syncKey);
    REQUIRE(mid.response.changes);
    REQUIRE(mid.response.changes->size() == 2);
    const FolderChange* add = find(*mid.response.changes, created->serverId);
    REQUIRE(add);
    CHECK(add->kind == FolderChange::Kind::Add);
    CHECK(add->displayName == "Projects");
    CHECK(add->parentId == f.folderId(FolderType::Inbox));
    CHECK(add->type == FolderType::UserMail);
    CHECK(mid.response.syncKey != first.response.syncKey);

    REQUIRE(f.mailbox->updateFolder(f.user.id, created->serverId, "0", "Archive").ok());
    REQUIRE(f.mailbox->deleteFolder(f.user.id, doomed->serverId).ok());
    auto last = folderSync(f, *mid.response.syncKey);
    REQUIRE(last.response.changes);
    REQUIRE(last.response.changes->size() == 2);
    const FolderChange* update = find(*last.response.changes, created->serverId);
    REQUIRE(update);
    CHECK(update->kind == FolderChange::Kind::Update);
    CHECK(update->displayName == "Archive");
    CHECK(update->parentId == "0");
    const FolderChange* del = find(*last.response.changes, doomed->serverId);
    REQUIRE(del);
    CHECK(del->kind == FolderChange::Kind::Delete);

    SECTION("the previous key replays the lost response byte for byte") {
      auto replay = folderSync(f, *mid.response.syncKey);
      CHECK(replay.raw == last.raw);
      // The device then goes on with the key it got.
      auto next = folderSync(f, *last.response.syncKey);
      CHECK(next.response.status == eas::FolderSyncStatus::Success);
      CHECK(next.response.changes->empty());
    }
    SECTION("a key two steps back is refused") {
      CHECK(folderSync(f, *first.response.syncKey).response.status ==
            eas::FolderSyncStatus::InvalidSyncKey);
    }
  }

  SECTION("an unknown key gives status 9") {
    CHECK(folderSync(f, "{00000000-0000-0000-0000-000000000000}1").response.status ==
          eas::FolderSyncStatus::InvalidSyncKey);
    CHECK(folderSync(f, "garbage").response.status == eas::FolderSyncStatus::InvalidSyncKey);
  }
}

TEST_CASE("FolderSync without a FolderSync 0 first gives status 9", "[mapi-sim][handlers]") {
  HandlerFixture f;
  CHECK(folderSync(f, "1").response.status == eas::FolderSyncStatus::InvalidSyncKey);
}

TEST_CASE("FolderSync with a malformed body gives status 10", "[mapi-sim][handlers]") {
  HandlerFixture f;
  eas::FolderCreateRequest wrongRoot;
  wrongRoot.syncKey = "0";
  wrongRoot.displayName = "x";
  CommandReply reply = f.call(&handleFolderSync, eas::Command::FolderSync, ProtocolVersion::V12_1,
                              eas::encode(wrongRoot));
  auto decoded = eas::decodeWbxml(reply.body, &eas::decodeFolderSyncResponse);
  REQUIRE(decoded.ok());
  CHECK(decoded->status == eas::FolderSyncStatus::BadRequest);
}

TEST_CASE("FolderCreate, FolderUpdate and FolderDelete advance the hierarchy key",
          "[mapi-sim][handlers]") {
  HandlerFixture f;
  const ProtocolVersion v = ProtocolVersion::V12_1;
  std::string key = *folderSync(f, "0").response.syncKey;

  auto create = [&](const std::string& syncKey, const std::string& parent,
                    const std::string& name) {
    eas::FolderCreateRequest req;
    req.syncKey = syncKey;
    req.parentId = parent;
    req.displayName = name;
    req.type = FolderType::UserMail;
    CommandReply reply =
        f.call(&handleFolderCreate, eas::Command::FolderCreate, v, eas::encode(req));
    auto decoded = eas::decodeWbxml(reply.body, &eas::decodeFolderCreateResponse);
    REQUIRE(decoded.ok());
    return std::move(decoded).value();
  };
  auto update = [&](const std::string& syncKey, const std::string& id, const std::string& parent,
                    const std::string& name) {
    eas::FolderUpdateRequest req{syncKey, id, parent, name};
    CommandReply reply =
        f.call(&handleFolderUpdate, eas::Command::FolderUpdate, v, eas::encode(req));
    auto decoded = eas::decodeWbxml(reply.body, &eas::decodeFolderUpdateResponse);
    REQUIRE(decoded.ok());
    return std::move(decoded).value();
  };
  auto remove = [&](const std::string& syncKey, const std::string& id) {
    eas::FolderDeleteRequest req{syncKey, id};
    CommandReply reply =
        f.call(&handleFolderDelete, eas::Command::FolderDelete, v, eas::encode(req));
    auto decoded = eas::decodeWbxml(reply.body, &eas::decodeFolderDeleteResponse);
    REQUIRE(decoded.ok());
    return std::move(decoded).value();
  };

  auto created = create(key, f.folderId(FolderType::Inbox), "Projects");
  REQUIRE(created.status == eas::FolderCreateStatus::Success);
  REQUIRE(created.serverId);
  REQUIRE(created.syncKey);
  CHECK(*created.syncKey != key);
  auto folder = f.mailbox->folder(f.user.id, *created.serverId);
  REQUIRE(folder);
  CHECK(folder->displayName == "Projects");
  // The device made it: the next FolderSync does not send it back.
  auto after = folderSync(f, *created.syncKey);
  CHECK(after.response.status == eas::FolderSyncStatus::Success);
  CHECK(after.response.changes->empty());
  key = *created.syncKey;

  CHECK(create("{00000000-0000-0000-0000-000000000000}7", "0", "X").status ==
        eas::FolderCreateStatus::InvalidSyncKey);
  CHECK(create(key, "999", "X").status == eas::FolderCreateStatus::ParentNotFound);
  CHECK(create(key, f.folderId(FolderType::Inbox), "projects").status ==
        eas::FolderCreateStatus::AlreadyExists);

  CHECK(update(key, f.folderId(FolderType::Inbox), "0", "Post").status ==
        eas::FolderUpdateStatus::AlreadyExistsOrSpecial);
  CHECK(update(key, "999", "0", "Post").status == eas::FolderUpdateStatus::NotFound);
  CHECK(update(key, *created.serverId, "998", "Post").status ==
        eas::FolderUpdateStatus::ParentNotFound);
  CHECK(update(key, *created.serverId, *created.serverId, "Post").status ==
        eas::FolderUpdateStatus::ParentNotFound);
  auto renamed = update(key, *created.serverId, "0", "Archive");
  REQUIRE(renamed.status == eas::FolderUpdateStatus::Success);
  REQUIRE(renamed.syncKey);
  CHECK(f.mailbox->folder(f.user.id, *created.serverId)->displayName == "Archive");
  CHECK(update(key, *created.serverId, "0", "Again").status ==
        eas::FolderUpdateStatus::InvalidSyncKey);
  key = *renamed.syncKey;
  CHECK(folderSync(f, key).response.changes->empty());

  // A synced collection that is deleted answers Sync with status 12 afterwards.
  const std::string syncKey = f.prime(v, *created.serverId);
  CHECK(remove(key, f.folderId(FolderType::Inbox)).status ==
        eas::FolderDeleteStatus::SpecialFolder);
  CHECK(remove(key, "999").status == eas::FolderDeleteStatus::NotFound);
  auto deleted = remove(key, *created.serverId);
  REQUIRE(deleted.status == eas::FolderDeleteStatus::Success);
  REQUIRE(deleted.syncKey);
  CHECK_FALSE(f.mailbox->folder(f.user.id, *created.serverId));
  CHECK(folderSync(f, *deleted.syncKey).response.changes->empty());
  auto gone = f.syncOne(v, f.collection(v, *created.serverId, syncKey));
  CHECK(gone.status == eas::SyncStatus::FolderHierarchyChanged);
}

}  // namespace mapisim::test
