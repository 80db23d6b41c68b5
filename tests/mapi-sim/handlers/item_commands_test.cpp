// GetItemEstimate, MoveItems and ItemOperations against a real mailbox.
#include "eas/message/get_item_estimate.h"
#include "eas/message/item_operations.h"
#include "eas/message/move_items.h"
#include "tests/mapi-sim/handlers/handler_fixture.h"

namespace mapisim::test {
namespace {

eas::GetItemEstimateResponse estimate(HandlerFixture& f, ProtocolVersion v,
                                      std::vector<eas::GetItemEstimateCollection> collections) {
  eas::GetItemEstimateRequest req;
  req.version = v;
  req.collections = std::move(collections);
  CommandReply reply =
      f.call(&handleGetItemEstimate, eas::Command::GetItemEstimate, v, eas::encode(req));
  auto doc = eas::Document::decode(reply.body);
  REQUIRE(doc.ok());
  auto decoded = eas::decodeGetItemEstimateResponse(*doc, v);
  REQUIRE(decoded.ok());
  return std::move(decoded).value();
}

eas::GetItemEstimateCollection gie(ProtocolVersion v, const std::string& id, const std::string& key,
                                   ItemClass itemClass = ItemClass::Email) {
  eas::GetItemEstimateCollection c;
  c.collectionId = id;
  c.syncKey = key;
  if (!eas::atLeast(v, ProtocolVersion::V14_0)) {
    c.itemClass = itemClass;
  }
  return c;
}

eas::MoveItemsResponse move(HandlerFixture& f, std::vector<eas::MoveItem> moves) {
  eas::MoveItemsRequest req{std::move(moves)};
  CommandReply reply =
      f.call(&handleMoveItems, eas::Command::MoveItems, ProtocolVersion::V12_1, eas::encode(req));
  auto decoded = eas::decodeWbxml(reply.body, &eas::decodeMoveItemsResponse);
  REQUIRE(decoded.ok());
  return std::move(decoded).value();
}

struct ItemOpsResult {
  CommandReply reply;
  eas::ItemOperationsResponse response;
};

ItemOpsResult itemOperations(HandlerFixture& f, const eas::ItemOperationsRequest& req,
                             bool multipart = false) {
  const ProtocolVersion v = ProtocolVersion::V14_1;
  eas::EasRequest query;
  query.acceptMultiPart = multipart;
  CommandReply reply =
      f.call(&handleItemOperations, eas::Command::ItemOperations, v, eas::encode(req), query);
  std::string_view wbxml = reply.body;
  if (multipart) {
    auto parts = eas::decodeMultiPart(reply.body);
    REQUIRE(parts.ok());
    REQUIRE_FALSE(parts->empty());
    wbxml = parts->front();
  }
  auto doc = eas::Document::decode(wbxml);
  REQUIRE(doc.ok());
  auto decoded = eas::decodeItemOperationsResponse(*doc, v);
  REQUIRE(decoded.ok());
  return {reply, std::move(decoded).value()};
}

const std::string AttachmentMime =
    "From: carol@example.org\r\n"
    "To: ann@example.com\r\n"
    "Subject: Photo\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"xx\"\r\n"
    "\r\n"
    "--xx\r\n"
    "Content-Type: text/plain\r\n"
    "\r\n"
    "Here it is.\r\n"
    "--xx\r\n"
    "Content-Type: application/octet-stream; name=\"blob.bin\"\r\n"
    "Content-Disposition: attachment; filename=\"blob.bin\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "AAECAwQFBgcICQ==\r\n"
    "--xx--\r\n";
const std::string Blob("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09", 10);

}  // namespace

TEST_CASE("GetItemEstimate counts what the next Sync would send", "[mapi-sim][handlers]") {
  const ProtocolVersion v = GENERATE(ProtocolVersion::V12_1, ProtocolVersion::V14_1);
  HandlerFixture f;
  for (int i = 0; i < 3; ++i) {
    f.deliver("m" + std::to_string(i));
  }
  const std::string inbox = f.folderId(FolderType::Inbox);

  auto notPrimed = estimate(f, v, {gie(v, inbox, "0")});
  REQUIRE(notPrimed.responses.size() == 1);
  CHECK(notPrimed.responses[0].status == eas::GetItemEstimateStatus::SyncStateNotPrimed);

  const std::string key = f.prime(v, inbox);
  auto r = estimate(f, v, {gie(v, inbox, key), gie(v, "4242", key), gie(v, inbox, "nope")});
  REQUIRE(r.responses.size() == 3);
  CHECK(r.responses[0].status == eas::GetItemEstimateStatus::Success);
  CHECK(r.responses[0].collectionId == inbox);
  CHECK(r.responses[0].estimate == 3u);
  CHECK(r.responses[1].status == eas::GetItemEstimateStatus::InvalidCollection);
  CHECK(r.responses[2].status == eas::GetItemEstimateStatus::InvalidSyncKey);

  auto c = f.collection(v, inbox, key);
  c.windowSize = 2;
  auto synced = f.syncOne(v, c);
  CHECK(estimate(f, v, {gie(v, inbox, synced.syncKey)}).responses[0].estimate == 1u);
}

TEST_CASE("MoveItems moves mail and answers each move", "[mapi-sim][handlers]") {
  HandlerFixture f;
  const ItemRecord mail = f.deliver("move me");
  const ItemRecord other = f.deliver("stay");
  const std::string inbox = f.folderId(FolderType::Inbox);
  auto archive = f.mailbox->createFolder(f.user.id, "0", "Archive", FolderType::UserMail);
  REQUIRE(archive.ok());

  // The device holds both mails in its Inbox state and syncs the archive too.
  const ProtocolVersion v = ProtocolVersion::V12_1;
  std::string inboxKey = f.syncOne(v, f.collection(v, inbox, f.prime(v, inbox))).syncKey;
  std::string archiveKey = f.prime(v, archive->serverId);

  auto r = move(
      f, {eas::MoveItem{mail.serverId, inbox, archive->serverId},
          eas::MoveItem{"1:999", inbox, archive->serverId},
          eas::MoveItem{other.serverId, inbox, "4242"}, eas::MoveItem{other.serverId, inbox, inbox},
          eas::MoveItem{other.serverId, inbox, f.folderId(FolderType::Calendar)}});
  REQUIRE(r.responses.size() == 5);
  CHECK(r.responses[0].status == eas::MoveItemsStatus::Success);
  REQUIRE(r.responses[0].dstMsgId);
  auto moved = f.mailbox->item(f.user.id, *r.responses[0].dstMsgId);
  REQUIRE(moved);
  CHECK(moved->folderId == archive->id);
  CHECK_FALSE(f.mailbox->item(f.user.id, mail.serverId));
  CHECK(r.responses[1].status == eas::MoveItemsStatus::InvalidSourceId);
  CHECK(r.responses[2].status == eas::MoveItemsStatus::InvalidDestinationId);
  CHECK(r.responses[3].status == eas::MoveItemsStatus::SameSourceAndDestination);
  CHECK(r.responses[4].status == eas::MoveItemsStatus::CannotMove);

  // The device moved it itself: neither a Delete in the Inbox nor an Add in the archive.
  CHECK(f.syncOne(v, f.collection(v, inbox, inboxKey)).commands.empty());
  CHECK(f.syncOne(v, f.collection(v, archive->serverId, archiveKey)).commands.empty());
}

TEST_CASE("ItemOperations fetches an item and an attachment", "[mapi-sim][handlers]") {
  HandlerFixture f;
  const ItemRecord mail = f.deliverMime(AttachmentMime);
  const std::string inbox = f.folderId(FolderType::Inbox);

  eas::FetchRequest byId;
  byId.collectionId = inbox;
  byId.serverId = mail.serverId;
  byId.options.emplace();
  eas::BodyPreference p;
  p.type = eas::BodyType::PlainText;
  byId.options->bodyPreferences = {p};
  eas::FetchRequest missing;
  missing.collectionId = inbox;
  missing.serverId = inbox + ":999";

  auto r = itemOperations(f, eas::ItemOperationsRequest{{byId, missing}});
  CHECK(r.response.status == eas::ItemOperationsStatus::Success);
  REQUIRE(r.response.responses.size() == 2);
  const auto& item = std::get<eas::FetchResponse>(r.response.responses[0]);
  CHECK(item.status == eas::ItemOperationsStatus::Success);
  CHECK(item.serverId == mail.serverId);
  REQUIRE(item.properties);
  REQUIRE(item.properties->item);
  const auto& e = appData<eas::EmailItem>(*item.properties->item);
  CHECK(e.subject == "Photo");
  REQUIRE(e.body);
  CHECK(e.body->data.value_or("").find("Here it is.") != std::string::npos);
  REQUIRE(e.attachments.size() == 1);
  const std::string ref = e.attachments[0].fileReference;
  CHECK(std::get<eas::FetchResponse>(r.response.responses[1]).status ==
        eas::ItemOperationsStatus::DocumentLibraryNotFound);

  eas::FetchRequest attachment;
  attachment.fileReference = ref;
  eas::FetchRequest badRef;
  badRef.fileReference = mail.serverId + ":7";
  auto a = itemOperations(f, eas::ItemOperationsRequest{{attachment, badRef}});
  REQUIRE(a.response.responses.size() == 2);
  const auto& got = std::get<eas::FetchResponse>(a.response.responses[0]);
  CHECK(got.status == eas::ItemOperationsStatus::Success);
  CHECK(got.fileReference == ref);
  REQUIRE(got.properties);
  CHECK(got.properties->contentType == "application/octet-stream");
  CHECK(got.properties->data == Blob);
  CHECK(got.properties->total == Blob.size());
  CHECK(std::get<eas::FetchResponse>(a.response.responses[1]).status ==
        eas::ItemOperationsStatus::InvalidAttachment);

  SECTION("a byte range") {
    eas::FetchRequest ranged = attachment;
    ranged.options.emplace();
    ranged.options->range = "2-4";
    auto rr = itemOperations(f, eas::ItemOperationsRequest{{ranged}});
    const auto& part = std::get<eas::FetchResponse>(rr.response.responses[0]);
    REQUIRE(part.properties);
    CHECK(part.properties->data == Blob.substr(2, 3));
    CHECK(part.properties->range == "2-4");
  }
  SECTION("multipart: the bytes in a part of their own") {
    auto m = itemOperations(f, eas::ItemOperationsRequest{{attachment}}, true);
    CHECK(m.reply.contentType == "application/vnd.ms-sync.multipart");
    const auto& fetched = std::get<eas::FetchResponse>(m.response.responses[0]);
    REQUIRE(fetched.properties);
    CHECK_FALSE(fetched.properties->data);
    REQUIRE(fetched.properties->part == 1u);
    auto parts = eas::decodeMultiPart(m.reply.body);
    REQUIRE(parts.ok());
    REQUIRE(parts->size() == 2);
    CHECK(std::string((*parts)[1]) == Blob);
  }
}

TEST_CASE("ItemOperations EmptyFolderContents deletes the folder's items", "[mapi-sim][handlers]") {
  HandlerFixture f;
  const ItemRecord mail = f.deliver("junk");
  auto trash = f.folderId(FolderType::DeletedItems);
  REQUIRE(f.mailbox->moveItem(f.user.id, mail.serverId, trash).ok());
  eas::EmptyFolderContentsRequest empty;
  empty.collectionId = trash;
  auto r = itemOperations(f, eas::ItemOperationsRequest{{empty}});
  REQUIRE(r.response.responses.size() == 1);
  CHECK(std::get<eas::EmptyFolderContentsResponse>(r.response.responses[0]).status ==
        eas::ItemOperationsStatus::Success);
  CHECK(f.mailbox->items(f.folderRow(FolderType::DeletedItems)).empty());
}

}  // namespace mapisim::test

