// GetItemEstimate: both wire forms (<= 12.1 and 14.0+) byte for byte, statuses, every error.
#include <catch2/catch.hpp>
#include <string>

#include "eas/message/get_item_estimate.h"
#include "eas/wbxml/code_pages.h"
#include "tests/eas/message_test_util.h"

using namespace cradle::eas;
using namespace cradle::eas::testing;

namespace G = cradle::eas::tag::GetItemEstimate;
namespace S = cradle::eas::tag::AirSync;

namespace {

// Dossier 7.11: 14.0 request, SyncKey 1, collection 5, Options/FilterType 3 (libwbxml).
const std::string V14Request = fromHex(
    "03 01 6a 00 00 06 45 47 48 00 00 4b 03 31 00 01 00 06 4a 03 35 00 01 00 00 57 58 03 33 00 01 "
    "01 01 01 01");
// Dossier 7.17: response Status 1, collection 5, Estimate 12 (libwbxml).
const std::string W18Response =
    fromHex("03 01 6a 00 00 06 45 4d 4e 03 31 00 01 48 4a 03 35 00 01 4c 03 31 32 00 01 01 01 01");
// Made here with `xml2wbxml -n -a -v 1.3` from
// <GetItemEstimate xmlns="GetItemEstimate:" xmlns:A="AirSync:"><Collections><Collection>
// <Class>Email</Class><CollectionId>5</CollectionId><A:FilterType>3</A:FilterType>
// <A:SyncKey>1</A:SyncKey></Collection></Collections></GetItemEstimate>
const std::string V121Request = fromHex(
    "03 01 6a 00 00 06 45 47 48 49 03 45 6d 61 69 6c 00 01 4a 03 35 00 01 00 00 58 03 33 00 01 4b "
    "03 31 00 01 01 01 01");
// Made here with `xml2wbxml -n -a -v 1.3` from
// <GetItemEstimate xmlns="GetItemEstimate:"><Response><Status>1</Status><Collection>
// <Class>Email</Class><CollectionId>5</CollectionId><Estimate>12</Estimate></Collection>
// </Response></GetItemEstimate>
const std::string V121Response = fromHex(
    "03 01 6a 00 00 06 45 4d 4e 03 31 00 01 48 49 03 45 6d 61 69 6c 00 01 4a 03 35 00 01 4c 03 31 "
    "32 00 01 01 01 01");

template <class T>
T decodeOk(Result<T> r) {
  if (!r) {
    FAIL(r.error().message());
  }
  return std::move(r).value();
}

// <GetItemEstimate><Collections><Collection>content</Collection></Collections></...>
Document requestWith(const std::function<void(WbxmlWriter&)>& content) {
  return build([&](WbxmlWriter& w) {
    w.start(G::GetItemEstimate);
    w.start(G::Collections);
    w.start(G::Collection);
    content(w);
    w.end();
    w.end();
    w.end();
  });
}

// <GetItemEstimate><Response>content</Response></GetItemEstimate>
Document responseWith(const std::function<void(WbxmlWriter&)>& content) {
  return build([&](WbxmlWriter& w) {
    w.start(G::GetItemEstimate);
    w.start(G::Response);
    content(w);
    w.end();
    w.end();
  });
}

Element firstCollection(const Document& d) {
  return d.root().child(G::Collections).child(G::Collection);
}

}  // namespace

