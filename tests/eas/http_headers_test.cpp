// MS-ASHTTP header values, OPTIONS headers and protocol version negotiation.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

#include "eas/http/headers.h"

namespace cradle::eas {
namespace {

template <class T>
void requireBadRequest(const Result<T>& r, std::optional<std::size_t> offset = {}) {
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::BadRequest);
  if (offset) {
    CHECK(r.error().offset == *offset);
  }
}

// MS-ASHTTP 4.1, as the spec prints it (with the line folding it shows after commas).
constexpr std::string_view SpecCommands =
    "Sync,SendMail,SmartForward,SmartReply,GetAttachment,GetHierarchy, CreateCollection,"
    "DeleteCollection,MoveCollection,FolderSync,FolderCreate, FolderDelete,FolderUpdate,MoveItems,"
    "GetItemEstimate,MeetingResponse,Search, Settings,Ping,ItemOperations,Provision,"
    "ResolveRecipients,ValidateCert";

}  // namespace

TEST_CASE("header lookup", "[eas][http]") {
  HeaderList h = {{"x-ms-policykey", "1"}, {"Content-Type", "a/b"}, {"X-MS-PolicyKey", "2"}};
  CHECK(findHeader(h, "X-MS-PolicyKey") == std::string_view("1"));
  CHECK_FALSE(findHeader(h, "User-Agent").has_value());
  requireBadRequest(findUniqueHeader(h, "X-MS-PolicyKey"), 0);
  auto ct = findUniqueHeader(h, "content-type");
  REQUIRE(ct.ok());
  CHECK(*ct == std::string_view("a/b"));
  auto none = findUniqueHeader(h, "User-Agent");
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
}

TEST_CASE("MS-ASProtocolVersion values", "[eas][http]") {
  for (ProtocolVersion v : AllProtocolVersions) {
    auto r = parseProtocolVersionHeader(toString(v));
    REQUIRE(r.ok());
    CHECK(*r == v);
  }
  CHECK(*parseProtocolVersionHeader(" 12.1\t") == ProtocolVersion::V12_1);
  requireBadRequest(parseProtocolVersionHeader("12.2"), 0);
  requireBadRequest(parseProtocolVersionHeader("  2.0"), 2);
  requireBadRequest(parseProtocolVersionHeader(""), 0);
  requireBadRequest(parseProtocolVersionHeader("12.1,14.0"), 0);
}

TEST_CASE("X-MS-PolicyKey values", "[eas][http]") {
  CHECK(*parsePolicyKey("0") == 0u);
  CHECK(*parsePolicyKey("1307199584") == 1307199584u);
  CHECK(*parsePolicyKey("4294967295") == 4294967295u);
  CHECK(*parsePolicyKey(" 0042 ") == 42u);
  requireBadRequest(parsePolicyKey("4294967296"), 0);
  requireBadRequest(parsePolicyKey("12345678901"), 0);
  requireBadRequest(parsePolicyKey("-1"), 0);
  requireBadRequest(parsePolicyKey("+1"), 0);
  requireBadRequest(parsePolicyKey("12a"), 0);
  requireBadRequest(parsePolicyKey(" "), 1);
  requireBadRequest(parsePolicyKey(""), 0);
  CHECK(formatPolicyKey(4294967295u) == "4294967295");
  CHECK(*parsePolicyKey(formatPolicyKey(666416194u)) == 666416194u);
}

TEST_CASE("MS-ASAcceptMultiPart values", "[eas][http]") {
  CHECK(*parseAcceptMultiPart("T"));
  CHECK_FALSE(*parseAcceptMultiPart(" F"));
  requireBadRequest(parseAcceptMultiPart("t"), 0);
  requireBadRequest(parseAcceptMultiPart("true"), 0);
}

