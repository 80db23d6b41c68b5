// SendMail / SmartReply / SmartForward: the raw-MIME model (<= 12.1) and ComposeMail (14.0+).
#include <catch2/catch.hpp>
#include <string>

#include "eas/message/send_mail.h"
#include "eas/message/status.h"
#include "eas/wbxml/code_pages.h"
#include "tests/eas/message_test_util.h"

using namespace cradle::eas;
using namespace cradle::eas::testing;

namespace {

namespace C = tag::ComposeMail;

const std::string Mime =
    "From: ann@example.com\r\nTo: bob@example.com\r\nSubject: Hi\r\n\r\nHello\r\n";

ErrorCode requestError(const Document& doc) { return errorOf(decodeComposeMailRequest(doc)).code; }

// <SmartForward><ClientId>1</ClientId><Source>...</Source><Mime>..</Mime></SmartForward>
Document smartWithSource(const std::function<void(WbxmlWriter&)>& source) {
  return build([&](WbxmlWriter& w) {
    w.start(C::SmartForward);
    w.element(C::ClientId, "1");
    w.start(C::Source);
    source(w);
    w.end();
    w.opaqueElement(C::Mime, Mime);
    w.end();
  });
}

}  // namespace

TEST_CASE("SendMail 14.0 request and response, exact bytes", "[eas][message]") {
  // xml2wbxml -n -a of <SendMail xmlns="ComposeMail:"><ClientId>msg-0001</ClientId>
  // <SaveInSentItems/><MIME>(base64 of Mime)</MIME></SendMail>: MIME is OPAQUE (c3 42 ...).
  const std::string expected = fromHex(
      "03 01 6a 00 00 15 45 51 03 6d 73 67 2d 30 30 30 31 00 01 08 50 c3 42 46 72 6f 6d 3a 20 61 "
      "6e 6e 40 65 78 61 6d 70 6c 65 2e 63 6f 6d 0d 0a 54 6f 3a 20 62 6f 62 40 65 78 61 6d 70 6c "
      "65 2e 63 6f 6d 0d 0a 53 75 62 6a 65 63 74 3a 20 48 69 0d 0a 0d 0a 48 65 6c 6c 6f 0d 0a 01 "
      "01");
  ComposeMailRequest m;
  m.clientId = "msg-0001";
  m.saveInSentItems = true;
  m.mime = Mime;
  CHECK(toHex(encode(m)) == toHex(expected));
  auto back = decodeWbxml(expected, decodeComposeMailRequest);
  REQUIRE(back.ok());
  CHECK(*back == m);

  // Failure: xml2wbxml -n -a of <SendMail><Status>120</Status></SendMail>.
  const std::string failure = fromHex("03 01 6a 00 00 15 45 52 03 31 32 30 00 01 01");
  ComposeMailResponse r{ComposeCommand::SendMail, CommonStatus::MailSubmissionFailed};
  CHECK(toHex(encode(r)) == toHex(failure));
  auto decoded = decodeComposeMailResponseBody(failure, ComposeCommand::SendMail);
  REQUIRE(decoded.ok());
  CHECK(*decoded == r);
  CHECK_FALSE(decoded->succeeded());
  CHECK(actionFor(*decoded->status) == ClientAction::RetryLater);
  // Success is an empty body both ways.
  ComposeMailResponse ok{ComposeCommand::SendMail, std::nullopt};
  CHECK(encode(ok).empty());
  auto empty = decodeComposeMailResponseBody("", ComposeCommand::SmartReply);
  REQUIRE(empty.ok());
  CHECK(empty->succeeded());
  CHECK(empty->command == ComposeCommand::SmartReply);
}

TEST_CASE("SmartReply 14.0 request with Source and ReplaceMime, exact bytes", "[eas][message]") {
  // xml2wbxml -n -a of <SmartReply><ClientId>msg-0002</ClientId><Source><FolderId>5</FolderId>
  // <ItemId>5:12</ItemId></Source><SaveInSentItems/><ReplaceMime/><MIME>..</MIME></SmartReply>.
  const std::string expected = fromHex(
      "03 01 6a 00 00 15 47 51 03 6d 73 67 2d 30 30 30 32 00 01 4b 4c 03 35 00 01 4d 03 35 3a 31 "
      "32 00 01 01 08 09 50 c3 42 46 72 6f 6d 3a 20 61 6e 6e 40 65 78 61 6d 70 6c 65 2e 63 6f 6d "
      "0d 0a 54 6f 3a 20 62 6f 62 40 65 78 61 6d 70 6c 65 2e 63 6f 6d 0d 0a 53 75 62 6a 65 63 74 "
      "3a 20 48 69 0d 0a 0d 0a 48 65 6c 6c 6f 0d 0a 01 01");
  ComposeMailRequest m;
  m.command = ComposeCommand::SmartReply;
  m.clientId = "msg-0002";
  m.source = ComposeSource{"5", "5:12", std::nullopt, std::nullopt};
  m.saveInSentItems = true;
  m.replaceMime = true;
  m.mime = Mime;
  CHECK(toHex(encode(m)) == toHex(expected));
  auto back = decodeWbxml(expected, decodeComposeMailRequest);
  REQUIRE(back.ok());
  CHECK(*back == m);
}

