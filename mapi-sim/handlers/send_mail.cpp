// SendMail, SmartReply, SmartForward (MS-ASCMD 2.2.1.17, 2.2.1.19, 2.2.1.20): deliver a message
// to the local recipients and keep a copy in Sent Items.
#include "eas/message/send_mail.h"

#include <Poco/UUIDGenerator.h>

#include <algorithm>
#include <set>

#include "mapi-sim/handlers/command.h"
#include "mapi-sim/handlers/handler_util.h"
#include "mapi-sim/handlers/mime_extras.h"
#include "mapi-sim/state/device_lock.h"
#include "mapi-sim/state/sent_client_ids.h"

namespace mapisim {
namespace {

namespace eas = cradle::eas;
using eas::CommonStatus;
using eas::ComposeCommand;

// One message to send, from either wire form.
struct Outgoing {
  ComposeCommand command = ComposeCommand::SendMail;
  std::string mime;
  bool saveInSent = false;
  bool replaceMime = false;
  std::optional<std::string> clientId;  // 14.0+
  std::optional<std::string> itemId;    // SmartReply/SmartForward: the original ...
  std::optional<std::string> folderId;  // ... and its folder
  std::optional<std::string> longId;
  std::vector<std::string> forwardees;
};

// The header block as lines (each with its folded continuations), and the body.
struct HeaderLines {
  std::vector<std::string> lines;
  std::string body;
};

HeaderLines splitLines(std::string_view mime) {
  const MimeSplit split = splitHeaders(mime);
  HeaderLines out;
  out.body = std::string(split.body);
  std::size_t pos = 0;
  const std::string_view h = split.headers;
  while (pos < h.size()) {
    std::size_t eol = h.find('\n', pos);
    std::size_t end = eol == std::string_view::npos ? h.size() : eol;
    std::string line(h.substr(pos, end - pos));
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    pos = eol == std::string_view::npos ? h.size() : eol + 1;
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t') && !out.lines.empty()) {
      out.lines.back() += "\r\n" + line;
    } else if (!line.empty()) {
      out.lines.push_back(line);
    }
  }
  return out;
}

std::string nameOf(const std::string& line) {
  return asciiLowerCopy(line.substr(0, std::min(line.find(':'), line.size())));
}

bool hasHeader(const HeaderLines& h, std::string_view name) {
  return std::any_of(h.lines.begin(), h.lines.end(),
                     [&](const std::string& l) { return nameOf(l) == name; });
}

void dropHeaders(HeaderLines& h, std::initializer_list<std::string_view> names) {
  h.lines.erase(std::remove_if(h.lines.begin(), h.lines.end(),
                               [&](const std::string& l) {
                                 const std::string n = nameOf(l);
                                 return std::find(names.begin(), names.end(), n) != names.end();
                               }),
                h.lines.end());
}

std::string join(const HeaderLines& h) {
  std::string out;
  for (const std::string& l : h.lines) {
    out += l;
    out += "\r\n";
  }
  out += "\r\n";
  out += h.body;
  return out;
}

std::string newBoundary() {
  return "=_mapisim_" + Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
}

// The original message as text for a reply: a short header summary and its plain body.
std::string quoted(const ItemRecord& original) {
  const auto* e = std::get_if<eas::EmailItem>(&original.data);
  std::string text = "\r\n\r\n-----Original Message-----\r\n";
  if (e) {
    text += "From: " + e->from.value_or("") + "\r\n";
    text += "Sent: " + e->dateReceived.value_or("") + "\r\n";
    text += "To: " + e->to.value_or("") + "\r\n";
    text += "Subject: " + e->subject.value_or("") + "\r\n\r\n";
  }
  if (!original.mime.empty()) {
    text += mime::plainText(mime::parse(original.mime));
  } else if (e && e->body && e->body->data) {
    text += *e->body->data;
  }
  return text;
}

// SmartReply/SmartForward without ReplaceMime: the server adds the original (MS-ASCMD
// 2.2.1.19/2.2.1.20). A plain-text reply gets the original quoted below the new text; anything
// else becomes multipart/mixed with the client's content first and the original attached as
// message/rfc822.
std::string withOriginal(const Outgoing& out, const ItemRecord& original) {
  HeaderLines h = splitLines(out.mime);
  const mime::Entity client = mime::parse(out.mime);
  const std::string encoding =
      asciiLowerCopy(client.header("Content-Transfer-Encoding").value_or("7bit"));
  const bool plainReply = out.command == ComposeCommand::SmartReply && !client.isMultipart() &&
                          client.contentType == "text/plain" &&
                          (encoding == "7bit" || encoding == "8bit");
  if (plainReply) {
    h.body += quoted(original);
    return join(h);
  }
  std::string contentHeaders;
  for (const std::string& l : h.lines) {
    const std::string n = nameOf(l);
    if (n == "content-type" || n == "content-transfer-encoding") {
      contentHeaders += l + "\r\n";
    }
  }
  if (contentHeaders.empty()) {
    contentHeaders = "Content-Type: text/plain; charset=utf-8\r\n";
  }
  dropHeaders(h, {"content-type", "content-transfer-encoding", "mime-version"});
  const std::string boundary = newBoundary();
  h.lines.push_back("MIME-Version: 1.0");
  h.lines.push_back("Content-Type: multipart/mixed; boundary=\"" + boundary + "\"");
  std::string originalMime = original.mime;
  if (originalMime.empty()) {
    originalMime = "Content-Type: text/plain; charset=utf-8\r\n" + quoted(original);
  }
  h.body = "--" + boundary + "\r\n" + contentHeaders + "\r\n" + h.body + "\r\n--" + boundary +
           "\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment; "
           "filename=\"original.eml\"\r\n\r\n" +
           originalMime + "\r\n--" + boundary + "--\r\n";
  return join(h);
}

// Sends one message for the user of `ctx`: checks, the original for SmartReply/SmartForward,
// header completion, local delivery, the Sent Items copy, the ClientId record.
class Sender {
 public:
  explicit Sender(CommandContext& ctx) : ctx_(ctx) {}

