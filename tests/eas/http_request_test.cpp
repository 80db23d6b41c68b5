// Request line model: plain and base64 queries, the dossier's vectors, device ids, every error.
#include <catch2/catch.hpp>
#include <string>
#include <string_view>

#include "eas/base64.h"
#include "eas/http/request.h"

namespace cradle::eas {
namespace {

std::string fromHex(std::string_view hex) {
  std::string out;
  int nibbles = 0;
  unsigned value = 0;
  for (char c : hex) {
    int v = -1;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      v = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      v = c - 'A' + 10;
    }
    if (v < 0) {
      continue;  // spaces between bytes
    }
    value = (value << 4) | static_cast<unsigned>(v);
    if (++nibbles == 2) {
      out += static_cast<char>(value);
      nibbles = 0;
      value = 0;
    }
  }
  return out;
}

std::string target(std::string_view query) {
  return std::string(ActiveSyncPath) + "?" + std::string(query);
}
std::string blobTarget(std::string_view hex) { return target(base64Encode(fromHex(hex))); }

// Asserts a BadRequest at `offset` (when given) and returns the detail for further checks.
template <class T>
std::string requireBadRequest(const Result<T>& r, std::optional<std::size_t> offset = {}) {
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::BadRequest);
  if (offset) {
    CHECK(r.error().offset == *offset);
  }
  return r.error().detail;
}

// Dossier 1.2 / MS-ASHTTP 2.2.1.1.1.1 example and the two own 12.1 vectors.
constexpr std::string_view SpecExample = "jAAJBAp2MTQwRGV2aWNlAApTbWFydFBob25l";
constexpr std::string_view SpecExampleHex =
    "8c 00 09 04 0a 76 31 34 30 44 65 76 69 63 65 00 0a 53 6d 61 72 74 50 68 6f 6e 65";
constexpr std::string_view PingVector = "eRIJBBABI0VniavN7wEjRWeJq83vBGBI6k0DUFBD";
constexpr std::string_view PingVectorHex =
    "79 12 09 04 10 01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef 04 60 48 ea 4d 03 50 50 43";
constexpr std::string_view SendMailVector = "eQEJBBABI0VniavN7wEjRWeJq83vBGBI6k0DUFBDBwEB";
constexpr std::string_view SendMailVectorHex =
    "79 01 09 04 10 01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef 04 60 48 ea 4d 03 50 50 43 "
    "07 01 01";

EasRequest sampleRequest(Command cmd, QueryForm form) {
  EasRequest r;
  r.cmd = cmd;
  r.user = "jdoe";
  r.deviceId = "ABC123";
  r.deviceType = "PocketPC";
  r.version = ProtocolVersion::V16_1;
  r.policyKey = 3942919513u;
  r.form = form;
  if (form == QueryForm::Base64) {
    r.rawDeviceId = r.deviceId;  // what the parser reports for an id sent as text
  }
  return r;
}

}  // namespace

TEST_CASE("dossier base64 vectors encode byte for byte", "[eas][http]") {
  // The vectors' strings are the base64 of their hex, and the blob bytes are what we build.
  CHECK(base64Encode(fromHex(SpecExampleHex)) == SpecExample);
  CHECK(base64Encode(fromHex(PingVectorHex)) == PingVector);
  CHECK(base64Encode(fromHex(SendMailVectorHex)) == SendMailVector);
}

TEST_CASE("spec example base64 query parses and rebuilds", "[eas][http]") {
  auto r = parseRequestTarget(target(SpecExample));
  REQUIRE(r.ok());
  CHECK(r->form == QueryForm::Base64);
  CHECK(r->version == ProtocolVersion::V14_0);
  CHECK(r->cmd == Command::Sync);
  CHECK(r->locale == 0x0409);
  CHECK(r->deviceId == "v140Device");
  CHECK(r->rawDeviceId == "v140Device");
  CHECK_FALSE(r->policyKey.has_value());
  CHECK(r->deviceType == "SmartPhone");
  CHECK(r->user.empty());
  auto built = buildBase64Target(*r);
  REQUIRE(built.ok());
  CHECK(*built == target(SpecExample));

  // MS-ASHTTP 2.2.1.1.1: the equivalent plain request names the same device.
  auto plain =
      parseRequestTarget(target("Cmd=Sync&User=rmjones&DeviceId=v140Device&DeviceType=SmartPhone"));
  REQUIRE(plain.ok());
  CHECK(plain->form == QueryForm::Plain);
  CHECK(plain->cmd == r->cmd);
  CHECK(plain->deviceId == r->deviceId);
  CHECK(plain->deviceType == r->deviceType);
  CHECK(plain->user == "rmjones");
}

