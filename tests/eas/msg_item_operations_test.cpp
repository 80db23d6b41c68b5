// ItemOperations: Fetch (attachment, item), EmptyFolderContents, Move, multipart, every error.
#include <catch2/catch.hpp>
#include <string>
#include <variant>

#include "eas/message/item_operations.h"
#include "eas/wbxml/code_pages.h"
#include "tests/eas/message_test_util.h"

using namespace cradle::eas;
using namespace cradle::eas::testing;

namespace {

namespace IO = tag::ItemOperations;
namespace A = tag::AirSync;
namespace B = tag::AirSyncBase;

constexpr ProtocolVersion V14 = ProtocolVersion::V14_0;

ErrorCode requestError(const Document& doc) {
  return errorOf(decodeItemOperationsRequest(doc)).code;
}

ErrorCode responseError(const Document& doc) {
  return errorOf(decodeItemOperationsResponse(doc, V14)).code;
}

// <ItemOperations><Fetch>...</Fetch></ItemOperations>
Document fetch(const std::function<void(WbxmlWriter&)>& body) {
  return build([&](WbxmlWriter& w) {
    w.start(IO::ItemOperations);
    w.start(IO::Fetch);
    body(w);
    w.end();
    w.end();
  });
}

// A mailbox Fetch of item 5:1 with the given Options content.
Document fetchWithOptions(const std::function<void(WbxmlWriter&)>& options) {
  return fetch([&](WbxmlWriter& w) {
    w.element(IO::Store, "Mailbox");
    w.element(A::CollectionId, "5");
    w.element(A::ServerId, "5:1");
    w.start(IO::Options);
    options(w);
    w.end();
  });
}

// <ItemOperations><Status>1</Status><Response><Fetch>...</Fetch></Response></ItemOperations>
Document fetchResponse(const std::function<void(WbxmlWriter&)>& body) {
  return build([&](WbxmlWriter& w) {
    w.start(IO::ItemOperations);
    w.element(IO::Status, "1");
    w.start(IO::Response);
    w.start(IO::Fetch);
    body(w);
    w.end();
    w.end();
    w.end();
  });
}

Document propertiesResponse(const std::function<void(WbxmlWriter&)>& properties) {
  return fetchResponse([&](WbxmlWriter& w) {
    w.element(IO::Status, "1");
    w.element(B::FileReference, "5%3a1%3a0");
    w.start(IO::Properties);
    properties(w);
    w.end();
  });
}

}  // namespace

TEST_CASE("ItemOperations attachment fetch, exact bytes both ways", "[eas][message]") {
  // xml2wbxml -n -a of <ItemOperations><Fetch><Store>Mailbox</Store>
  // <airsyncbase:FileReference>5%3a1%3a0</airsyncbase:FileReference></Fetch></ItemOperations>.
  const std::string request = fromHex(
      "03 01 6a 00 00 14 45 46 47 03 4d 61 69 6c 62 6f 78 00 01 00 11 51 03 35 25 33 61 31 25 33 "
      "61 30 00 01 01 01");
  FetchRequest f;
  f.fileReference = "5%3a1%3a0";
  ItemOperationsRequest req{{f}};
  CHECK(toHex(encode(req)) == toHex(request));
  auto back = decodeWbxml(request, decodeItemOperationsRequest);
  REQUIRE(back.ok());
  CHECK(*back == req);

  // xml2wbxml -n -a of the response: Status 1, Fetch Status 1, FileReference, Properties with
  // airsyncbase:ContentType text/plain and Data SGVsbG8sIHdvcmxkIQ== ("Hello, world!").
  const std::string response = fromHex(
      "03 01 6a 00 00 14 45 4d 03 31 00 01 4e 46 4d 03 31 00 01 00 11 51 03 35 25 33 61 31 25 33 "
      "61 30 00 01 00 14 4b 00 11 57 03 74 65 78 74 2f 70 6c 61 69 6e 00 01 00 14 4c 03 53 47 56 "
      "73 62 47 38 73 49 48 64 76 63 6d 78 6b 49 51 3d 3d 00 01 01 01 01 01");
  FetchResponse fr;
  fr.fileReference = "5%3a1%3a0";
  fr.properties = FetchProperties{};
  fr.properties->contentType = "text/plain";
  fr.properties->data = "Hello, world!";
  ItemOperationsResponse resp{ItemOperationsStatus::Success, {fr}};
  CHECK(toHex(encode(resp, V14)) == toHex(response));
  auto decoded = decodeItemOperationsResponse(decodeOrFail(response), V14);
  REQUIRE(decoded.ok());
  CHECK(*decoded == resp);
}