TEST_CASE("GetItemEstimate 14.0: vectors 7.11 and 7.17 exact bytes both ways", "[eas][message]") {
  GetItemEstimateRequest m;
  m.version = ProtocolVersion::V14_0;
  m.collections.push_back({"1", "5", std::nullopt, FilterType::OneWeek});
  CHECK(toHex(encode(m)) == toHex(V14Request));

  for (ProtocolVersion v : {ProtocolVersion::V14_0, ProtocolVersion::V14_1, ProtocolVersion::V16_0,
                            ProtocolVersion::V16_1}) {
    GetItemEstimateRequest d = decodeOk(decodeGetItemEstimateRequest(decodeOrFail(V14Request), v));
    CHECK(d.version == v);
    REQUIRE(d.collections.size() == 1);
    CHECK(d.collections[0].syncKey == "1");
    CHECK(d.collections[0].collectionId == "5");
    CHECK_FALSE(d.collections[0].itemClass.has_value());
    CHECK(d.collections[0].filterType == FilterType::OneWeek);
  }

  GetItemEstimateResponse r;
  r.responses.push_back({GetItemEstimateStatus::Success, std::nullopt, "5", 12});
  CHECK(toHex(encode(r)) == toHex(W18Response));
  GetItemEstimateResponse dr =
      decodeOk(decodeGetItemEstimateResponse(decodeOrFail(W18Response), ProtocolVersion::V14_0));
  REQUIRE(dr.responses.size() == 1);
  CHECK_FALSE(dr.status.has_value());
  CHECK(dr.responses[0].status == GetItemEstimateStatus::Success);
  CHECK(dr.responses[0].collectionId == "5");
  CHECK(dr.responses[0].estimate == 12u);
}

TEST_CASE("GetItemEstimate 12.1: Class and bare FilterType, exact bytes", "[eas][message]") {
  for (ProtocolVersion v :
       {ProtocolVersion::V2_5, ProtocolVersion::V12_0, ProtocolVersion::V12_1}) {
    GetItemEstimateRequest m;
    m.version = v;
    m.collections.push_back({"1", "5", ItemClass::Email, FilterType::OneWeek});
    CHECK(toHex(encode(m)) == toHex(V121Request));
    GetItemEstimateRequest d = decodeOk(decodeGetItemEstimateRequest(decodeOrFail(V121Request), v));
    REQUIRE(d.collections.size() == 1);
    CHECK(d.collections[0].itemClass == ItemClass::Email);
    CHECK(d.collections[0].filterType == FilterType::OneWeek);
    CHECK(d.collections[0].syncKey == "1");

    GetItemEstimateResponse r;
    r.version = v;
    r.responses.push_back({GetItemEstimateStatus::Success, ItemClass::Email, "5", 12});
    CHECK(toHex(encode(r)) == toHex(V121Response));
    GetItemEstimateResponse dr =
        decodeOk(decodeGetItemEstimateResponse(decodeOrFail(V121Response), v));
    CHECK(dr.responses[0].itemClass == ItemClass::Email);
  }
  // The same request as 14.0 drops Class and moves FilterType into Options (vector 7.11).
  GetItemEstimateRequest m;
  m.collections.push_back({"1", "5", ItemClass::Email, FilterType::OneWeek});
  CHECK(toHex(encode(m)) == toHex(V14Request));
}

TEST_CASE("GetItemEstimate: several collections, no FilterType, failures round-trip",
          "[eas][message]") {
  GetItemEstimateRequest m;
  m.version = ProtocolVersion::V12_1;
  m.collections.push_back({"3", "5", ItemClass::Email, std::nullopt});
  m.collections.push_back({"7", "9", ItemClass::Tasks, FilterType::IncompleteTasks});
  auto d = decodeOk(decodeGetItemEstimateRequest(decodeOrFail(encode(m)), m.version));
  REQUIRE(d.collections.size() == 2);
  CHECK_FALSE(d.collections[0].filterType.has_value());
  CHECK(d.collections[1].itemClass == ItemClass::Tasks);
  CHECK(d.collections[1].filterType == FilterType::IncompleteTasks);

  GetItemEstimateRequest m14;
  m14.collections.push_back({"3", "5", std::nullopt, std::nullopt});
  std::string bytes = encode(m14);
  CHECK_FALSE(firstCollection(decodeOrFail(bytes)).child(S::Options));  // no filter, no Options
  CHECK(
      decodeOk(decodeGetItemEstimateRequest(decodeOrFail(bytes), m14.version)).collections.size() ==
      1);

  GetItemEstimateResponse r;
  r.responses.push_back(
      {GetItemEstimateStatus::InvalidCollection, std::nullopt, "77", std::nullopt});
  r.responses.push_back(
      {GetItemEstimateStatus::SyncStateNotPrimed, std::nullopt, "", std::nullopt});
  auto dr = decodeOk(decodeGetItemEstimateResponse(decodeOrFail(encode(r)), r.version));
  REQUIRE(dr.responses.size() == 2);
  CHECK(dr.responses[0].collectionId == "77");
  CHECK_FALSE(dr.responses[0].estimate.has_value());
  CHECK(dr.responses[1].collectionId.empty());

  // A global failure: only the Status under GetItemEstimate.
  GetItemEstimateResponse global;
  global.status = fromCommon<GetItemEstimateStatus>(CommonStatus::DeviceNotProvisioned);
  auto dg = decodeOk(decodeGetItemEstimateResponse(decodeOrFail(encode(global)), global.version));
  REQUIRE(dg.status.has_value());
  CHECK(actionFor(*dg.status) == ClientAction::Provision);
  CHECK(dg.responses.empty());
}

