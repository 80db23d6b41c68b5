// bridge/policy: FolderSync and Ping data-type filters, Sync Options rewriting and the
// attachment rules, on encoded messages.
#include "bridge/policy/device_policy.h"

#include <catch2/catch.hpp>

#include "eas/message/item_operations.h"
#include "eas/wbxml/document.h"

namespace {

using namespace cradle;
using bridge::DataType;
using bridge::EmailLimits;
using bridge::EmailPastDays;
using bridge::EmailSizeLimit;
using eas::FolderType;
using eas::ItemClass;
using eas::ProtocolVersion;

eas::FolderChange add(const std::string& id, FolderType type) {
  eas::FolderChange c;
  c.serverId = id;
  c.parentId = "0";
  c.displayName = "f" + id;
  c.type = type;
  return c;
}

std::string hierarchy() {
  eas::FolderSyncResponse r;
  r.syncKey = "1";
  r.changes = std::vector<eas::FolderChange>{
      add("1", FolderType::Inbox),        add("2", FolderType::Calendar),
      add("3", FolderType::Contacts),     add("4", FolderType::Tasks),
      add("5", FolderType::Notes),        add("6", FolderType::UserMail),
      add("7", FolderType::UserCalendar), add("8", FolderType::SentItems)};
  return eas::encode(r);
}

eas::FolderSyncResponse decodeFolders(const std::string& body) {
  auto doc = eas::Document::decode(body);
  REQUIRE(doc.ok());
  auto r = eas::decodeFolderSyncResponse(*doc);
  REQUIRE(r.ok());
  return *r;
}

std::vector<std::string> ids(const eas::FolderSyncResponse& r) {
  std::vector<std::string> out;
  for (const auto& c : *r.changes) {
    out.push_back(c.serverId);
  }
  return out;
}

eas::SyncRequest decodeSync(const std::string& body, ProtocolVersion v) {
  auto doc = eas::Document::decode(body);
  REQUIRE(doc.ok());
  auto r = eas::decodeSyncRequest(*doc, v);
  REQUIRE(r.ok());
  return *r;
}

eas::SyncRequest syncOf(ProtocolVersion v, std::optional<eas::SyncOptions> options,
                        std::optional<ItemClass> cls, const std::string& id = "1") {
  eas::SyncRequest r;
  r.version = v;
  eas::SyncCollectionRequest c;
  c.itemClass = cls;
  c.syncKey = "5";
  c.collectionId = id;
  c.getChanges = true;
  c.options = std::move(options);
  r.collections.push_back(c);
  return r;
}

}  // namespace

TEST_CASE("FolderSync answers lose the folders of unselected data types", "[bridge][policy]") {
  bridge::FolderTypes types;
  const uint8_t emailOnly = static_cast<uint8_t>(DataType::Email);
  auto filtered = bridge::filterFolderSync(hierarchy(), emailOnly, types);
  REQUIRE(filtered);
  const auto r = decodeFolders(*filtered);
  // Notes (no data type) stays; calendar, contacts and tasks go. Count follows (the decoder
  // checks it against the entries).
  CHECK(ids(r) == std::vector<std::string>{"1", "5", "6", "8"});
  CHECK(r.syncKey == std::optional<std::string>("1"));
  // Every folder's type is remembered for the Sync rewriting, filtered or not.
  CHECK(types.size() == 8);
  CHECK(types.at("2") == FolderType::Calendar);

  const uint8_t calendarContacts =
      static_cast<uint8_t>(DataType::Calendar) | static_cast<uint8_t>(DataType::Contacts);
  filtered = bridge::filterFolderSync(hierarchy(), calendarContacts, types);
  REQUIRE(filtered);
  CHECK(ids(decodeFolders(*filtered)) == std::vector<std::string>{"2", "3", "5", "7"});

  // Everything selected, a failure or garbage: passed on as it is.
  CHECK_FALSE(bridge::filterFolderSync(hierarchy(), bridge::AllDataTypes, types));
  eas::FolderSyncResponse failed;
  failed.status = eas::FolderSyncStatus::InvalidSyncKey;
  CHECK_FALSE(bridge::filterFolderSync(eas::encode(failed), emailOnly, types));
  CHECK_FALSE(bridge::filterFolderSync("not wbxml", emailOnly, types));
}

TEST_CASE("Ping folders of unselected classes are dropped", "[bridge][policy]") {
  const std::vector<eas::PingFolder> folders{{"1", ItemClass::Email},
                                             {"2", ItemClass::Calendar},
                                             {"3", ItemClass::Contacts},
                                             {"4", ItemClass::Tasks},
                                             {"5", ItemClass::Notes}};
  auto kept = bridge::filterPingFolders(folders, static_cast<uint8_t>(DataType::Contacts));
  REQUIRE(kept.size() == 2);
  CHECK(kept[0].id == "3");
  CHECK(kept[1].id == "5");
  CHECK(bridge::filterPingFolders(folders, bridge::AllDataTypes).size() == 5);
}

