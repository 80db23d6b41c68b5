// Sync bodies: 2.5 Truncation/MIMETruncation and 12.0+ BodyPreference, attachments.
#include "tests/mapi-sim/handlers/handler_fixture.h"

namespace mapisim::test {
namespace {

const std::string LongText = [] {
  std::string s;
  while (s.size() < 6000) {
    s += "The quick brown fox jumps over the lazy dog. ";
  }
  return s;
}();

// The single e-mail Add of a first Sync with these options.
eas::EmailItem firstMail(HandlerFixture& f, ProtocolVersion v, const eas::SyncOptions& options) {
  const std::string inbox = f.folderId(FolderType::Inbox);
  auto r = f.syncOne(v, f.collection(v, inbox, f.prime(v, inbox, options)));
  REQUIRE(r.commands.size() == 1);
  return appData<eas::EmailItem>(command<eas::SyncServerAdd>(r, 0).data);
}

const std::string MultipartMime =
    "From: Carol <carol@example.org>\r\n"
    "To: ann@example.com\r\n"
    "Subject: Quarterly report\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
    "\r\n"
    "--b1\r\n"
    "Content-Type: multipart/alternative; boundary=\"b2\"\r\n"
    "\r\n"
    "--b2\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "See the attached report.\r\n"
    "--b2\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "\r\n"
    "<p>See the <b>attached</b> report.</p>\r\n"
    "--b2--\r\n"
    "--b1\r\n"
    "Content-Type: text/csv; name=\"report.csv\"\r\n"
    "Content-Disposition: attachment; filename=\"report.csv\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "cXVhcnRlcixyZXZlbnVlCjEsMTAwCjIsMTIwCg==\r\n"
    "--b1--\r\n";
const std::string ReportCsv = "quarter,revenue\n1,100\n2,120\n";

}  // namespace

TEST_CASE("Sync 2.5: Truncation cuts the body, MIMESupport 2 sends MIMEData",
          "[mapi-sim][handlers]") {
  HandlerFixture f;
  const ProtocolVersion v = ProtocolVersion::V2_5;
  f.deliver("long", LongText);

  SECTION("Truncation 1: 512 bytes") {
    eas::SyncOptions o;
    o.truncation = 1;
    eas::EmailItem e = firstMail(f, v, o);
    REQUIRE(e.body);
    CHECK(e.body->type == eas::BodyType::PlainText);
    REQUIRE(e.body->data);
    CHECK(e.body->data->size() == 512);
    CHECK(e.body->truncated == true);
    REQUIRE(e.body->estimatedDataSize);
    CHECK(*e.body->estimatedDataSize >= LongText.size() - 2);
  }
  SECTION("Truncation 9: the whole body") {
    eas::SyncOptions o;
    o.truncation = 9;
    eas::EmailItem e = firstMail(f, v, o);
    REQUIRE(e.body);
    REQUIRE(e.body->data);
    CHECK(e.body->data->find(LongText.substr(0, 200)) != std::string::npos);
    CHECK(e.body->data->size() >= LongText.size() - 2);
    CHECK(e.body->truncated != true);
  }
  SECTION("MIMESupport 2 with MIMETruncation 1: 4096 bytes of MIME") {
    eas::SyncOptions o;
    o.mimeSupport = eas::MimeSupport::Always;
    o.mimeTruncation = 1;
    eas::EmailItem e = firstMail(f, v, o);
    REQUIRE(e.body);
    CHECK(e.body->type == eas::BodyType::Mime);
    REQUIRE(e.body->data);
    CHECK(e.body->data->size() == 4096);
    CHECK(e.body->truncated == true);
    CHECK(e.body->data->find("Subject: long") != std::string::npos);
  }
}

TEST_CASE("Sync 14.1: BodyPreference picks the form and cuts it", "[mapi-sim][handlers]") {
  HandlerFixture f;
  const ProtocolVersion v = ProtocolVersion::V14_1;
  f.deliver("long", LongText);
  eas::SyncOptions o;
  eas::BodyPreference p;

  SECTION("plain text, TruncationSize 100") {
    p.type = eas::BodyType::PlainText;
    p.truncationSize = 100;
    o.bodyPreferences = {p};
    eas::EmailItem e = firstMail(f, v, o);
    REQUIRE(e.body);
    CHECK(e.body->type == eas::BodyType::PlainText);
    REQUIRE(e.body->data);
    CHECK(*e.body->data == LongText.substr(0, 100));
    CHECK(e.body->truncated == true);
    CHECK(e.body->estimatedDataSize.value_or(0) >= LongText.size() - 2);
  }
  SECTION("AllOrNone: a body over the limit is not sent") {
    p.type = eas::BodyType::PlainText;
    p.truncationSize = 100;
    p.allOrNone = true;
    o.bodyPreferences = {p};
    eas::EmailItem e = firstMail(f, v, o);
    REQUIRE(e.body);
    CHECK_FALSE(e.body->data.has_value());
    CHECK(e.body->truncated == true);
  }
  SECTION("HTML") {
    p.type = eas::BodyType::Html;
    o.bodyPreferences = {p};
    eas::EmailItem e = firstMail(f, v, o);
    REQUIRE(e.body);
    CHECK(e.body->type == eas::BodyType::Html);
    REQUIRE(e.body->data);
    CHECK(e.body->data->find("<html>") != std::string::npos);
  }
  SECTION("MIME, TruncationSize 300") {
    p.type = eas::BodyType::Mime;
    p.truncationSize = 300;
    o.bodyPreferences = {p};
    o.mimeSupport = eas::MimeSupport::Always;
    eas::EmailItem e = firstMail(f, v, o);
    REQUIRE(e.body);
    CHECK(e.body->type == eas::BodyType::Mime);
    REQUIRE(e.body->data);
    CHECK(e.body->data->size() == 300);
    CHECK(e.body->data->find("Subject: long") != std::string::npos);
    CHECK(e.body->truncated == true);
  }
  SECTION("Preview (14.0+)") {
    p.type = eas::BodyType::PlainText;
    p.truncationSize = 10;
    p.preview = 20;
    o.bodyPreferences = {p};
    eas::EmailItem e = firstMail(f, v, o);
    REQUIRE(e.body);
    CHECK(e.body->preview == LongText.substr(0, 20));
  }
}

TEST_CASE("Sync: a multipart mail has its text body and its attachment listed",
          "[mapi-sim][handlers]") {
  HandlerFixture f;
  f.deliverMime(MultipartMime);
  eas::SyncOptions o;
  eas::BodyPreference p;
  p.type = eas::BodyType::Html;
  o.bodyPreferences = {p};
  eas::EmailItem e = firstMail(f, ProtocolVersion::V14_1, o);
  REQUIRE(e.body);
  REQUIRE(e.body->data);
  CHECK(*e.body->data == "<p>See the <b>attached</b> report.</p>");
  REQUIRE(e.attachments.size() == 1);
  CHECK(e.attachments[0].displayName == "report.csv");
  CHECK(e.attachments[0].estimatedDataSize == ReportCsv.size());
  CHECK_FALSE(e.attachments[0].fileReference.empty());

  HandlerFixture g;
  g.deliverMime(MultipartMime);
  eas::EmailItem old = firstMail(g, ProtocolVersion::V2_5, eas::SyncOptions{});
  REQUIRE(old.body);
  REQUIRE(old.body->data);
  CHECK(old.body->data->find("See the attached report.") != std::string::npos);
  REQUIRE(old.attachments.size() == 1);
  CHECK(old.attachments[0].displayName == "report.csv");
}

}  // namespace mapisim::test