TEST_CASE("own 12.1 Ping vector with binary device id and policy key", "[eas][http]") {
  auto r = parseRequestTarget(target(PingVector));
  REQUIRE(r.ok());
  CHECK(r->version == ProtocolVersion::V12_1);
  CHECK(r->cmd == Command::Ping);
  CHECK(r->locale == 0x0409);
  CHECK(r->rawDeviceId == fromHex("0123456789abcdef0123456789abcdef"));
  CHECK(r->deviceId == "0123456789ABCDEF0123456789ABCDEF");
  REQUIRE(r->policyKey.has_value());
  CHECK(*r->policyKey == 1307199584u);
  CHECK(r->deviceType == "PPC");
  CHECK_FALSE(r->saveInSent);
  auto built = buildBase64Target(*r);
  REQUIRE(built.ok());
  CHECK(*built == target(PingVector));
}

TEST_CASE("own 12.1 SendMail vector with SaveInSent option", "[eas][http]") {
  auto r = parseRequestTarget(target(SendMailVector));
  REQUIRE(r.ok());
  CHECK(r->cmd == Command::SendMail);
  CHECK(r->saveInSent);
  CHECK_FALSE(r->acceptMultiPart);
  auto built = buildBase64Target(*r);
  REQUIRE(built.ok());
  CHECK(*built == target(SendMailVector));

  // The same request from a model filled in by hand.
  EasRequest m;
  m.cmd = Command::SendMail;
  m.version = ProtocolVersion::V12_1;
  m.rawDeviceId = fromHex("0123456789abcdef0123456789abcdef");
  m.deviceId = canonicalDeviceId(m.rawDeviceId);
  m.policyKey = 1307199584u;
  m.deviceType = "PPC";
  m.saveInSent = true;
  m.form = QueryForm::Base64;
  CHECK(*r == m);
  auto fromModel = buildBase64Target(m);
  REQUIRE(fromModel.ok());
  CHECK(*fromModel == target(SendMailVector));
}

TEST_CASE("canonical device id", "[eas][http]") {
  CHECK(canonicalDeviceId("ABC123xyz") == "ABC123xyz");
  CHECK(canonicalDeviceId("v140Device") == "v140Device");
  CHECK(canonicalDeviceId(fromHex("01 ab ff")) == "01ABFF");
  CHECK(canonicalDeviceId("abc-1") == "6162632D31");  // one non-alphanumeric byte: all hex
  CHECK(canonicalDeviceId("").empty());

  // The same device as 16 raw bytes (base64 query) and as text (plain query): one id.
  const std::string guid = "6F24CAD599A5BF1A690246B8C68FAE8D";
  auto base64Form = parseRequestTarget(
      blobTarget("79 09 09 04 10 6F 24 CA D5 99 A5 BF 1A 69 02 46 B8 C6 8F AE 8D 00 03 50 50 43"));
  REQUIRE(base64Form.ok());
  auto plainForm = parseRequestTarget(
      target("User=deviceuser&DeviceId=" + guid + "&DeviceType=PocketPC&Cmd=FolderSync"));
  REQUIRE(plainForm.ok());
  CHECK(base64Form->deviceId == guid);
  CHECK(plainForm->deviceId == guid);
  CHECK(base64Form->cmd == Command::FolderSync);
  CHECK(plainForm->cmd == Command::FolderSync);

  // The canonical id forwards in a plain query and parses back to itself.
  EasRequest forwarded = *base64Form;
  forwarded.form = QueryForm::Plain;
  forwarded.rawDeviceId.clear();
  forwarded.user = "deviceuser";
  auto plainTarget = buildPlainTarget(forwarded);
  REQUIRE(plainTarget.ok());
  auto again = parseRequestTarget(*plainTarget);
  REQUIRE(again.ok());
  CHECK(again->deviceId == guid);
}