TEST_CASE("e-mail limits map to FilterType and truncation codes", "[bridge][policy]") {
  CHECK(bridge::filterTypeFor(EmailPastDays::OneDay) == eas::FilterType::OneDay);
  CHECK(bridge::filterTypeFor(EmailPastDays::ThreeDays) == eas::FilterType::ThreeDays);
  CHECK(bridge::filterTypeFor(EmailPastDays::OneWeek) == eas::FilterType::OneWeek);
  CHECK(bridge::filterTypeFor(EmailPastDays::TwoWeeks) == eas::FilterType::TwoWeeks);
  CHECK(bridge::filterTypeFor(EmailPastDays::OneMonth) == eas::FilterType::OneMonth);
  CHECK(bridge::filterTypeFor(EmailPastDays::All) == eas::FilterType::NoFilter);
  CHECK(bridge::truncationCodeFor(EmailSizeLimit::HeadersOnly) == 0);
  CHECK(bridge::truncationCodeFor(EmailSizeLimit::HalfK) == 1);
  CHECK(bridge::truncationCodeFor(EmailSizeLimit::K5) == 4);
  CHECK(bridge::truncationCodeFor(EmailSizeLimit::K100) == 8);
  CHECK(bridge::truncationCodeFor(EmailSizeLimit::Entire) == 9);
  CHECK(bridge::truncationSizeFor(EmailSizeLimit::HeadersOnly) == std::optional<uint32_t>(0));
  CHECK(bridge::truncationSizeFor(EmailSizeLimit::K2) == std::optional<uint32_t>(2048));
  CHECK_FALSE(bridge::truncationSizeFor(EmailSizeLimit::Entire));
}

TEST_CASE("Sync Options of e-mail collections are bounded by the e-mail limits",
          "[bridge][policy]") {
  EmailLimits limits;
  limits.pastDays = EmailPastDays::ThreeDays;
  limits.sizeLimit = EmailSizeLimit::K5;
  bridge::FolderTypes types{{"1", FolderType::Inbox}, {"2", FolderType::Calendar}};

  SECTION("14.1 without Options: FilterType and a Type 1 BodyPreference are added") {
    const auto body = eas::encode(syncOf(ProtocolVersion::V14_1, std::nullopt, std::nullopt));
    auto out = bridge::rewriteSyncOptions(body, ProtocolVersion::V14_1, limits, types);
    REQUIRE(out);
    const auto r = decodeSync(*out, ProtocolVersion::V14_1);
    REQUIRE(r.collections[0].options);
    const auto& o = *r.collections[0].options;
    CHECK(o.filterType == eas::FilterType::ThreeDays);
    REQUIRE(o.bodyPreferences.size() == 1);
    CHECK(o.bodyPreferences[0].type == eas::BodyType::PlainText);
    CHECK(o.bodyPreferences[0].truncationSize == std::optional<uint32_t>(5120));
    CHECK(r.collections[0].syncKey == "5");
    CHECK(r.collections[0].getChanges == std::optional<bool>(true));
  }
  SECTION("a device asking for less keeps its own choice; for more it is cut down") {
    eas::SyncOptions o;
    o.filterType = eas::FilterType::OneDay;
    eas::BodyPreference big;
    big.truncationSize = 200000;
    eas::BodyPreference html;
    html.type = eas::BodyType::Html;
    html.truncationSize = 1000;
    o.bodyPreferences = {big, html};
    const auto body = eas::encode(syncOf(ProtocolVersion::V14_1, o, std::nullopt));
    auto out = bridge::rewriteSyncOptions(body, ProtocolVersion::V14_1, limits, types);
    REQUIRE(out);
    const auto r = decodeSync(*out, ProtocolVersion::V14_1);
    const auto& got = *r.collections[0].options;
    CHECK(got.filterType == eas::FilterType::OneDay);
    CHECK(got.bodyPreferences[0].truncationSize == std::optional<uint32_t>(5120));
    CHECK(got.bodyPreferences[1].truncationSize == std::optional<uint32_t>(1000));
    // NoFilter from the device is bounded too.
    o.filterType = eas::FilterType::NoFilter;
    out = bridge::rewriteSyncOptions(eas::encode(syncOf(ProtocolVersion::V14_1, o, std::nullopt)),
                                     ProtocolVersion::V14_1, limits, types);
    REQUIRE(out);
    CHECK(decodeSync(*out, ProtocolVersion::V14_1).collections[0].options->filterType ==
          eas::FilterType::ThreeDays);
  }
  SECTION("headers only and entire") {
    limits.sizeLimit = EmailSizeLimit::HeadersOnly;
    limits.pastDays = EmailPastDays::All;
    const auto body = eas::encode(syncOf(ProtocolVersion::V14_1, std::nullopt, std::nullopt));
    auto out = bridge::rewriteSyncOptions(body, ProtocolVersion::V14_1, limits, types);
    REQUIRE(out);
    auto o = *decodeSync(*out, ProtocolVersion::V14_1).collections[0].options;
    CHECK(o.bodyPreferences[0].truncationSize == std::optional<uint32_t>(0));
    CHECK(o.filterType == eas::FilterType::NoFilter);
    limits.sizeLimit = EmailSizeLimit::Entire;
    out = bridge::rewriteSyncOptions(body, ProtocolVersion::V14_1, limits, types);
    REQUIRE(out);
    o = *decodeSync(*out, ProtocolVersion::V14_1).collections[0].options;
    REQUIRE(o.bodyPreferences.size() == 1);
    CHECK_FALSE(o.bodyPreferences[0].truncationSize);
  }
  SECTION("2.5: Truncation code, by Class") {
    eas::SyncOptions o;
    o.truncation = 9;
    const auto body =
        eas::encode(syncOf(ProtocolVersion::V2_5, o, ItemClass::Email, "unknown-folder"));
    auto out = bridge::rewriteSyncOptions(body, ProtocolVersion::V2_5, limits, types);
    REQUIRE(out);
    const auto got = *decodeSync(*out, ProtocolVersion::V2_5).collections[0].options;
    CHECK(got.truncation == std::optional<uint32_t>(4));
    CHECK(got.filterType == eas::FilterType::ThreeDays);
    CHECK(got.bodyPreferences.empty());
  }
  SECTION("other classes, unknown folders and the cached empty Sync stay as they are") {
    CHECK_FALSE(bridge::rewriteSyncOptions(
        eas::encode(syncOf(ProtocolVersion::V14_1, std::nullopt, std::nullopt, "2")),
        ProtocolVersion::V14_1, limits, types));
    CHECK_FALSE(bridge::rewriteSyncOptions(
        eas::encode(syncOf(ProtocolVersion::V14_1, std::nullopt, std::nullopt, "99")),
        ProtocolVersion::V14_1, limits, types));
    CHECK_FALSE(bridge::rewriteSyncOptions("", ProtocolVersion::V14_1, limits, types));
    CHECK_FALSE(bridge::rewriteSyncOptions("garbage", ProtocolVersion::V14_1, limits, types));
  }
}