TEST_CASE("ItemOperations item fetch and EmptyFolderContents", "[eas][message]") {
  // xml2wbxml -n -a: EmptyFolderContents of folder 9 with <DeleteSubFolders/>, then a Fetch of
  // 5:1 with Range 0-1023, MIMESupport 2 and a BodyPreference (Type 4, TruncationSize 5120).
  const std::string request = fromHex(
      "03 01 6a 00 00 14 45 52 00 00 52 03 39 00 01 00 14 48 13 01 01 46 47 03 4d 61 69 6c 62 6f "
      "78 00 01 00 00 52 03 35 00 01 4d 03 35 3a 31 00 01 00 14 48 49 03 30 2d 31 30 32 33 00 01 "
      "00 00 62 03 32 00 01 00 11 45 46 03 34 00 01 47 03 35 31 32 30 00 01 01 01 01 01");
  FetchRequest f;
  f.collectionId = "5";
  f.serverId = "5:1";
  f.options = FetchOptions{};
  f.options->range = "0-1023";
  f.options->mimeSupport = 2u;
  f.options->bodyPreferences.push_back(BodyPreference{BodyType::Mime, 5120u, {}, {}});
  ItemOperationsRequest req{{EmptyFolderContentsRequest{"9", true}, f}};
  CHECK(toHex(encode(req)) == toHex(request));
  auto back = decodeWbxml(request, decodeItemOperationsRequest);
  REQUIRE(back.ok());
  CHECK(*back == req);

  // xml2wbxml -n -a: the Fetch answer with Class Email and the item's fields in Properties
  // (Email:Subject Hi, From, Read 1, AirSyncBase:Body Type 1 size 5 "Hello"), then the
  // EmptyFolderContents answer.
  const std::string response = fromHex(
      "03 01 6a 00 00 14 45 4d 03 31 00 01 4e 46 4d 03 31 00 01 00 00 52 03 35 00 01 4d 03 35 3a "
      "31 00 01 50 03 45 6d 61 69 6c 00 01 00 14 4b 00 02 54 03 48 69 00 01 58 03 61 6e 6e 40 65 "
      "78 61 6d 70 6c 65 2e 63 6f 6d 00 01 55 03 31 00 01 00 11 4a 46 03 31 00 01 4c 03 35 00 01 "
      "4b 03 48 65 6c 6c 6f 00 01 01 01 01 00 14 52 4d 03 31 00 01 00 00 52 03 39 00 01 01 01 01");
  auto decoded = decodeItemOperationsResponse(decodeOrFail(response), V14);
  REQUIRE(decoded.ok());
  REQUIRE(decoded->responses.size() == 2);
  const auto& fetched = std::get<FetchResponse>(decoded->responses[0]);
  CHECK(fetched.collectionId == "5");
  CHECK(fetched.serverId == "5:1");
  CHECK(fetched.itemClass == ItemClass::Email);
  REQUIRE(fetched.properties);
  REQUIRE(fetched.properties->item);
  const auto& email = std::get<EmailItem>(*fetched.properties->item);
  CHECK(email.subject == "Hi");
  CHECK(email.from == "ann@example.com");
  CHECK(email.read == true);
  REQUIRE(email.body);
  CHECK(email.body->type == BodyType::PlainText);
  CHECK(email.body->data == "Hello");
  CHECK_FALSE(fetched.properties->data.has_value());
  const auto& emptied = std::get<EmptyFolderContentsResponse>(decoded->responses[1]);
  CHECK(emptied.status == ItemOperationsStatus::Success);
  CHECK(emptied.collectionId == "9");
  // Our encoding decodes to the same model.
  auto again = decodeItemOperationsResponse(decodeOrFail(encode(*decoded, V14)), V14);
  REQUIRE(again.ok());
  CHECK(*again == *decoded);
}