TEST_CASE("SmartForward 16.0 with LongId, AccountId, TemplateID and Forwardees round-trips",
          "[eas][message]") {
  ComposeMailRequest m;
  m.command = ComposeCommand::SmartForward;
  m.clientId = std::string(40, 'c');
  m.source = ComposeSource{std::nullopt, std::nullopt, "RgAAAAD", std::nullopt};
  m.accountId = "2";
  m.mime = Mime;
  m.templateId = "cf5cf348-a8d7-40d5-91ef-a600b88a395d";
  m.forwardees = {Forwardee{"Carl", "carl@example.com"}, Forwardee{std::nullopt, "d@example.com"}};
  auto back = decodeWbxml(encode(m), decodeComposeMailRequest);
  REQUIRE(back.ok());
  CHECK(*back == m);
  // A meeting occurrence by InstanceId.
  m.source = ComposeSource{"6", "6:1", std::nullopt, "2024-03-01T09:00:00.000Z"};
  m.forwardees.clear();
  back = decodeWbxml(encode(m), decodeComposeMailRequest);
  REQUIRE(back.ok());
  CHECK(*back == m);
  // Mime as an inline string is accepted too.
  Document inlineMime = build([](WbxmlWriter& w) {
    w.start(C::SendMail);
    w.element(C::ClientId, "7");
    w.element(C::Mime, Mime);
    w.end();
  });
  auto decoded = decodeComposeMailRequest(inlineMime);
  REQUIRE(decoded.ok());
  CHECK(decoded->mime == Mime);
  // Source, ReplaceMime and Forwardees are not written for SendMail.
  ComposeMailRequest send = m;
  send.command = ComposeCommand::SendMail;
  send.replaceMime = true;
  auto sendBack = decodeWbxml(encode(send), decodeComposeMailRequest);
  REQUIRE(sendBack.ok());
  CHECK_FALSE(sendBack->source.has_value());
  CHECK_FALSE(sendBack->replaceMime);
}

