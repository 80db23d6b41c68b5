// FolderSync, FolderCreate, FolderUpdate, FolderDelete: exact bytes, statuses, types, errors.
#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "eas/message/folder_sync.h"
#include "eas/wbxml/code_pages.h"
#include "tests/eas/message_test_util.h"

using namespace cradle::eas;
using namespace cradle::eas::testing;

namespace F = cradle::eas::tag::FolderHierarchy;

namespace {

// Dossier section 7.3 and 7.18 (libwbxml `xml2wbxml -a -n -v 1.3`, cross-checked with Horde).
const std::string V3FolderSyncRequest = fromHex("03 01 6a 00 00 07 56 52 03 30 00 01 01");
const std::string V10FolderSyncResponse = fromHex(
    "03 01 6a 00 00 07 56 4c 03 31 00 01 52 03 31 00 01 4e 57 03 32 00 01 4f 48 03 35 00 01 49 03 "
    "30 00 01 47 03 49 6e 62 6f 78 00 01 4a 03 32 00 01 01 4f 48 03 36 00 01 49 03 30 00 01 47 03 "
    "43 61 6c 65 6e 64 61 72 00 01 4a 03 38 00 01 01 01 01");
// The rest were made here with `xml2wbxml -n -a -v 1.3` from the XML in the comment.
// <FolderSync xmlns="FolderHierarchy:"><Status>1</Status><SyncKey>5</SyncKey><Changes><Count>2
// </Count><Update><ServerId>13</ServerId><ParentId>5</ParentId><DisplayName>Archive</DisplayName>
// <Type>12</Type></Update><Delete><ServerId>9</ServerId></Delete></Changes></FolderSync>
const std::string FolderSyncUpdateDelete = fromHex(
    "03 01 6a 00 00 07 56 4c 03 31 00 01 52 03 35 00 01 4e 57 03 32 00 01 51 48 03 31 33 00 01 49 "
    "03 35 00 01 47 03 41 72 63 68 69 76 65 00 01 4a 03 31 32 00 01 01 50 48 03 39 00 01 01 01 01");
// <FolderCreate xmlns="FolderHierarchy:"><SyncKey>1</SyncKey><ParentId>0</ParentId>
// <DisplayName>Projects</DisplayName><Type>12</Type></FolderCreate>
const std::string FolderCreateRequestBytes = fromHex(
    "03 01 6a 00 00 07 53 52 03 31 00 01 49 03 30 00 01 47 03 50 72 6f 6a 65 63 74 73 00 01 4a 03 "
    "31 32 00 01 01");
// <FolderCreate xmlns="FolderHierarchy:"><Status>1</Status><SyncKey>2</SyncKey>
// <ServerId>13</ServerId></FolderCreate>
const std::string FolderCreateResponseBytes =
    fromHex("03 01 6a 00 00 07 53 4c 03 31 00 01 52 03 32 00 01 48 03 31 33 00 01 01");
// <FolderUpdate xmlns="FolderHierarchy:"><SyncKey>2</SyncKey><ServerId>13</ServerId>
// <ParentId>5</ParentId><DisplayName>Archive</DisplayName></FolderUpdate>
const std::string FolderUpdateRequestBytes = fromHex(
    "03 01 6a 00 00 07 55 52 03 32 00 01 48 03 31 33 00 01 49 03 35 00 01 47 03 41 72 63 68 69 76 "
    "65 00 01 01");
// <FolderUpdate xmlns="FolderHierarchy:"><Status>1</Status><SyncKey>3</SyncKey></FolderUpdate>
const std::string FolderUpdateResponseBytes =
    fromHex("03 01 6a 00 00 07 55 4c 03 31 00 01 52 03 33 00 01 01");
// <FolderDelete xmlns="FolderHierarchy:"><SyncKey>3</SyncKey><ServerId>13</ServerId>
// </FolderDelete>
const std::string FolderDeleteRequestBytes =
    fromHex("03 01 6a 00 00 07 54 52 03 33 00 01 48 03 31 33 00 01 01");
// <FolderDelete xmlns="FolderHierarchy:"><Status>4</Status></FolderDelete>
const std::string FolderDeleteResponseBytes = fromHex("03 01 6a 00 00 07 54 4c 03 34 00 01 01");

template <class T>
T decodeOk(Result<T> r) {
  if (!r) {
    FAIL(r.error().message());
  }
  return std::move(r).value();
}

// <Root>children</Root> on the FolderHierarchy page.
Document doc(Tag root, const std::function<void(WbxmlWriter&)>& children) {
  return build([&](WbxmlWriter& w) {
    w.start(root);
    children(w);
    w.end();
  });
}

// FolderSync response with Status 1, SyncKey 1 and Changes holding `changes`.
Document syncWithChanges(const std::function<void(WbxmlWriter&)>& changes) {
  return doc(F::FolderSync, [&](WbxmlWriter& w) {
    w.element(F::Status, "1");
    w.element(F::SyncKey, "1");
    w.start(F::Changes);
    changes(w);
    w.end();
  });
}

void addEntry(WbxmlWriter& w, std::string_view serverId, std::string_view parentId,
              std::string_view name, std::string_view type) {
  w.start(F::Add);
  if (!serverId.empty()) {
    w.element(F::ServerId, serverId);
  }
  if (!parentId.empty()) {
    w.element(F::ParentId, parentId);
  }
  if (!name.empty()) {
    w.element(F::DisplayName, name);
  }
  if (!type.empty()) {
    w.element(F::Type, type);
  }
  w.end();
}

const std::string LongId(65, 'k');

}  // namespace

