// mime: the lenient MIME reader and writer used for e-mail items.
#include "mapi-sim/mailbox/mime.h"

#include <catch2/catch.hpp>
#include <random>

#include "mapi-sim/mailbox/mail_builder.h"

namespace mapisim::mime {

TEST_CASE("quoted-printable decodes soft breaks, hex and stray '='", "[mapi-sim][mailbox]") {
  CHECK(decodeQuotedPrintable("a=3Db") == "a=b");
  CHECK(decodeQuotedPrintable("long =\r\nline") == "long line");
  CHECK(decodeQuotedPrintable("long =  \nline") == "long line");  // white space after '='
  CHECK(decodeQuotedPrintable("caf=C3=A9") == "caf\xC3\xA9");
  CHECK(decodeQuotedPrintable("lower =c3=a9") == "lower \xC3\xA9");
  CHECK(decodeQuotedPrintable("bad =G1 =4") == "bad =G1 =4");
  CHECK(decodeQuotedPrintable("end=") == "end");
  CHECK(decodeQuotedPrintable("") == "");
}

TEST_CASE("quoted-printable encoding round-trips and keeps lines short", "[mapi-sim][mailbox]") {
  const std::string text = "Grüße — " + std::string(200, 'x') + " end \nnext line\t\n= sign";
  const std::string encoded = encodeQuotedPrintable(text);
  std::size_t lineStart = 0;
  while (lineStart < encoded.size()) {
    auto end = encoded.find("\r\n", lineStart);
    if (end == std::string::npos) {
      end = encoded.size();
    }
    CHECK(end - lineStart <= 76);
    lineStart = end + 2;
  }
  CHECK(encoded.find(" \r\n") == std::string::npos);  // trailing white space is encoded
  std::string expected;
  for (char c : text) {
    if (c == '\n') {
      expected += '\r';
    }
    expected += c;
  }
  CHECK(decodeQuotedPrintable(encoded) == expected);
}

TEST_CASE("base64 decoding is lenient", "[mapi-sim][mailbox]") {
  CHECK(decodeBase64("aGVsbG8gd29ybGQ=") == "hello world");
  CHECK(decodeBase64("aGVs\r\nbG8g\r\nd29y bGQ=") == "hello world");
  CHECK(decodeBase64("aGVsbG8*!gd29ybGQ") == "hello world");
  CHECK(decodeBase64("") == "");
  CHECK(decodeBase64("====") == "");
}

TEST_CASE("charsets convert to UTF-8, invalid bytes are replaced", "[mapi-sim][mailbox]") {
  CHECK(toUtf8("caf\xE9", "iso-8859-1") == "caf\xC3\xA9");
  CHECK(toUtf8("caf\xE9", "ISO-8859-1") == "caf\xC3\xA9");
  CHECK(toUtf8("\x80 5", "windows-1252") == "\xE2\x82\xAC 5");
  CHECK(toUtf8("caf\xC3\xA9", "utf-8") == "caf\xC3\xA9");
  CHECK(toUtf8("plain", "us-ascii") == "plain");
  CHECK(toUtf8("bad\xFF!", "utf-8") == "bad\xEF\xBF\xBD!");
  CHECK(toUtf8("bad\xC3", "x-unknown") == "bad\xEF\xBF\xBD");
}

TEST_CASE("RFC 2047 encoded words decode; headers encode when not ASCII", "[mapi-sim][mailbox]") {
  CHECK(decodeHeader("=?utf-8?B?UsOpdW5pb24=?=") == "Réunion");
  CHECK(decodeHeader("=?ISO-8859-1?Q?J=FCrgen_M?=") == "Jürgen M");
  CHECK(decodeHeader("=?utf-8?q?a?= =?utf-8?q?b?=") == "ab");  // space between words dropped
  CHECK(decodeHeader("x =?utf-8?q?a?= y") == "x a y");
  CHECK(decodeHeader("=?utf-8?X?abc?=") == "=?utf-8?X?abc?=");  // unknown encoding stays
  CHECK(decodeHeader("=?utf-8?B?broken") == "=?utf-8?B?broken");
  CHECK(decodeHeader("plain text") == "plain text");
  CHECK(decodeHeader("") == "");

  CHECK(encodeHeader("Hello") == "Hello");
  const std::string long_ = std::string(30, 'a') + "é" + std::string(80, 'b');
  const std::string encoded = encodeHeader(long_);
  CHECK(encoded.rfind("=?utf-8?B?", 0) == 0);
  CHECK(decodeHeader(encoded) == long_);
  std::size_t lineStart = 0;
  while (lineStart < encoded.size()) {
    auto end = encoded.find("\r\n", lineStart);
    if (end == std::string::npos) {
      end = encoded.size();
    }
    CHECK(end - lineStart <= 76);  // RFC 2047 2: each word at most 75 characters
    lineStart = end + 2;
  }
  CHECK(decodeHeader(encodeHeader("Grüße")) == "Grüße");
}

TEST_CASE("display names of address lists", "[mapi-sim][mailbox]") {
  CHECK(displayNames("Ann <ann@x>, bob@y") == std::vector<std::string>{"Ann", "bob@y"});
  CHECK(displayNames("\"Doe, John\" <j@z>; <k@z>") == std::vector<std::string>{"Doe, John", "k@z"});
  CHECK(displayNames("=?utf-8?B?SsO8cmdlbg==?= <j@x>") == std::vector<std::string>{"Jürgen"});
  CHECK(displayNames("").empty());
  CHECK(displayNames(" , ,").empty());
}

TEST_CASE("HTML to text", "[mapi-sim][mailbox]") {
  CHECK(stripTags("<p>Hello&nbsp;<b>World</b></p><p>Two &amp; three</p>") ==
        "Hello World\r\nTwo & three");
  CHECK(stripTags("<style>p{}</style><script>x()</script>Text<br>More") == "Text\r\nMore");
  CHECK(stripTags("unterminated <tag") == "unterminated");
  CHECK(stripTags("<script>never closed") == "");
}

TEST_CASE("parse: headers, folding, parameters", "[mapi-sim][mailbox]") {
  const Entity e = parse(
      "Subject: one\r\n two\r\nContent-Type: Text/Plain; Charset=\"ISO-8859-1\"; "
      "name=a.txt\r\nContent-Transfer-Encoding: Quoted-Printable\r\n\r\nbody=E9\r\n");
  CHECK(e.header("subject") == "one two");
  CHECK(e.contentType == "text/plain");
  CHECK(e.charset == "iso-8859-1");
  CHECK(e.transferEncoding == "quoted-printable");
  CHECK(e.fileName == "a.txt");
  CHECK(e.body == "body\xE9\r\n");
  CHECK(plainText(e) == "body\xC3\xA9\r\n");
  CHECK_FALSE(e.header("X-Missing").has_value());
}

TEST_CASE("parse: multipart picks text/plain, falls back to stripped HTML", "[mapi-sim][mailbox]") {
  const std::string alt =
      "Content-Type: multipart/alternative; boundary=zz\r\n\r\n"
      "--zz\r\nContent-Type: text/html\r\n\r\n<p>html</p>\r\n"
      "--zz\r\nContent-Type: text/plain\r\n\r\nplain\r\n--zz--\r\n";
  CHECK(plainText(parse(alt)) == "plain");
  const std::string htmlOnly =
      "Content-Type: multipart/mixed; boundary=zz\r\n\r\n"
      "--zz\r\nContent-Type: text/html; charset=iso-8859-1\r\n\r\n<p>caf\xE9</p>\r\n"
      "--zz\r\nContent-Type: image/png; name=x.png\r\nContent-Transfer-Encoding: base64\r\n\r\n"
      "iVBORw0KGgo=\r\n--zz--\r\n";
  const Entity m = parse(htmlOnly);
  CHECK(plainText(m) == "caf\xC3\xA9");
  const auto att = attachments(m);
  REQUIRE(att.size() == 1);
  CHECK(att[0]->fileName == "x.png");
  CHECK(att[0]->body.size() == 8);
  // A boundary that only starts like ours is not ours.
  const Entity p = parse(
      "Content-Type: multipart/mixed; boundary=ab\r\n\r\n--ab\r\n\r\nfirst\r\n--abc\r\n"
      "--ab--\r\n");
  REQUIRE(p.parts.size() == 1);
  CHECK(p.parts[0].body == "first\r\n--abc");
}

TEST_CASE("parse: RFC 2231 file names and inline parts", "[mapi-sim][mailbox]") {
  const Entity m = parse(
      "Content-Type: multipart/related; boundary=b\r\n\r\n"
      "--b\r\nContent-Type: text/plain\r\n\r\ntext\r\n"
      "--b\r\nContent-Type: image/gif\r\nContent-ID: <img1@x>\r\n"
      "Content-Disposition: inline; filename*0*=utf-8''r%C3%A9; filename*1=sum.gif\r\n\r\n"
      "GIF\r\n--b--");
  const auto att = attachments(m);
  REQUIRE(att.size() == 1);
  CHECK(att[0]->fileName == "résum.gif");
  CHECK(att[0]->contentId == "img1@x");
  CHECK(att[0]->disposition == "inline");
  CHECK(plainText(m) == "text");
}

TEST_CASE("parse: malformed input never throws and keeps the text", "[mapi-sim][mailbox]") {
  CHECK(parse("").body.empty());
  CHECK(parse("just text").body == "just text");
  CHECK(plainText(parse("just text\r\nmore")) == "just text\r\nmore");
  CHECK(parse(": no name\r\n\r\nx").body == ": no name\r\n\r\nx");
  // Multipart without a boundary or without parts becomes text.
  CHECK(plainText(parse("Content-Type: multipart/mixed\r\n\r\nstuff")) == "stuff");
  CHECK(plainText(parse("Content-Type: multipart/mixed; boundary=q\r\n\r\nno parts")) ==
        "no parts");
  // An unterminated last part runs to the end.
  const Entity open = parse("Content-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\n\r\ntail");
  REQUIRE(open.parts.size() == 1);
  CHECK(open.parts[0].body == "tail");
  // Limits: many parts, deep nesting, huge header blocks.
  std::string many = "Content-Type: multipart/mixed; boundary=q\r\n\r\n";
  for (int i = 0; i < 1000; ++i) {
    many += "--q\r\n\r\npart\r\n";
  }
  CHECK(parse(many).parts.size() < 300);
  std::string deep;
  for (int i = 0; i < 1000; ++i) {
    deep += "Content-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\n";
  }
  (void)parse(deep);
  std::string headers;
  for (int i = 0; i < 20000; ++i) {
    headers += "X-H: " + std::to_string(i) + "\r\n";
  }
  CHECK(parse(headers + "\r\nbody").headers.size() <= Limits{}.maxHeaders);
  CHECK(parse(headers + "\r\nbody").body == "body");

  // Random bytes and random mutations of a real message.
  std::mt19937 rng(12345);
  const std::string seed =
      "Subject: =?utf-8?Q?x?=\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n"
      "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
      "aGk=\r\n--b\r\nContent-Disposition: attachment; filename*=x''%\r\n\r\nz\r\n--b--\r\n";
  for (int i = 0; i < 2000; ++i) {
    std::string s = seed;
    const int edits = 1 + static_cast<int>(rng() % 8);
    for (int k = 0; k < edits; ++k) {
      const std::size_t pos = rng() % (s.size() + 1);
      switch (rng() % 3) {
        case 0:
          s.insert(pos, 1, static_cast<char>(rng() % 256));
          break;
        case 1:
          if (pos < s.size()) {
            s.erase(pos, 1 + rng() % 10);
          }
          break;
        default:
          if (pos < s.size()) {
            s[pos] = static_cast<char>(rng() % 256);
          }
      }
    }
    const Entity e = parse(s);
    (void)plainText(e);
    (void)attachments(e);
    (void)decodeHeader(e.header("Subject").value_or(""));
  }
  SUCCEED("no crash");
}

TEST_CASE("dates: RFC 5322 and EAS forms", "[mapi-sim][mailbox]") {
  CHECK(formatDate(1795598787123) == "Wed, 25 Nov 2026 09:26:27 +0000");
  CHECK(formatDate(0) == "Thu, 01 Jan 1970 00:00:00 +0000");
  CHECK(mapisim::formatEasTime(1795598787123) == "2026-11-25T09:26:27.123Z");
  CHECK(mapisim::formatEasTime(1795598787005) == "2026-11-25T09:26:27.005Z");
}

TEST_CASE("completeFromMime fills only what is unset", "[mapi-sim][mailbox]") {
  cradle::eas::EmailItem e;
  e.subject = "kept";
  e.read = true;
  mapisim::completeFromMime(e, "Subject: from mime\r\nTo: a@x\r\nImportance: low\r\n\r\nbody",
                            "1:5", 1795598787123);
  CHECK(e.subject == "kept");
  CHECK(e.read == true);
  CHECK(e.to == "a@x");
  CHECK(e.importance == cradle::eas::Importance::Low);
  CHECK(e.dateReceived == "2026-11-25T09:26:27.123Z");
  REQUIRE(e.body.has_value());
  CHECK(e.body->data == "body");
  CHECK(e.body->estimatedDataSize == 4u);
}

}  // namespace mapisim::mime