TEST_CASE("every command round-trips in both query forms", "[eas][http]") {
  for (const CommandInfo& info : allCommands()) {
    INFO(info.name);
    EasRequest plain = sampleRequest(info.command, QueryForm::Plain);
    auto plainTarget = buildPlainTarget(plain);
    REQUIRE(plainTarget.ok());
    CHECK(plainTarget->find("?Cmd=" + std::string(info.name) + "&User=jdoe&DeviceId=ABC123") !=
          std::string::npos);
    auto headers = buildRequestHeaders(plain);
    REQUIRE(headers.ok());
    auto plainBack = parseRequest(*plainTarget, *headers);
    REQUIRE(plainBack.ok());
    CHECK(*plainBack == plain);

    EasRequest b64 = sampleRequest(info.command, QueryForm::Base64);
    auto b64Target = buildBase64Target(b64);
    if (!info.hasCode) {
      REQUIRE_FALSE(b64Target.ok());
      CHECK(b64Target.error().code == ErrorCode::BadValue);
      continue;
    }
    REQUIRE(b64Target.ok());
    auto b64Headers = buildRequestHeaders(b64);
    REQUIRE(b64Headers.ok());
    CHECK(b64Headers->empty());
    auto b64Back = parseRequest(*b64Target, *b64Headers);
    REQUIRE(b64Back.ok());
    CHECK(*b64Back == b64);
    // The command code is byte 1 of the blob.
    auto blob = base64Decode(b64Target->substr(ActiveSyncPath.size() + 1));
    REQUIRE(blob.has_value());
    CHECK(static_cast<uint8_t>((*blob)[1]) == static_cast<uint8_t>(info.command));
  }
}

TEST_CASE("all parameters round-trip in both forms", "[eas][http]") {
  for (QueryForm form : {QueryForm::Plain, QueryForm::Base64}) {
    EasRequest r = sampleRequest(Command::SmartReply, form);
    r.user = "DOMAIN\\j doe+x@example.com";
    r.attachmentName = "5:1:0 report.doc";
    r.collectionId = "5";
    r.itemId = "5:12";
    r.longId = "RgAAAAAF/ua8OL7WSa%2=";
    r.occurrence = "2024-01-01T10:00:00.000Z";
    r.saveInSent = true;
    r.acceptMultiPart = true;
    r.locale = 0x0407;
    auto t = buildTarget(r);
    REQUIRE(t.ok());
    auto h = buildRequestHeaders(r);
    REQUIRE(h.ok());
    auto back = parseRequest(*t, *h);
    REQUIRE(back.ok());
    if (form == QueryForm::Plain) {
      back->locale = r.locale;  // the plain query has no locale field
    }
    CHECK(*back == r);
  }
}