TEST_CASE("FolderSync: vectors 7.3 and 7.18 exact bytes both ways", "[eas][message]") {
  CHECK(toHex(encode(FolderSyncRequest{})) == toHex(V3FolderSyncRequest));
  CHECK(decodeOk(decodeFolderSyncRequest(decodeOrFail(V3FolderSyncRequest))).syncKey == "0");

  FolderSyncResponse m;
  m.syncKey = "1";
  m.changes = std::vector<FolderChange>{
      {FolderChange::Kind::Add, "5", "0", "Inbox", FolderType::Inbox},
      {FolderChange::Kind::Add, "6", "0", "Calendar", FolderType::Calendar}};
  CHECK(toHex(encode(m)) == toHex(V10FolderSyncResponse));

  FolderSyncResponse d = decodeOk(decodeFolderSyncResponse(decodeOrFail(V10FolderSyncResponse)));
  CHECK(d.status == FolderSyncStatus::Success);
  CHECK(d.syncKey == "1");
  REQUIRE(d.changes.has_value());
  REQUIRE(d.changes->size() == 2);
  const FolderChange& cal = (*d.changes)[1];
  CHECK(cal.kind == FolderChange::Kind::Add);
  CHECK(cal.serverId == "6");
  CHECK(cal.parentId == "0");
  CHECK(cal.displayName == "Calendar");
  CHECK(cal.type == FolderType::Calendar);
  CHECK(classForType(cal.type) == ItemClass::Calendar);
}

TEST_CASE("FolderSync: Update and Delete entries match libwbxml", "[eas][message]") {
  FolderSyncResponse m;
  m.syncKey = "5";
  m.changes = std::vector<FolderChange>{
      {FolderChange::Kind::Update, "13", "5", "Archive", FolderType::UserMail},
      {FolderChange::Kind::Delete, "9", "", "", FolderType::UserGeneric}};
  CHECK(toHex(encode(m)) == toHex(FolderSyncUpdateDelete));
  FolderSyncResponse d = decodeOk(decodeFolderSyncResponse(decodeOrFail(FolderSyncUpdateDelete)));
  REQUIRE(d.changes->size() == 2);
  CHECK((*d.changes)[0].kind == FolderChange::Kind::Update);
  CHECK((*d.changes)[0].displayName == "Archive");
  CHECK((*d.changes)[1].kind == FolderChange::Kind::Delete);
  CHECK((*d.changes)[1].serverId == "9");
}

