// Sync: keys, the four classes in 2.5 and 14.1, windows, retries, client changes, conflicts,
// filters, and the 12.1 empty/partial request.
#include <algorithm>

#include "eas/message/folder_sync.h"
#include "mapi-sim/state/sync_key.h"
#include "tests/mapi-sim/handlers/handler_fixture.h"

namespace mapisim::test {
namespace {

constexpr UnixMillis Day = 24LL * 60 * 60 * 1000;

eas::ContactItem contact(const std::string& first, const std::string& last) {
  eas::ContactItem c;
  c.firstName = first;
  c.lastName = last;
  c.email1Address = first + "@example.net";
  return c;
}

eas::SyncCollectionRequest withCommands(eas::SyncCollectionRequest c,
                                        std::vector<eas::SyncClientCommand> commands) {
  c.commands = std::move(commands);
  return c;
}

}  // namespace

TEST_CASE("Sync: SyncKey 0 then the items of each class, in 2.5 and 14.1", "[mapi-sim][handlers]") {
  const ProtocolVersion v = GENERATE(ProtocolVersion::V2_5, ProtocolVersion::V14_1);
  INFO("version " << eas::toString(v));
  HandlerFixture f;

  f.deliver("Lunch?", "Shall we?");
  f.add(FolderType::Contacts, contact("Dora", "Diaz"));
  eas::CalendarItem appointment;
  appointment.subject = "Review";
  appointment.startTime = "20300120T100000Z";
  appointment.endTime = "20300120T110000Z";
  appointment.location = "Room 2";
  f.add(FolderType::Calendar, appointment);
  eas::TaskItem task;
  task.subject = "File report";
  task.complete = false;
  f.add(FolderType::Tasks, task);

  struct Case {
    FolderType folder;
    ItemClass itemClass;
  };
  for (Case c :
       {Case{FolderType::Inbox, ItemClass::Email}, Case{FolderType::Contacts, ItemClass::Contacts},
        Case{FolderType::Calendar, ItemClass::Calendar},
        Case{FolderType::Tasks, ItemClass::Tasks}}) {
    INFO("class " << eas::toString(c.itemClass));
    const std::string id = f.folderId(c.folder);
    const std::string key = f.prime(v, id);
    REQUIRE(SyncKey::parse(key).has_value());
    auto r = f.syncOne(v, f.collection(v, id, key));
    REQUIRE(r.status == eas::SyncStatus::Success);
    CHECK(r.syncKey != key);
    CHECK_FALSE(r.moreAvailable);
    REQUIRE(r.commands.size() == 1);
    const auto& add = command<eas::SyncServerAdd>(r, 0);
    CHECK(eas::itemClassOf(add.data) == c.itemClass);
    switch (c.itemClass) {
      case ItemClass::Email: {
        const auto& e = appData<eas::EmailItem>(add.data);
        CHECK(e.subject == "Lunch?");
        REQUIRE(e.body);
        REQUIRE(e.body->data);
        CHECK(e.body->data->find("Shall we?") != std::string::npos);
        break;
      }
      case ItemClass::Contacts:
        CHECK(appData<eas::ContactItem>(add.data).lastName == "Diaz");
        break;
      case ItemClass::Calendar:
        CHECK(appData<eas::CalendarItem>(add.data).location == "Room 2");
        break;
      case ItemClass::Tasks:
        CHECK(appData<eas::TaskItem>(add.data).subject == "File report");
        break;
      case ItemClass::Notes:
        FAIL("no notes here");
    }
    // Nothing new: an empty response with yet another key.
    auto quiet = f.syncOne(v, f.collection(v, id, r.syncKey));
    CHECK(quiet.status == eas::SyncStatus::Success);
    CHECK(quiet.commands.empty());
    CHECK(quiet.syncKey != r.syncKey);
  }
}

TEST_CASE("Sync: WindowSize limits the changes and MoreAvailable asks for the rest",
          "[mapi-sim][handlers]") {
  HandlerFixture f;
  const ProtocolVersion v = ProtocolVersion::V12_1;
  for (int i = 0; i < 5; ++i) {
    f.deliver("mail " + std::to_string(i), "body", f.now - (10 - i) * 60000);
  }
  const std::string inbox = f.folderId(FolderType::Inbox);
  std::string key = f.prime(v, inbox);
  std::vector<std::string> seen;
  std::vector<std::size_t> sizes;
  bool more = true;
  for (int round = 0; more && round < 10; ++round) {
    auto c = f.collection(v, inbox, key);
    c.windowSize = 2;
    auto r = f.syncOne(v, c);
    REQUIRE(r.status == eas::SyncStatus::Success);
    sizes.push_back(r.commands.size());
    for (std::size_t i = 0; i < r.commands.size(); ++i) {
      seen.push_back(
          appData<eas::EmailItem>(command<eas::SyncServerAdd>(r, i).data).subject.value());
    }
    more = r.moreAvailable;
    key = r.syncKey;
  }
  CHECK(sizes == std::vector<std::size_t>{2, 2, 1});
  // Newest first, every mail once.
  CHECK(seen == std::vector<std::string>{"mail 4", "mail 3", "mail 2", "mail 1", "mail 0"});
}

TEST_CASE("Sync: the request-wide WindowSize (12.1+) is shared by the collections",
          "[mapi-sim][handlers]") {
  HandlerFixture f;
  const ProtocolVersion v = ProtocolVersion::V14_1;
  for (int i = 0; i < 3; ++i) {
    f.deliver("mail " + std::to_string(i));
    f.add(FolderType::Contacts, contact("P" + std::to_string(i), "Q"));
  }
  const std::string inbox = f.folderId(FolderType::Inbox);
  const std::string contacts = f.folderId(FolderType::Contacts);
  eas::SyncRequest req;
  req.version = v;
  req.collections = {f.collection(v, inbox, f.prime(v, inbox)),
                     f.collection(v, contacts, f.prime(v, contacts))};
  req.windowSize = 4;
  auto r = f.syncBody(v, eas::encode(req));
  REQUIRE(r.collections.size() == 2);
  CHECK(r.collections[0].commands.size() == 3);
  CHECK_FALSE(r.collections[0].moreAvailable);
  CHECK(r.collections[1].commands.size() == 1);
  CHECK(r.collections[1].moreAvailable);
}

TEST_CASE("Sync: a repeated previous key replays the response without re-applying",
          "[mapi-sim][handlers]") {
  const ProtocolVersion v = GENERATE(ProtocolVersion::V2_5, ProtocolVersion::V14_1);
  HandlerFixture f;
  const std::string id = f.folderId(FolderType::Contacts);
  f.add(FolderType::Contacts, contact("Old", "Friend"));
  const std::string key = f.prime(v, id);
  auto c = withCommands(f.collection(v, id, key),
                        {eas::SyncClientAdd{"client-1", contact("New", "Person")}});
  std::string first;
  auto r1 = f.syncOne(v, c, &first);
  REQUIRE(r1.status == eas::SyncStatus::Success);
  REQUIRE(r1.commands.size() == 1);   // the server's contact
  REQUIRE(r1.responses.size() == 1);  // the client's add

  std::string second;
  auto r2 = f.syncOne(v, c, &second);
  CHECK(second == first);
  CHECK(r2.syncKey == r1.syncKey);
  CHECK(f.mailbox->items(f.folderRow(FolderType::Contacts)).size() == 2);

  // The device goes on with the new key; the old one is then refused.
  auto r3 = f.syncOne(v, f.collection(v, id, r1.syncKey));
  CHECK(r3.status == eas::SyncStatus::Success);
  CHECK(r3.commands.empty());
  auto stale = f.syncOne(v, f.collection(v, id, key));
  CHECK(stale.status == eas::SyncStatus::InvalidSyncKey);
}

TEST_CASE("Sync: an unknown key gives status 3, an unknown collection 12", "[mapi-sim][handlers]") {
  HandlerFixture f;
  const ProtocolVersion v = ProtocolVersion::V12_1;
  const std::string inbox = f.folderId(FolderType::Inbox);
  auto r = f.syncOne(v, f.collection(v, inbox, "{00000000-0000-0000-0000-000000000000}4"));
  CHECK(r.status == eas::SyncStatus::InvalidSyncKey);
  f.prime(v, inbox);
  CHECK(f.syncOne(v, f.collection(v, inbox, "17")).status == eas::SyncStatus::InvalidSyncKey);
  auto missing = f.syncOne(v, f.collection(v, "4242", "0"));
  CHECK(missing.status == eas::SyncStatus::FolderHierarchyChanged);
}

TEST_CASE("Sync: GetChanges with SyncKey 0 and a malformed body give status 4",
          "[mapi-sim][handlers]") {
  HandlerFixture f;
  const ProtocolVersion v = ProtocolVersion::V12_1;
  auto c = f.collection(v, f.folderId(FolderType::Inbox), "0");
  c.getChanges = true;
  auto r = f.sync(v, {c});
  REQUIRE(r.status);
  CHECK(*r.status == eas::SyncStatus::ProtocolError);
  eas::SyncRequest nothing;  // <Sync/>: neither Collections nor Partial
  nothing.version = v;
  CHECK(f.syncBody(v, eas::encode(nothing)).status == eas::SyncStatus::ProtocolError);
  eas::FolderSyncRequest wrongRoot;
  CHECK(f.syncBody(v, eas::encode(wrongRoot)).status == eas::SyncStatus::ProtocolError);
}

TEST_CASE("Sync: client Add, Change, Delete and Fetch", "[mapi-sim][handlers]") {
  const ProtocolVersion v = GENERATE(ProtocolVersion::V2_5, ProtocolVersion::V14_1);
  HandlerFixture f;
  const std::string id = f.folderId(FolderType::Contacts);
  std::string key = f.prime(v, id);

  // Add: the ClientId is answered with the new ServerId.
  auto added = f.syncOne(
      v, withCommands(f.collection(v, id, key), {eas::SyncClientAdd{"c1", contact("Eve", "Ebert")},
                                                 eas::SyncClientAdd{"c2", contact("Fay", "Fox")}}));
  REQUIRE(added.status == eas::SyncStatus::Success);
  CHECK(added.commands.empty());  // its own adds do not come back
  REQUIRE(added.responses.size() == 2);
  const auto& a1 = std::get<eas::SyncAddResponse>(added.responses[0]);
  const auto& a2 = std::get<eas::SyncAddResponse>(added.responses[1]);
  CHECK(a1.clientId == "c1");
  CHECK(a2.clientId == "c2");
  CHECK(a1.status == eas::SyncStatus::Success);
  REQUIRE(a1.serverId);
  REQUIRE(a2.serverId);
  CHECK(*a1.serverId != *a2.serverId);
  auto stored = f.mailbox->item(f.user.id, *a1.serverId);
  REQUIRE(stored);
  CHECK(appData<eas::ContactItem>(stored->data).lastName == "Ebert");
  key = added.syncKey;

  // Change: applied, no response on success; an unknown ServerId gives 8.
  auto changed = f.syncOne(v, withCommands(f.collection(v, id, key),
                                           {eas::SyncChange{*a1.serverId, contact("Eve", "Eckert")},
                                            eas::SyncChange{id + ":999", contact("No", "One")}}));
  REQUIRE(changed.responses.size() == 1);
  const auto& miss = std::get<eas::SyncChangeResponse>(changed.responses[0]);
  CHECK(miss.serverId == id + ":999");
  CHECK(miss.status == eas::SyncStatus::ObjectNotFound);
  CHECK(changed.commands.empty());
  CHECK(appData<eas::ContactItem>(f.mailbox->item(f.user.id, *a1.serverId)->data).lastName ==
        "Eckert");
  key = changed.syncKey;

  // Fetch, then Delete.
  auto fetched =
      f.syncOne(v, withCommands(f.collection(v, id, key), {eas::SyncFetch{*a2.serverId}}));
  REQUIRE(fetched.responses.size() == 1);
  const auto& fr = std::get<eas::SyncFetchResponse>(fetched.responses[0]);
  CHECK(fr.status == eas::SyncStatus::Success);
  REQUIRE(fr.data);
  CHECK(appData<eas::ContactItem>(*fr.data).firstName == "Fay");
  key = fetched.syncKey;

  auto deleted =
      f.syncOne(v, withCommands(f.collection(v, id, key),
                                {eas::SyncDelete{*a2.serverId}, eas::SyncDelete{id + ":998"}}));
  REQUIRE(deleted.responses.size() == 1);
  CHECK(std::get<eas::SyncDeleteResponse>(deleted.responses[0]).status ==
        eas::SyncStatus::ObjectNotFound);
  CHECK_FALSE(f.mailbox->item(f.user.id, *a2.serverId));
  CHECK(deleted.commands.empty());
}

TEST_CASE("Sync: an e-mail Delete moves the mail to Deleted Items unless DeletesAsMoves is off",
          "[mapi-sim][handlers]") {
  HandlerFixture f;
  const ProtocolVersion v = ProtocolVersion::V12_1;
  const ItemRecord kept = f.deliver("to trash");
  const ItemRecord gone = f.deliver("to nowhere");
  const std::string inbox = f.folderId(FolderType::Inbox);
  std::string key = f.prime(v, inbox);
  key = f.syncOne(v, f.collection(v, inbox, key)).syncKey;

  auto r =
      f.syncOne(v, withCommands(f.collection(v, inbox, key), {eas::SyncDelete{kept.serverId}}));
  CHECK(r.responses.empty());
  CHECK(r.commands.empty());
  auto trash = f.mailbox->items(f.folderRow(FolderType::DeletedItems));
  REQUIRE(trash.size() == 1);
  CHECK(appData<eas::EmailItem>(trash[0].data).subject == "to trash");

  auto c = withCommands(f.collection(v, inbox, r.syncKey), {eas::SyncDelete{gone.serverId}});
  c.deletesAsMoves = false;
  f.syncOne(v, c);
  CHECK(f.mailbox->items(f.folderRow(FolderType::DeletedItems)).size() == 1);
  CHECK(f.mailbox->items(f.folderRow(FolderType::Inbox)).empty());
}

TEST_CASE("Sync: a client Change to an item the server changed meanwhile is a conflict",
          "[mapi-sim][handlers]") {
  HandlerFixture f;
  const ProtocolVersion v = ProtocolVersion::V14_1;
  const ItemRecord item = f.add(FolderType::Contacts, contact("Gus", "Grey"));
  const std::string id = f.folderId(FolderType::Contacts);
  std::string key = f.prime(v, id);
  key = f.syncOne(v, f.collection(v, id, key)).syncKey;  // the device now has version 1

  REQUIRE(f.mailbox->updateItem(f.user.id, item.serverId, contact("Gus", "Green")).ok());

  SECTION("server wins (the default): status 7 and the server's version") {
    auto r = f.syncOne(v, withCommands(f.collection(v, id, key),
                                       {eas::SyncChange{item.serverId, contact("Gus", "Gold")}}));
    REQUIRE(r.responses.size() == 1);
    const auto& cr = std::get<eas::SyncChangeResponse>(r.responses[0]);
    CHECK(cr.status == eas::SyncStatus::Conflict);
    REQUIRE(r.commands.size() == 1);
    const auto& sc = command<eas::SyncChange>(r, 0);
    CHECK(sc.serverId == item.serverId);
    CHECK(appData<eas::ContactItem>(sc.data).lastName == "Green");
    CHECK(appData<eas::ContactItem>(f.mailbox->item(f.user.id, item.serverId)->data).lastName ==
          "Green");
  }
  SECTION("Conflict 0: the client's version replaces the server's") {
    auto c = withCommands(f.collection(v, id, key),
                          {eas::SyncChange{item.serverId, contact("Gus", "Gold")}});
    c.options.emplace();
    c.options->conflict = eas::ConflictResolution::ClientWins;
    auto r = f.syncOne(v, c);
    CHECK(r.responses.empty());
    CHECK(r.commands.empty());
    CHECK(appData<eas::ContactItem>(f.mailbox->item(f.user.id, item.serverId)->data).lastName ==
          "Gold");
  }
}

TEST_CASE("Sync: server changes and deletions after the first sync", "[mapi-sim][handlers]") {
  HandlerFixture f;
  const ProtocolVersion v = ProtocolVersion::V2_5;
  const ItemRecord a = f.add(FolderType::Contacts, contact("Hal", "Hill"));
  const ItemRecord b = f.add(FolderType::Contacts, contact("Ida", "Ives"));
  const std::string id = f.folderId(FolderType::Contacts);
  std::string key = f.syncOne(v, f.collection(v, id, f.prime(v, id))).syncKey;
  REQUIRE(f.mailbox->updateItem(f.user.id, a.serverId, contact("Hal", "Hull")).ok());
  REQUIRE(f.mailbox->deleteItem(f.user.id, b.serverId).ok());
  auto r = f.syncOne(v, f.collection(v, id, key));
  REQUIRE(r.commands.size() == 2);
  CHECK(command<eas::SyncDelete>(r, 0).serverId == b.serverId);
  CHECK(appData<eas::ContactItem>(command<eas::SyncChange>(r, 1).data).lastName == "Hull");
}

TEST_CASE("Sync: FilterType limits e-mail by date and tasks to incomplete ones",
          "[mapi-sim][handlers]") {
  HandlerFixture f;
  const ProtocolVersion v = ProtocolVersion::V12_1;
  f.deliver("ancient", "x", f.now - 30 * Day);
  f.deliver("last week", "x", f.now - 5 * Day);
  f.deliver("today", "x", f.now - 60000);
  const std::string inbox = f.folderId(FolderType::Inbox);
  eas::SyncOptions week;
  week.filterType = eas::FilterType::OneWeek;
  std::string key = f.prime(v, inbox, week);
  // Options are remembered from the SyncKey 0 request.
  auto r = f.syncOne(v, f.collection(v, inbox, key));
  std::vector<std::string> subjects;
  for (std::size_t i = 0; i < r.commands.size(); ++i) {
    subjects.push_back(
        appData<eas::EmailItem>(command<eas::SyncServerAdd>(r, i).data).subject.value());
  }
  CHECK(subjects == std::vector<std::string>{"today", "last week"});

  // Narrowing the filter removes the older mail with a SoftDelete.
  auto c = f.collection(v, inbox, r.syncKey);
  c.options.emplace();
  c.options->filterType = eas::FilterType::OneDay;
  auto narrowed = f.syncOne(v, c);
  REQUIRE(narrowed.commands.size() == 1);
  CHECK(std::holds_alternative<eas::SyncSoftDelete>(narrowed.commands[0]));

  eas::TaskItem open;
  open.subject = "open";
  open.complete = false;
  eas::TaskItem done;
  done.subject = "done";
  done.complete = true;
  f.add(FolderType::Tasks, open);
  f.add(FolderType::Tasks, done);
  const std::string tasks = f.folderId(FolderType::Tasks);
  eas::SyncOptions incomplete;
  incomplete.filterType = eas::FilterType::IncompleteTasks;
  auto t = f.syncOne(v, f.collection(v, tasks, f.prime(v, tasks, incomplete)));
  REQUIRE(t.commands.size() == 1);
  CHECK(appData<eas::TaskItem>(command<eas::SyncServerAdd>(t, 0).data).subject == "open");
}

TEST_CASE("Sync: 12.1 empty and partial requests use the cached collections",
          "[mapi-sim][handlers]") {
  HandlerFixture f;
  const ProtocolVersion v = ProtocolVersion::V12_1;
  SECTION("nothing cached: status 13") {
    auto r = f.syncBody(v, "");
    REQUIRE(r.status);
    CHECK(*r.status == eas::SyncStatus::IncompleteRequest);
  }
  SECTION("an empty body repeats the last request at the current keys") {
    const std::string inbox = f.folderId(FolderType::Inbox);
    const std::string key = f.prime(v, inbox);
    auto first = f.syncOne(v, f.collection(v, inbox, key));
    f.deliver("pushed");
    auto r = f.syncBody(v, "");
    REQUIRE_FALSE(r.status);
    REQUIRE(r.collections.size() == 1);
    CHECK(r.collections[0].collectionId == inbox);
    CHECK(r.collections[0].status == eas::SyncStatus::Success);
    REQUIRE(r.collections[0].commands.size() == 1);
    CHECK(r.collections[0].syncKey != first.syncKey);

    eas::SyncRequest partial;
    partial.version = v;
    partial.partial = true;
    partial.windowSize = 10;
    auto p = f.syncBody(v, eas::encode(partial));
    REQUIRE(p.collections.size() == 1);
    CHECK(p.collections[0].status == eas::SyncStatus::Success);
  }
}

TEST_CASE("Sync: Wait and HeartbeatInterval out of range give status 14 with the limit",
          "[mapi-sim][handlers]") {
  HandlerFixture f;
  const ProtocolVersion v = ProtocolVersion::V14_1;
  eas::SyncRequest req;
  req.version = v;
  req.collections = {f.collection(v, f.folderId(FolderType::Inbox), "0")};
  req.heartbeatInterval = 30;
  auto r = f.syncBody(v, eas::encode(req));
  REQUIRE(r.status);
  CHECK(*r.status == eas::SyncStatus::InvalidWaitOrHeartbeat);
  CHECK(r.limit == f.settings.heartbeat.min);
}

}  // namespace mapisim::test
