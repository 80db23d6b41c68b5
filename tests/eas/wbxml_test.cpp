// WBXML reader, writer and Document: wire rules, dossier vectors, every hostile-input path.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "eas/wbxml/document.h"
#include "eas/wbxml/reader.h"
#include "eas/wbxml/writer.h"

using namespace cradle::eas;

namespace {

std::string bytes(std::initializer_list<int> list) {
  std::string s;
  for (int b : list) {
    s += static_cast<char>(b);
  }
  return s;
}

std::string hex(std::string_view s) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (!out.empty()) {
      out += ' ';
    }
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

// Dossier vector 7.1: Ping request, HeartbeatInterval 480, folder 5 / Email.
const std::string PingRequest = bytes({0x03, 0x01, 0x6a, 0x00, 0x00, 0x0d, 0x45, 0x48, 0x03, 0x34, 0x38,
                                       0x30, 0x00, 0x01, 0x49, 0x4a, 0x4b, 0x03, 0x35, 0x00, 0x01, 0x4c,
                                       0x03, 0x45, 0x6d, 0x61, 0x69, 0x6c, 0x00, 0x01, 0x01, 0x01, 0x01});

Error decodeError(const std::string& doc, const Limits& limits = {}) {
  auto r = Document::decode(doc, limits);
  REQUIRE_FALSE(r.ok());
  return r.error();
}

const std::string Header = bytes({0x03, 0x01, 0x6a, 0x00});

}  // namespace

TEST_CASE("writer produces the dossier's Ping request byte for byte", "[eas][wbxml]") {
  std::string out;
  WbxmlWriter w(out);
  w.start(tag::Ping::Ping);
  w.element(tag::Ping::HeartbeatInterval, uint64_t{480});
  w.start(tag::Ping::Folders);
  w.start(tag::Ping::Folder);
  w.element(tag::Ping::Id, "5");
  w.element(tag::Ping::Class, "Email");
  w.end();
  w.end();
  w.end();
  REQUIRE(w.finish().ok());
  CHECK(hex(out) == hex(PingRequest));
}

TEST_CASE("writer: empty elements, page switches and NUL text", "[eas][wbxml]") {
  std::string out;
  WbxmlWriter w(out);
  w.start(tag::AirSync::Sync);
  w.empty(tag::AirSync::GetChanges);      // <GetChanges/> = 0x13
  w.start(tag::AirSync::Wait);            // started and ended with nothing: empty tag 0x24
  w.end();
  w.element(tag::AirSync::Limit, "");     // empty text: empty tag 0x25
  w.start(tag::Ping::Folders);            // page 13
  w.element(tag::Ping::Id, std::string_view("a\0b", 3));  // NUL cannot be STR_I: OPAQUE
  w.end();
  w.element(tag::AirSync::SyncKey, "0");  // back to page 0: SWITCH_PAGE 0
  w.end();
  REQUIRE(w.finish().ok());
  CHECK(hex(out) == hex(bytes({0x03, 0x01, 0x6a, 0x00, 0x45, 0x13, 0x24, 0x25, 0x00, 0x0d, 0x49, 0x4b,
                               0xc3, 0x03, 'a', 0x00, 'b', 0x01, 0x01, 0x00, 0x00, 0x4b, 0x03, '0',
                               0x00, 0x01, 0x01})));
}

TEST_CASE("writer reports misuse", "[eas][wbxml]") {
  SECTION("left open") {
    std::string out;
    WbxmlWriter w(out);
    w.start(tag::Ping::Ping);
    CHECK(w.finish().error().code == ErrorCode::UnbalancedEnd);
  }
  SECTION("end without start") {
    std::string out;
    WbxmlWriter w(out);
    w.end();
    CHECK_FALSE(w.finish().ok());
  }
  SECTION("text outside an element") {
    std::string out;
    WbxmlWriter w(out);
    w.text("x");
    CHECK_FALSE(w.finish().ok());
  }
}