TEST_CASE("FolderSync: an error response has no SyncKey and no Changes", "[eas][message]") {
  FolderSyncResponse m;
  m.status = FolderSyncStatus::InvalidSyncKey;
  std::string bytes = encode(m);
  CHECK(toHex(bytes) == "03 01 6a 00 00 07 56 4c 03 39 00 01 01");
  FolderSyncResponse d = decodeOk(decodeFolderSyncResponse(decodeOrFail(bytes)));
  CHECK(d.status == FolderSyncStatus::InvalidSyncKey);
  CHECK_FALSE(d.syncKey.has_value());
  CHECK_FALSE(d.changes.has_value());
  CHECK(actionFor(d.status) == ClientAction::ResetSyncKey);

  // A success with an empty Changes (Count 0) keeps the element.
  FolderSyncResponse none;
  none.syncKey = "2";
  none.changes = std::vector<FolderChange>{};
  FolderSyncResponse d2 = decodeOk(decodeFolderSyncResponse(decodeOrFail(encode(none))));
  REQUIRE(d2.changes.has_value());
  CHECK(d2.changes->empty());
}

TEST_CASE("FolderCreate/Update/Delete: exact bytes both ways", "[eas][message]") {
  FolderCreateRequest create{"1", "0", "Projects", FolderType::UserMail};
  CHECK(toHex(encode(create)) == toHex(FolderCreateRequestBytes));
  FolderCreateRequest dc =
      decodeOk(decodeFolderCreateRequest(decodeOrFail(FolderCreateRequestBytes)));
  CHECK(dc.syncKey == "1");
  CHECK(dc.parentId == "0");
  CHECK(dc.displayName == "Projects");
  CHECK(dc.type == FolderType::UserMail);

  FolderCreateResponse created{FolderCreateStatus::Success, "2", "13"};
  CHECK(toHex(encode(created)) == toHex(FolderCreateResponseBytes));
  FolderCreateResponse dcr =
      decodeOk(decodeFolderCreateResponse(decodeOrFail(FolderCreateResponseBytes)));
  CHECK(dcr.syncKey == "2");
  CHECK(dcr.serverId == "13");

  FolderUpdateRequest update{"2", "13", "5", "Archive"};
  CHECK(toHex(encode(update)) == toHex(FolderUpdateRequestBytes));
  FolderUpdateRequest du =
      decodeOk(decodeFolderUpdateRequest(decodeOrFail(FolderUpdateRequestBytes)));
  CHECK(du.serverId == "13");
  CHECK(du.parentId == "5");
  CHECK(du.displayName == "Archive");

  FolderUpdateResponse updated{FolderUpdateStatus::Success, "3"};
  CHECK(toHex(encode(updated)) == toHex(FolderUpdateResponseBytes));
  CHECK(decodeOk(decodeFolderUpdateResponse(decodeOrFail(FolderUpdateResponseBytes))).syncKey ==
        "3");

  FolderDeleteRequest del{"3", "13"};
  CHECK(toHex(encode(del)) == toHex(FolderDeleteRequestBytes));
  FolderDeleteRequest dd =
      decodeOk(decodeFolderDeleteRequest(decodeOrFail(FolderDeleteRequestBytes)));
  CHECK(dd.syncKey == "3");
  CHECK(dd.serverId == "13");

  FolderDeleteResponse missing{FolderDeleteStatus::NotFound, std::nullopt};
  CHECK(toHex(encode(missing)) == toHex(FolderDeleteResponseBytes));
  FolderDeleteResponse ddr =
      decodeOk(decodeFolderDeleteResponse(decodeOrFail(FolderDeleteResponseBytes)));
  CHECK(ddr.status == FolderDeleteStatus::NotFound);
  CHECK(actionFor(ddr.status) == ClientAction::FolderSync);
}