TEST_CASE("Content-Type values", "[eas][http]") {
  CHECK(*parseContentType("application/vnd.ms-sync.wbxml") == MediaType::Wbxml);
  CHECK(*parseContentType("Application/VND.MS-SYNC.WBXML; charset=utf-8") == MediaType::Wbxml);
  CHECK(*parseContentType("message/rfc822") == MediaType::Rfc822);
  CHECK(*parseContentType("application/vnd.ms-sync.multipart") == MediaType::Multipart);
  CHECK(*parseContentType(" text/xml ") == MediaType::Xml);
  for (MediaType m : {MediaType::Wbxml, MediaType::Multipart, MediaType::Rfc822, MediaType::Xml}) {
    CHECK(*parseContentType(toString(m)) == m);
  }
  requireBadRequest(parseContentType("text/html"), 0);
  requireBadRequest(parseContentType("wbxml"), 0);
  requireBadRequest(parseContentType("/wbxml"), 0);
  requireBadRequest(parseContentType("a b/c"), 0);
  requireBadRequest(parseContentType("message/rfc822\r\nX-Evil: 1"), 14);

  CHECK(requestMediaType(Command::SendMail, ProtocolVersion::V2_5) == MediaType::Rfc822);
  CHECK(requestMediaType(Command::SmartReply, ProtocolVersion::V12_1) == MediaType::Rfc822);
  CHECK(requestMediaType(Command::SmartForward, ProtocolVersion::V14_0) == MediaType::Wbxml);
  CHECK(requestMediaType(Command::Ping, ProtocolVersion::V2_5) == MediaType::Wbxml);
  CHECK_FALSE(requestMediaType(Command::GetAttachment, ProtocolVersion::V12_1).has_value());
}

TEST_CASE("User-Agent values", "[eas][http]") {
  CHECK(*parseUserAgent("MSFT-PPC/5.2.5082") == UserAgent{"MSFT-PPC", "5.2.5082"});
  CHECK(*parseUserAgent("MSFT-SPhone/5.1.2300") == UserAgent{"MSFT-SPhone", "5.1.2300"});
  CHECK(*parseUserAgent("Apple-iPhone9C1/1602.92 (extra)") ==
        UserAgent{"Apple-iPhone9C1", "1602.92"});
  CHECK(*parseUserAgent("TbSync") == UserAgent{"TbSync", ""});
  requireBadRequest(parseUserAgent(""), 0);
  requireBadRequest(parseUserAgent("MSFT-PPC/"), 0);
  requireBadRequest(parseUserAgent("/5.2"), 0);
  requireBadRequest(parseUserAgent("bad@agent/1"), 3);
  requireBadRequest(parseUserAgent("MSFT-PPC/5.2\n"), 12);
}

TEST_CASE("MS-ASProtocolVersions lists", "[eas][http]") {
  auto exchange2010 = parseProtocolVersionList("2.0,2.1,2.5,12.0,12.1,14.0");
  REQUIRE(exchange2010.ok());
  CHECK(*exchange2010 == std::vector<ProtocolVersion>{ProtocolVersion::V2_5, ProtocolVersion::V12_0,
                                                      ProtocolVersion::V12_1,
                                                      ProtocolVersion::V14_0});
  auto exchange2003 = parseProtocolVersionList("1.0,2.0,2.1,2.5");
  REQUIRE(exchange2003.ok());
  CHECK(*exchange2003 == std::vector<ProtocolVersion>{ProtocolVersion::V2_5});
  auto spaced = parseProtocolVersionList(" 14.1 , 2.5,14.1");
  REQUIRE(spaced.ok());
  CHECK(*spaced == std::vector<ProtocolVersion>{ProtocolVersion::V14_1, ProtocolVersion::V2_5});
  CHECK(parseProtocolVersionList("1.0")->empty());
  requireBadRequest(parseProtocolVersionList("2.5,,12.0"), 4);
  requireBadRequest(parseProtocolVersionList("2.5, abc"), 5);
  requireBadRequest(parseProtocolVersionList("12."), 0);
  requireBadRequest(parseProtocolVersionList("1234.0"), 0);
  requireBadRequest(parseProtocolVersionList(""), 0);
  const ProtocolVersion all[] = {ProtocolVersion::V2_5,  ProtocolVersion::V12_0,
                                 ProtocolVersion::V12_1, ProtocolVersion::V14_0,
                                 ProtocolVersion::V14_1, ProtocolVersion::V16_0,
                                 ProtocolVersion::V16_1};
  CHECK(formatProtocolVersionList(all) == "2.5,12.0,12.1,14.0,14.1,16.0,16.1");
  CHECK(*parseProtocolVersionList(formatProtocolVersionList(all)) ==
        std::vector<ProtocolVersion>(std::begin(all), std::end(all)));
}