TEST_CASE("ItemOperations other fetch forms and Move round-trip", "[eas][message]") {
  FetchRequest byLongId;
  byLongId.longId = "RgAAAAD";
  byLongId.options = FetchOptions{};
  byLongId.options->schema = {tag::Email::Subject, tag::Email::From};
  byLongId.options->rightsManagementSupport = true;
  FetchRequest document;
  document.store = FetchStore::DocumentLibrary;
  document.linkId = "\\\\server\\share\\file.doc";
  document.options = FetchOptions{};
  document.options->userName = "ann";
  document.options->password = "secret";
  ConversationMoveRequest move{std::string("\x01\x02\x00\xff", 4), "7", true};
  ItemOperationsRequest req{{byLongId, document, move}};
  auto back = decodeWbxml(encode(req), decodeItemOperationsRequest);
  REQUIRE(back.ok());
  CHECK(*back == req);

  // Document fetch answer (Range, Total, Version, multipart Part) and the Move answer.
  FetchResponse doc;
  doc.linkId = document.linkId;
  doc.properties = FetchProperties{};
  doc.properties->range = "0-99";
  doc.properties->total = 1000u;
  doc.properties->part = 1u;
  doc.properties->version = "2009-03-20T11:52:04.000Z";
  FetchResponse contact;
  contact.collectionId = "3";
  contact.serverId = "3:1";
  contact.properties = FetchProperties{};
  ContactItem c;
  c.firstName = "Bob";
  contact.properties->item = c;  // no Class: the Contacts page says what it is
  ItemOperationsResponse resp{
      ItemOperationsStatus::Success,
      {doc, contact, ConversationMoveResponse{ItemOperationsStatus::Success, move.conversationId},
       FetchResponse{ItemOperationsStatus::InvalidAttachment, {}, {}, {}, {}, "x", {}, {}}}};
  auto decoded = decodeItemOperationsResponse(decodeOrFail(encode(resp, V14)), V14);
  REQUIRE(decoded.ok());
  CHECK(*decoded == resp);
  // A top-level failure without Response.
  ItemOperationsResponse failed{ItemOperationsStatus::ProtocolError, {}};
  decoded = decodeItemOperationsResponse(decodeOrFail(encode(failed, V14)), V14);
  REQUIRE(decoded.ok());
  CHECK(*decoded == failed);
  // Data as OPAQUE (some servers) and base64 with line breaks are both accepted.
  auto opaque =
      decodeItemOperationsResponse(propertiesResponse([](WbxmlWriter& w) {
                                     w.opaqueElement(IO::Data, std::string("raw\x00bytes", 9));
                                   }),
                                   V14);
  REQUIRE(opaque.ok());
  CHECK(std::get<FetchResponse>(opaque->responses[0]).properties->data ==
        std::string("raw\x00bytes", 9));
  auto wrapped = decodeItemOperationsResponse(
      propertiesResponse([](WbxmlWriter& w) { w.element(IO::Data, "SGVs\r\nbG8="); }), V14);
  REQUIRE(wrapped.ok());
  CHECK(std::get<FetchResponse>(wrapped->responses[0]).properties->data == "Hello");
  // Store is matched without regard to case.
  auto lower = decodeItemOperationsRequest(fetch([](WbxmlWriter& w) {
    w.element(IO::Store, "mailbox");
    w.element(B::FileReference, "x");
  }));
  REQUIRE(lower.ok());
  CHECK(toString(FetchStore::Mailbox) == "Mailbox");
  CHECK(toString(FetchStore::DocumentLibrary) == "DocumentLibrary");
}