TEST_CASE("GetItemEstimate status: every value decodes, with a description and an action",
          "[eas][message]") {
  for (uint32_t v = 0; v <= 255; ++v) {
    INFO("status " << v);
    Document d = responseWith([&](WbxmlWriter& w) {
      w.element(G::Status, std::to_string(v));
      w.start(G::Collection);
      w.element(G::CollectionId, "5");
      w.element(G::Estimate, "0");
      w.end();
    });
    auto r = decodeGetItemEstimateResponse(d, ProtocolVersion::V14_0);
    bool defined = isGetItemEstimateStatus(v) || isCommonStatus(v);
    REQUIRE(r.ok() == defined);
    if (!defined) {
      CHECK(r.error().code == ErrorCode::BadValue);
      CHECK(r.error().offset == d.root().child(G::Response).child(G::Status).offset());
      continue;
    }
    CHECK(static_cast<uint32_t>(r->responses[0].status) == v);
    CHECK(describe(r->responses[0].status) != "unknown status");
  }
  CHECK(actionFor(GetItemEstimateStatus::Success) == ClientAction::None);
  CHECK(actionFor(GetItemEstimateStatus::InvalidCollection) == ClientAction::FolderSync);
  CHECK(actionFor(GetItemEstimateStatus::SyncStateNotPrimed) == ClientAction::ResetSyncKey);
  CHECK(actionFor(GetItemEstimateStatus::InvalidSyncKey) == ClientAction::Sync);
  CHECK(describe(static_cast<GetItemEstimateStatus>(5)) == "unknown status");
  CHECK(actionFor(static_cast<GetItemEstimateStatus>(5)) == ClientAction::GiveUp);
}