TEST_CASE("multi-byte integers", "[eas][wbxml]") {
  uint32_t v = 0;
  std::size_t pos = 0;
  CHECK(readMultiByteUint32(bytes({0x82, 0x2c}), pos, v) == 0);
  CHECK(v == 300);
  CHECK(pos == 2);
  pos = 0;
  CHECK(readMultiByteUint32(bytes({0x8f, 0xff, 0xff, 0xff, 0x7f}), pos, v) == 0);
  CHECK(v == UINT32_MAX);
  pos = 0;
  CHECK(readMultiByteUint32(bytes({0x90, 0x80, 0x80, 0x80, 0x00}), pos, v) == 2);  // 2^32
  pos = 0;
  CHECK(readMultiByteUint32(bytes({0x80, 0x80, 0x80, 0x80, 0x80, 0x01}), pos, v) == 2);  // 6 bytes
  pos = 0;
  CHECK(readMultiByteUint32(bytes({0x81}), pos, v) == 1);  // truncated
  CHECK(pos == 0);
}

TEST_CASE("Document decodes the dossier's Ping request", "[eas][wbxml]") {
  auto doc = Document::decode(PingRequest);
  REQUIRE(doc.ok());
  Element root = doc->root();
  CHECK(root.tag() == tag::Ping::Ping);
  CHECK(root.offset() == 6);
  CHECK(root.child(tag::Ping::HeartbeatInterval).text() == "480");
  Element folders = root.child(tag::Ping::Folders);
  REQUIRE(folders);
  int n = 0;
  for (Element f : folders.children(tag::Ping::Folder)) {
    CHECK(f.child(tag::Ping::Id).text() == "5");
    CHECK(f.child(tag::Ping::Class).text() == "Email");
    CHECK(f.parent().tag() == tag::Ping::Folders);
    ++n;
  }
  CHECK(n == 1);
  CHECK_FALSE(root.child(tag::Ping::Status));
  CHECK(root.child(tag::Ping::Status).text().empty());  // absent elements are safe to use
  CHECK(root.childCount() == 2);
  CHECK(hex(doc->encode()) == hex(PingRequest));
}

TEST_CASE("Document: split text runs, opaque, and content-tag-without-data", "[eas][wbxml]") {
  // <Sync><SyncKey>ab + cd</SyncKey><Limit/> as content tag + END, <Wait>opaque 3 bytes</Wait></Sync>
  std::string doc = Header + bytes({0x45, 0x4b, 0x03, 'a', 'b', 0x00, 0x03, 'c', 'd', 0x00, 0x01,
                                    0x65, 0x01, 0x64, 0xc3, 0x03, 0xff, 0x00, 0x01, 0x01, 0x01});
  auto d = Document::decode(doc);
  REQUIRE(d.ok());
  CHECK(d->root().child(tag::AirSync::SyncKey).text() == "abcd");
  Element limit = d->root().child(tag::AirSync::Limit);
  CHECK(limit.hasContent());
  CHECK(limit.text().empty());
  Element wait = d->root().child(tag::AirSync::Wait);
  CHECK(wait.isOpaque());
  CHECK(wait.text() == std::string_view("\xff\x00\x01", 3));
  // Re-encoding writes one inline run, the empty Limit as an empty tag, Wait as OPAQUE.
  auto again = Document::decode(d->encode());
  REQUIRE(again.ok());
  CHECK(again->root().child(tag::AirSync::SyncKey).text() == "abcd");
  CHECK(again->root().child(tag::AirSync::Wait).text() == wait.text());
}

TEST_CASE("Document built by hand encodes and interleaved text stays per element", "[eas][wbxml]") {
  Document doc;
  uint32_t root = doc.addElement(Document::None, tag::Ping::Ping);
  uint32_t a = doc.addText(root, tag::Ping::Status, "2");
  uint32_t b = doc.addText(root, tag::Ping::HeartbeatInterval, "4");
  doc.appendText(a, "1", false);  // a's text is no longer at the end of the arena
  doc.appendText(b, "80", false);
  CHECK(doc.element(a).text() == "21");
  CHECK(doc.element(b).text() == "480");
  auto back = Document::decode(doc.encode());
  REQUIRE(back.ok());
  CHECK(back->root().child(tag::Ping::HeartbeatInterval).text() == "480");
  Document none;
  CHECK(none.encode() == Header);
}