TEST_CASE("attachment fetches are refused when off and capped when on", "[bridge][policy]") {
  eas::ItemOperationsRequest request;
  eas::FetchRequest attachment;
  attachment.fileReference = "att-1";
  eas::FetchRequest item;
  item.collectionId = "1";
  item.serverId = "1:1";
  request.operations = {attachment, item};
  auto refused = bridge::refuseAttachmentFetches(eas::encode(request), ProtocolVersion::V14_1);
  REQUIRE(refused);
  auto doc = eas::Document::decode(*refused);
  REQUIRE(doc.ok());
  auto response = eas::decodeItemOperationsResponse(*doc, ProtocolVersion::V14_1);
  REQUIRE(response.ok());
  REQUIRE(response->responses.size() == 2);
  const auto& first = std::get<eas::FetchResponse>(response->responses[0]);
  CHECK(first.status == eas::ItemOperationsStatus::ResourceAccessDenied);
  CHECK(first.fileReference == std::optional<std::string>("att-1"));
  CHECK(std::get<eas::FetchResponse>(response->responses[1]).status ==
        eas::ItemOperationsStatus::ServerError);
  request.operations = {item};
  CHECK_FALSE(bridge::refuseAttachmentFetches(eas::encode(request), ProtocolVersion::V14_1));

  eas::ItemOperationsResponse answer;
  eas::FetchResponse f;
  f.fileReference = "att-1";
  eas::FetchProperties p;
  p.contentType = "application/octet-stream";
  p.data = std::string(3000, 'x');
  p.total = 3000;
  f.properties = p;
  answer.responses.emplace_back(f);
  const auto encoded = eas::encode(answer, ProtocolVersion::V14_1);
  CHECK_FALSE(bridge::capAttachmentFetches(encoded, ProtocolVersion::V14_1, 4000));
  auto capped = bridge::capAttachmentFetches(encoded, ProtocolVersion::V14_1, 2000);
  REQUIRE(capped);
  doc = eas::Document::decode(*capped);
  REQUIRE(doc.ok());
  response = eas::decodeItemOperationsResponse(*doc, ProtocolVersion::V14_1);
  REQUIRE(response.ok());
  const auto& c = std::get<eas::FetchResponse>(response->responses[0]);
  CHECK(c.status == eas::ItemOperationsStatus::DataTooLarge);
  CHECK_FALSE(c.properties);
}