TEST_CASE("ItemOperations request errors", "[eas][message]") {
  SECTION("structure") {
    CHECK(requestError(build([](WbxmlWriter& w) { w.empty(IO::Fetch); })) ==
          ErrorCode::UnexpectedElement);
    CHECK(requestError(build([](WbxmlWriter& w) { w.empty(IO::ItemOperations); })) ==
          ErrorCode::MissingElement);
    CHECK(requestError(build([](WbxmlWriter& w) {
            w.start(IO::ItemOperations);
            w.element(IO::Status, "1");
            w.end();
          })) == ErrorCode::UnexpectedElement);
  }
  SECTION("Fetch") {
    CHECK(requestError(fetch([](WbxmlWriter& w) { w.element(B::FileReference, "x"); })) ==
          ErrorCode::MissingElement);  // Store
    CHECK(requestError(fetch([](WbxmlWriter& w) { w.element(IO::Store, "Mailbox"); })) ==
          ErrorCode::MissingElement);  // nothing named
    CHECK(requestError(fetch([](WbxmlWriter& w) {
            w.element(IO::Store, "PublicFolders");
            w.element(B::FileReference, "x");
          })) == ErrorCode::BadValue);
    CHECK(requestError(fetch([](WbxmlWriter& w) {
            w.element(IO::Store, "Mailbox");
            w.element(A::ServerId, "5:1");
          })) == ErrorCode::MissingElement);
    CHECK(requestError(fetch([](WbxmlWriter& w) {
            w.element(IO::Store, "Mailbox");
            w.element(A::CollectionId, "5");
          })) == ErrorCode::MissingElement);
    CHECK(requestError(fetch([](WbxmlWriter& w) {
            w.element(IO::Store, "Mailbox");
            w.element(B::FileReference, "x");
            w.element(tag::Search::LongId, "y");
          })) == ErrorCode::BadValue);
    CHECK(requestError(fetch([](WbxmlWriter& w) {
            w.element(IO::Store, "Mailbox");
            w.element(tag::DocumentLibrary::LinkId, "\\\\s\\f");
          })) == ErrorCode::BadValue);
    CHECK(requestError(fetch([](WbxmlWriter& w) {
            w.element(IO::Store, "DocumentLibrary");
            w.element(B::FileReference, "x");
          })) == ErrorCode::BadValue);
    CHECK(requestError(fetch([](WbxmlWriter& w) {
            w.element(IO::Store, "Mailbox");
            w.element(B::FileReference, "x");
            w.element(B::FileReference, "y");
          })) == ErrorCode::UnexpectedElement);
    CHECK(requestError(fetch([](WbxmlWriter& w) {
            w.element(IO::Store, "Mailbox");
            w.element(B::FileReference, "x");
            w.element(IO::Total, "1");
          })) == ErrorCode::UnexpectedElement);
  }
  SECTION("Options") {
    for (const char* range : {"", "10", "5-", "-5", "9-1", "a-b", "1-2-3"}) {
      CHECK(requestError(fetchWithOptions(
                [range](WbxmlWriter& w) { w.element(IO::Range, range); })) == ErrorCode::BadValue);
    }
    CHECK(requestError(fetchWithOptions([](WbxmlWriter& w) { w.element(A::MIMESupport, "3"); })) ==
          ErrorCode::BadValue);
    CHECK(requestError(fetchWithOptions([](WbxmlWriter& w) {
            w.element(tag::RightsManagement::RightsManagementSupport, "2");
          })) == ErrorCode::BadValue);
    CHECK(requestError(fetchWithOptions([](WbxmlWriter& w) {
            w.start(B::BodyPreference);
            w.element(B::TruncationSize, "10");
            w.end();
          })) == ErrorCode::MissingElement);
    CHECK(requestError(fetchWithOptions([](WbxmlWriter& w) { w.element(A::FilterType, "1"); })) ==
          ErrorCode::UnexpectedElement);
    CHECK(requestError(fetchWithOptions([](WbxmlWriter& w) {
            w.element(IO::Range, "0-1");
            w.element(IO::Range, "0-1");
          })) == ErrorCode::UnexpectedElement);
    // BodyPartPreference is skipped, BodyPreference may repeat.
    auto ok = decodeItemOperationsRequest(fetchWithOptions([](WbxmlWriter& w) {
      w.start(B::BodyPreference);
      w.element(B::Type, "1");
      w.end();
      w.start(B::BodyPreference);
      w.element(B::Type, "2");
      w.end();
      w.start(B::BodyPartPreference);
      w.element(B::Type, "2");
      w.end();
    }));
    REQUIRE(ok.ok());
    CHECK(std::get<FetchRequest>(ok->operations[0]).options->bodyPreferences.size() == 2);
  }
  SECTION("EmptyFolderContents and Move") {
    auto op = [](Tag t, const std::function<void(WbxmlWriter&)>& body) {
      return build([&](WbxmlWriter& w) {
        w.start(IO::ItemOperations);
        w.start(t);
        body(w);
        w.end();
        w.end();
      });
    };
    CHECK(requestError(op(IO::EmptyFolderContents, [](WbxmlWriter&) {})) ==
          ErrorCode::MissingElement);
    CHECK(requestError(op(IO::EmptyFolderContents, [](WbxmlWriter& w) {
            w.element(A::CollectionId, "9");
            w.start(IO::Options);
            w.element(IO::DeleteSubFolders, "1");
            w.end();
          })) == ErrorCode::BadValue);
    CHECK(requestError(op(IO::EmptyFolderContents, [](WbxmlWriter& w) {
            w.element(A::CollectionId, "9");
            w.start(IO::Options);
            w.empty(IO::MoveAlways);
            w.end();
          })) == ErrorCode::UnexpectedElement);
    CHECK(requestError(op(IO::Move, [](WbxmlWriter& w) { w.element(IO::DstFldId, "7"); })) ==
          ErrorCode::MissingElement);
    CHECK(requestError(op(IO::Move, [](WbxmlWriter& w) {
            w.opaqueElement(IO::ConversationId, "abc");
          })) == ErrorCode::MissingElement);
    CHECK(requestError(op(IO::Move, [](WbxmlWriter& w) {
            w.opaqueElement(IO::ConversationId, "abc");
            w.element(IO::DstFldId, "7");
            w.start(IO::Options);
            w.element(IO::MoveAlways, "yes");
            w.end();
          })) == ErrorCode::BadValue);
    CHECK(requestError(op(IO::Move, [](WbxmlWriter& w) {
            w.opaqueElement(IO::ConversationId, "abc");
            w.element(IO::DstFldId, "7");
            w.start(IO::Options);
            w.empty(IO::DeleteSubFolders);
            w.end();
          })) == ErrorCode::UnexpectedElement);
  }
}