TEST_CASE("plain query decoding details", "[eas][http]") {
  SECTION("percent escapes and plus") {
    auto r = parseRequestTarget(
        target("Cmd=Sync&User=DOMAIN%5cj+doe%40example.com&DeviceId=abc&DeviceType=Smart%50hone"));
    REQUIRE(r.ok());
    CHECK(r->user == "DOMAIN\\j doe@example.com");
    CHECK(r->deviceType == "SmartPhone");
  }
  SECTION("any order, case-insensitive names and command, absolute URI, path case") {
    auto r = parseRequestTarget(
        "https://mail.example.com/microsoft-server-activesync?deviceid=ABC&cmd=ping&DEVICETYPE=SP"
        "&user=u");
    REQUIRE(r.ok());
    CHECK(r->cmd == Command::Ping);
    CHECK(r->deviceId == "ABC");
    auto rebuilt = buildPlainTarget(*r);
    REQUIRE(rebuilt.ok());
    CHECK(*rebuilt == "/Microsoft-Server-ActiveSync?Cmd=Ping&User=u&DeviceId=ABC&DeviceType=SP");
  }
  SECTION("SaveInSent") {
    auto t = parseRequestTarget(target("Cmd=SendMail&User=u&DeviceId=a&DeviceType=b&SaveInSent=T"));
    REQUIRE(t.ok());
    CHECK(t->saveInSent);
    auto f = parseRequestTarget(target("Cmd=SendMail&User=u&DeviceId=a&DeviceType=b&SaveInSent=F"));
    REQUIRE(f.ok());
    CHECK_FALSE(f->saveInSent);
  }
  SECTION("unknown parameters are kept and forwarded, not carried by base64") {
    auto r = parseRequestTarget(target("Cmd=Sync&User=u&DeviceId=a&DeviceType=b&Foo=1%262&Bar=x"));
    REQUIRE(r.ok());
    REQUIRE(r->extraParams.size() == 2);
    CHECK(r->extraParams[0].first == "Foo");
    CHECK(r->extraParams[0].second == "1&2");
    auto rebuilt = buildPlainTarget(*r);
    REQUIRE(rebuilt.ok());
    CHECK(*rebuilt == target("Cmd=Sync&User=u&DeviceId=a&DeviceType=b&Foo=1%262&Bar=x"));
    EasRequest b = *r;
    b.form = QueryForm::Base64;
    b.version = ProtocolVersion::V14_0;
    auto built = buildBase64Target(b);
    REQUIRE_FALSE(built.ok());
    CHECK(built.error().code == ErrorCode::BadValue);
  }
}

TEST_CASE("base64 query decoding details", "[eas][http]") {
  SECTION("percent-encoded blob") {
    // A blob whose base64 holds '+', '/' and '=', sent percent-encoded.
    EasRequest m = sampleRequest(Command::Sync, QueryForm::Base64);
    m.rawDeviceId = fromHex("fb ef be fb ef be ff ff ff ff ff ff");
    m.deviceId = canonicalDeviceId(m.rawDeviceId);
    auto t = buildBase64Target(m);
    REQUIRE(t.ok());
    std::string query = t->substr(ActiveSyncPath.size() + 1);
    std::string escaped;
    for (char c : query) {
      if (c == '+') {
        escaped += "%2B";
      } else if (c == '/') {
        escaped += "%2f";
      } else if (c == '=') {
        escaped += "%3D";
      } else {
        escaped += c;
      }
    }
    REQUIRE(escaped != query);
    auto back = parseRequestTarget(target(escaped));
    REQUIRE(back.ok());
    CHECK(*back == m);
  }
  SECTION("missing padding is completed") {
    EasRequest m = sampleRequest(Command::Ping, QueryForm::Base64);
    m.user.clear();
    auto t = buildBase64Target(m);
    REQUIRE(t.ok());
    std::string unpadded = *t;
    REQUIRE(unpadded.back() == '=');
    while (unpadded.back() == '=') {
      unpadded.pop_back();
    }
    auto back = parseRequestTarget(unpadded);
    REQUIRE(back.ok());
    CHECK(*back == m);
  }
  SECTION("Options of length 0 carries no flag") {
    auto r = parseRequestTarget(blobTarget("79 01 09 04 01 41 00 02 53 50 07 00"));
    REQUIRE(r.ok());
    CHECK_FALSE(r->saveInSent);
    CHECK(r->deviceType == "SP");
  }
  SECTION("AcceptMultiPart flag and User tag") {
    auto r = parseRequestTarget(blobTarget("8c 13 09 04 01 41 00 02 53 50 07 01 02 08 02 6a 64"));
    REQUIRE(r.ok());
    CHECK(r->cmd == Command::ItemOperations);
    CHECK(r->acceptMultiPart);
    CHECK(r->user == "jd");
  }
}