TEST_CASE("hostile input gives typed errors with offsets", "[eas][wbxml]") {
  SECTION("empty input") {
    CHECK(decodeError("").code == ErrorCode::Truncated);
  }
  SECTION("truncated header") {
    Error e = decodeError(bytes({0x03, 0x01}));
    CHECK(e.code == ErrorCode::Truncated);
  }
  SECTION("WBXML version 2") {
    Error e = decodeError(bytes({0x04, 0x01, 0x6a, 0x00, 0x45, 0x01}));
    CHECK(e.code == ErrorCode::BadHeader);
    CHECK(e.offset == 0);
  }
  SECTION("charset not UTF-8") {
    Error e = decodeError(bytes({0x03, 0x01, 0x04, 0x00, 0x45, 0x01}));
    CHECK(e.code == ErrorCode::BadHeader);
    CHECK(e.offset == 2);
  }
  SECTION("string table") {
    Error e = decodeError(bytes({0x03, 0x01, 0x6a, 0x02, 'a', 0x00, 0x45, 0x01}));
    CHECK(e.code == ErrorCode::StringTable);
    CHECK(e.offset == 3);
  }
  SECTION("public id from the string table") {
    CHECK(decodeError(bytes({0x03, 0x00, 0x00, 0x6a, 0x00})).code == ErrorCode::StringTable);
  }
  SECTION("bad multi-byte charset") {
    Error e = decodeError(bytes({0x03, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00}));
    CHECK(e.code == ErrorCode::BadMultiByteInt);
    CHECK(e.offset == 2);
  }
  SECTION("no root element") {
    CHECK(decodeError(Header).code == ErrorCode::Truncated);
  }
  SECTION("unknown code page") {
    Error e = decodeError(Header + bytes({0x00, 0x30, 0x45, 0x01}));
    CHECK(e.code == ErrorCode::UnknownCodePage);
    CHECK(e.offset == 5);
  }
  SECTION("unknown token") {
    Error e = decodeError(Header + bytes({0x45, 0x7f, 0x01}));  // AirSync 0x3F is undefined
    CHECK(e.code == ErrorCode::UnknownToken);
    CHECK(e.offset == 5);
  }
  SECTION("attribute bit") {
    Error e = decodeError(Header + bytes({0xc5, 0x01, 0x01}));
    CHECK(e.code == ErrorCode::Attributes);
    CHECK(e.offset == 4);
  }
  SECTION("STR_T and literals") {
    CHECK(decodeError(Header + bytes({0x45, 0x83, 0x00, 0x01})).code == ErrorCode::StringTable);
    CHECK(decodeError(Header + bytes({0x04, 0x00})).code == ErrorCode::StringTable);
    CHECK(decodeError(Header + bytes({0x45, 0x44, 0x00, 0x01})).code == ErrorCode::StringTable);
  }
  SECTION("entity, PI and extension tokens") {
    CHECK(decodeError(Header + bytes({0x45, 0x02, 0x41, 0x01})).code == ErrorCode::UnsupportedToken);
    CHECK(decodeError(Header + bytes({0x45, 0x43, 0x01})).code == ErrorCode::UnsupportedToken);
    CHECK(decodeError(Header + bytes({0x45, 0x40, 'x', 0x00, 0x01})).code == ErrorCode::UnsupportedToken);
    CHECK(decodeError(Header + bytes({0x45, 0x80, 0x00, 0x01})).code == ErrorCode::UnsupportedToken);
    CHECK(decodeError(Header + bytes({0x45, 0xc0, 0x01})).code == ErrorCode::UnsupportedToken);
  }
  SECTION("END with nothing open") {
    Error e = decodeError(Header + bytes({0x01}));
    CHECK(e.code == ErrorCode::UnbalancedEnd);
    CHECK(e.offset == 4);
  }
  SECTION("elements left open") {
    Error e = decodeError(Header + bytes({0x45, 0x5c, 0x01}));
    CHECK(e.code == ErrorCode::Truncated);
    CHECK(e.offset == 7);
  }
  SECTION("bytes after the root") {
    Error e = decodeError(Header + bytes({0x45, 0x01, 0x00}));
    CHECK(e.code == ErrorCode::TrailingData);
    CHECK(e.offset == 6);
    CHECK(decodeError(Header + bytes({0x05, 0x05})).code == ErrorCode::TrailingData);
  }
  SECTION("text outside the root") {
    CHECK(decodeError(Header + bytes({0x03, 'x', 0x00})).code == ErrorCode::BadText);
    CHECK(decodeError(Header + bytes({0xc3, 0x00})).code == ErrorCode::BadText);
  }
  SECTION("unterminated inline string") {
    Error e = decodeError(Header + bytes({0x45, 0x03, 'a', 'b'}));
    CHECK(e.code == ErrorCode::Truncated);
    CHECK(e.offset == 5);
  }
  SECTION("invalid UTF-8") {
    Error e = decodeError(Header + bytes({0x45, 0x03, 'a', 0xc0, 0xaf, 0x00, 0x01}));
    CHECK(e.code == ErrorCode::BadText);
    CHECK(e.offset == 7);
    CHECK(decodeError(Header + bytes({0x45, 0x03, 0xed, 0xa0, 0x80, 0x00, 0x01})).code ==
          ErrorCode::BadText);  // a UTF-16 surrogate
  }
  SECTION("opaque longer than the input") {
    Error e = decodeError(Header + bytes({0x45, 0xc3, 0x10, 'a', 0x01}));
    CHECK(e.code == ErrorCode::Truncated);
  }
  SECTION("opaque length malformed") {
    Error e = decodeError(Header + bytes({0x45, 0xc3, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}));
    CHECK(e.code == ErrorCode::BadMultiByteInt);
    CHECK(e.offset == 6);
  }
  SECTION("huge opaque length does not allocate") {
    Limits small;
    small.maxStringBytes = 1024;
    Error e = decodeError(Header + bytes({0x45, 0xc3, 0x8f, 0xff, 0xff, 0xff, 0x7f, 0x01}), small);
    CHECK(e.code == ErrorCode::TooLarge);
  }
  SECTION("nesting too deep") {
    Limits l;
    l.maxDepth = 3;
    CHECK(Document::decode(Header + bytes({0x45, 0x5c, 0x4f, 0x01, 0x01, 0x01}), l).ok());
    Error e = decodeError(Header + bytes({0x45, 0x5c, 0x4f, 0x4f, 0x01, 0x01, 0x01, 0x01}), l);
    CHECK(e.code == ErrorCode::TooDeep);
    CHECK(e.offset == 7);
  }
  SECTION("too many elements") {
    Limits l;
    l.maxElements = 3;
    Error e = decodeError(Header + bytes({0x45, 0x13, 0x13, 0x13, 0x01}), l);
    CHECK(e.code == ErrorCode::TooLarge);
    CHECK(e.offset == 7);
  }
  SECTION("document too large") {
    Limits l;
    l.maxDocumentBytes = 8;
    CHECK(decodeError(PingRequest, l).code == ErrorCode::TooLarge);
  }
  SECTION("string too large") {
    Limits l;
    l.maxStringBytes = 2;
    Error e = decodeError(PingRequest, l);
    CHECK(e.code == ErrorCode::TooLarge);
    CHECK(e.offset == 8);
  }
  SECTION("errors are sticky") {
    const std::string doc = Header + bytes({0x01});  // the reader views, not copies, its input
    WbxmlReader r(doc);
    auto first = r.next();
    REQUIRE_FALSE(first.ok());
    auto second = r.next();
    REQUIRE_FALSE(second.ok());
    CHECK(second.error().offset == first.error().offset);
  }
}

