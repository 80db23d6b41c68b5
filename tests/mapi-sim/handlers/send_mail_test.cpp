// SendMail, SmartReply, SmartForward: local delivery, Sent Items, errors per version.
#include "eas/message/send_mail.h"

#include <algorithm>

#include "tests/mapi-sim/handlers/handler_fixture.h"

namespace mapisim::test {
namespace {

const std::string ToBob =
    "From: ann@example.com\r\n"
    "To: Bob <bob@example.com>, stranger@elsewhere.test\r\n"
    "Bcc: hidden@elsewhere.test\r\n"
    "Subject: Hello Bob\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "Are you coming?\r\n";

CommandReply compose(HandlerFixture& f, const eas::ComposeMailRequest& m) {
  eas::Command cmd = m.command == eas::ComposeCommand::SendMail     ? eas::Command::SendMail
                     : m.command == eas::ComposeCommand::SmartReply ? eas::Command::SmartReply
                                                                    : eas::Command::SmartForward;
  return f.call(&handleSendMail, cmd, ProtocolVersion::V14_1, eas::encode(m));
}

std::optional<eas::CommonStatus> statusOf(const CommandReply& reply, eas::ComposeCommand c) {
  REQUIRE(reply.outcome.status == eas::HttpStatus::Ok);
  auto r = eas::decodeComposeMailResponseBody(reply.body, c);
  REQUIRE(r.ok());
  return r->status;
}

std::vector<ItemRecord> inboxOf(HandlerFixture& f, const UserRecord& u) {
  auto inbox = f.mailbox->folderByType(u.id, FolderType::Inbox);
  REQUIRE(inbox);
  return f.mailbox->items(inbox->id);
}

}  // namespace

TEST_CASE("SendMail (14.1) delivers to a local user and keeps a copy in Sent Items",
          "[mapi-sim][handlers]") {
  HandlerFixture f;
  eas::ComposeMailRequest m;
  m.clientId = "msg-1";
  m.saveInSentItems = true;
  m.mime = ToBob;
  CHECK_FALSE(statusOf(compose(f, m), eas::ComposeCommand::SendMail));

  auto bobs = inboxOf(f, f.other);
  REQUIRE(bobs.size() == 1);
  CHECK(appData<eas::EmailItem>(bobs[0].data).subject == "Hello Bob");
  CHECK(bobs[0].mime.find("Are you coming?") != std::string::npos);
  CHECK(bobs[0].mime.find("hidden@elsewhere.test") == std::string::npos);  // Bcc removed
  CHECK(bobs[0].mime.find("Message-ID:") != std::string::npos);
  auto sent = f.mailbox->items(f.folderRow(FolderType::SentItems));
  REQUIRE(sent.size() == 1);
  CHECK(appData<eas::EmailItem>(sent[0].data).subject == "Hello Bob");
  CHECK(inboxOf(f, f.user).empty());

  SECTION("the same ClientId again is refused with 118") {
    CHECK(statusOf(compose(f, m), eas::ComposeCommand::SendMail) ==
          eas::CommonStatus::MessagePreviouslySent);
    CHECK(inboxOf(f, f.other).size() == 1);
  }
  SECTION("no recipient: 119") {
    eas::ComposeMailRequest none;
    none.clientId = "msg-2";
    none.mime = "From: ann@example.com\r\nSubject: void\r\n\r\nnobody\r\n";
    CHECK(statusOf(compose(f, none), eas::ComposeCommand::SendMail) ==
          eas::CommonStatus::MessageHasNoRecipient);
  }
  SECTION("without SaveInSentItems nothing goes to Sent Items") {
    eas::ComposeMailRequest quiet = m;
    quiet.clientId = "msg-3";
    quiet.saveInSentItems = false;
    CHECK_FALSE(statusOf(compose(f, quiet), eas::ComposeCommand::SendMail));
    CHECK(f.mailbox->items(f.folderRow(FolderType::SentItems)).size() == 1);
    CHECK(inboxOf(f, f.other).size() == 2);
  }
}

TEST_CASE("SendMail (12.1 and 2.5) takes raw MIME and SaveInSent from the query",
          "[mapi-sim][handlers]") {
  const ProtocolVersion v = GENERATE(ProtocolVersion::V2_5, ProtocolVersion::V12_1);
  HandlerFixture f;
  eas::EasRequest query;
  query.saveInSent = true;
  CommandReply ok = f.call(&handleSendMail, eas::Command::SendMail, v, ToBob, query);
  CHECK(ok.outcome.status == eas::HttpStatus::Ok);
  CHECK(ok.body.empty());
  CHECK(inboxOf(f, f.other).size() == 1);
  CHECK(f.mailbox->items(f.folderRow(FolderType::SentItems)).size() == 1);

  CommandReply bad = f.call(&handleSendMail, eas::Command::SendMail, v, "not a message", query);
  CHECK(bad.outcome.status == eas::HttpStatus::InternalServerError);
  CommandReply noOne =
      f.call(&handleSendMail, eas::Command::SendMail, v, "Subject: x\r\n\r\nnobody\r\n", query);
  CHECK(noOne.outcome.status == eas::HttpStatus::InternalServerError);
}

TEST_CASE("SmartReply quotes and SmartForward attaches the original", "[mapi-sim][handlers]") {
  HandlerFixture f;
  const ItemRecord original = f.deliver("Budget", "The numbers are in.");
  const std::string inbox = f.folderId(FolderType::Inbox);

  eas::ComposeMailRequest reply;
  reply.command = eas::ComposeCommand::SmartReply;
  reply.clientId = "r-1";
  reply.source = eas::ComposeSource{inbox, original.serverId, std::nullopt, std::nullopt};
  reply.mime =
      "To: bob@example.com\r\nSubject: RE: Budget\r\nContent-Type: text/plain\r\n\r\nThanks!\r\n";
  CHECK_FALSE(statusOf(compose(f, reply), eas::ComposeCommand::SmartReply));

  eas::ComposeMailRequest forward;
  forward.command = eas::ComposeCommand::SmartForward;
  forward.clientId = "f-1";
  forward.source = reply.source;
  forward.mime =
      "To: bob@example.com\r\nSubject: FW: Budget\r\nContent-Type: text/plain\r\n\r\nFYI\r\n";
  CHECK_FALSE(statusOf(compose(f, forward), eas::ComposeCommand::SmartForward));

  auto bobs = inboxOf(f, f.other);
  REQUIRE(bobs.size() == 2);
  auto find = [&](const std::string& subject) {
    auto it = std::find_if(bobs.begin(), bobs.end(), [&](const ItemRecord& i) {
      return appData<eas::EmailItem>(i.data).subject == subject;
    });
    REQUIRE(it != bobs.end());
    return *it;
  };
  const ItemRecord re = find("RE: Budget");
  CHECK(re.mime.find("Thanks!") != std::string::npos);
  CHECK(re.mime.find("The numbers are in.") != std::string::npos);
  const ItemRecord fw = find("FW: Budget");
  CHECK(fw.mime.find("FYI") != std::string::npos);
  CHECK(fw.mime.find("message/rfc822") != std::string::npos);
  CHECK(fw.mime.find("Subject: Budget") != std::string::npos);

  SECTION("an unknown original: 150") {
    eas::ComposeMailRequest lost = reply;
    lost.clientId = "r-2";
    lost.source->itemId = inbox + ":999";
    CHECK(statusOf(compose(f, lost), eas::ComposeCommand::SmartReply) ==
          eas::CommonStatus::ItemNotFound);
  }
  SECTION("12.1: the original named in the query") {
    eas::EasRequest query;
    query.itemId = original.serverId;
    query.collectionId = inbox;
    CommandReply r = f.call(&handleSendMail, eas::Command::SmartForward, ProtocolVersion::V12_1,
                            "To: bob@example.com\r\nSubject: FW again\r\n\r\nsee below\r\n", query);
    CHECK(r.outcome.status == eas::HttpStatus::Ok);
    CHECK(inboxOf(f, f.other).size() == 3);
  }
}

}  // namespace mapisim::test