TEST_CASE("parseRequest merges the EAS headers", "[eas][http]") {
  const std::string plain = target("Cmd=Sync&User=u&DeviceId=a&DeviceType=b");
  SECTION("plain query takes version, policy key and multipart from headers") {
    HeaderList h = {{"ms-asprotocolversion", "12.0"},
                    {"X-MS-PolicyKey", "666416194"},
                    {"MS-ASAcceptMultiPart", "T"}};
    auto r = parseRequest(plain, h);
    REQUIRE(r.ok());
    CHECK(r->version == ProtocolVersion::V12_0);
    CHECK(r->policyKey == 666416194u);
    CHECK(r->acceptMultiPart);
  }
  SECTION("plain query without MS-ASProtocolVersion") {
    std::string detail = requireBadRequest(parseRequest(plain, {}), 0);
    CHECK(detail.find("MS-ASProtocolVersion") != std::string::npos);
  }
  SECTION("policy key not a number") {
    HeaderList h = {{"MS-ASProtocolVersion", "2.5"}, {"X-MS-PolicyKey", " 12a4"}};
    requireBadRequest(parseRequest(plain, h), 1);
  }
  SECTION("unknown protocol version") {
    requireBadRequest(parseRequest(plain, {{"MS-ASProtocolVersion", "13.0"}}), 0);
  }
  SECTION("repeated header") {
    HeaderList h = {{"MS-ASProtocolVersion", "2.5"}, {"MS-ASProtocolVersion", "12.1"}};
    requireBadRequest(parseRequest(plain, h));
  }
  SECTION("bad MS-ASAcceptMultiPart") {
    HeaderList h = {{"MS-ASProtocolVersion", "2.5"}, {"MS-ASAcceptMultiPart", "yes"}};
    requireBadRequest(parseRequest(plain, h), 0);
  }
  SECTION("base64 query: agreeing headers are fine, contradicting ones are refused") {
    auto same = parseRequest(target(PingVector),
                             {{"MS-ASProtocolVersion", "12.1"}, {"X-MS-PolicyKey", "1307199584"}});
    REQUIRE(same.ok());
    CHECK(same->policyKey == 1307199584u);
    requireBadRequest(parseRequest(target(PingVector), {{"MS-ASProtocolVersion", "14.0"}}));
    requireBadRequest(parseRequest(target(PingVector), {{"X-MS-PolicyKey", "1"}}));
  }
  SECTION("base64 query without a policy key takes the header's") {
    auto r = parseRequest(target(SpecExample), {{"X-MS-PolicyKey", "42"}});
    REQUIRE(r.ok());
    CHECK(r->policyKey == 42u);
    CHECK(r->version == ProtocolVersion::V14_0);
  }
  SECTION("a target error comes through") {
    requireBadRequest(parseRequest("/nope?Cmd=Sync", {{"MS-ASProtocolVersion", "2.5"}}), 0);
  }
}

TEST_CASE("buildRequestHeaders", "[eas][http]") {
  EasRequest r = sampleRequest(Command::Sync, QueryForm::Plain);
  r.acceptMultiPart = true;
  auto h = buildRequestHeaders(r);
  REQUIRE(h.ok());
  CHECK(*h == HeaderList{{"MS-ASProtocolVersion", "16.1"},
                         {"X-MS-PolicyKey", "3942919513"},
                         {"MS-ASAcceptMultiPart", "T"}});
  r.version.reset();
  auto missing = buildRequestHeaders(r);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::BadValue);
}

TEST_CASE("checkRequestVersion", "[eas][http]") {
  const ProtocolVersion server[] = {ProtocolVersion::V2_5, ProtocolVersion::V12_0,
                                    ProtocolVersion::V12_1, ProtocolVersion::V14_0};
  EasRequest r = sampleRequest(Command::Settings, QueryForm::Plain);
  r.version = ProtocolVersion::V12_1;
  CHECK(checkRequestVersion(r, server).ok());
  r.version = ProtocolVersion::V2_5;  // Settings is 12.0+
  requireBadRequest(checkRequestVersion(r, server));
  r.cmd = Command::Find;  // Find is 16.1
  r.version = ProtocolVersion::V14_0;
  requireBadRequest(checkRequestVersion(r, server));
  r.cmd = Command::Sync;
  r.version = ProtocolVersion::V16_1;  // not offered
  requireBadRequest(checkRequestVersion(r, server));
  r.version.reset();
  requireBadRequest(checkRequestVersion(r, server));
  r.version = ProtocolVersion::V12_0;
  r.form = QueryForm::Base64;  // a model that claims base64 with 12.0
  requireBadRequest(checkRequestVersion(r, server));
}

