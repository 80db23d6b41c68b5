// XML text form: wbxml2xml's printing rules, the strict reader, round trips, every error path.
#include "eas/wbxml/xml_text.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "eas/wbxml/document.h"

using namespace cradle::eas;

namespace {

std::string bytes(std::initializer_list<int> list) {
  std::string s;
  for (int b : list) {
    s += static_cast<char>(b);
  }
  return s;
}

const std::string Header = bytes({0x03, 0x01, 0x6a, 0x00});
const std::string Prolog =
    "<?xml version=\"1.0\"?><!DOCTYPE ActiveSync PUBLIC \"-//MICROSOFT//DTD ActiveSync//EN\" "
    "\"http://www.microsoft.com/\">";

// Dossier vector 7.1: Ping request, HeartbeatInterval 480, folder 5 / Email.
const std::string PingRequest =
    Header +
    bytes({0x00, 0x0d, 0x45, 0x48, 0x03, 0x34, 0x38, 0x30, 0x00, 0x01, 0x49, 0x4a, 0x4b, 0x03, 0x35,
           0x00, 0x01, 0x4c, 0x03, 0x45, 0x6d, 0x61, 0x69, 0x6c, 0x00, 0x01, 0x01, 0x01, 0x01});
// What `wbxml2xml -l ACTIVESYNC -m 0` prints for it, without the declaration and DOCTYPE.
const std::string PingRequestXml =
    "<Ping xmlns=\"Ping:\"><HeartbeatInterval>480</HeartbeatInterval><Folders><Folder><Id>5</Id>"
    "<Class>Email</Class></Folder></Folders></Ping>";

Document decoded(const std::string& wbxml) {
  auto r = Document::decode(wbxml);
  INFO((r.ok() ? std::string() : r.error().message()));
  REQUIRE(r.ok());
  return std::move(r).value();
}

std::string print(const std::string& wbxml, XmlOptions options = {}) {
  options.declaration = false;
  return toXml(decoded(wbxml), options);
}

Document parsed(std::string_view xml, const XmlReadOptions& options = {}) {
  auto r = fromXml(xml, options);
  INFO((r.ok() ? std::string() : r.error().message()));
  REQUIRE(r.ok());
  return std::move(r).value();
}

std::string encodeXml(std::string_view xml, const XmlReadOptions& options = {}) {
  return parsed(xml, options).encode();
}

Error xmlError(std::string_view xml, const Limits& limits = {}) {
  auto r = fromXml(xml, limits);
  REQUIRE_FALSE(r.ok());
  return r.error();
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

}  // namespace

// ---- printing ----

TEST_CASE("toXml prints wbxml2xml's compact dialect", "[eas][xml]") {
  const Document doc = decoded(PingRequest);
  CHECK(toXml(doc) == Prolog + PingRequestXml);  // no trailing newline, as wbxml2xml
  XmlOptions bare;
  bare.declaration = false;
  CHECK(toXml(doc, bare) == PingRequestXml);
  CHECK(toXml(Document()) == Prolog);
  CHECK(toXml(Document(), bare).empty());
}

TEST_CASE("toXml declares the namespace where the code page changes", "[eas][xml]") {
  // Sync > Body (AirSyncBase) > Status (AirSync), then Status: output checked with wbxml2xml.
  const std::string wbxml =
      Header + bytes({0x45, 0x00, 0x11, 0x4a, 0x00, 0x00, 0x4e, 0x03, '1',  0x00,
                      0x01, 0x01, 0x00, 0x00, 0x4e, 0x03, '2',  0x00, 0x01, 0x01});
  CHECK(print(wbxml) ==
        "<Sync xmlns=\"AirSync:\"><Body xmlns=\"AirSyncBase:\"><Status xmlns=\"AirSync:\">1"
        "</Status></Body><Status>2</Status></Sync>");
  // The root declares its namespace even on page 0, and an empty root is <X/>.
  CHECK(print(Header + bytes({0x05})) == "<Sync xmlns=\"AirSync:\"/>");
}

TEST_CASE("toXml prints every element without content as <X/>", "[eas][xml]") {
  // wbxml2xml prints <Folders/> for an empty tag, for content + END and for an empty STR_I.
  CHECK(print(Header + bytes({0x00, 0x0d, 0x45, 0x09, 0x49, 0x01, 0x48, 0x03, 0x00, 0x01, 0x01})) ==
        "<Ping xmlns=\"Ping:\"><Folders/><Folders/><HeartbeatInterval/></Ping>");
  // An empty OPAQUE run is no content either.
  CHECK(print(Header + bytes({0x00, 0x0d, 0x45, 0x48, 0xc3, 0x00, 0x01, 0x01})) ==
        "<Ping xmlns=\"Ping:\"><HeartbeatInterval/></Ping>");
}

TEST_CASE("toXml escapes text as wbxml2xml does, and control characters as references",
          "[eas][xml]") {
  auto text = [](std::string_view s) {
    std::string w = Header + bytes({0x45, 0x4b, 0x03});
    w.append(s);
    w += bytes({0x00, 0x01, 0x01});
    return print(w);
  };
  auto wrap = [](std::string_view s) {
    return "<Sync xmlns=\"AirSync:\"><SyncKey>" + std::string(s) + "</SyncKey></Sync>";
  };
  CHECK(text("a&b<c>d\"e'f") == wrap("a&amp;b&lt;c&gt;d&quot;e&apos;f"));
  CHECK(text("tab\tlf\ncr\r") == wrap("tab\tlf\ncr\r"));  // raw, as wbxml2xml
  CHECK(text("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80") ==
        wrap("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));
  // wbxml2xml writes C0 controls raw (not XML); we write references the reader accepts.
  CHECK(text("a\x01"
             "b\x1f"
             "c\x7f") == wrap("a&#x1;b&#x1F;c\x7f"));
  // Text of white space only: references, or the reader would drop it as indentation.
  CHECK(text(" \t") == wrap("&#x20;&#x9;"));
  CHECK(text(" a ") == wrap(" a "));
}

TEST_CASE("toXml prints binary elements as base64, whatever token carried them", "[eas][xml]") {
  // Email2 ConversationId (0x09) and ConversationIndex (0x0A): libwbxml binary elements.
  CHECK(print(Header + bytes({0x00, 0x16, 0x49, 0xc3, 0x03, 'a', 'b', 'c', 0x01})) ==
        "<ConversationId xmlns=\"Email2:\">YWJj</ConversationId>");
  CHECK(print(Header + bytes({0x00, 0x16, 0x49, 0x03, 'a', 'b', 'c', 0x00, 0x01})) ==
        "<ConversationId xmlns=\"Email2:\">YWJj</ConversationId>");
  CHECK(print(Header + bytes({0x00, 0x16, 0x4a, 0xc3, 0x03, 0x00, 0x01, 0xff, 0x01})) ==
        "<ConversationIndex xmlns=\"Email2:\">AAH/</ConversationIndex>");
  CHECK(print(Header + bytes({0x00, 0x16, 0x49, 0xc3, 0x01, 'a', 0x01})) ==
        "<ConversationId xmlns=\"Email2:\">YQ==</ConversationId>");
  // One line, however long (wbxml2xml does not wrap either).
  std::string big = Header + bytes({0x00, 0x15, 0x50, 0xc3, 0x81, 0x00});
  big.append(128, 'x');
  big += bytes({0x01});
  const std::string xml = print(big);
  CHECK(xml.find('\n') == std::string::npos);
  CHECK(xml.size() == std::string("<Mime xmlns=\"ComposeMail:\"></Mime>").size() + 172);
}

TEST_CASE("toXml prints OPAQUE of other elements as text when it can be text", "[eas][xml]") {
  // wbxml2xml prints the raw bytes; escaped text where they are UTF-8 (the same output)...
  CHECK(print(Header +
              bytes({0x00, 0x0d, 0x45, 0x48, 0xc3, 0x05, 'a', '<', 'b', '&', 'c', 0x01, 0x01})) ==
        "<Ping xmlns=\"Ping:\"><HeartbeatInterval>a&lt;b&amp;c</HeartbeatInterval></Ping>");
  // ...and base64 where they cannot be XML text (NUL, invalid UTF-8).
  CHECK(print(Header + bytes({0x00, 0x0d, 0x45, 0x48, 0xc3, 0x03, 'a', 0x00, 'b', 0x01, 0x01})) ==
        "<Ping xmlns=\"Ping:\"><HeartbeatInterval>YQBi</HeartbeatInterval></Ping>");
  CHECK(print(Header + bytes({0x00, 0x0d, 0x45, 0x48, 0xc3, 0x02, 0xff, 0xfe, 0x01, 0x01})) ==
        "<Ping xmlns=\"Ping:\"><HeartbeatInterval>//4=</HeartbeatInterval></Ping>");
}

TEST_CASE("toXml prints libwbxml's names on request", "[eas][xml]") {
  const std::string mime = Header + bytes({0x00, 0x15, 0x50, 0xc3, 0x01, 'a', 0x01});
  const std::string city = Header + bytes({0x00, 0x01, 0x61, 0x03, 'x', 0x00, 0x01});
  XmlOptions libwbxml;
  libwbxml.libwbxmlNames = true;
  CHECK(print(mime) == "<Mime xmlns=\"ComposeMail:\">YQ==</Mime>");
  CHECK(print(mime, libwbxml) == "<MIME xmlns=\"ComposeMail:\">YQ==</MIME>");
  CHECK(print(city) == "<HomeAddressCity xmlns=\"Contacts:\">x</HomeAddressCity>");
  CHECK(print(city, libwbxml) == "<HomeCity xmlns=\"Contacts:\">x</HomeCity>");
  // Where libwbxml has no other name, the spec name is printed either way.
  CHECK(print(PingRequest, libwbxml) == PingRequestXml);
}

TEST_CASE("toXml indents one element per line for logs", "[eas][xml]") {
  XmlOptions indent;
  indent.indent = true;
  CHECK(toXml(decoded(PingRequest), indent) ==
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE ActiveSync PUBLIC \"-//MICROSOFT//DTD ActiveSync//EN\" "
        "\"http://www.microsoft.com/\">\n"
        "<Ping xmlns=\"Ping:\">\n"
        "  <HeartbeatInterval>480</HeartbeatInterval>\n"
        "  <Folders>\n"
        "    <Folder>\n"
        "      <Id>5</Id>\n"
        "      <Class>Email</Class>\n"
        "    </Folder>\n"
        "  </Folders>\n"
        "</Ping>\n");
  // The indented form reads back to the same document.
  CHECK(encodeXml(toXml(decoded(PingRequest), indent)) == PingRequest);
}

TEST_CASE("toXml copes with hand-built documents", "[eas][xml]") {
  Document doc;
  uint32_t node = doc.addElement(Document::None, tag::AirSync::Sync);
  for (int i = 0; i < 5000; ++i) {  // deeper than any recursion would like
    node = doc.addElement(node, tag::AirSync::Collection);
  }
  doc.addText(node, tag::AirSync::SyncKey, "1");
  XmlOptions bare;
  bare.declaration = false;
  const std::string xml = toXml(doc, bare);
  CHECK(xml.find("<Collection><Collection><SyncKey>1</SyncKey></Collection></Collection>") !=
        std::string::npos);
  CHECK(xml.size() == 23 + 5000 * (12 + 13) + 20 + 7);
  // A tag the table does not define prints under a name no reader accepts.
  Document odd;
  odd.addElement(Document::None, makeTag(0, 0x3f));
  const std::string oddXml = toXml(odd, bare);
  CHECK(oddXml == "<Undefined-0x3F xmlns=\"AirSync:\"/>");
  CHECK(xmlError(oddXml).code == ErrorCode::UnknownElement);
  // So does a code page the table does not define.
  Document page30;
  page30.addElement(Document::None, makeTag(30, 0x05));
  CHECK(toXml(page30, bare) == "<Undefined-0x05 xmlns=\"UndefinedPage30:\"/>");
  // Mixed content prints the text before the children.
  Document mixed;
  uint32_t root = mixed.addElement(Document::None, tag::AirSync::Sync);
  mixed.addText(root, tag::AirSync::Status, "1");
  mixed.appendText(root, "x", false);
  CHECK(toXml(mixed, bare) == "<Sync xmlns=\"AirSync:\">x<Status>1</Status></Sync>");
}

// ---- reading ----

TEST_CASE("fromXml reads per-element default namespaces", "[eas][xml]") {
  CHECK(hex(encodeXml(Prolog + PingRequestXml)) == hex(PingRequest));
  CHECK(hex(encodeXml(PingRequestXml)) == hex(PingRequest));  // no prolog needed
  // A namespace without the trailing colon is the same namespace.
  CHECK(
      hex(encodeXml("<Ping xmlns=\"Ping\"><HeartbeatInterval>480</HeartbeatInterval>"
                    "<Folders><Folder><Id>5</Id><Class>Email</Class></Folder></Folders></Ping>")) ==
      hex(PingRequest));
}

TEST_CASE("fromXml reads prefixed namespaces", "[eas][xml]") {
  CHECK(hex(encodeXml("<p:Ping xmlns:p=\"Ping:\"><p:HeartbeatInterval>480</p:HeartbeatInterval>"
                      "<p:Folders><p:Folder><p:Id>5</p:Id><p:Class>Email</p:Class></p:Folder>"
                      "</p:Folders></p:Ping>")) == hex(PingRequest));
  // Both styles at once: the prefix wins for its element, the default is inherited.
  // (The writer is still on page 0 after </Body>: no SWITCH_PAGE before the second Status.)
  const std::string expected =
      Header + bytes({0x45, 0x00, 0x11, 0x4a, 0x00, 0x00, 0x4e, 0x03, '1', 0x00, 0x01, 0x01, 0x4e,
                      0x03, '2', 0x00, 0x01, 0x01});
  CHECK(hex(encodeXml("<Sync xmlns=\"AirSync:\" xmlns:b=\"AirSyncBase:\"><b:Body><Status>1"
                      "</Status></b:Body><Status>2</Status></Sync>")) == hex(expected));
  CHECK(hex(encodeXml("<Sync xmlns=\"AirSync:\"><Body xmlns=\"AirSyncBase:\" xmlns:a=\"AirSync:\">"
                      "<a:Status>1</a:Status></Body><Status>2</Status></Sync>")) == hex(expected));
  // An inner declaration of the same prefix hides the outer one, for its element only.
  CHECK(hex(encodeXml(
            "<x:Sync xmlns:x=\"AirSync:\"><Body xmlns=\"AirSyncBase:\" xmlns:x=\"AirSync:\">"
            "<x:Status>1</x:Status></Body><x:Status>2</x:Status></x:Sync>")) == hex(expected));
}

TEST_CASE("fromXml puts elements without a namespace on AirSync", "[eas][xml]") {
  CHECK(hex(encodeXml("<Sync><SyncKey>0</SyncKey></Sync>")) ==
        hex(Header + bytes({0x45, 0x4b, 0x03, '0', 0x00, 0x01, 0x01})));
  CHECK(xmlError("<Ping/>").code == ErrorCode::UnknownElement);  // not an AirSync element
}

TEST_CASE("fromXml accepts spec names and libwbxml's aliases", "[eas][xml]") {
  const std::string city = Header + bytes({0x00, 0x01, 0x61, 0x03, 'x', 0x00, 0x01});
  CHECK(encodeXml("<HomeCity xmlns=\"Contacts:\">x</HomeCity>") == city);
  CHECK(encodeXml("<HomeAddressCity xmlns=\"Contacts:\">x</HomeAddressCity>") == city);
  CHECK(encodeXml("<MIME xmlns=\"ComposeMail:\">YQ==</MIME>") ==
        Header + bytes({0x00, 0x15, 0x50, 0xc3, 0x01, 'a', 0x01}));
}

TEST_CASE("fromXml drops indentation and keeps text byte for byte", "[eas][xml]") {
  const Document doc = parsed(
      "<Sync xmlns=\"AirSync:\">\n  <Collections>\n    <Collection>\n"
      "      <SyncKey> a\r\n b </SyncKey>\n      <Status>  </Status>\n"
      "      <Class>&#x20;</Class>\n      <CollectionId>\n      </CollectionId>\n"
      "    </Collection>\n  </Collections>\n</Sync>\n");
  const Element c = doc.root().child(tag::AirSync::Collections).child(tag::AirSync::Collection);
  REQUIRE(c);
  CHECK(doc.root().text().empty());
  CHECK(c.childCount() == 4);
  CHECK(c.child(tag::AirSync::SyncKey).text() == " a\r\n b ");  // CR kept, nothing trimmed
  CHECK(c.child(tag::AirSync::Status).text().empty());          // literal white space only
  CHECK(c.child(tag::AirSync::Class).text() == " ");            // a reference is kept
  CHECK(c.child(tag::AirSync::CollectionId).text().empty());
}

TEST_CASE("fromXml trims text on request, as xml2wbxml does", "[eas][xml]") {
  XmlReadOptions trim;
  trim.trimText = true;
  // xml2wbxml -n -a: <SyncKey>  a\n b  </SyncKey> becomes STR_I "a\n b".
  CHECK(hex(encodeXml("<Sync xmlns=\"AirSync:\"><SyncKey>  a\n b  </SyncKey></Sync>", trim)) ==
        hex(Header + bytes({0x45, 0x4b, 0x03, 'a', '\n', ' ', 'b', 0x00, 0x01, 0x01})));
  CHECK(parsed("<Sync><SyncKey>&#x20;</SyncKey></Sync>", trim).root().firstChild().text().empty());
}

TEST_CASE("fromXml reads references, CDATA, comments and processing instructions", "[eas][xml]") {
  const Document doc = parsed(
      "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
      "<!-- before --><?target data?>\n"
      "<!DOCTYPE ActiveSync PUBLIC \"-//X//Y>\" 'z' [ <!ENTITY e \"]>\"> ]>\n"
      "<Sync xmlns=\"AirSync:\"><SyncKey>&amp;&lt;&gt;&quot;&apos;&#65;&#x42;&#xe9;&#x1F600;"
      "&#x20AC;&#x1;</SyncKey><!-- in --><?pi?><Status>a<!-- c -->b</Status></Sync><!-- after --><?p?>\n");
  CHECK(doc.root().child(tag::AirSync::SyncKey).text() == "&<>\"'AB\xc3\xa9\xf0\x9f\x98\x80\xe2\x82\xac\x01");
  CHECK(doc.root().child(tag::AirSync::Status).text() == "ab");
  CHECK_FALSE(doc.root().child(tag::AirSync::SyncKey).isOpaque());
}

TEST_CASE("fromXml turns CDATA into OPAQUE, as xml2wbxml does", "[eas][xml]") {
  // xml2wbxml -n -a: <Data><![CDATA[<html>]]></Data> is OPAQUE "<html>".
  const Document doc = parsed(
      "<Body xmlns=\"AirSyncBase:\"><Data><![CDATA[<html>]]></Data><Type><![CDATA[]]></Type>"
      "</Body>");
  const Element data = doc.root().child(tag::AirSyncBase::Data);
  CHECK(data.text() == "<html>");
  CHECK(data.isOpaque());
  CHECK(hex(doc.encode()) == hex(Header + bytes({0x00, 0x11, 0x4a, 0x4b, 0xc3, 0x06, '<', 'h', 't',
                                                 'm', 'l', '>', 0x01, 0x06, 0x01})));
  CHECK(doc.root().child(tag::AirSyncBase::Type).text().empty());
}

TEST_CASE("fromXml decodes base64 of binary elements", "[eas][xml]") {
  const std::string abc = Header + bytes({0x00, 0x16, 0x49, 0xc3, 0x03, 'a', 'b', 'c', 0x01});
  CHECK(hex(encodeXml("<ConversationId xmlns=\"Email2:\">YWJj</ConversationId>")) == hex(abc));
  // White space skipped, a comment ignored, missing padding tolerated (all as xml2wbxml).
  CHECK(hex(encodeXml("<ConversationId xmlns=\"Email2:\">\n YW <!-- x -->Jj\n</ConversationId>")) ==
        hex(abc));
  CHECK(hex(encodeXml("<ConversationId xmlns=\"Email2:\">YQ</ConversationId>")) ==
        hex(Header + bytes({0x00, 0x16, 0x49, 0xc3, 0x01, 'a', 0x01})));
  CHECK(hex(encodeXml("<ConversationId xmlns=\"Email2:\">YWI</ConversationId>")) ==
        hex(Header + bytes({0x00, 0x16, 0x49, 0xc3, 0x02, 'a', 'b', 0x01})));
  CHECK(hex(encodeXml("<ConversationId xmlns=\"Email2:\">&#x59;WJj</ConversationId>")) == hex(abc));
  // CDATA inside a binary element is raw bytes.
  CHECK(hex(encodeXml("<Mime xmlns=\"ComposeMail:\">YQ==<![CDATA[<b>]]>Yg==</Mime>")) ==
        hex(Header + bytes({0x00, 0x15, 0x50, 0xc3, 0x05, 'a', '<', 'b', '>', 'b', 0x01})));
  // Nothing inside: an empty element, as xml2wbxml writes it.
  CHECK(hex(encodeXml("<ConversationId xmlns=\"Email2:\">\n</ConversationId>")) ==
        hex(Header + bytes({0x00, 0x16, 0x09})));
}

TEST_CASE("fromXml tells <X/> from <X></X>; both encode to an empty tag", "[eas][xml]") {
  const Document doc = parsed("<Ping xmlns=\"Ping:\"><Folders/><Folders></Folders></Ping>");
  const Element first = doc.root().firstChild();
  CHECK_FALSE(first.hasContent());
  CHECK(first.nextSibling().hasContent());
  CHECK(hex(doc.encode()) == hex(Header + bytes({0x00, 0x0d, 0x45, 0x09, 0x09, 0x01})));
}

// ---- round trips ----

TEST_CASE("WBXML to XML text and back keeps the bytes", "[eas][xml]") {
  const std::vector<std::string> documents = {
      PingRequest,
      Header + bytes({0x45, 0x4b, 0x03, ' ', 'a', '\r', '\n', 0x01, 0x00, 0x01, 0x4e, 0x03, ' ',
                      '\t', 0x00, 0x01, 0x01}),
      Header + bytes({0x00, 0x16, 0x49, 0xc3, 0x04, 0x00, 0xff, '<', '&', 0x01}),
      Header + bytes({0x00, 0x01, 0x45, 0x61, 0x03, 'x', 0x00, 0x01, 0x00, 0x11, 0x4a, 0x4b, 0x03,
                      '&', 0x00, 0x01, 0x01, 0x01}),
  };
  for (const std::string& wbxml : documents) {
    for (bool aliases : {false, true}) {
      for (bool indent : {false, true}) {
        XmlOptions options;
        options.libwbxmlNames = aliases;
        options.indent = indent;
        const std::string xml = toXml(decoded(wbxml), options);
        INFO(xml);
        if (!indent) {
          CHECK(hex(encodeXml(xml)) == hex(wbxml));
        } else {
          // Indentation adds white space around text in mixed content only; none here.
          CHECK(decoded(encodeXml(xml)).size() == decoded(wbxml).size());
        }
      }
    }
  }
}

TEST_CASE("every corpus document survives XML -> WBXML -> XML -> WBXML", "[eas][xml]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(CRADLE_TEST_DATA_DIR) / "corpus";
  std::size_t count = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".xml") {
      continue;
    }
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    INFO(entry.path().filename().string());
    const std::string wbxml = encodeXml(text.str());
    const std::string printed = toXml(decoded(wbxml));
    CHECK(hex(encodeXml(printed)) == hex(wbxml));
    CHECK(toXml(parsed(printed)) == printed);
    ++count;
  }
  CHECK(count >= 60);
}

// ---- errors ----

TEST_CASE("fromXml refuses malformed XML with the byte offset", "[eas][xml]") {
  struct Case {
    std::string xml;
    ErrorCode code;
    std::size_t offset;
  };
  const std::vector<Case> cases = {
      {"", ErrorCode::XmlSyntax, 0},                         // no root element
      {"  <!-- only -->  ", ErrorCode::XmlSyntax, 17},       // no root element
      {"x<Sync/>", ErrorCode::XmlSyntax, 0},                 // text before the root
      {"<Sync/>x", ErrorCode::XmlSyntax, 7},                 // content after the root
      {"<Sync/><Sync/>", ErrorCode::XmlSyntax, 7},           // a second root
      {"<Sync></Status>", ErrorCode::XmlSyntax, 6},          // end tag mismatch
      {"<Sync><Status>", ErrorCode::XmlSyntax, 14},          // input ends inside
      {"<Sync", ErrorCode::XmlSyntax, 0},                    // ends in the start tag
      {"<Sync x", ErrorCode::XmlSyntax, 7},                  // attribute without '='
      {"<Sync xmlns=AirSync>", ErrorCode::XmlSyntax, 12},    // unquoted value
      {"<Sync xmlns=\"AirSync:", ErrorCode::XmlSyntax, 12},  // unterminated value
      {"<Sync xmlns=\"a<b\"/>", ErrorCode::XmlSyntax, 14},   // '<' in a value
      {"<Sync xmlns=\"AirSync:\"xmlns:a=\"Ping:\"/>", ErrorCode::XmlSyntax, 22},  // no space
      {"<Sync xmlns=\"AirSync:\" xmlns=\"AirSync:\"/>", ErrorCode::XmlSyntax, 23},
      {"<Sync xmlns:a=\"Ping:\" xmlns:a=\"Ping:\"/>", ErrorCode::XmlSyntax, 22},
      {"<Sync xmlns:=\"Ping:\"/>", ErrorCode::XmlSyntax, 6},           // empty prefix
      {"<Sync xmlns:xml=\"Ping:\"/>", ErrorCode::XmlSyntax, 6},        // reserved prefix
      {"<a:b:c xmlns:a=\"Ping:\"/>", ErrorCode::XmlSyntax, 1},         // two colons
      {"<:Sync/>", ErrorCode::XmlSyntax, 1},                           // empty prefix
      {"<Sync>< Status/></Sync>", ErrorCode::XmlSyntax, 7},            // no element name
      {"<Sync></ Sync>", ErrorCode::XmlSyntax, 8},                     // no end tag name
      {"<Sync></Sync x>", ErrorCode::XmlSyntax, 13},                   // junk in the end tag
      {"<Sync><!-- a -- b --></Sync>", ErrorCode::XmlSyntax, 13},      // '--' in a comment
      {"<Sync><!-- a </Sync>", ErrorCode::XmlSyntax, 6},               // unterminated comment
      {"<Sync><?pi </Sync>", ErrorCode::XmlSyntax, 6},                 // unterminated PI
      {"<Sync><? x?></Sync>", ErrorCode::XmlSyntax, 8},                // PI without target
      {"<Sync><?pi?x?></Sync>", ErrorCode::XmlSyntax, 10},             // target then no space
      {" <?xml version=\"1.0\"?><Sync/>", ErrorCode::XmlSyntax, 1},    // declaration not first
      {"<?xml encoding=\"UTF-8\"?><Sync/>", ErrorCode::XmlSyntax, 6},  // version missing
      {"<?xml ?><Sync/>", ErrorCode::XmlSyntax, 6},                    // version missing
      {"<?xml version=\"2.0\"?><Sync/>", ErrorCode::XmlSyntax, 6},     // not XML 1.x
      {"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><Sync/>", ErrorCode::XmlSyntax, 20},
      {"<?xml version=\"1.0\" standalone=\"maybe\"?><Sync/>", ErrorCode::XmlSyntax, 20},
      {"<?xml version=\"1.0\" foo=\"1\"?><Sync/>", ErrorCode::XmlSyntax, 20},
      {"<?xml version=\"1.0\"encoding=\"UTF-8\"?><Sync/>", ErrorCode::XmlSyntax, 19},
      {"<?xml version \"1.0\"?><Sync/>", ErrorCode::XmlSyntax, 14},   // no '='
      {"<?xml version=\"1.0\"", ErrorCode::XmlSyntax, 0},             // unterminated
      {"<!DOCTYPE x><!DOCTYPE x><Sync/>", ErrorCode::XmlSyntax, 12},  // a second DOCTYPE
      {"<!DOCTYPE x [ <Sync/>", ErrorCode::XmlSyntax, 0},             // unterminated DOCTYPE
      {"<!DOCTYPEx><Sync/>", ErrorCode::XmlSyntax, 9},                // no space
      {"<!DOCTYPE x \"unterminated><Sync/>", ErrorCode::XmlSyntax, 12},
      {"<Sync><!ELEMENT x></Sync>", ErrorCode::XmlSyntax, 6},  // declaration inside
      {"<Sync><![CDATA[x</Sync>", ErrorCode::XmlSyntax, 6},    // unterminated CDATA
      {"<Sync>a]]>b</Sync>", ErrorCode::XmlSyntax, 7},         // ']]>' in text
      {"<Sync>&nbsp;</Sync>", ErrorCode::XmlSyntax, 6},        // unknown entity
      {"<Sync>a & b</Sync>", ErrorCode::XmlSyntax, 8},         // bare '&'
      {"<Sync>&#;</Sync>", ErrorCode::XmlSyntax, 6},           // empty reference
      {"<Sync>&#x;</Sync>", ErrorCode::XmlSyntax, 6},
      {"<Sync>&#12a;</Sync>", ErrorCode::XmlSyntax, 6},  // bad digit
      {"<Sync>&#xG;</Sync>", ErrorCode::XmlSyntax, 6},
      {"<?xml version=\"1.0\" encoding=\"UTF-9\"?><Sync/>", ErrorCode::XmlSyntax, 20},
      {"<?xml version=1.0?><Sync/>", ErrorCode::XmlSyntax, 14},       // unquoted
      {"<Sync =\"x\"/>", ErrorCode::XmlSyntax, 6},                     // no attribute name
      {"<Sync xmlns=\"a&bogus;\"/>", ErrorCode::XmlSyntax, 14},        // entity in a value
      {"<!-- x", ErrorCode::XmlSyntax, 0},                             // in the prolog
      {"<?pi", ErrorCode::XmlSyntax, 0},
      {"<Sync/><!-- x", ErrorCode::XmlSyntax, 7},                      // in the epilog
      {"<Sync/><?pi", ErrorCode::XmlSyntax, 7},
  };
  for (const Case& c : cases) {
    INFO(c.xml);
    const Error e = xmlError(c.xml);
    INFO(e.message());
    CHECK(e.code == c.code);
    CHECK(e.offset == c.offset);
    CHECK(e.message().find('\n') == std::string::npos);
  }
}

TEST_CASE("fromXml refuses what is no EAS element, namespace or attribute", "[eas][xml]") {
  struct Case {
    std::string xml;
    ErrorCode code;
    std::size_t offset;
  };
  const std::vector<Case> cases = {
      {"<Sync xmlns=\"AirSync:\"><Folders/></Sync>", ErrorCode::UnknownElement, 24},
      {"<Bogus/>", ErrorCode::UnknownElement, 1},
      {"<p:Ping xmlns:p=\"Ping:\"><p:Nope/></p:Ping>", ErrorCode::UnknownElement, 25},
      {"<Sync xmlns=\"Bogus:\"/>", ErrorCode::UnknownNamespace, 13},
      {"<Sync xmlns=\"\"/>", ErrorCode::UnknownNamespace, 13},
      {"<Sync xmlns:a=\"urn:x\"/>", ErrorCode::UnknownNamespace, 15},
      {"<a:Sync/>", ErrorCode::UnknownNamespace, 1},  // undeclared prefix
      {"<a:Sync xmlns:b=\"AirSync:\"/>", ErrorCode::UnknownNamespace, 1},
      {"<Sync><a:Status/></Sync>", ErrorCode::UnknownNamespace, 7},
      {"<Sync id=\"1\"/>", ErrorCode::Attributes, 6},
      {"<Sync xmlns=\"AirSync:\" xml:lang=\"en\"/>", ErrorCode::Attributes, 23},
      {"<Sync xmlns=\"AirSync:\"><SyncKey a='1'>0</SyncKey></Sync>", ErrorCode::Attributes, 32},
  };
  for (const Case& c : cases) {
    INFO(c.xml);
    const Error e = xmlError(c.xml);
    INFO(e.message());
    CHECK(e.code == c.code);
    CHECK(e.offset == c.offset);
  }
}

TEST_CASE("fromXml resolves references in namespace declarations", "[eas][xml]") {
  CHECK(hex(encodeXml("<Sync xmlns=\"AirSync&#58;\" xmlns:p='Ping&#x3A;'><p:Status/></Sync>")) ==
        hex(Header + bytes({0x45, 0x00, 0x0d, 0x07, 0x01})));
}

TEST_CASE("error details quote input short and on one line", "[eas][xml]") {
  const std::string name = "Name" + std::string(35, 'x') + "\xc3\xa9tail";  // é: bytes 39-40
  const Error e = xmlError("<" + name + "/>");
  CHECK(e.code == ErrorCode::UnknownElement);
  CHECK(e.offset == 1);
  // Cut at 40 bytes, but not inside the UTF-8 sequence.
  CHECK(e.detail.find("'Name" + std::string(35, 'x') + "...'") != std::string::npos);
  const Error ns = xmlError("<Sync xmlns=\"a\nb\tc\"/>");
  CHECK(ns.detail.find("'a?b?c'") != std::string::npos);
}

TEST_CASE("fromXml refuses bad text with the byte offset", "[eas][xml]") {
  struct Case {
    std::string xml;
    std::size_t offset;
  };
  const std::vector<Case> cases = {
      {"<Sync>ab\xff</Sync>", 8},                // invalid UTF-8
      {"<Sync>\xc0\xaf</Sync>", 6},              // overlong
      {"<Sync>\xed\xa0\x80</Sync>", 6},          // surrogate
      {"<Sync>a\x01</Sync>", 7},                 // raw control character
      {std::string("<Sync>a\0</Sync>", 15), 7},  // raw NUL
      {"<Sync xmlns=\"Air\xffSync\"/>", 16},     // anywhere, attribute values too
      {"<Sync>&#0;</Sync>", 6},                  // references to no character
      {"<Sync>&#xD800;</Sync>", 6},
      {"<Sync>&#xFFFE;</Sync>", 6},
      {"<Sync>&#x110000;</Sync>", 6},
      {"<Sync>&#99999999999;</Sync>", 6},
      {"<ConversationId xmlns=\"Email2:\">YW!j</ConversationId>", 32},      // not base64
      {"<ConversationId xmlns=\"Email2:\">\n YWJjY</ConversationId>", 32},  // 5 symbols
      {"<ConversationId xmlns=\"Email2:\">Y<![CDATA[x]]></ConversationId>", 32},
      {"<ConversationId xmlns=\"Email2:\">Y<ConversationIndex/></ConversationId>", 32},
  };
  for (const Case& c : cases) {
    INFO(c.xml);
    const Error e = xmlError(c.xml);
    INFO(e.message());
    CHECK(e.code == ErrorCode::BadText);
    CHECK(e.offset == c.offset);
  }
}

TEST_CASE("fromXml enforces the limits", "[eas][xml]") {
  Limits size;
  size.maxDocumentBytes = 22;
  CHECK(fromXml("<Sync><Status/></Sync>", size).ok());  // exactly 22 bytes
  Error e = xmlError("<Sync><Status/></Sync> ", size);
  CHECK(e.code == ErrorCode::TooLarge);
  CHECK(e.offset == 22);

  Limits depth;
  depth.maxDepth = 3;
  CHECK(fromXml("<Sync><Collections><Collection/></Collections></Sync>", depth).ok());
  e = xmlError("<Sync><Collections><Collection><SyncKey/></Collection></Collections></Sync>",
               depth);
  CHECK(e.code == ErrorCode::TooDeep);
  CHECK(e.offset == 31);

  Limits elements;
  elements.maxElements = 3;
  CHECK(fromXml("<Sync><Status/><Status/></Sync>", elements).ok());
  e = xmlError("<Sync><Status/><Status/><Status/></Sync>", elements);
  CHECK(e.code == ErrorCode::TooLarge);
  CHECK(e.offset == 24);

  Limits strings;
  strings.maxStringBytes = 4;
  CHECK(fromXml("<Sync><SyncKey>abcd</SyncKey></Sync>", strings).ok());
  e = xmlError("<Sync><SyncKey>abcde</SyncKey></Sync>", strings);
  CHECK(e.code == ErrorCode::TooLarge);
  CHECK(e.offset == 15);
  // Binary content counts in decoded bytes.
  CHECK(fromXml("<ConversationId xmlns=\"Email2:\">YWJjZA==</ConversationId>", strings).ok());
  e = xmlError("<ConversationId xmlns=\"Email2:\">YWJjZGU=</ConversationId>", strings);
  CHECK(e.code == ErrorCode::TooLarge);
  CHECK(e.offset == 32);
}