TEST_CASE("GetItemEstimate request: every validation error", "[eas][message]") {
  const ProtocolVersion V12 = ProtocolVersion::V12_1;
  const ProtocolVersion V14 = ProtocolVersion::V14_0;
  SECTION("wrong root") {
    Document d = decodeOrFail(fromHex("03 01 6a 00 00 07 56 52 03 30 00 01 01"));
    Error e = errorOf(decodeGetItemEstimateRequest(d, V14));
    CHECK(e.code == ErrorCode::UnexpectedElement);
    CHECK(e.offset == 6);
    CHECK(errorOf(decodeGetItemEstimateResponse(d, V14)).code == ErrorCode::UnexpectedElement);
  }
  SECTION("no Collections, or Collections with no Collection") {
    Document none = build([](WbxmlWriter& w) { w.empty(G::GetItemEstimate); });
    Error e = errorOf(decodeGetItemEstimateRequest(none, V14));
    CHECK(e.code == ErrorCode::MissingElement);
    CHECK(e.offset == none.root().offset());
    Document empty = build([](WbxmlWriter& w) {
      w.start(G::GetItemEstimate);
      w.empty(G::Collections);
      w.end();
    });
    Error e2 = errorOf(decodeGetItemEstimateRequest(empty, V14));
    CHECK(e2.code == ErrorCode::MissingElement);
    CHECK(e2.offset == empty.root().child(G::Collections).offset());
  }
  SECTION("missing SyncKey or CollectionId") {
    Document noKey = requestWith([](WbxmlWriter& w) { w.element(G::CollectionId, "5"); });
    Error e = errorOf(decodeGetItemEstimateRequest(noKey, V14));
    CHECK(e.code == ErrorCode::MissingElement);
    CHECK(e.offset == firstCollection(noKey).offset());
    CHECK(e.detail.find("AirSync:SyncKey") != std::string::npos);
    Document noId = requestWith([](WbxmlWriter& w) { w.element(S::SyncKey, "1"); });
    Error e2 = errorOf(decodeGetItemEstimateRequest(noId, V14));
    CHECK(e2.code == ErrorCode::MissingElement);
    CHECK(e2.detail.find("GetItemEstimate:CollectionId") != std::string::npos);
  }
  SECTION("<= 12.1 needs Class and refuses Options") {
    Document noClass = requestWith([](WbxmlWriter& w) {
      w.element(G::CollectionId, "5");
      w.element(S::SyncKey, "1");
    });
    Error e = errorOf(decodeGetItemEstimateRequest(noClass, V12));
    CHECK(e.code == ErrorCode::MissingElement);
    CHECK(e.detail.find("GetItemEstimate:Class") != std::string::npos);
    CHECK(decodeGetItemEstimateRequest(noClass, V14).ok());  // fine in 14.0

    Document options = decodeOrFail(V14Request);
    Error e2 = errorOf(decodeGetItemEstimateRequest(options, V12));
    CHECK(e2.code == ErrorCode::UnexpectedElement);
    CHECK(e2.offset == firstCollection(options).child(S::Options).offset());
  }
  SECTION("14.0+ refuses Class and a bare FilterType") {
    Document legacy = decodeOrFail(V121Request);
    Error e = errorOf(decodeGetItemEstimateRequest(legacy, V14));
    CHECK(e.code == ErrorCode::UnexpectedElement);
    CHECK(e.offset == firstCollection(legacy).child(G::Class).offset());

    Document bareFilter = requestWith([](WbxmlWriter& w) {
      w.element(S::SyncKey, "1");
      w.element(G::CollectionId, "5");
      w.element(S::FilterType, "3");
    });
    Error e2 = errorOf(decodeGetItemEstimateRequest(bareFilter, V14));
    CHECK(e2.code == ErrorCode::UnexpectedElement);
    CHECK(e2.offset == firstCollection(bareFilter).child(S::FilterType).offset());
  }
  SECTION("bad Class, bad FilterType in either form") {
    Document badClass = requestWith([](WbxmlWriter& w) {
      w.element(G::Class, "SMS");
      w.element(G::CollectionId, "5");
      w.element(S::SyncKey, "1");
    });
    Error e = errorOf(decodeGetItemEstimateRequest(badClass, V12));
    CHECK(e.code == ErrorCode::BadValue);
    CHECK(e.offset == firstCollection(badClass).child(G::Class).offset());

    for (std::string_view filter : {"9", "x", "-1"}) {
      INFO(filter);
      Document legacy = requestWith([&](WbxmlWriter& w) {
        w.element(G::Class, "Email");
        w.element(G::CollectionId, "5");
        w.element(S::FilterType, filter);
        w.element(S::SyncKey, "1");
      });
      Error e12 = errorOf(decodeGetItemEstimateRequest(legacy, V12));
      CHECK(e12.code == ErrorCode::BadValue);
      CHECK(e12.offset == firstCollection(legacy).child(S::FilterType).offset());
      Document modern = requestWith([&](WbxmlWriter& w) {
        w.element(S::SyncKey, "1");
        w.element(G::CollectionId, "5");
        w.start(S::Options);
        w.element(S::FilterType, filter);
        w.end();
      });
      CHECK(errorOf(decodeGetItemEstimateRequest(modern, V14)).code == ErrorCode::BadValue);
    }
  }
  SECTION("empty or over-long ids") {
    Document emptyKey = requestWith([](WbxmlWriter& w) {
      w.empty(S::SyncKey);
      w.element(G::CollectionId, "5");
    });
    CHECK(errorOf(decodeGetItemEstimateRequest(emptyKey, V14)).code == ErrorCode::BadValue);
    Document longId = requestWith([](WbxmlWriter& w) {
      w.element(S::SyncKey, "1");
      w.element(G::CollectionId, std::string(65, '5'));
    });
    CHECK(errorOf(decodeGetItemEstimateRequest(longId, V14)).code == ErrorCode::BadValue);
  }
}