TEST_CASE("request line errors: path and form", "[eas][http]") {
  requireBadRequest(parseRequestTarget("/foo?Cmd=Sync&User=u&DeviceId=a&DeviceType=b"), 0);
  requireBadRequest(parseRequestTarget("/Microsoft-Server-ActiveSyncX?Cmd=Sync"), 0);
  requireBadRequest(parseRequestTarget("/Microsoft-Server-ActiveSync"), 28);
  requireBadRequest(parseRequestTarget("/Microsoft-Server-ActiveSync?"), 29);
  requireBadRequest(parseRequestTarget("http://host"), 11);
  requireBadRequest(parseRequestTarget(""), 0);
}

TEST_CASE("plain query errors", "[eas][http]") {
  const std::size_t q = ActiveSyncPath.size() + 1;  // offset of the query in the target
  SECTION("bad percent escapes") {
    requireBadRequest(parseRequestTarget(target("Cmd=Sync&User=jd%2&DeviceId=a&DeviceType=b")),
                      q + 16);
    requireBadRequest(parseRequestTarget(target("Cmd=Sync&User=jd%zz&DeviceId=a&DeviceType=b")),
                      q + 16);
    requireBadRequest(parseRequestTarget(target("Cmd=Sync&User=jd%&DeviceId=a&DeviceType=b")),
                      q + 16);
    requireBadRequest(parseRequestTarget(target("Cmd=Sync&User=jd%0A&DeviceId=a&DeviceType=b")),
                      q + 16);
  }
  SECTION("unknown command") {
    std::string d = requireBadRequest(
        parseRequestTarget(target("Cmd=Frobnicate&User=u&DeviceId=a&DeviceType=b")), q + 4);
    CHECK(d.find("Frobnicate") != std::string::npos);
  }
  SECTION("missing required parameters") {
    const std::string all[] = {"Cmd=Sync", "User=u", "DeviceId=a", "DeviceType=b"};
    for (int skip = 0; skip < 4; ++skip) {
      std::string query;
      for (int i = 0; i < 4; ++i) {
        if (i != skip) {
          query += (query.empty() ? "" : "&") + all[i];
        }
      }
      std::string d = requireBadRequest(parseRequestTarget(target(query)), q + query.size());
      CHECK(d.find(all[skip].substr(0, all[skip].find('='))) != std::string::npos);
    }
  }
  SECTION("malformed parameters") {
    requireBadRequest(parseRequestTarget(target("Cmd=Sync&&User=u&DeviceId=a&DeviceType=b")),
                      q + 9);
    requireBadRequest(parseRequestTarget(target("Cmd=Sync&User=u&DeviceId=a&DeviceType=b&")),
                      q + 40);
    requireBadRequest(parseRequestTarget(target("Cmd=Sync&User&DeviceId=a&DeviceType=b")), q + 9);
    requireBadRequest(parseRequestTarget(target("Cmd=Sync&Us3r=u&DeviceId=a&DeviceType=b")), q + 9);
    requireBadRequest(parseRequestTarget(target("Cmd=Sync&User=&DeviceId=a&DeviceType=b")), q + 14);
    requireBadRequest(parseRequestTarget(target("Cmd=Sync&User=a b&DeviceId=a&DeviceType=b")),
                      q + 15);
    requireBadRequest(parseRequestTarget(target("Cmd=Sync&User=\xC3\xA9&DeviceId=a&DeviceType=b")),
                      q + 14);
  }
  SECTION("repeated parameters") {
    requireBadRequest(parseRequestTarget(target("Cmd=Sync&User=u&DeviceId=a&DeviceType=b&user=v")),
                      q + 40);
    requireBadRequest(parseRequestTarget(target("Cmd=Sync&User=u&DeviceId=a&DeviceType=b&X=1&x=2")),
                      q + 44);
  }
  SECTION("bad DeviceId, DeviceType, SaveInSent") {
    requireBadRequest(parseRequestTarget(target("Cmd=Sync&User=u&DeviceId=ab-c&DeviceType=b")),
                      q + 25);
    std::string longId(MaxDeviceIdLength + 1, 'A');
    requireBadRequest(
        parseRequestTarget(target("Cmd=Sync&User=u&DeviceId=" + longId + "&DeviceType=b")), q + 25);
    requireBadRequest(parseRequestTarget(target("Cmd=Sync&User=u&DeviceId=a&DeviceType=P%20C")),
                      q + 38);
    requireBadRequest(
        parseRequestTarget(target("Cmd=SendMail&User=u&DeviceId=a&DeviceType=b&SaveInSent=Y")),
        q + 55);
  }
}