TEST_CASE("ItemOperations response errors", "[eas][message]") {
  CHECK(responseError(build([](WbxmlWriter& w) { w.empty(IO::ItemOperations); })) ==
        ErrorCode::MissingElement);
  CHECK(responseError(build([](WbxmlWriter& w) {
          w.start(IO::ItemOperations);
          w.element(IO::Status, "13");  // undefined
          w.end();
        })) == ErrorCode::BadValue);
  CHECK(responseError(build([](WbxmlWriter& w) {
          w.start(IO::ItemOperations);
          w.element(IO::Status, "1");
          w.start(IO::Response);
          w.empty(IO::Store);
          w.end();
          w.end();
        })) == ErrorCode::UnexpectedElement);
  CHECK(responseError(build([](WbxmlWriter& w) {
          w.start(IO::ItemOperations);
          w.element(IO::Status, "1");
          w.element(IO::Total, "1");
          w.end();
        })) == ErrorCode::UnexpectedElement);
  CHECK(responseError(fetchResponse([](WbxmlWriter& w) { w.element(B::FileReference, "x"); })) ==
        ErrorCode::MissingElement);
  CHECK(responseError(fetchResponse([](WbxmlWriter& w) {
          w.element(IO::Status, "1");
          w.element(A::Class, "Mail");
        })) == ErrorCode::BadValue);
  CHECK(responseError(fetchResponse([](WbxmlWriter& w) {
          w.element(IO::Status, "1");
          w.element(A::Class, "Notes");
          w.start(IO::Properties);
          w.element(tag::Notes::Subject, "n");
          w.end();
        })) == ErrorCode::BadValue);  // no typed record for Notes
  CHECK(responseError(fetchResponse([](WbxmlWriter& w) {
          w.element(IO::Status, "1");
          w.element(IO::Status, "1");
        })) == ErrorCode::UnexpectedElement);
  // Properties.
  CHECK(responseError(propertiesResponse(
            [](WbxmlWriter& w) { w.element(IO::Data, "not base64!"); })) == ErrorCode::BadValue);
  CHECK(responseError(propertiesResponse([](WbxmlWriter& w) { w.element(IO::Total, "-1"); })) ==
        ErrorCode::BadValue);
  CHECK(responseError(propertiesResponse([](WbxmlWriter& w) { w.element(IO::Part, "x"); })) ==
        ErrorCode::BadValue);
  CHECK(responseError(propertiesResponse([](WbxmlWriter& w) { w.element(IO::Range, "9-1"); })) ==
        ErrorCode::BadValue);
  CHECK(responseError(propertiesResponse([](WbxmlWriter& w) {
          w.element(IO::Data, "SGk=");
          w.element(tag::Email::Subject, "Hi");
        })) == ErrorCode::BadValue);
  CHECK(responseError(propertiesResponse([](WbxmlWriter& w) {
          w.element(IO::Data, "SGk=");
          w.element(IO::Data, "SGk=");
        })) == ErrorCode::UnexpectedElement);
  CHECK(responseError(propertiesResponse(
            [](WbxmlWriter& w) { w.element(tag::Email::Read, "maybe"); })) == ErrorCode::BadValue);
  // Move and EmptyFolderContents answers need their Status.
  CHECK(responseError(build([](WbxmlWriter& w) {
          w.start(IO::ItemOperations);
          w.element(IO::Status, "1");
          w.start(IO::Response);
          w.start(IO::Move);
          w.opaqueElement(IO::ConversationId, "c");
          w.end();
          w.end();
          w.end();
        })) == ErrorCode::MissingElement);
  CHECK(responseError(build([](WbxmlWriter& w) {
          w.start(IO::ItemOperations);
          w.element(IO::Status, "1");
          w.start(IO::Response);
          w.start(IO::EmptyFolderContents);
          w.element(A::CollectionId, "9");
          w.element(A::ServerId, "9:1");
          w.end();
          w.end();
          w.end();
        })) == ErrorCode::UnexpectedElement);
  // A common status in place of an ItemOperations one.
  auto common = decodeItemOperationsResponse(build([](WbxmlWriter& w) {
                                               w.start(IO::ItemOperations);
                                               w.element(IO::Status, "155");
                                               w.end();
                                             }),
                                             V14);
  REQUIRE(common.ok());
  CHECK(asCommon(common->status).has_value());
  CHECK(describe(common->status) ==
        describe(CommonStatus::MoveCommandDisallowedForNonPersistentMoveAction));
}