TEST_CASE("folder types: names, classes and which a client may create", "[eas][message]") {
  std::set<std::string_view> names;
  for (uint32_t v = 1; v <= 19; ++v) {
    INFO("type " << v);
    REQUIRE(isFolderType(v));
    names.insert(describe(static_cast<FolderType>(v)));
  }
  CHECK(names.size() == 19);
  CHECK_FALSE(isFolderType(0));
  CHECK_FALSE(isFolderType(20));
  CHECK(describe(static_cast<FolderType>(20)) == "undefined folder type");
  CHECK(describe(FolderType::Inbox) == "default Inbox");
  CHECK(describe(FolderType::RecipientInfo) == "recipient information cache");

  CHECK(classForType(FolderType::Inbox) == ItemClass::Email);
  CHECK(classForType(FolderType::UserGeneric) == ItemClass::Email);
  CHECK(classForType(FolderType::UserMail) == ItemClass::Email);
  CHECK(classForType(FolderType::Tasks) == ItemClass::Tasks);
  CHECK(classForType(FolderType::UserCalendar) == ItemClass::Calendar);
  CHECK(classForType(FolderType::Contacts) == ItemClass::Contacts);
  CHECK(classForType(FolderType::UserNotes) == ItemClass::Notes);
  CHECK_FALSE(classForType(FolderType::Journal).has_value());
  CHECK_FALSE(classForType(FolderType::Unknown).has_value());
  CHECK_FALSE(classForType(FolderType::RecipientInfo).has_value());

  std::set<uint32_t> creatable;
  for (uint32_t v = 0; v <= 20; ++v) {
    if (isCreatableFolderType(v)) {
      creatable.insert(v);
    }
  }
  CHECK(creatable == std::set<uint32_t>{1, 12, 13, 14, 15, 16, 17});

  // Every type decodes in a FolderSync Add; 0 and 20 do not.
  for (uint32_t v = 0; v <= 20; ++v) {
    INFO("type " << v);
    Document d =
        syncWithChanges([&](WbxmlWriter& w) { addEntry(w, "5", "0", "X", std::to_string(v)); });
    auto r = decodeFolderSyncResponse(d);
    REQUIRE(r.ok() == isFolderType(v));
    if (r) {
      CHECK(static_cast<uint32_t>((*r->changes)[0].type) == v);
    } else {
      CHECK(r.error().code == ErrorCode::BadValue);
      CHECK(r.error().offset == d.root().child(F::Changes).child(F::Add).child(F::Type).offset());
    }
  }
}