TEST_CASE("ComposeMail request errors", "[eas][message]") {
  SECTION("root and structure") {
    CHECK(requestError(build([](WbxmlWriter& w) { w.empty(C::Source); })) ==
          ErrorCode::UnexpectedElement);
    CHECK(requestError(build([](WbxmlWriter& w) {
            w.start(C::SendMail);
            w.opaqueElement(C::Mime, Mime);
            w.end();
          })) == ErrorCode::MissingElement);  // ClientId
    CHECK(requestError(build([](WbxmlWriter& w) {
            w.start(C::SendMail);
            w.element(C::ClientId, "1");
            w.end();
          })) == ErrorCode::MissingElement);  // Mime
    CHECK(requestError(build([](WbxmlWriter& w) {
            w.start(C::SendMail);
            w.element(C::ClientId, "1");
            w.element(C::ClientId, "2");
            w.opaqueElement(C::Mime, Mime);
            w.end();
          })) == ErrorCode::UnexpectedElement);
    CHECK(requestError(build([](WbxmlWriter& w) {
            w.start(C::SendMail);
            w.element(C::ClientId, "1");
            w.empty(C::ReplaceMime);
            w.opaqueElement(C::Mime, Mime);
            w.end();
          })) == ErrorCode::UnexpectedElement);
    CHECK(requestError(build([](WbxmlWriter& w) {
            w.start(C::SendMail);
            w.element(C::ClientId, "1");
            w.start(C::Source);
            w.element(C::LongId, "x");
            w.end();
            w.opaqueElement(C::Mime, Mime);
            w.end();
          })) == ErrorCode::UnexpectedElement);
    CHECK(requestError(build([](WbxmlWriter& w) {
            w.start(C::SmartReply);
            w.element(C::ClientId, "1");
            w.start(C::Source);
            w.element(C::LongId, "x");
            w.end();
            w.opaqueElement(C::Mime, Mime);
            w.start(C::Forwardees);
            w.end();
            w.end();
          })) == ErrorCode::UnexpectedElement);
    CHECK(requestError(build([](WbxmlWriter& w) {
            w.start(C::SendMail);
            w.element(C::ClientId, "1");
            w.element(C::Status, "1");
            w.opaqueElement(C::Mime, Mime);
            w.end();
          })) == ErrorCode::UnexpectedElement);
  }
  SECTION("values") {
    auto withClientId = [](std::string id) {
      return build([id](WbxmlWriter& w) {
        w.start(C::SendMail);
        w.element(C::ClientId, id);
        w.opaqueElement(C::Mime, Mime);
        w.end();
      });
    };
    CHECK(requestError(withClientId("")) == ErrorCode::BadValue);
    CHECK(requestError(withClientId(std::string(41, 'x'))) == ErrorCode::BadValue);
    CHECK(requestError(build([](WbxmlWriter& w) {
            w.start(C::SendMail);
            w.element(C::ClientId, "1");
            w.element(C::SaveInSentItems, "1");
            w.opaqueElement(C::Mime, Mime);
            w.end();
          })) == ErrorCode::BadValue);
    CHECK(requestError(build([](WbxmlWriter& w) {
            w.start(C::SmartForward);
            w.element(C::ClientId, "1");
            w.start(C::Source);
            w.element(C::LongId, "x");
            w.end();
            w.element(C::ReplaceMime, "yes");
            w.opaqueElement(C::Mime, Mime);
            w.end();
          })) == ErrorCode::BadValue);
  }
  SECTION("Source") {
    // SmartReply/SmartForward without Source.
    CHECK(requestError(build([](WbxmlWriter& w) {
            w.start(C::SmartReply);
            w.element(C::ClientId, "1");
            w.opaqueElement(C::Mime, Mime);
            w.end();
          })) == ErrorCode::MissingElement);
    CHECK(requestError(smartWithSource([](WbxmlWriter&) {})) == ErrorCode::MissingElement);
    CHECK(requestError(smartWithSource([](WbxmlWriter& w) { w.element(C::ItemId, "5:1"); })) ==
          ErrorCode::MissingElement);
    CHECK(requestError(smartWithSource([](WbxmlWriter& w) { w.element(C::FolderId, "5"); })) ==
          ErrorCode::MissingElement);
    CHECK(requestError(smartWithSource([](WbxmlWriter& w) {
            w.element(C::FolderId, "5");
            w.element(C::ItemId, "5:1");
            w.element(C::LongId, "x");
          })) == ErrorCode::BadValue);
    CHECK(requestError(smartWithSource([](WbxmlWriter& w) {
            w.element(C::InstanceId, "2024-03-01T09:00:00.000Z");
          })) == ErrorCode::BadValue);
    CHECK(requestError(smartWithSource([](WbxmlWriter& w) {
            w.element(C::ItemId, "5:1");
            w.element(C::ItemId, "5:2");
          })) == ErrorCode::UnexpectedElement);
    CHECK(requestError(smartWithSource([](WbxmlWriter& w) { w.element(C::ClientId, "x"); })) ==
          ErrorCode::UnexpectedElement);
  }
  SECTION("Forwardees") {
    auto forward = [](const std::function<void(WbxmlWriter&)>& list) {
      return build([&](WbxmlWriter& w) {
        w.start(C::SmartForward);
        w.element(C::ClientId, "1");
        w.start(C::Source);
        w.element(C::LongId, "x");
        w.end();
        w.opaqueElement(C::Mime, Mime);
        w.start(C::Forwardees);
        list(w);
        w.end();
        w.end();
      });
    };
    CHECK(requestError(forward([](WbxmlWriter& w) {
            w.start(C::Forwardee);
            w.element(C::ForwardeeName, "No Address");
            w.end();
          })) == ErrorCode::MissingElement);
    CHECK(requestError(forward([](WbxmlWriter& w) { w.element(C::ForwardeeEmail, "a@b"); })) ==
          ErrorCode::UnexpectedElement);
    CHECK(requestError(forward([](WbxmlWriter& w) {
            w.start(C::Forwardee);
            w.element(C::ForwardeeEmail, "a@b");
            w.element(C::ForwardeeEmail, "c@d");
            w.end();
          })) == ErrorCode::UnexpectedElement);
  }
}