TEST_CASE("ItemOperations statuses all have a description and an action", "[eas][message]") {
  int defined = 0;
  for (uint32_t v = 0; v < 100; ++v) {
    if (!isItemOperationsStatus(v)) {
      continue;
    }
    ++defined;
    auto s = static_cast<ItemOperationsStatus>(v);
    CHECK(describe(s) != "unknown status");
    CHECK_FALSE(describe(s).empty());
  }
  CHECK(defined == 17);
  CHECK_FALSE(isItemOperationsStatus(13));
  CHECK(actionFor(ItemOperationsStatus::Success) == ClientAction::None);
  CHECK(actionFor(ItemOperationsStatus::ProtocolError) == ClientAction::FixRequest);
  CHECK(actionFor(ItemOperationsStatus::ServerError) == ClientAction::RetryLater);
  CHECK(actionFor(ItemOperationsStatus::DocumentLibraryAccessDenied) == ClientAction::TellUser);
  CHECK(actionFor(ItemOperationsStatus::ConversionFailed) == ClientAction::GiveUp);
  CHECK(actionFor(ItemOperationsStatus::InvalidAttachment) == ClientAction::Sync);
  CHECK(actionFor(ItemOperationsStatus::CredentialsRequired) == ClientAction::AskPassword);
  CHECK(actionFor(ItemOperationsStatus::FileEmpty) == ClientAction::None);
  CHECK(actionFor(static_cast<ItemOperationsStatus>(13)) == ClientAction::GiveUp);
  CHECK(describe(static_cast<ItemOperationsStatus>(13)) == "unknown status");
  CHECK(actionFor(static_cast<ItemOperationsStatus>(111)) == ClientAction::RetryLater);
}

TEST_CASE("ItemOperations multipart bodies", "[eas][message]") {
  const std::string wbxml = fromHex("03 01 6a 00 00 14 45 4d 03 31 00 01 01");
  std::string body = encodeMultiPart({wbxml, "Hello", ""});
  // Count 3, then (offset, length) pairs little-endian: header is 4 + 3 * 8 = 28 bytes.
  CHECK(toHex(body.substr(0, 28)) ==
        "03 00 00 00 1c 00 00 00 0d 00 00 00 29 00 00 00 05 00 00 00 2e 00 00 00 00 00 00 00");
  auto parts = decodeMultiPart(body);
  REQUIRE(parts.ok());
  REQUIRE(parts->size() == 3);
  CHECK((*parts)[0] == wbxml);
  CHECK((*parts)[1] == "Hello");
  CHECK((*parts)[2].empty());

  auto error = [](std::string_view b) { return errorOf(decodeMultiPart(b)); };
  CHECK(error("").code == ErrorCode::BadValue);
  CHECK(error(std::string("\x01\x00\x00", 3)).code == ErrorCode::BadValue);
  CHECK(error(std::string("\x00\x00\x00\x00", 4)).code == ErrorCode::BadValue);  // no parts
  // A count far beyond what the body can hold (no allocation for it).
  CHECK(error(std::string("\xff\xff\xff\x7f\x00\x00\x00\x00\x00\x00\x00\x00", 12)).code ==
        ErrorCode::BadValue);
  // A part running past the end, and one overlapping the header.
  std::string past = body;
  past[12] = 0x7f;  // second part at offset 127
  CHECK(error(past).offset == 12);
  std::string inHeader = body;
  inHeader[4] = 0x00;  // first part at offset 0
  CHECK(error(inHeader).offset == 4);
  std::string huge = body;
  huge[4] = '\xff';
  huge[5] = '\xff';
  huge[6] = '\xff';
  huge[7] = '\xff';  // offset 2^32-1: the sum must not wrap
  CHECK(error(huge).code == ErrorCode::BadValue);
}