TEST_CASE("MS-ASProtocolCommands lists", "[eas][http]") {
  auto spec = parseCommandList(SpecCommands);
  REQUIRE(spec.ok());
  CHECK(*spec == commandsForVersion(ProtocolVersion::V14_0));
  auto withUnknown = parseCommandList("Sync,Notify,Ping");
  REQUIRE(withUnknown.ok());
  CHECK(*withUnknown == std::vector<Command>{Command::Sync, Command::Ping});
  requireBadRequest(parseCommandList("Sync,Fo0"), 5);
  requireBadRequest(parseCommandList("Sync,"), 5);
  requireBadRequest(parseCommandList(""), 0);
  CHECK(formatCommandList(std::vector<Command>{Command::Ping, Command::Find}) == "Ping,Find");
}

TEST_CASE("MS-Server-ActiveSync, Retry-After, X-MS-Location values", "[eas][http]") {
  CHECK(*parseServerVersion("6.5.7638.1") == std::vector<uint32_t>{6, 5, 7638, 1});
  CHECK(*parseServerVersion("14.00.0536.000") == std::vector<uint32_t>{14, 0, 536, 0});
  CHECK(*parseServerVersion("15.1") == std::vector<uint32_t>{15, 1});
  requireBadRequest(parseServerVersion("1.2.3.4.5"), 8);
  requireBadRequest(parseServerVersion("6.x"), 2);
  requireBadRequest(parseServerVersion("6..5"), 2);
  requireBadRequest(parseServerVersion(""), 0);

  CHECK(*parseRetryAfter("300") == 300u);
  CHECK(*parseRetryAfter(" 0") == 0u);
  requireBadRequest(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"), 0);
  requireBadRequest(parseRetryAfter("-5"), 0);
  requireBadRequest(parseRetryAfter("99999999999"), 0);

  CHECK(*parseLocation("https://mail.contoso.com/Microsoft-Server-ActiveSync") ==
        "https://mail.contoso.com/Microsoft-Server-ActiveSync");
  CHECK(*parseLocation(" http://10.0.0.1:8080/x ") == "http://10.0.0.1:8080/x");
  requireBadRequest(parseLocation("ftp://host/x"), 0);
  requireBadRequest(parseLocation("/Microsoft-Server-ActiveSync"), 0);
  requireBadRequest(parseLocation("https://"), 0);
  requireBadRequest(parseLocation("https:///path"), 0);
  requireBadRequest(parseLocation("https://host/a b"), 14);
}

TEST_CASE("OPTIONS response headers", "[eas][http]") {
  SECTION("Exchange 2010-like answer round-trips") {
    OptionsInfo info = optionsFor(ProtocolVersion::V14_0, "14.00.0536.000");
    HeaderList h = buildOptionsHeaders(info);
    CHECK(findHeader(h, "Allow") == std::string_view("OPTIONS,POST"));
    CHECK(findHeader(h, "Public") == std::string_view("OPTIONS,POST"));
    CHECK(findHeader(h, "MS-Server-ActiveSync") == std::string_view("14.00.0536.000"));
    CHECK(findHeader(h, "MS-ASProtocolVersions") == std::string_view("2.5,12.0,12.1,14.0"));
    std::string specNoFolding(SpecCommands);
    specNoFolding.erase(std::remove(specNoFolding.begin(), specNoFolding.end(), ' '),
                        specNoFolding.end());
    CHECK(findHeader(h, "MS-ASProtocolCommands") == std::string_view(specNoFolding));
    auto back = parseOptionsHeaders(h);
    REQUIRE(back.ok());
    CHECK(*back == info);
  }
  SECTION("Exchange 2003 SP2-like answer") {
    OptionsInfo info = optionsFor(ProtocolVersion::V2_5, std::string(Exchange2003Sp2Build));
    CHECK(info.versions == std::vector<ProtocolVersion>{ProtocolVersion::V2_5});
    CHECK(std::find(info.commands.begin(), info.commands.end(), Command::Settings) ==
          info.commands.end());
    auto back = parseOptionsHeaders(buildOptionsHeaders(info));
    REQUIRE(back.ok());
    CHECK(*back == info);
  }
  SECTION("the spec's example response parses") {
    HeaderList h = {{"Cache-Control", "private"},
                    {"Allow", "OPTIONS,POST"},
                    {"MS-Server-ActiveSync", "14.00.0536.000"},
                    {"MS-ASProtocolVersions", "2.0,2.1,2.5,12.0,12.1,14.0"},
                    {"MS-ASProtocolCommands", std::string(SpecCommands)},
                    {"Public", "OPTIONS,POST"}};
    auto info = parseOptionsHeaders(h);
    REQUIRE(info.ok());
    CHECK(info->serverVersion == "14.00.0536.000");
    CHECK(info->versions.back() == ProtocolVersion::V14_0);
    CHECK(info->commands.size() == 23);
  }
  SECTION("no server version header") {
    OptionsInfo info = optionsFor(ProtocolVersion::V12_1, "");
    HeaderList h = buildOptionsHeaders(info);
    CHECK_FALSE(findHeader(h, "MS-Server-ActiveSync").has_value());
    CHECK(*parseOptionsHeaders(h) == info);
  }
  SECTION("errors") {
    requireBadRequest(parseOptionsHeaders({{"MS-ASProtocolCommands", "Sync"}}), 0);
    requireBadRequest(parseOptionsHeaders({{"MS-ASProtocolVersions", "2.5"}}), 0);
    requireBadRequest(parseOptionsHeaders({{"MS-ASProtocolVersions", "2.5"},
                                           {"MS-ASProtocolVersions", "12.0"},
                                           {"MS-ASProtocolCommands", "Sync"}}));
    requireBadRequest(parseOptionsHeaders(
        {{"MS-ASProtocolVersions", "2.5;12.0"}, {"MS-ASProtocolCommands", "Sync"}}));
    requireBadRequest(parseOptionsHeaders(
        {{"MS-ASProtocolVersions", "2.5"}, {"MS-ASProtocolCommands", "Sync,,Ping"}}));
    requireBadRequest(parseOptionsHeaders({{"MS-ASProtocolVersions", "2.5"},
                                           {"MS-ASProtocolCommands", "Sync"},
                                           {"MS-Server-ActiveSync", "six"}}));
  }
}

TEST_CASE("protocol version negotiation", "[eas][http]") {
  using V = ProtocolVersion;
  const V wm5[] = {V::V2_5};
  const V wm6[] = {V::V2_5, V::V12_0};
  const V wm61[] = {V::V12_1, V::V2_5, V::V12_0};  // order does not matter
  const V e2003[] = {V::V2_5};
  const V e2007[] = {V::V2_5, V::V12_0, V::V12_1};
  const V modern[] = {V::V14_0, V::V14_1, V::V16_0, V::V16_1};

  CHECK(*negotiateVersion(e2007, wm5) == V::V2_5);
  CHECK(*negotiateVersion(e2007, wm6) == V::V12_0);
  CHECK(*negotiateVersion(e2007, wm61) == V::V12_1);
  CHECK(*negotiateVersion(e2003, wm61) == V::V2_5);
  CHECK(*negotiateVersion(modern, modern) == V::V16_1);
  requireBadRequest(negotiateVersion(modern, wm61), 0);
  requireBadRequest(negotiateVersion(std::span<const V>(), wm5), 0);

  CHECK(*negotiateVersion("2.0,2.1,2.5,12.0,12.1,14.0", wm61) == V::V12_1);
  CHECK(*negotiateVersion("1.0,2.0,2.1,2.5", wm61) == V::V2_5);
  requireBadRequest(negotiateVersion("2.0,2.1", wm61), 0);
  requireBadRequest(negotiateVersion("2.5;12.0", wm61), 0);
}

}  // namespace cradle::eas