namespace mapisim::test {

TEST_CASE("GetAttachment (12.1) returns the bytes the AttName names", "[mapi-sim][handlers]") {
  HandlerFixture f;
  const ItemRecord mail = f.deliverMime(AttachmentMime);
  const std::string inbox = f.folderId(FolderType::Inbox);
  const ProtocolVersion v = ProtocolVersion::V12_1;
  eas::SyncOptions o;
  auto r = f.syncOne(v, f.collection(v, inbox, f.prime(v, inbox, o)));
  const auto& e = appData<eas::EmailItem>(command<eas::SyncServerAdd>(r, 0).data);
  REQUIRE(e.attachments.size() == 1);

  eas::EasRequest query;
  query.attachmentName = e.attachments[0].fileReference;
  CommandReply ok = f.call(&handleGetAttachment, eas::Command::GetAttachment, v, "", query);
  CHECK(ok.outcome.status == eas::HttpStatus::Ok);
  CHECK(ok.contentType == "application/octet-stream");
  CHECK(ok.body == Blob);

  query.attachmentName = mail.serverId + ":5";
  CommandReply missing = f.call(&handleGetAttachment, eas::Command::GetAttachment, v, "", query);
  CHECK(missing.outcome.status == eas::HttpStatus::InternalServerError);
}

}  // namespace mapisim::test