TEST_CASE("error messages name the offset", "[eas][wbxml]") {
  Error e = decodeError(Header + bytes({0x45, 0x7f, 0x01}));
  CHECK(e.message().find("at byte 5") != std::string::npos);
  CHECK(e.message().find("unknown token") == 0);
}

namespace {

struct Flat {
  WbxmlEventType type;
  uint16_t tag;
  bool content;
  std::string data;
  std::size_t offset;
  bool operator==(const Flat& o) const {
    return type == o.type && tag == o.tag && content == o.content && data == o.data &&
           offset == o.offset;
  }
};

std::vector<Flat> pullAll(WbxmlReader& r, std::string_view doc, std::size_t chunk) {
  std::vector<Flat> events;
  std::size_t fed = 0;
  for (;;) {
    auto ev = r.next();
    REQUIRE(ev.ok());
    if (ev->type == WbxmlEventType::NeedMoreData) {
      if (fed < doc.size()) {
        std::size_t n = std::min(chunk, doc.size() - fed);
        r.feed(doc.substr(fed, n));
        fed += n;
      } else {
        r.finish();
      }
      continue;
    }
    events.push_back({ev->type, ev->tag.code, ev->hasContent, std::string(ev->data), ev->offset});
    if (ev->type == WbxmlEventType::EndDocument) {
      return events;
    }
  }
}

}  // namespace