TEST_CASE("folder statuses: every value decodes, with a description and an action",
          "[eas][message]") {
  for (uint32_t v = 0; v <= 255; ++v) {
    INFO("status " << v);
    const bool common = isCommonStatus(v);
    auto statusDoc = [&](Tag root) {
      return doc(root, [&](WbxmlWriter& w) {
        w.element(F::Status, std::to_string(v));
        w.element(F::SyncKey, "1");
        w.element(F::ServerId, "2");
      });
    };
    auto fs = decodeFolderSyncResponse(statusDoc(F::FolderSync));
    REQUIRE(fs.ok() == (isFolderSyncStatus(v) || common));
    auto fc = decodeFolderCreateResponse(statusDoc(F::FolderCreate));
    REQUIRE(fc.ok() == (isFolderCreateStatus(v) || common));
    auto fu = decodeFolderUpdateResponse(statusDoc(F::FolderUpdate));
    REQUIRE(fu.ok() == (isFolderUpdateStatus(v) || common));
    auto fd = decodeFolderDeleteResponse(statusDoc(F::FolderDelete));
    REQUIRE(fd.ok() == (isFolderDeleteStatus(v) || common));
    if (fs) {
      CHECK(static_cast<uint32_t>(fs->status) == v);
      CHECK(describe(fs->status) != "unknown status");
    } else {
      CHECK(fs.error().code == ErrorCode::BadValue);
    }
    if (fc) {
      CHECK(describe(fc->status) != "unknown status");
    }
    if (fu) {
      CHECK(describe(fu->status) != "unknown status");
    }
    if (fd) {
      CHECK(describe(fd->status) != "unknown status");
    }
  }
  // The value sets of MS-ASCMD 2.2.3.177.3-6 (8 and 12 accepted everywhere, see the header).
  std::set<uint32_t> sync, create, update, del;
  for (uint32_t v = 0; v < 100; ++v) {
    if (isFolderSyncStatus(v)) {
      sync.insert(v);
    }
    if (isFolderCreateStatus(v)) {
      create.insert(v);
    }
    if (isFolderUpdateStatus(v)) {
      update.insert(v);
    }
    if (isFolderDeleteStatus(v)) {
      del.insert(v);
    }
  }
  CHECK(sync == std::set<uint32_t>{1, 6, 8, 9, 10, 11, 12});
  CHECK(create == std::set<uint32_t>{1, 2, 3, 5, 6, 8, 9, 10, 11, 12});
  CHECK(update == std::set<uint32_t>{1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12});
  CHECK(del == std::set<uint32_t>{1, 3, 4, 6, 8, 9, 10, 11, 12});

  CHECK(actionFor(FolderSyncStatus::Success) == ClientAction::None);
  CHECK(actionFor(FolderSyncStatus::ServerError) == ClientAction::Retry);
  CHECK(actionFor(FolderSyncStatus::InvalidSyncKey) == ClientAction::ResetSyncKey);
  CHECK(actionFor(FolderSyncStatus::BadRequest) == ClientAction::FixRequest);
  CHECK(actionFor(FolderCreateStatus::AlreadyExists) == ClientAction::TellUser);
  CHECK(actionFor(FolderCreateStatus::ParentNotFound) == ClientAction::FolderSync);
  CHECK(actionFor(FolderUpdateStatus::NotFound) == ClientAction::FolderSync);
  CHECK(actionFor(FolderUpdateStatus::RecipientInfoFolder) == ClientAction::TellUser);
  CHECK(actionFor(FolderDeleteStatus::SpecialFolder) == ClientAction::TellUser);
  CHECK(actionFor(FolderDeleteStatus::InvalidSyncKey) == ClientAction::ResetSyncKey);
  CHECK(actionFor(fromCommon<FolderSyncStatus>(CommonStatus::InvalidPolicyKey)) ==
        ClientAction::Provision);
  CHECK(actionFor(fromCommon<FolderCreateStatus>(CommonStatus::ServerErrorRetryLater)) ==
        ClientAction::RetryLater);
  CHECK(describe(static_cast<FolderDeleteStatus>(2)) == "unknown status");
  CHECK(actionFor(static_cast<FolderUpdateStatus>(7)) == ClientAction::GiveUp);
}