  // nullopt on success, else the common status of the failure.
  std::optional<CommonStatus> send(Outgoing out);

 private:
  CommandContext& ctx_;
};

std::optional<CommonStatus> Sender::send(Outgoing out) {
  if (!hasHeaderBlock(out.mime)) {
    return CommonStatus::InvalidMIME;  // 107
  }
  if (out.clientId) {
    SentClientIds sent = SentClientIds::load(ctx_.mailbox, ctx_.device.id);
    if (sent.contains(*out.clientId)) {
      return CommonStatus::MessagePreviouslySent;  // 118
    }
  }
  if (out.command != ComposeCommand::SendMail && !out.replaceMime) {
    std::optional<ItemRecord> original;
    if (out.itemId) {
      original = ctx_.mailbox.item(ctx_.user.id, *out.itemId);
      auto folder = out.folderId ? ctx_.mailbox.folder(ctx_.user.id, *out.folderId) : std::nullopt;
      if (original && out.folderId && (!folder || folder->id != original->folderId)) {
        original.reset();
      }
    }
    if (!original) {
      return CommonStatus::ItemNotFound;  // 150 (a LongId names a search result: no search)
    }
    out.mime = withOriginal(out, *original);
  }

  HeaderLines h = splitLines(out.mime);
  const mime::Entity msg = mime::parse(out.mime);
  std::vector<std::string> recipients;
  for (const char* field : {"To", "Cc", "Bcc"}) {
    for (std::string& a : parseAddressList(msg.header(field).value_or(""))) {
      recipients.push_back(asciiLowerCopy(a));
    }
  }
  for (const std::string& f : out.forwardees) {
    recipients.push_back(asciiLowerCopy(f));
  }
  std::sort(recipients.begin(), recipients.end());
  recipients.erase(std::unique(recipients.begin(), recipients.end()), recipients.end());
  if (recipients.empty()) {
    return CommonStatus::MessageHasNoRecipient;  // 119
  }
  // The server completes the header as a submission agent does (RFC 6409 8).
  if (!hasHeader(h, "from")) {
    h.lines.insert(h.lines.begin(), "From: " + ctx_.user.email);
  }
  if (!hasHeader(h, "date")) {
    h.lines.push_back("Date: " + rfc5322Date(ctx_.now));
  }
  if (!hasHeader(h, "message-id")) {
    h.lines.push_back("Message-ID: <" +
                      Poco::UUIDGenerator::defaultGenerator().createRandom().toString() +
                      "@mapi-sim>");
  }
  const std::string sentCopy = join(h);
  dropHeaders(h, {"bcc"});
  const std::string delivered = join(h);

  // Local recipients get it in their Inbox; other addresses are only "sent".
  for (const UserRecord& u : ctx_.mailbox.users()) {
    if (!std::binary_search(recipients.begin(), recipients.end(), asciiLowerCopy(u.email))) {
      continue;
    }
    NewMail mail;
    mail.mime = delivered;
    mail.deliveredAt = ctx_.now;
    if (!ctx_.mailbox.deliverMail(u.id, mail)) {
      return CommonStatus::MailSubmissionFailed;  // 120
    }
  }
  if (out.saveInSent) {
    auto sentItems = ctx_.mailbox.folderByType(ctx_.user.id, FolderType::SentItems);
    if (sentItems) {
      const mime::Entity copy = mime::parse(sentCopy);
      eas::EmailItem e;
      e.to = copy.header("To");
      e.cc = copy.header("Cc");
      e.from = copy.header("From");
      e.subject = copy.header("Subject");
      e.dateReceived = isoDateTime(ctx_.now);
      e.read = true;
      e.messageClass = "IPM.Note";
      (void)ctx_.mailbox.addItem(ctx_.user.id, sentItems->serverId, e, sentCopy);
    }
  }
  if (out.clientId) {
    SentClientIds sent = SentClientIds::load(ctx_.mailbox, ctx_.device.id);
    sent.add(*out.clientId);
    (void)sent.save(ctx_.mailbox, ctx_.device.id);
  }
  return std::nullopt;
}

ComposeCommand composeCommand(eas::Command cmd) {
  switch (cmd) {
    case eas::Command::SmartReply:
      return ComposeCommand::SmartReply;
    case eas::Command::SmartForward:
      return ComposeCommand::SmartForward;
    default:
      return ComposeCommand::SendMail;
  }
}

bool looksLikeWbxml(std::string_view body) {
  return body.size() >= 4 && body[0] == '\x03' && body[1] == '\x01' && body[2] == '\x6a';
}

}  // namespace