TEST_CASE("base64 query errors", "[eas][http]") {
  const std::size_t q = ActiveSyncPath.size() + 1;
  SECTION("truncated at every length") {
    std::string blob = fromHex(PingVectorHex);
    for (std::size_t n = 1; n < blob.size(); ++n) {
      INFO("prefix of " << n << " bytes");
      std::string d =
          requireBadRequest(parseRequestTarget(target(base64Encode(blob.substr(0, n)))));
      CHECK(d.find("truncated") != std::string::npos);
    }
    std::string mail = fromHex(SendMailVectorHex);
    for (std::size_t cut : {std::size_t{1}, std::size_t{2}}) {
      requireBadRequest(
          parseRequestTarget(target(base64Encode(mail.substr(0, mail.size() - cut)))));
    }
  }
  SECTION("bad lengths") {
    // device id length 0 (byte 4, group 1 -> offset q + 4)
    requireBadRequest(parseRequestTarget(blobTarget("79 12 09 04 00 00 03 50 50 43")), q + 4);
    // policy key length 3
    std::string d =
        requireBadRequest(parseRequestTarget(blobTarget("79 12 09 04 01 41 03 01 02 03 02 53 50")));
    CHECK(d.find("policy key length") != std::string::npos);
    // device type length 0
    requireBadRequest(parseRequestTarget(blobTarget("79 12 09 04 01 41 00 00")));
    // device id length beyond the end
    d = requireBadRequest(parseRequestTarget(blobTarget("79 12 09 04 c8 41 42 43")));
    CHECK(d.find("200 bytes announced") != std::string::npos);
    // parameter length beyond the end
    requireBadRequest(parseRequestTarget(blobTarget("79 01 09 04 01 41 00 02 53 50 01 05 35")));
  }
  SECTION("bad base64") {
    requireBadRequest(parseRequestTarget(target("eRIJ*BBA")), q + 4);
    requireBadRequest(parseRequestTarget(target("eRIJB")), q + 5);  // impossible length
    requireBadRequest(parseRequestTarget(target("eR==")), q);       // stray bits
    requireBadRequest(parseRequestTarget(target("eR==eRIJ")));  // inner "=": read as plain, refused
    requireBadRequest(parseRequestTarget(target("eRIJ%2")), q + 4);  // bad escape
  }
  SECTION("unknown command code") {
    for (std::string_view code : {"05", "08", "18", "80", "ff"}) {
      INFO(code);
      std::string d = requireBadRequest(
          parseRequestTarget(blobTarget("79 " + std::string(code) + " 09 04 01 41 00 02 53 50")),
          q);
      CHECK(d.find("command code") != std::string::npos);
    }
  }
  SECTION("protocol version byte") {
    // The base64 form of a 2.5 or 12.0 request is refused, and unknown versions too.
    for (std::string_view v : {"19", "78", "63", "00", "a2"}) {
      INFO(v);
      requireBadRequest(
          parseRequestTarget(blobTarget(std::string(v) + " 00 09 04 01 41 00 02 53 50")), q);
    }
  }
  SECTION("device type not visible ASCII") {
    requireBadRequest(parseRequestTarget(blobTarget("79 12 09 04 01 41 00 02 53 20")));
  }
  SECTION("parameters") {
    const std::string head = "79 01 09 04 01 41 00 02 53 50 ";
    for (std::string_view tag : {"02", "05", "09", "ff"}) {
      INFO(tag);
      std::string d =
          requireBadRequest(parseRequestTarget(blobTarget(head + std::string(tag) + " 01 35")));
      CHECK(d.find("unknown parameter tag") != std::string::npos);
    }
    requireBadRequest(parseRequestTarget(blobTarget(head + "01 01 35 01 01 36")));  // repeated
    requireBadRequest(parseRequestTarget(blobTarget(head + "07 02 01 00")));        // Options len 2
    requireBadRequest(parseRequestTarget(blobTarget(head + "07 01 04")));           // unknown bit
    requireBadRequest(parseRequestTarget(blobTarget(head + "01 00")));              // empty value
    requireBadRequest(parseRequestTarget(blobTarget(head + "08 02 6a 0a")));        // control char
  }
}

