// MoveItems: exact bytes, every status value (success is 3), every validation error.
#include <catch2/catch.hpp>
#include <string>

#include "eas/message/move_items.h"
#include "eas/wbxml/code_pages.h"
#include "tests/eas/message_test_util.h"

using namespace cradle::eas;
using namespace cradle::eas::testing;

namespace M = cradle::eas::tag::Move;

namespace {

// Made here with `xml2wbxml -n -a -v 1.3` from
// <MoveItems xmlns="Move:"><Move><SrcMsgId>5:1</SrcMsgId><SrcFldId>5</SrcFldId>
// <DstFldId>7</DstFldId></Move></MoveItems>
const std::string MoveRequestBytes =
    fromHex("03 01 6a 00 00 05 45 46 47 03 35 3a 31 00 01 48 03 35 00 01 49 03 37 00 01 01 01");
// Made here with `xml2wbxml -n -a -v 1.3` from
// <MoveItems xmlns="Move:"><Response><SrcMsgId>5:1</SrcMsgId><Status>3</Status>
// <DstMsgId>7:1</DstMsgId></Response></MoveItems>
const std::string MoveResponseBytes = fromHex(
    "03 01 6a 00 00 05 45 4a 47 03 35 3a 31 00 01 4b 03 33 00 01 4c 03 37 3a 31 00 01 01 01");

template <class T>
T decodeOk(Result<T> r) {
  if (!r) {
    FAIL(r.error().message());
  }
  return std::move(r).value();
}

Document moveWith(const std::function<void(WbxmlWriter&)>& content) {
  return build([&](WbxmlWriter& w) {
    w.start(M::MoveItems);
    w.start(M::Move);
    content(w);
    w.end();
    w.end();
  });
}

Document responseWith(const std::function<void(WbxmlWriter&)>& content) {
  return build([&](WbxmlWriter& w) {
    w.start(M::MoveItems);
    w.start(M::Response);
    content(w);
    w.end();
    w.end();
  });
}

}  // namespace

TEST_CASE("MoveItems: exact bytes both ways", "[eas][message]") {
  MoveItemsRequest m;
  m.moves.push_back({"5:1", "5", "7"});
  CHECK(toHex(encode(m)) == toHex(MoveRequestBytes));
  MoveItemsRequest d = decodeOk(decodeMoveItemsRequest(decodeOrFail(MoveRequestBytes)));
  REQUIRE(d.moves.size() == 1);
  CHECK(d.moves[0].srcMsgId == "5:1");
  CHECK(d.moves[0].srcFldId == "5");
  CHECK(d.moves[0].dstFldId == "7");

  MoveItemsResponse r;
  r.responses.push_back({"5:1", MoveItemsStatus::Success, "7:1"});
  CHECK(toHex(encode(r)) == toHex(MoveResponseBytes));
  MoveItemsResponse dr = decodeOk(decodeMoveItemsResponse(decodeOrFail(MoveResponseBytes)));
  REQUIRE(dr.responses.size() == 1);
  CHECK(dr.responses[0].srcMsgId == "5:1");
  CHECK(dr.responses[0].status == MoveItemsStatus::Success);
  CHECK(dr.responses[0].dstMsgId == "7:1");
  CHECK_FALSE(dr.status.has_value());
}

TEST_CASE("MoveItems: several moves, mixed results and a global status round-trip",
          "[eas][message]") {
  MoveItemsRequest m;
  m.moves = {{"5:1", "5", "7"}, {"5:2", "5", "8"}, {"6:9", "6", "7"}};
  MoveItemsRequest d = decodeOk(decodeMoveItemsRequest(decodeOrFail(encode(m))));
  REQUIRE(d.moves.size() == 3);
  CHECK(d.moves[2].srcMsgId == "6:9");
  CHECK(d.moves[1].dstFldId == "8");

  MoveItemsResponse r;
  r.responses = {{"5:1", MoveItemsStatus::Success, "7:1"},
                 {"5:2", MoveItemsStatus::InvalidDestinationId, std::nullopt}};
  MoveItemsResponse dr = decodeOk(decodeMoveItemsResponse(decodeOrFail(encode(r))));
  REQUIRE(dr.responses.size() == 2);
  CHECK(dr.responses[1].status == MoveItemsStatus::InvalidDestinationId);
  CHECK_FALSE(dr.responses[1].dstMsgId.has_value());

  MoveItemsResponse global;
  global.status = fromCommon<MoveItemsStatus>(CommonStatus::ServerErrorRetryLater);
  MoveItemsResponse dg = decodeOk(decodeMoveItemsResponse(decodeOrFail(encode(global))));
  REQUIRE(dg.status.has_value());
  CHECK(actionFor(*dg.status) == ClientAction::RetryLater);
}

