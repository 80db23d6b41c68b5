// SendMail, SmartReply, SmartForward: MIME model validation and the ComposeMail WBXML codec.
#include "eas/message/send_mail.h"

#include <algorithm>
#include <bitset>
#include <cassert>
#include <initializer_list>
#include <utility>

#include "eas/message/common.h"
#include "eas/wbxml/code_pages.h"
#include "eas/wbxml/writer.h"

namespace cradle::eas {

namespace C = tag::ComposeMail;

std::string_view toString(ComposeCommand c) {
  switch (c) {
    case ComposeCommand::SendMail:
      return "SendMail";
    case ComposeCommand::SmartReply:
      return "SmartReply";
    case ComposeCommand::SmartForward:
      return "SmartForward";
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// <= 12.1: raw MIME

namespace {

Error mimeError(std::size_t offset, std::string detail) {
  return makeError(ErrorCode::BadValue, offset, std::move(detail));
}

Status validateMime(std::string_view mime) {
  if (mime.empty()) {
    return mimeError(0, "the MIME message is empty");
  }
  // RFC 5322 2.2: a message starts with a header field, "field-name: body", the name made of
  // printable ASCII other than ':'.
  std::size_t i = 0;
  while (i < mime.size() && mime[i] != ':') {
    auto c = static_cast<unsigned char>(mime[i]);
    if (c < 33 || c > 126) {
      return mimeError(i, "the MIME message does not start with a header field");
    }
    ++i;
  }
  if (i == 0 || i == mime.size()) {
    return mimeError(i, "the MIME message does not start with a header field");
  }
  // No NUL in the header section (up to the first empty line).
  std::size_t end = mime.find("\r\n\r\n");
  std::size_t lf = mime.find("\n\n");
  end = std::min(end, lf);
  std::size_t nul = mime.substr(0, end).find('\0');
  if (nul != std::string_view::npos) {
    return mimeError(nul, "NUL byte in the MIME header");
  }
  return {};
}

}  // namespace

Status validate(const MimeMailRequest& m) {
  if (auto st = validateMime(m.mime); !st) {
    return st;
  }
  bool anyOriginal = m.itemId || m.collectionId || m.longId || m.occurrence;
  if (m.command == ComposeCommand::SendMail) {
    if (anyOriginal) {
      return mimeError(0, "SendMail takes no ItemId, CollectionId, LongId or Occurrence");
    }
    return {};
  }
  // MS-ASCMD 2.2.1.19/2.2.1.20 (<= 12.1): the original by ItemId + CollectionId, or LongId.
  if (m.longId) {
    if (m.itemId || m.collectionId) {
      return mimeError(
          0, std::string(toString(m.command)) + ": LongId excludes ItemId and CollectionId");
    }
    return {};
  }
  if (!m.itemId || !m.collectionId) {
    return mimeError(0, std::string(toString(m.command)) +
                            " needs ItemId and CollectionId (or LongId) of the original");
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// 14.0+: ComposeMail WBXML

namespace {

constexpr std::size_t MaxClientIdLength = 40;  // MS-ASCMD 2.2.3.28.1

Tag rootTag(ComposeCommand c) {
  switch (c) {
    case ComposeCommand::SendMail:
      return C::SendMail;
    case ComposeCommand::SmartReply:
      return C::SmartReply;
    case ComposeCommand::SmartForward:
      return C::SmartForward;
  }
  return C::SendMail;
}

std::optional<ComposeCommand> commandOf(Tag t) {
  if (t == C::SendMail) {
    return ComposeCommand::SendMail;
  }
  if (t == C::SmartReply) {
    return ComposeCommand::SmartReply;
  }
  if (t == C::SmartForward) {
    return ComposeCommand::SmartForward;
  }
  return std::nullopt;
}

Result<ComposeCommand> expectComposeRoot(const Document& doc) {
  Element root = doc.root();
  if (!root) {
    return makeError(ErrorCode::MissingElement, 0,
                     "empty document, expected ComposeMail:SendMail, SmartReply or SmartForward");
  }
  auto c = commandOf(root.tag());
  if (!c) {
    return makeError(ErrorCode::UnexpectedElement, root.offset(),
                     "root is " + qualifiedName(root.tag()) +
                         ", expected ComposeMail:SendMail, SmartReply or SmartForward");
  }
  return *c;
}


std::optional<std::string> owned(Element parent, Tag t) {
  auto v = optionalText(parent, t);
  return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
}

// An element that is a flag by its presence: <SaveInSentItems/>.
Result<bool> presenceFlag(Element parent, Tag t) {
  Element e = parent.child(t);
  if (!e) {
    return false;
  }
  if (e.firstChild() || !e.text().empty()) {
    return badValue(e, "must be an empty element");
  }
  return true;
}

Result<ComposeSource> decodeSource(Element source) {
  if (auto st = onlyOnce(source, {C::FolderId, C::ItemId, C::LongId, C::InstanceId}); !st) {
    return std::move(st).takeError();
  }
  ComposeSource s;
  s.folderId = owned(source, C::FolderId);
  s.itemId = owned(source, C::ItemId);
  s.longId = owned(source, C::LongId);
  s.instanceId = owned(source, C::InstanceId);
  // MS-ASCMD 2.2.3.166: LongId stands alone; FolderId and ItemId go together.
  if (s.longId) {
    if (s.folderId || s.itemId || s.instanceId) {
      return badValue(source.child(C::LongId), "LongId excludes FolderId, ItemId and InstanceId");
    }
    return s;
  }
  if (!s.folderId && !s.itemId) {
    if (s.instanceId) {
      return badValue(source.child(C::InstanceId), "InstanceId without ItemId");
    }
    return missingElement(source, C::ItemId);
  }
  if (!s.folderId) {
    return missingElement(source, C::FolderId);
  }
  if (!s.itemId) {
    return missingElement(source, C::ItemId);
  }
  return s;
}

void encodeSource(WbxmlWriter& w, const ComposeSource& s) {
  w.start(C::Source);
  writeOptional(w, C::FolderId, s.folderId);
  writeOptional(w, C::ItemId, s.itemId);
  writeOptional(w, C::LongId, s.longId);
  writeOptional(w, C::InstanceId, s.instanceId);
  w.end();
}

}  // namespace

std::string encode(const ComposeMailRequest& m) {
  std::string out;
  WbxmlWriter w(out);
  const bool smart = m.command != ComposeCommand::SendMail;
  w.start(rootTag(m.command));
  w.element(C::ClientId, m.clientId);
  if (smart && m.source) {
    encodeSource(w, *m.source);
  }
  writeOptional(w, C::AccountId, m.accountId);
  if (m.saveInSentItems) {
    w.empty(C::SaveInSentItems);
  }
  if (smart && m.replaceMime) {
    w.empty(C::ReplaceMime);
  }
  w.opaqueElement(C::Mime, m.mime);
  writeOptional(w, tag::RightsManagement::TemplateID, m.templateId);
  if (m.command == ComposeCommand::SmartForward && !m.forwardees.empty()) {
    w.start(C::Forwardees);
    for (const auto& f : m.forwardees) {
      w.start(C::Forwardee);
      writeOptional(w, C::ForwardeeName, f.name);
      w.element(C::ForwardeeEmail, f.email);
      w.end();
    }
    w.end();
  }
  w.end();
  assert(w.finish().ok());  // balanced by construction
  return out;
}

std::string encode(const ComposeMailResponse& m) {
  std::string out;
  if (m.succeeded()) {
    return out;  // MS-ASCMD 2.2.1.17: success is an empty response
  }
  WbxmlWriter w(out);
  w.start(rootTag(m.command));
  w.element(C::Status, uint64_t{static_cast<uint8_t>(*m.status)});
  w.end();
  assert(w.finish().ok());
  return out;
}

Result<ComposeMailRequest> decodeComposeMailRequest(const Document& doc) {
  auto command = expectComposeRoot(doc);
  if (!command) {
    return std::move(command).takeError();
  }
  Element root = doc.root();
  ComposeMailRequest m;
  m.command = *command;
  const bool smart = m.command != ComposeCommand::SendMail;
  Status allowed = smart ? onlyOnce(root, {C::ClientId, C::Source, C::AccountId, C::SaveInSentItems,
                                           C::ReplaceMime, C::Mime,
                                           tag::RightsManagement::TemplateID, C::Forwardees})
                         : onlyOnce(root, {C::ClientId, C::AccountId, C::SaveInSentItems, C::Mime,
                                           tag::RightsManagement::TemplateID});
  if (!allowed) {
    return std::move(allowed).takeError();
  }
  if (m.command == ComposeCommand::SmartReply && root.child(C::Forwardees)) {
    return unexpectedElement(root.child(C::Forwardees), "ComposeMail:SmartReply");
  }
  auto clientId = requiredText(root, C::ClientId);
  if (!clientId) {
    return std::move(clientId).takeError();
  }
  if (clientId->empty() || clientId->size() > MaxClientIdLength) {
    return badValue(root.child(C::ClientId), "ClientId must have 1 to 40 characters");
  }
  m.clientId = std::string(*clientId);
  if (smart) {
    Element source = root.child(C::Source);
    if (!source) {
      return missingElement(root, C::Source);
    }
    auto s = decodeSource(source);
    if (!s) {
      return std::move(s).takeError();
    }
    m.source = std::move(*s);
  }
  m.accountId = owned(root, C::AccountId);
  auto save = presenceFlag(root, C::SaveInSentItems);
  if (!save) {
    return std::move(save).takeError();
  }
  m.saveInSentItems = *save;
  auto replace = presenceFlag(root, C::ReplaceMime);
  if (!replace) {
    return std::move(replace).takeError();
  }
  m.replaceMime = *replace;
  // MS-ASCMD 2.2.3.109: Mime is required; OPAQUE or an inline string both give its bytes.
  auto mime = requiredText(root, C::Mime);
  if (!mime) {
    return std::move(mime).takeError();
  }
  m.mime = std::string(*mime);
  m.templateId = owned(root, tag::RightsManagement::TemplateID);
  if (Element list = root.child(C::Forwardees)) {
    for (Element f : list.children()) {
      if (!(f.tag() == C::Forwardee)) {
        return unexpectedElement(f, "ComposeMail:Forwardees");
      }
      if (auto st = onlyOnce(f, {C::ForwardeeName, C::ForwardeeEmail}); !st) {
        return std::move(st).takeError();
      }
      auto email = requiredText(f, C::ForwardeeEmail);
      if (!email) {
        return std::move(email).takeError();
      }
      m.forwardees.push_back(Forwardee{owned(f, C::ForwardeeName), std::string(*email)});
    }
  }
  return m;
}

Result<ComposeMailResponse> decodeComposeMailResponse(const Document& doc) {
  auto command = expectComposeRoot(doc);
  if (!command) {
    return std::move(command).takeError();
  }
  Element root = doc.root();
  if (auto st = onlyOnce(root, {C::Status}); !st) {
    return std::move(st).takeError();
  }
  // MS-ASCMD 2.2.3.177.14/16: only the common status codes; sent on failure only.
  auto status = requiredStatus<CommonStatus>(root, C::Status, [](uint32_t) { return false; });
  if (!status) {
    return std::move(status).takeError();
  }
  return ComposeMailResponse{*command, *status};
}

Result<ComposeMailResponse> decodeComposeMailResponseBody(std::string_view body,
                                                          ComposeCommand command) {
  if (body.empty()) {
    return ComposeMailResponse{command, std::nullopt};
  }
  auto doc = Document::decode(body);
  if (!doc) {
    return std::move(doc).takeError();
  }
  auto r = decodeComposeMailResponse(*doc);
  if (!r) {
    return r;
  }
  if (r->command != command) {
    return makeError(ErrorCode::UnexpectedElement, doc->root().offset(),
                     "response to " + std::string(toString(command)) + " has root " +
                         qualifiedName(doc->root().tag()));
  }
  return r;
}

}  // namespace cradle::eas