TEST_CASE("FolderSync: every validation error", "[eas][message]") {
  SECTION("wrong root") {
    Document d = decodeOrFail(FolderCreateRequestBytes);
    Error e = errorOf(decodeFolderSyncRequest(d));
    CHECK(e.code == ErrorCode::UnexpectedElement);
    CHECK(e.offset == 6);
    CHECK(errorOf(decodeFolderSyncResponse(d)).code == ErrorCode::UnexpectedElement);
  }
  SECTION("request SyncKey missing, empty, too long") {
    Document none = doc(F::FolderSync, [](WbxmlWriter&) {});
    Error e = errorOf(decodeFolderSyncRequest(none));
    CHECK(e.code == ErrorCode::MissingElement);
    CHECK(e.offset == none.root().offset());
    for (const std::string& key : {std::string(), LongId}) {
      Document bad = doc(F::FolderSync, [&](WbxmlWriter& w) { w.element(F::SyncKey, key); });
      Error b = errorOf(decodeFolderSyncRequest(bad));
      CHECK(b.code == ErrorCode::BadValue);
      CHECK(b.offset == bad.root().child(F::SyncKey).offset());
    }
  }
  SECTION("response without Status, or with a bad one") {
    Document none = doc(F::FolderSync, [](WbxmlWriter& w) { w.element(F::SyncKey, "1"); });
    CHECK(errorOf(decodeFolderSyncResponse(none)).code == ErrorCode::MissingElement);
    Document bad = doc(F::FolderSync, [](WbxmlWriter& w) { w.element(F::Status, "ok"); });
    CHECK(errorOf(decodeFolderSyncResponse(bad)).code == ErrorCode::BadValue);
  }
  SECTION("success without SyncKey") {
    Document d = doc(F::FolderSync, [](WbxmlWriter& w) { w.element(F::Status, "1"); });
    Error e = errorOf(decodeFolderSyncResponse(d));
    CHECK(e.code == ErrorCode::MissingElement);
    CHECK(e.detail.find("FolderHierarchy:SyncKey") != std::string::npos);
  }
  SECTION("response SyncKey empty") {
    Document d = doc(F::FolderSync, [](WbxmlWriter& w) {
      w.element(F::Status, "1");
      w.empty(F::SyncKey);
    });
    CHECK(errorOf(decodeFolderSyncResponse(d)).code == ErrorCode::BadValue);
  }
  SECTION("Add missing each of its four children") {
    struct Case {
      const char* missing;
      std::string_view id, parent, name, type;
    };
    for (const Case& c :
         {Case{"ServerId", "", "0", "X", "2"}, Case{"ParentId", "5", "", "X", "2"},
          Case{"DisplayName", "5", "0", "", "2"}, Case{"Type", "5", "0", "X", ""}}) {
      INFO(c.missing);
      Document d =
          syncWithChanges([&](WbxmlWriter& w) { addEntry(w, c.id, c.parent, c.name, c.type); });
      Error e = errorOf(decodeFolderSyncResponse(d));
      CHECK(e.code == ErrorCode::MissingElement);
      CHECK(e.offset == d.root().child(F::Changes).child(F::Add).offset());
      CHECK(e.detail.find(c.missing) != std::string::npos);
    }
  }
  SECTION("Update missing DisplayName, Delete missing ServerId") {
    Document upd = syncWithChanges([](WbxmlWriter& w) {
      w.start(F::Update);
      w.element(F::ServerId, "5");
      w.element(F::ParentId, "0");
      w.element(F::Type, "12");
      w.end();
    });
    CHECK(errorOf(decodeFolderSyncResponse(upd)).code == ErrorCode::MissingElement);
    Document del = syncWithChanges([](WbxmlWriter& w) { w.empty(F::Delete); });
    Error e = errorOf(decodeFolderSyncResponse(del));
    CHECK(e.code == ErrorCode::MissingElement);
    CHECK(e.offset == del.root().child(F::Changes).child(F::Delete).offset());
  }
  SECTION("Type not a number") {
    Document d = syncWithChanges([](WbxmlWriter& w) { addEntry(w, "5", "0", "X", "Inbox"); });
    CHECK(errorOf(decodeFolderSyncResponse(d)).code == ErrorCode::BadValue);
  }
  SECTION("Count disagrees with the entries, or is not a number") {
    Document d = syncWithChanges([](WbxmlWriter& w) {
      w.element(F::Count, "3");
      addEntry(w, "5", "0", "X", "2");
    });
    Error e = errorOf(decodeFolderSyncResponse(d));
    CHECK(e.code == ErrorCode::BadValue);
    CHECK(e.offset == d.root().child(F::Changes).child(F::Count).offset());
    Document nan = syncWithChanges([](WbxmlWriter& w) { w.element(F::Count, "one"); });
    CHECK(errorOf(decodeFolderSyncResponse(nan)).code == ErrorCode::BadValue);
    Document right = syncWithChanges([](WbxmlWriter& w) {
      w.element(F::Count, "1");
      addEntry(w, "5", "0", "X", "2");
    });
    CHECK(decodeFolderSyncResponse(right).ok());
  }
}