TEST_CASE("MoveItems status: every value decodes, with a description and an action",
          "[eas][message]") {
  for (uint32_t v = 0; v <= 255; ++v) {
    INFO("status " << v);
    Document d = responseWith([&](WbxmlWriter& w) {
      w.element(M::SrcMsgId, "5:1");
      w.element(M::Status, std::to_string(v));
      w.element(M::DstMsgId, "7:1");
    });
    auto r = decodeMoveItemsResponse(d);
    bool defined = isMoveItemsStatus(v) || isCommonStatus(v);
    REQUIRE(r.ok() == defined);
    if (!defined) {
      CHECK(r.error().code == ErrorCode::BadValue);
      CHECK(r.error().offset == d.root().child(M::Response).child(M::Status).offset());
      continue;
    }
    CHECK(static_cast<uint32_t>(r->responses[0].status) == v);
    CHECK(describe(r->responses[0].status) != "unknown status");
  }
  CHECK_FALSE(isMoveItemsStatus(6));  // MS-ASCMD defines no 6
  CHECK(actionFor(MoveItemsStatus::InvalidSourceId) == ClientAction::FolderSync);
  CHECK(actionFor(MoveItemsStatus::InvalidDestinationId) == ClientAction::FolderSync);
  CHECK(actionFor(MoveItemsStatus::Success) == ClientAction::None);
  CHECK(actionFor(MoveItemsStatus::SameSourceAndDestination) == ClientAction::FixRequest);
  CHECK(actionFor(MoveItemsStatus::CannotMove) == ClientAction::FixRequest);
  CHECK(actionFor(MoveItemsStatus::Locked) == ClientAction::RetryLater);
  CHECK(describe(static_cast<MoveItemsStatus>(6)) == "unknown status");
  CHECK(actionFor(static_cast<MoveItemsStatus>(6)) == ClientAction::GiveUp);
}

TEST_CASE("MoveItems request: every validation error", "[eas][message]") {
  SECTION("wrong root") {
    Document d = decodeOrFail(fromHex("03 01 6a 00 00 07 56 52 03 30 00 01 01"));
    Error e = errorOf(decodeMoveItemsRequest(d));
    CHECK(e.code == ErrorCode::UnexpectedElement);
    CHECK(e.offset == 6);
    CHECK(errorOf(decodeMoveItemsResponse(d)).code == ErrorCode::UnexpectedElement);
  }
  SECTION("no Move") {
    Document d = build([](WbxmlWriter& w) { w.empty(M::MoveItems); });
    Error e = errorOf(decodeMoveItemsRequest(d));
    CHECK(e.code == ErrorCode::MissingElement);
    CHECK(e.offset == d.root().offset());
  }
  SECTION("each child of Move missing") {
    const Tag all[] = {M::SrcMsgId, M::SrcFldId, M::DstFldId};
    for (Tag skip : all) {
      Document d = moveWith([&](WbxmlWriter& w) {
        for (Tag t : all) {
          if (!(t == skip)) {
            w.element(t, "5");
          }
        }
      });
      Error e = errorOf(decodeMoveItemsRequest(d));
      CHECK(e.code == ErrorCode::MissingElement);
      CHECK(e.offset == d.root().child(M::Move).offset());
      CHECK(e.detail.find(qualifiedName(skip)) != std::string::npos);
    }
  }
  SECTION("empty or over-long ids") {
    Document empty = moveWith([](WbxmlWriter& w) {
      w.empty(M::SrcMsgId);
      w.element(M::SrcFldId, "5");
      w.element(M::DstFldId, "7");
    });
    Error e = errorOf(decodeMoveItemsRequest(empty));
    CHECK(e.code == ErrorCode::BadValue);
    CHECK(e.offset == empty.root().child(M::Move).child(M::SrcMsgId).offset());
    Document longId = moveWith([](WbxmlWriter& w) {
      w.element(M::SrcMsgId, "5:1");
      w.element(M::SrcFldId, "5");
      w.element(M::DstFldId, std::string(65, '7'));
    });
    CHECK(errorOf(decodeMoveItemsRequest(longId)).code == ErrorCode::BadValue);
  }
}

TEST_CASE("MoveItems response: every validation error", "[eas][message]") {
  SECTION("neither a Status nor a Response") {
    Document d = build([](WbxmlWriter& w) { w.empty(M::MoveItems); });
    CHECK(errorOf(decodeMoveItemsResponse(d)).code == ErrorCode::MissingElement);
  }
  SECTION("a bad global Status") {
    Document d = build([](WbxmlWriter& w) {
      w.start(M::MoveItems);
      w.element(M::Status, "6");
      w.end();
    });
    CHECK(errorOf(decodeMoveItemsResponse(d)).code == ErrorCode::BadValue);
  }
  SECTION("Response without SrcMsgId or Status") {
    Document noSrc = responseWith([](WbxmlWriter& w) { w.element(M::Status, "1"); });
    Error e = errorOf(decodeMoveItemsResponse(noSrc));
    CHECK(e.code == ErrorCode::MissingElement);
    CHECK(e.offset == noSrc.root().child(M::Response).offset());
    Document noStatus = responseWith([](WbxmlWriter& w) { w.element(M::SrcMsgId, "5:1"); });
    CHECK(errorOf(decodeMoveItemsResponse(noStatus)).code == ErrorCode::MissingElement);
  }
  SECTION("success without DstMsgId, or with an empty one") {
    Document d = responseWith([](WbxmlWriter& w) {
      w.element(M::SrcMsgId, "5:1");
      w.element(M::Status, "3");
    });
    Error e = errorOf(decodeMoveItemsResponse(d));
    CHECK(e.code == ErrorCode::MissingElement);
    CHECK(e.detail.find("Move:DstMsgId") != std::string::npos);
    Document empty = responseWith([](WbxmlWriter& w) {
      w.element(M::SrcMsgId, "5:1");
      w.element(M::Status, "3");
      w.empty(M::DstMsgId);
    });
    CHECK(errorOf(decodeMoveItemsResponse(empty)).code == ErrorCode::BadValue);
  }
  SECTION("Status not a number") {
    Document d = responseWith([](WbxmlWriter& w) {
      w.element(M::SrcMsgId, "5:1");
      w.element(M::Status, "three");
    });
    CHECK(errorOf(decodeMoveItemsResponse(d)).code == ErrorCode::BadValue);
  }
}