TEST_CASE("ComposeMail response errors", "[eas][message]") {
  auto status = [](std::string_view value) {
    return build([value](WbxmlWriter& w) {
      w.start(C::SmartForward);
      w.element(C::Status, value);
      w.end();
    });
  };
  // Only common statuses: 1 (no success status exists), 99 and 157 are refused.
  CHECK(errorOf(decodeComposeMailResponse(status("1"))).code == ErrorCode::BadValue);
  CHECK(errorOf(decodeComposeMailResponse(status("157"))).code == ErrorCode::BadValue);
  CHECK(errorOf(decodeComposeMailResponse(status("abc"))).code == ErrorCode::BadValue);
  auto ok = decodeComposeMailResponse(status("118"));
  REQUIRE(ok.ok());
  CHECK(ok->command == ComposeCommand::SmartForward);
  CHECK(ok->status == CommonStatus::MessagePreviouslySent);
  CHECK(errorOf(decodeComposeMailResponse(build([](WbxmlWriter& w) {
          w.empty(C::SendMail);
        }))).code == ErrorCode::MissingElement);
  CHECK(errorOf(decodeComposeMailResponse(build([](WbxmlWriter& w) {
          w.start(C::SendMail);
          w.element(C::Status, "120");
          w.element(C::ClientId, "1");
          w.end();
        }))).code == ErrorCode::UnexpectedElement);
  CHECK(errorOf(decodeComposeMailResponse(build([](WbxmlWriter& w) {
          w.start(C::Source);
          w.element(C::Status, "120");
          w.end();
        }))).code == ErrorCode::UnexpectedElement);
  // Body helpers: not WBXML, and the answer to another command.
  CHECK(errorOf(decodeComposeMailResponseBody("\x03\x01", ComposeCommand::SendMail)).code ==
        ErrorCode::Truncated);
  CHECK(
      errorOf(decodeComposeMailResponseBody(
                  encode(ComposeMailResponse{ComposeCommand::SendMail, CommonStatus::ServerError}),
                  ComposeCommand::SmartReply))
          .code == ErrorCode::UnexpectedElement);
  // Statuses a mail submission can meet all have a description and an action.
  for (uint8_t v = 110; v <= 122; ++v) {
    if (!isCommonStatus(v)) {
      continue;
    }
    auto s = static_cast<CommonStatus>(v);
    CHECK(describe(s) != "unknown status");
  }
  CHECK(actionFor(CommonStatus::MessagePreviouslySent) == ClientAction::None);
  CHECK(actionFor(CommonStatus::SendQuotaExceeded) == ClientAction::TellUser);
}

TEST_CASE("SendMail raw MIME model (EAS 2.5 to 12.1)", "[eas][message]") {
  MimeMailRequest send{ComposeCommand::SendMail, Mime, true, {}, {}, {}, {}};
  CHECK(validate(send).ok());
  CHECK(MimeMailContentType == "message/rfc822");
  CHECK(toString(ComposeCommand::SendMail) == "SendMail");
  CHECK(toString(ComposeCommand::SmartReply) == "SmartReply");
  CHECK(toString(ComposeCommand::SmartForward) == "SmartForward");

  MimeMailRequest reply{ComposeCommand::SmartReply, Mime, false, "5:12", "5", {}, {}};
  CHECK(validate(reply).ok());
  MimeMailRequest byLongId{ComposeCommand::SmartForward, Mime, false, {}, {}, "RgAAAAD", {}};
  CHECK(validate(byLongId).ok());
  MimeMailRequest occurrence = reply;
  occurrence.occurrence = "2024-03-01T09:00:00.000Z";
  CHECK(validate(occurrence).ok());

  auto code = [](const MimeMailRequest& m) {
    auto st = validate(m);
    REQUIRE_FALSE(st.ok());
    return st.error();
  };
  MimeMailRequest bad = send;
  bad.mime.clear();
  CHECK(code(bad).code == ErrorCode::BadValue);
  bad.mime = "Hello, no header here\r\n";
  CHECK(code(bad).offset == 6);  // the space before any ':'
  bad.mime = ": empty name\r\n\r\nx";
  CHECK(code(bad).code == ErrorCode::BadValue);
  bad.mime = "Subject";
  CHECK(code(bad).code == ErrorCode::BadValue);
  bad.mime = std::string("Subject: a\0b\r\n\r\nbody", 20);
  CHECK(code(bad).offset == 10);
  // A NUL in the body is the body's business (8-bit MIME parts).
  bad.mime = std::string("Subject: a\r\n\r\nbo\0dy", 19);
  CHECK(validate(bad).ok());
  bad = send;
  bad.itemId = "5:1";
  CHECK(code(bad).code == ErrorCode::BadValue);
  bad = reply;
  bad.collectionId.reset();
  CHECK(code(bad).code == ErrorCode::BadValue);
  bad = reply;
  bad.itemId.reset();
  CHECK(code(bad).code == ErrorCode::BadValue);
  bad = reply;
  bad.longId = "RgAAAAD";
  CHECK(code(bad).code == ErrorCode::BadValue);
}