TEST_CASE("FolderCreate/Update/Delete: every validation error", "[eas][message]") {
  auto createDoc = [](std::string_view key, std::string_view parent, std::string_view name,
                      std::string_view type) {
    return doc(F::FolderCreate, [&](WbxmlWriter& w) {
      if (!key.empty()) {
        w.element(F::SyncKey, key);
      }
      if (!parent.empty()) {
        w.element(F::ParentId, parent);
      }
      if (name != "-") {
        w.element(F::DisplayName, name);
      }
      if (!type.empty()) {
        w.element(F::Type, type);
      }
    });
  };
  SECTION("FolderCreate request") {
    CHECK(decodeFolderCreateRequest(createDoc("1", "0", "A", "13")).ok());
    CHECK(errorOf(decodeFolderCreateRequest(createDoc("", "0", "A", "13"))).code ==
          ErrorCode::MissingElement);
    CHECK(errorOf(decodeFolderCreateRequest(createDoc("1", "", "A", "13"))).code ==
          ErrorCode::MissingElement);
    CHECK(errorOf(decodeFolderCreateRequest(createDoc("1", "0", "-", "13"))).code ==
          ErrorCode::MissingElement);
    CHECK(errorOf(decodeFolderCreateRequest(createDoc("1", "0", "A", ""))).code ==
          ErrorCode::MissingElement);
    Document emptyName = createDoc("1", "0", "", "13");
    Error e = errorOf(decodeFolderCreateRequest(emptyName));
    CHECK(e.code == ErrorCode::BadValue);
    CHECK(e.offset == emptyName.root().child(F::DisplayName).offset());
    // A default folder type (2 = Inbox) cannot be created; 1 and 12..17 can.
    Document inbox = createDoc("1", "0", "A", "2");
    Error t = errorOf(decodeFolderCreateRequest(inbox));
    CHECK(t.code == ErrorCode::BadValue);
    CHECK(t.offset == inbox.root().child(F::Type).offset());
    CHECK(errorOf(decodeFolderCreateRequest(createDoc("1", "0", "A", "x"))).code ==
          ErrorCode::BadValue);
    CHECK(errorOf(decodeFolderCreateRequest(createDoc(LongId, "0", "A", "1"))).code ==
          ErrorCode::BadValue);
    CHECK(errorOf(decodeFolderCreateRequest(decodeOrFail(FolderUpdateRequestBytes))).code ==
          ErrorCode::UnexpectedElement);
  }
  SECTION("FolderCreate response") {
    Document noServerId = doc(F::FolderCreate, [](WbxmlWriter& w) {
      w.element(F::Status, "1");
      w.element(F::SyncKey, "2");
    });
    Error e = errorOf(decodeFolderCreateResponse(noServerId));
    CHECK(e.code == ErrorCode::MissingElement);
    CHECK(e.detail.find("ServerId") != std::string::npos);
    Document noKey = doc(F::FolderCreate, [](WbxmlWriter& w) {
      w.element(F::Status, "1");
      w.element(F::ServerId, "2");
    });
    CHECK(errorOf(decodeFolderCreateResponse(noKey)).code == ErrorCode::MissingElement);
    Document failed = doc(F::FolderCreate, [](WbxmlWriter& w) { w.element(F::Status, "2"); });
    auto r = decodeFolderCreateResponse(failed);
    REQUIRE(r.ok());
    CHECK(r->status == FolderCreateStatus::AlreadyExists);
    Document badId = doc(F::FolderCreate, [](WbxmlWriter& w) {
      w.element(F::Status, "1");
      w.element(F::SyncKey, "2");
      w.empty(F::ServerId);
    });
    CHECK(errorOf(decodeFolderCreateResponse(badId)).code == ErrorCode::BadValue);
    Document noStatus = doc(F::FolderCreate, [](WbxmlWriter&) {});
    CHECK(errorOf(decodeFolderCreateResponse(noStatus)).code == ErrorCode::MissingElement);
    CHECK(errorOf(decodeFolderCreateResponse(decodeOrFail(FolderDeleteResponseBytes))).code ==
          ErrorCode::UnexpectedElement);
  }
  SECTION("FolderUpdate request") {
    auto updateDoc = [](bool key, bool id, bool parent, std::string_view name) {
      return doc(F::FolderUpdate, [&](WbxmlWriter& w) {
        if (key) {
          w.element(F::SyncKey, "1");
        }
        if (id) {
          w.element(F::ServerId, "5");
        }
        if (parent) {
          w.element(F::ParentId, "0");
        }
        if (name != "-") {
          w.element(F::DisplayName, name);
        }
      });
    };
    CHECK(decodeFolderUpdateRequest(updateDoc(true, true, true, "A")).ok());
    CHECK(errorOf(decodeFolderUpdateRequest(updateDoc(false, true, true, "A"))).code ==
          ErrorCode::MissingElement);
    CHECK(errorOf(decodeFolderUpdateRequest(updateDoc(true, false, true, "A"))).code ==
          ErrorCode::MissingElement);
    CHECK(errorOf(decodeFolderUpdateRequest(updateDoc(true, true, false, "A"))).code ==
          ErrorCode::MissingElement);
    CHECK(errorOf(decodeFolderUpdateRequest(updateDoc(true, true, true, "-"))).code ==
          ErrorCode::MissingElement);
    CHECK(errorOf(decodeFolderUpdateRequest(updateDoc(true, true, true, ""))).code ==
          ErrorCode::BadValue);
    CHECK(errorOf(decodeFolderUpdateRequest(decodeOrFail(FolderDeleteRequestBytes))).code ==
          ErrorCode::UnexpectedElement);
  }
  SECTION("FolderUpdate response") {
    Document noKey = doc(F::FolderUpdate, [](WbxmlWriter& w) { w.element(F::Status, "1"); });
    CHECK(errorOf(decodeFolderUpdateResponse(noKey)).code == ErrorCode::MissingElement);
    Document badKey = doc(F::FolderUpdate, [](WbxmlWriter& w) {
      w.element(F::Status, "1");
      w.element(F::SyncKey, LongId);
    });
    CHECK(errorOf(decodeFolderUpdateResponse(badKey)).code == ErrorCode::BadValue);
    Document badStatus = doc(F::FolderUpdate, [](WbxmlWriter& w) { w.element(F::Status, "7"); });
    CHECK(errorOf(decodeFolderUpdateResponse(badStatus)).code == ErrorCode::BadValue);
    CHECK(errorOf(decodeFolderUpdateResponse(decodeOrFail(FolderCreateResponseBytes))).code ==
          ErrorCode::UnexpectedElement);
  }
  SECTION("FolderDelete request") {
    Document noId = doc(F::FolderDelete, [](WbxmlWriter& w) { w.element(F::SyncKey, "1"); });
    Error e = errorOf(decodeFolderDeleteRequest(noId));
    CHECK(e.code == ErrorCode::MissingElement);
    CHECK(e.offset == noId.root().offset());
    Document noKey = doc(F::FolderDelete, [](WbxmlWriter& w) { w.element(F::ServerId, "1"); });
    CHECK(errorOf(decodeFolderDeleteRequest(noKey)).code == ErrorCode::MissingElement);
    Document emptyId = doc(F::FolderDelete, [](WbxmlWriter& w) {
      w.element(F::SyncKey, "1");
      w.empty(F::ServerId);
    });
    CHECK(errorOf(decodeFolderDeleteRequest(emptyId)).code == ErrorCode::BadValue);
    CHECK(errorOf(decodeFolderDeleteRequest(decodeOrFail(V3FolderSyncRequest))).code ==
          ErrorCode::UnexpectedElement);
  }
  SECTION("FolderDelete response") {
    Document noKey = doc(F::FolderDelete, [](WbxmlWriter& w) { w.element(F::Status, "1"); });
    CHECK(errorOf(decodeFolderDeleteResponse(noKey)).code == ErrorCode::MissingElement);
    Document badKey = doc(F::FolderDelete, [](WbxmlWriter& w) {
      w.element(F::Status, "1");
      w.empty(F::SyncKey);
    });
    CHECK(errorOf(decodeFolderDeleteResponse(badKey)).code == ErrorCode::BadValue);
    Document noStatus = doc(F::FolderDelete, [](WbxmlWriter& w) { w.element(F::SyncKey, "1"); });
    CHECK(errorOf(decodeFolderDeleteResponse(noStatus)).code == ErrorCode::MissingElement);
    CHECK(errorOf(decodeFolderDeleteResponse(decodeOrFail(FolderUpdateResponseBytes))).code ==
          ErrorCode::UnexpectedElement);
  }
}