TEST_CASE("GetItemEstimate response: every validation error", "[eas][message]") {
  const ProtocolVersion V14 = ProtocolVersion::V14_0;
  SECTION("neither a Status nor a Response") {
    Document d = build([](WbxmlWriter& w) { w.empty(G::GetItemEstimate); });
    Error e = errorOf(decodeGetItemEstimateResponse(d, V14));
    CHECK(e.code == ErrorCode::MissingElement);
    CHECK(e.detail.find("GetItemEstimate:Response") != std::string::npos);
  }
  SECTION("a bad global Status") {
    Document d = build([](WbxmlWriter& w) {
      w.start(G::GetItemEstimate);
      w.element(G::Status, "99");
      w.end();
    });
    CHECK(errorOf(decodeGetItemEstimateResponse(d, V14)).code == ErrorCode::BadValue);
  }
  SECTION("Response without Status") {
    Document d = responseWith([](WbxmlWriter& w) {
      w.start(G::Collection);
      w.element(G::CollectionId, "5");
      w.end();
    });
    Error e = errorOf(decodeGetItemEstimateResponse(d, V14));
    CHECK(e.code == ErrorCode::MissingElement);
    CHECK(e.offset == d.root().child(G::Response).offset());
  }
  SECTION("success without Collection, CollectionId or Estimate") {
    Document noCollection = responseWith([](WbxmlWriter& w) { w.element(G::Status, "1"); });
    CHECK(errorOf(decodeGetItemEstimateResponse(noCollection, V14)).code ==
          ErrorCode::MissingElement);
    Document noId = responseWith([](WbxmlWriter& w) {
      w.element(G::Status, "1");
      w.start(G::Collection);
      w.element(G::Estimate, "3");
      w.end();
    });
    CHECK(errorOf(decodeGetItemEstimateResponse(noId, V14)).code == ErrorCode::MissingElement);
    Document noEstimate = responseWith([](WbxmlWriter& w) {
      w.element(G::Status, "1");
      w.start(G::Collection);
      w.element(G::CollectionId, "5");
      w.end();
    });
    Error e = errorOf(decodeGetItemEstimateResponse(noEstimate, V14));
    CHECK(e.code == ErrorCode::MissingElement);
    CHECK(e.offset == noEstimate.root().child(G::Response).child(G::Collection).offset());
  }
  SECTION("Estimate not a number") {
    Document d = responseWith([](WbxmlWriter& w) {
      w.element(G::Status, "1");
      w.start(G::Collection);
      w.element(G::CollectionId, "5");
      w.element(G::Estimate, "lots");
      w.end();
    });
    CHECK(errorOf(decodeGetItemEstimateResponse(d, V14)).code == ErrorCode::BadValue);
  }
  SECTION("Class in a 14.0 response, or an unknown Class in a 12.1 one") {
    Document legacy = decodeOrFail(V121Response);
    Error e = errorOf(decodeGetItemEstimateResponse(legacy, V14));
    CHECK(e.code == ErrorCode::UnexpectedElement);
    Document bad = responseWith([](WbxmlWriter& w) {
      w.element(G::Status, "1");
      w.start(G::Collection);
      w.element(G::Class, "Mail");
      w.element(G::CollectionId, "5");
      w.element(G::Estimate, "1");
      w.end();
    });
    CHECK(errorOf(decodeGetItemEstimateResponse(bad, ProtocolVersion::V12_1)).code ==
          ErrorCode::BadValue);
  }
}