TEST_CASE("building refuses what the form cannot carry", "[eas][http]") {
  auto requireBadValue = [](const Result<std::string>& r) {
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::BadValue);
  };
  SECTION("base64 form for a 2.5 or 12.0 request, or without a version") {
    EasRequest r = sampleRequest(Command::Sync, QueryForm::Base64);
    r.version = ProtocolVersion::V2_5;
    requireBadValue(buildBase64Target(r));
    r.version = ProtocolVersion::V12_0;
    requireBadValue(buildBase64Target(r));
    r.version.reset();
    requireBadValue(buildBase64Target(r));
    r.version = ProtocolVersion::V12_1;
    CHECK(buildBase64Target(r).ok());
  }
  SECTION("base64 limits and consistency") {
    EasRequest r = sampleRequest(Command::SmartReply, QueryForm::Base64);
    r.itemId = std::string(256, 'x');
    requireBadValue(buildBase64Target(r));
    r.itemId = std::string(255, 'x');
    CHECK(buildBase64Target(r).ok());
    r.rawDeviceId = fromHex("01 02");
    requireBadValue(buildBase64Target(r));  // deviceId is not canonical(raw)
    r.deviceId = "0102";
    CHECK(buildBase64Target(r).ok());
  }
  SECTION("plain form required fields") {
    EasRequest r = sampleRequest(Command::Sync, QueryForm::Plain);
    r.user.clear();
    requireBadValue(buildPlainTarget(r));
    r = sampleRequest(Command::Sync, QueryForm::Plain);
    r.deviceId = "AB-12";
    requireBadValue(buildPlainTarget(r));
    r.deviceId = std::string(MaxDeviceIdLength + 1, 'A');
    requireBadValue(buildPlainTarget(r));
    r = sampleRequest(Command::Sync, QueryForm::Plain);
    r.deviceType = "Pocket PC";
    requireBadValue(buildPlainTarget(r));
    r = sampleRequest(Command::Sync, QueryForm::Plain);
    r.collectionId = "";
    requireBadValue(buildPlainTarget(r));
    r.collectionId = "a\nb";
    requireBadValue(buildPlainTarget(r));
    r = sampleRequest(Command::Sync, QueryForm::Plain);
    r.extraParams = {{"DeviceId", "x"}};
    requireBadValue(buildPlainTarget(r));
    r.extraParams = {{"Foo", "1"}, {"foo", "2"}};
    requireBadValue(buildPlainTarget(r));
    r.extraParams = {{"Fo0", "1"}};
    requireBadValue(buildPlainTarget(r));
    r.cmd = static_cast<Command>(200);
    r.extraParams.clear();
    requireBadValue(buildPlainTarget(r));
  }
  SECTION("buildTarget dispatches on the form") {
    EasRequest r = sampleRequest(Command::Ping, QueryForm::Plain);
    CHECK(buildTarget(r)->find("Cmd=Ping") != std::string::npos);
    r.form = QueryForm::Base64;
    r.rawDeviceId = r.deviceId;
    CHECK(buildTarget(r)->find("Cmd=") == std::string::npos);
  }
}

}  // namespace cradle::eas