CommandReply handleSendMail(CommandContext& ctx) {
  DeviceLock lock(ctx.device.id);
  const ComposeCommand command = composeCommand(ctx.request.cmd);
  const bool wbxmlForm = statusInBody(ctx.version) && looksLikeWbxml(ctx.body);
  auto fail = [&](CommonStatus status) {
    if (!statusInBody(ctx.version)) {
      // MS-ASCMD 2.2.1.17: up to 12.1 the command has no response body; failure is HTTP 500.
      return httpReply(eas::HttpStatus::InternalServerError);
    }
    eas::ComposeMailResponse r;
    r.command = command;
    r.status = status;
    return wbxmlReply(eas::encode(r));
  };

  Outgoing out;
  out.command = command;
  if (wbxmlForm) {
    // 14.0+: ComposeMail WBXML with the message in Mime.
    auto doc = eas::Document::decode(ctx.body);
    if (!doc) {
      return fail(CommonStatus::InvalidWBXML);  // 102
    }
    auto m = eas::decodeComposeMailRequest(*doc);
    if (!m) {
      return fail(CommonStatus::InvalidXML);  // 103
    }
    out.command = m->command;
    out.mime = std::move(m->mime);
    out.saveInSent = m->saveInSentItems;
    out.replaceMime = m->replaceMime;
    out.clientId = m->clientId;
    if (m->source) {
      out.itemId = m->source->itemId;
      out.folderId = m->source->folderId;
      out.longId = m->source->longId;
    }
    for (const eas::Forwardee& f : m->forwardees) {
      out.forwardees.push_back(f.email);
    }
  } else {
    // <= 12.1 (and a 14.0+ client posting message/rfc822): the body is the message, the rest
    // is in the query.
    eas::MimeMailRequest m;
    m.command = command;
    m.mime = std::string(ctx.body);
    m.saveInSent = ctx.request.saveInSent;
    m.itemId = ctx.request.itemId;
    m.collectionId = ctx.request.collectionId;
    m.longId = ctx.request.longId;
    m.occurrence = ctx.request.occurrence;
    if (!eas::validate(m).ok()) {
      return fail(CommonStatus::InvalidMIME);
    }
    out.mime = std::move(m.mime);
    out.saveInSent = m.saveInSent;
    out.itemId = m.itemId;
    out.folderId = m.collectionId;
    out.longId = m.longId;
  }

  Sender sender(ctx);
  if (auto status = sender.send(std::move(out))) {
    return fail(*status);
  }
  CommandReply ok = wbxmlReply({});
  ok.contentType.clear();  // success has no body
  return ok;
}

}  // namespace mapisim