TEST_CASE("streaming reader gives the same events for every chunk size", "[eas][wbxml]") {
  std::string doc = Header + bytes({0x00, 0x0d, 0x45, 0x48, 0x03, '4', '8', '0', 0x00, 0x01, 0x49,
                                    0x4a, 0xc3, 0x82, 0x01}) +
                    std::string(257, 'z') + bytes({0x01, 0x01, 0x01});
  WbxmlReader whole(doc);
  std::vector<Flat> expected;
  for (;;) {
    auto ev = whole.next();
    REQUIRE(ev.ok());
    expected.push_back({ev->type, ev->tag.code, ev->hasContent, std::string(ev->data), ev->offset});
    if (ev->type == WbxmlEventType::EndDocument) {
      break;
    }
  }
  CHECK(expected.size() == 11);
  for (std::size_t chunk : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::size_t{7}, std::size_t{64}, std::size_t{1000}}) {
    WbxmlReader r;
    CHECK(pullAll(r, doc, chunk) == expected);
  }
}

TEST_CASE("streaming reader: truncation is an error only after finish()", "[eas][wbxml]") {
  WbxmlReader r;
  r.feed(Header + bytes({0x45, 0x03, 'a'}));
  auto ev = r.next();
  REQUIRE(ev.ok());
  CHECK(ev->type == WbxmlEventType::StartElement);
  ev = r.next();
  REQUIRE(ev.ok());
  CHECK(ev->type == WbxmlEventType::NeedMoreData);
  r.finish();
  ev = r.next();
  REQUIRE_FALSE(ev.ok());
  CHECK(ev.error().code == ErrorCode::Truncated);
  CHECK(ev.error().offset == 5);
}

TEST_CASE("streaming reader: trailing bytes after the root are refused", "[eas][wbxml]") {
  WbxmlReader r;
  r.feed(Header + bytes({0x45, 0x01}));
  REQUIRE(r.next()->type == WbxmlEventType::StartElement);
  REQUIRE(r.next()->type == WbxmlEventType::EndElement);
  CHECK(r.next()->type == WbxmlEventType::NeedMoreData);  // more could still come
  r.feed(bytes({0x45}));
  auto ev = r.next();
  REQUIRE_FALSE(ev.ok());
  CHECK(ev.error().code == ErrorCode::TrailingData);
  CHECK(ev.error().offset == 6);
}

TEST_CASE("streaming reader enforces the document limit while fed", "[eas][wbxml]") {
  Limits l;
  l.maxDocumentBytes = 16;
  WbxmlReader r(l);
  r.feed(Header + bytes({0x45, 0x03}));
  r.feed(std::string(20, 'a'));
  auto ev = r.next();
  REQUIRE_FALSE(ev.ok());
  CHECK(ev.error().code == ErrorCode::TooLarge);
}
