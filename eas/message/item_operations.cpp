// ItemOperations (MS-ASCMD 2.2.1.10): typed codec, statuses and the multipart response framing.
#include "eas/message/item_operations.h"

#include <bitset>
#include <cassert>
#include <initializer_list>
#include <limits>
#include <utility>

#include "eas/ascii.h"
#include "eas/base64.h"
#include "eas/message/common.h"
#include "eas/wbxml/writer.h"

namespace cradle::eas {

namespace {

namespace IO = tag::ItemOperations;
namespace A = tag::AirSync;
namespace B = tag::AirSyncBase;
namespace Srch = tag::Search;
namespace DL = tag::DocumentLibrary;
namespace RM = tag::RightsManagement;

}  // namespace

// MS-ASCMD 2.2.3.177.8 (meanings paraphrased).
std::string_view describe(ItemOperationsStatus s) {
  switch (s) {
    case ItemOperationsStatus::Success:
      return "success";
    case ItemOperationsStatus::ProtocolError:
      return "protocol error: the request violates the protocol or the schema";
    case ItemOperationsStatus::ServerError:
      return "server error";
    case ItemOperationsStatus::DocumentLibraryBadUri:
      return "the document library URI is malformed";
    case ItemOperationsStatus::DocumentLibraryAccessDenied:
      return "access to the document library is denied";
    case ItemOperationsStatus::DocumentLibraryNotFound:
      return "the document library object was not found, or access to it is denied";
    case ItemOperationsStatus::DocumentLibraryConnectionFailed:
      return "the server could not connect to the document library server";
    case ItemOperationsStatus::ByteRangeInvalid:
      return "the byte range is invalid or too large";
    case ItemOperationsStatus::StoreUnknown:
      return "the store is unknown or not supported";
    case ItemOperationsStatus::FileEmpty:
      return "the file is empty";
    case ItemOperationsStatus::DataTooLarge:
      return "the requested data is too large";
    case ItemOperationsStatus::IoFailure:
      return "the download failed because of an I/O failure";
    case ItemOperationsStatus::ConversionFailed:
      return "the item could not be converted";
    case ItemOperationsStatus::InvalidAttachment:
      return "the attachment or its id is invalid";
    case ItemOperationsStatus::ResourceAccessDenied:
      return "access to the resource is denied";
    case ItemOperationsStatus::PartialSuccess:
      return "partial success: the command completed partially";
    case ItemOperationsStatus::CredentialsRequired:
      return "credentials are required to reach the document library";
  }
  if (auto c = asCommon(s)) {
    return describe(*c);
  }
  return "unknown status";
}

ClientAction actionFor(ItemOperationsStatus s) {
  switch (s) {
    case ItemOperationsStatus::Success:
    case ItemOperationsStatus::FileEmpty:       // nothing to download; not an error to repeat
    case ItemOperationsStatus::PartialSuccess:  // look at each operation's own status
      return ClientAction::None;
    case ItemOperationsStatus::ProtocolError:
    case ItemOperationsStatus::DocumentLibraryBadUri:
    case ItemOperationsStatus::ByteRangeInvalid:
    case ItemOperationsStatus::StoreUnknown:
    case ItemOperationsStatus::DataTooLarge:  // ask for a smaller Range
      return ClientAction::FixRequest;
    case ItemOperationsStatus::ServerError:
    case ItemOperationsStatus::DocumentLibraryConnectionFailed:
    case ItemOperationsStatus::IoFailure:
      return ClientAction::RetryLater;
    case ItemOperationsStatus::DocumentLibraryAccessDenied:
    case ItemOperationsStatus::DocumentLibraryNotFound:
    case ItemOperationsStatus::ResourceAccessDenied:
      return ClientAction::TellUser;
    case ItemOperationsStatus::ConversionFailed:
      return ClientAction::GiveUp;
    case ItemOperationsStatus::InvalidAttachment:
      // The FileReference is stale: sync the item to learn the current one.
      return ClientAction::Sync;
    case ItemOperationsStatus::CredentialsRequired:
      return ClientAction::AskPassword;
  }
  if (auto c = asCommon(s)) {
    return actionFor(*c);
  }
  return ClientAction::GiveUp;
}

std::string_view toString(FetchStore s) {
  return s == FetchStore::Mailbox ? "Mailbox" : "DocumentLibrary";
}

namespace {

// Children of `parent`: each of `once` at most once, `many` any number of times, `skipped`
// ignored; anything else is UnexpectedElement.
Status checkChildren(Element parent, std::initializer_list<Tag> once,
                     std::initializer_list<Tag> many = {},
                     std::initializer_list<Tag> skipped = {}) {
  std::bitset<16> seen;
  for (Element c : parent.children()) {
    auto in = [&](std::initializer_list<Tag> list) {
      for (Tag t : list) {
        if (t == c.tag()) {
          return true;
        }
      }
      return false;
    };
    if (in(many) || in(skipped)) {
      continue;
    }
    std::size_t i = 0;
    for (Tag t : once) {
      if (t == c.tag()) {
        break;
      }
      ++i;
    }
    if (i == once.size()) {
      return unexpectedElement(c, qualifiedName(parent.tag()));
    }
    if (seen.test(i)) {
      return makeError(ErrorCode::UnexpectedElement, c.offset(),
                       "second " + qualifiedName(c.tag()) + " in " + qualifiedName(parent.tag()));
    }
    seen.set(i);
  }
  return {};
}

std::optional<std::string> owned(Element parent, Tag t) {
  auto v = optionalText(parent, t);
  return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
}

// MS-ASCMD 2.2.3.144.1 Range (ItemOperations): "first-last", zero-based byte positions.
Status checkRange(Element parent, Tag t) {
  Element e = parent.child(t);
  if (!e) {
    return {};
  }
  std::string_view text = e.text();
  std::size_t dash = text.find('-');
  auto first = dash == std::string_view::npos ? std::nullopt : parseUint(text.substr(0, dash));
  auto last = dash == std::string_view::npos ? std::nullopt : parseUint(text.substr(dash + 1));
  if (!first || !last || *first > *last) {
    return badValue(
        e, "expected a byte range first-last, got '" + std::string(text.substr(0, 32)) + "'");
  }
  return {};
}

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

// ---- request ----

void encodeFetch(WbxmlWriter& w, const FetchRequest& f) {
  w.start(IO::Fetch);
  w.element(IO::Store, toString(f.store));
  writeOptional(w, A::CollectionId, f.collectionId);
  writeOptional(w, A::ServerId, f.serverId);
  writeOptional(w, Srch::LongId, f.longId);
  writeOptional(w, DL::LinkId, f.linkId);
  writeOptional(w, B::FileReference, f.fileReference);
  if (f.options) {
    const FetchOptions& o = *f.options;
    w.start(IO::Options);
    if (!o.schema.empty()) {
      w.start(IO::Schema);
      for (Tag t : o.schema) {
        w.empty(t);
      }
      w.end();
    }
    writeOptional(w, IO::Range, o.range);
    writeOptional(w, IO::UserName, o.userName);
    writeOptional(w, IO::Password, o.password);
    writeOptional(w, A::MIMESupport, o.mimeSupport);
    for (const auto& p : o.bodyPreferences) {
      encodeBodyPreference(w, p);
    }
    writeOptional(w, RM::RightsManagementSupport, o.rightsManagementSupport);
    w.end();
  }
  w.end();
}

Result<FetchOptions> decodeFetchOptions(Element e) {
  if (auto st = checkChildren(e,
                              {IO::Schema, IO::Range, IO::UserName, IO::Password, A::MIMESupport,
                               RM::RightsManagementSupport},
                              {B::BodyPreference}, {B::BodyPartPreference});
      !st) {
    return std::move(st).takeError();
  }
  FetchOptions o;
  if (Element schema = e.child(IO::Schema)) {
    for (Element c : schema.children()) {
      o.schema.push_back(c.tag());
    }
  }
  if (auto st = checkRange(e, IO::Range); !st) {
    return std::move(st).takeError();
  }
  o.range = owned(e, IO::Range);
  o.userName = owned(e, IO::UserName);
  o.password = owned(e, IO::Password);
  // MS-ASCMD 2.2.3.110.2: MIMESupport 0 never, 1 S/MIME only, 2 always.
  auto mime = optionalUint(e, A::MIMESupport, 0, 2);
  if (!mime) {
    return std::move(mime).takeError();
  }
  o.mimeSupport = *mime;
  for (Element p : e.children(B::BodyPreference)) {
    auto pref = decodeBodyPreference(p);
    if (!pref) {
      return std::move(pref).takeError();
    }
    o.bodyPreferences.push_back(*pref);
  }
  auto rm = optionalBool(e, RM::RightsManagementSupport);
  if (!rm) {
    return std::move(rm).takeError();
  }
  o.rightsManagementSupport = *rm;
  return o;
}

Result<FetchRequest> decodeFetch(Element e) {
  if (auto st = checkChildren(e, {IO::Store, A::CollectionId, A::ServerId, Srch::LongId, DL::LinkId,
                                  B::FileReference, IO::Options});
      !st) {
    return std::move(st).takeError();
  }
  FetchRequest f;
  auto store = requiredText(e, IO::Store);
  if (!store) {
    return std::move(store).takeError();
  }
  // MS-ASCMD 2.2.3.175.1: "Mailbox" or "DocumentLibrary" (clients vary the case).
  if (equalsIgnoreCase(*store, "Mailbox")) {
    f.store = FetchStore::Mailbox;
  } else if (equalsIgnoreCase(*store, "DocumentLibrary")) {
    f.store = FetchStore::DocumentLibrary;
  } else {
    return badValue(e.child(IO::Store),
                    "unknown Store '" + std::string(store->substr(0, 32)) + "'");
  }
  f.collectionId = owned(e, A::CollectionId);
  f.serverId = owned(e, A::ServerId);
  f.longId = owned(e, Srch::LongId);
  f.linkId = owned(e, DL::LinkId);
  f.fileReference = owned(e, B::FileReference);
  if (f.serverId && !f.collectionId) {
    return missingElement(e, A::CollectionId);
  }
  if (f.collectionId && !f.serverId) {
    return missingElement(e, A::ServerId);
  }
  int ways =
      (f.serverId ? 1 : 0) + (f.longId ? 1 : 0) + (f.linkId ? 1 : 0) + (f.fileReference ? 1 : 0);
  if (ways == 0) {
    return makeError(ErrorCode::MissingElement, e.offset(),
                     "ItemOperations:Fetch names nothing to fetch (CollectionId + ServerId, "
                     "FileReference, LongId or LinkId)");
  }
  if (ways > 1) {
    return badValue(e, "names more than one object to fetch");
  }
  if (f.linkId && f.store != FetchStore::DocumentLibrary) {
    return badValue(e, "LinkId needs Store DocumentLibrary");
  }
  if (!f.linkId && f.store != FetchStore::Mailbox) {
    return badValue(e, "a mailbox object needs Store Mailbox");
  }
  if (Element options = e.child(IO::Options)) {
    auto o = decodeFetchOptions(options);
    if (!o) {
      return std::move(o).takeError();
    }
    f.options = std::move(*o);
  }
  return f;
}

Result<EmptyFolderContentsRequest> decodeEmptyFolderContents(Element e) {
  if (auto st = checkChildren(e, {A::CollectionId, IO::Options}); !st) {
    return std::move(st).takeError();
  }
  EmptyFolderContentsRequest r;
  auto id = requiredText(e, A::CollectionId);
  if (!id) {
    return std::move(id).takeError();
  }
  r.collectionId = std::string(*id);
  if (Element options = e.child(IO::Options)) {
    if (auto st = checkChildren(options, {IO::DeleteSubFolders}); !st) {
      return std::move(st).takeError();
    }
    auto del = presenceFlag(options, IO::DeleteSubFolders);
    if (!del) {
      return std::move(del).takeError();
    }
    r.deleteSubFolders = *del;
  }
  return r;
}

Result<ConversationMoveRequest> decodeMove(Element e) {
  if (auto st = checkChildren(e, {IO::ConversationId, IO::DstFldId, IO::Options}); !st) {
    return std::move(st).takeError();
  }
  ConversationMoveRequest r;
  auto conversation = requiredText(e, IO::ConversationId);
  if (!conversation) {
    return std::move(conversation).takeError();
  }
  auto dst = requiredText(e, IO::DstFldId);
  if (!dst) {
    return std::move(dst).takeError();
  }
  r.conversationId = std::string(*conversation);
  r.dstFldId = std::string(*dst);
  if (Element options = e.child(IO::Options)) {
    if (auto st = checkChildren(options, {IO::MoveAlways}); !st) {
      return std::move(st).takeError();
    }
    auto always = presenceFlag(options, IO::MoveAlways);
    if (!always) {
      return std::move(always).takeError();
    }
    r.moveAlways = *always;
  }
  return r;
}

// ---- response ----

bool isFileProperty(Tag t) {
  return t == B::ContentType || t == IO::Range || t == IO::Total || t == IO::Data ||
         t == IO::Part || t == IO::Version;
}

void encodeProperties(WbxmlWriter& w, const FetchProperties& p, ProtocolVersion version) {
  w.start(IO::Properties);
  writeOptional(w, B::ContentType, p.contentType);
  writeOptional(w, IO::Range, p.range);
  writeOptional(w, IO::Total, p.total);
  if (p.data) {
    // MS-ASCMD 2.2.3.39.2: the content, base64 encoded, in a non-multipart response.
    w.element(IO::Data, base64Encode(*p.data));
  }
  writeOptional(w, IO::Part, p.part);
  writeOptional(w, IO::Version, p.version);
  if (p.item) {
    encodeApplicationData(w, *p.item, version);
  }
  w.end();
}

Result<FetchProperties> decodeProperties(Element e, std::optional<ItemClass> itemClass,
                                         ProtocolVersion version) {
  FetchProperties p;
  bool file = false;
  Element other;
  for (Element c : e.children()) {
    if (isFileProperty(c.tag())) {
      file = true;
    } else if (!other) {
      other = c;
    }
  }
  if (file && other) {
    return badValue(other, "Properties mixes file data and item fields");
  }
  if (!file) {
    if (!other) {
      return p;  // <Properties/>: nothing returned
    }
    ItemClass cls = itemClass ? *itemClass : inferItemClass(e).value_or(ItemClass::Email);
    auto item = decodeApplicationData(e, cls, version);
    if (!item) {
      return std::move(item).takeError();
    }
    p.item = std::move(*item);
    return p;
  }
  if (auto st =
          checkChildren(e, {B::ContentType, IO::Range, IO::Total, IO::Data, IO::Part, IO::Version});
      !st) {
    return std::move(st).takeError();
  }
  p.contentType = owned(e, B::ContentType);
  if (auto st = checkRange(e, IO::Range); !st) {
    return std::move(st).takeError();
  }
  p.range = owned(e, IO::Range);
  auto total = optionalUint(e, IO::Total);
  if (!total) {
    return std::move(total).takeError();
  }
  p.total = *total;
  if (Element data = e.child(IO::Data)) {
    if (data.isOpaque()) {
      p.data = std::string(data.text());  // some servers send the bytes as OPAQUE
    } else {
      auto bytes = base64Decode(data.text(), true);
      if (!bytes) {
        return badValue(data, "Data is not base64");
      }
      p.data = std::move(*bytes);
    }
  }
  auto part = optionalUint(e, IO::Part);
  if (!part) {
    return std::move(part).takeError();
  }
  p.part = *part;
  p.version = owned(e, IO::Version);
  return p;
}

Result<ItemOperationsStatus> readStatus(Element parent) {
  return requiredStatus<ItemOperationsStatus>(parent, IO::Status, isItemOperationsStatus);
}

Result<FetchResponse> decodeFetchResponse(Element e, ProtocolVersion version) {
  if (auto st = checkChildren(e, {IO::Status, A::CollectionId, A::ServerId, Srch::LongId,
                                  DL::LinkId, B::FileReference, A::Class, IO::Properties});
      !st) {
    return std::move(st).takeError();
  }
  FetchResponse f;
  auto status = readStatus(e);
  if (!status) {
    return std::move(status).takeError();
  }
  f.status = *status;
  f.collectionId = owned(e, A::CollectionId);
  f.serverId = owned(e, A::ServerId);
  f.longId = owned(e, Srch::LongId);
  f.linkId = owned(e, DL::LinkId);
  f.fileReference = owned(e, B::FileReference);
  if (Element cls = e.child(A::Class)) {
    f.itemClass = parseItemClass(cls.text());
    if (!f.itemClass) {
      return badValue(cls, "unknown Class '" + std::string(cls.text().substr(0, 32)) + "'");
    }
  }
  if (Element props = e.child(IO::Properties)) {
    auto p = decodeProperties(props, f.itemClass, version);
    if (!p) {
      return std::move(p).takeError();
    }
    f.properties = std::move(*p);
  }
  return f;
}

}  // namespace

std::string encode(const ItemOperationsRequest& m) {
  std::string out;
  WbxmlWriter w(out);
  w.start(IO::ItemOperations);
  for (const auto& op : m.operations) {
    if (const auto* f = std::get_if<FetchRequest>(&op)) {
      encodeFetch(w, *f);
    } else if (const auto* e = std::get_if<EmptyFolderContentsRequest>(&op)) {
      w.start(IO::EmptyFolderContents);
      w.element(A::CollectionId, e->collectionId);
      if (e->deleteSubFolders) {
        w.start(IO::Options);
        w.empty(IO::DeleteSubFolders);
        w.end();
      }
      w.end();
    } else {
      const auto& mv = std::get<ConversationMoveRequest>(op);
      w.start(IO::Move);
      w.opaqueElement(IO::ConversationId, mv.conversationId);
      w.element(IO::DstFldId, mv.dstFldId);
      if (mv.moveAlways) {
        w.start(IO::Options);
        w.empty(IO::MoveAlways);
        w.end();
      }
      w.end();
    }
  }
  w.end();
  assert(w.finish().ok());  // balanced by construction
  return out;
}

std::string encode(const ItemOperationsResponse& m, ProtocolVersion version) {
  std::string out;
  WbxmlWriter w(out);
  w.start(IO::ItemOperations);
  w.element(IO::Status, uint64_t{static_cast<uint8_t>(m.status)});
  if (!m.responses.empty()) {
    w.start(IO::Response);
    for (const auto& r : m.responses) {
      if (const auto* f = std::get_if<FetchResponse>(&r)) {
        w.start(IO::Fetch);
        w.element(IO::Status, uint64_t{static_cast<uint8_t>(f->status)});
        writeOptional(w, A::CollectionId, f->collectionId);
        writeOptional(w, A::ServerId, f->serverId);
        writeOptional(w, Srch::LongId, f->longId);
        writeOptional(w, DL::LinkId, f->linkId);
        writeOptional(w, B::FileReference, f->fileReference);
        if (f->itemClass) {
          w.element(A::Class, toString(*f->itemClass));
        }
        if (f->properties) {
          encodeProperties(w, *f->properties, version);
        }
        w.end();
      } else if (const auto* e = std::get_if<EmptyFolderContentsResponse>(&r)) {
        w.start(IO::EmptyFolderContents);
        w.element(IO::Status, uint64_t{static_cast<uint8_t>(e->status)});
        writeOptional(w, A::CollectionId, e->collectionId);
        w.end();
      } else {
        const auto& mv = std::get<ConversationMoveResponse>(r);
        w.start(IO::Move);
        w.element(IO::Status, uint64_t{static_cast<uint8_t>(mv.status)});
        if (mv.conversationId) {
          w.opaqueElement(IO::ConversationId, *mv.conversationId);
        }
        w.end();
      }
    }
    w.end();
  }
  w.end();
  assert(w.finish().ok());
  return out;
}

Result<ItemOperationsRequest> decodeItemOperationsRequest(const Document& doc) {
  if (auto st = expectRoot(doc, IO::ItemOperations); !st) {
    return std::move(st).takeError();
  }
  Element root = doc.root();
  ItemOperationsRequest m;
  for (Element c : root.children()) {
    if (c.tag() == IO::Fetch) {
      auto f = decodeFetch(c);
      if (!f) {
        return std::move(f).takeError();
      }
      m.operations.emplace_back(std::move(*f));
    } else if (c.tag() == IO::EmptyFolderContents) {
      auto e = decodeEmptyFolderContents(c);
      if (!e) {
        return std::move(e).takeError();
      }
      m.operations.emplace_back(std::move(*e));
    } else if (c.tag() == IO::Move) {
      auto mv = decodeMove(c);
      if (!mv) {
        return std::move(mv).takeError();
      }
      m.operations.emplace_back(std::move(*mv));
    } else {
      return unexpectedElement(c, "ItemOperations:ItemOperations");
    }
  }
  if (m.operations.empty()) {
    return makeError(ErrorCode::MissingElement, root.offset(),
                     "ItemOperations request without Fetch, EmptyFolderContents or Move");
  }
  return m;
}

Result<ItemOperationsResponse> decodeItemOperationsResponse(const Document& doc,
                                                            ProtocolVersion version) {
  if (auto st = expectRoot(doc, IO::ItemOperations); !st) {
    return std::move(st).takeError();
  }
  Element root = doc.root();
  if (auto st = checkChildren(root, {IO::Status, IO::Response}); !st) {
    return std::move(st).takeError();
  }
  ItemOperationsResponse m;
  auto status = readStatus(root);
  if (!status) {
    return std::move(status).takeError();
  }
  m.status = *status;
  Element response = root.child(IO::Response);
  if (!response) {
    return m;
  }
  for (Element c : response.children()) {
    if (c.tag() == IO::Fetch) {
      auto f = decodeFetchResponse(c, version);
      if (!f) {
        return std::move(f).takeError();
      }
      m.responses.emplace_back(std::move(*f));
    } else if (c.tag() == IO::EmptyFolderContents) {
      if (auto st = checkChildren(c, {IO::Status, A::CollectionId}); !st) {
        return std::move(st).takeError();
      }
      auto s = readStatus(c);
      if (!s) {
        return std::move(s).takeError();
      }
      m.responses.emplace_back(EmptyFolderContentsResponse{*s, owned(c, A::CollectionId)});
    } else if (c.tag() == IO::Move) {
      if (auto st = checkChildren(c, {IO::Status, IO::ConversationId}); !st) {
        return std::move(st).takeError();
      }
      auto s = readStatus(c);
      if (!s) {
        return std::move(s).takeError();
      }
      m.responses.emplace_back(ConversationMoveResponse{*s, owned(c, IO::ConversationId)});
    } else {
      return unexpectedElement(c, "ItemOperations:Response");
    }
  }
  return m;
}

// ---------------------------------------------------------------------------------------------
// Multipart (MS-ASCMD 2.2.1.10.1.1)

namespace {

void putInt32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) {
    out += static_cast<char>((v >> (8 * i)) & 0xFF);
  }
}

uint32_t getInt32(std::string_view s, std::size_t at) {
  uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    v |= static_cast<uint32_t>(static_cast<unsigned char>(s[at + i])) << (8 * i);
  }
  return v;
}

}  // namespace

std::string encodeMultiPart(const std::vector<std::string_view>& parts) {
  std::string out;
  const std::size_t header = 4 + 8 * parts.size();
  std::size_t total = header;
  for (auto p : parts) {
    total += p.size();
  }
  // Offsets and lengths are int32: a body over 2 GiB cannot be described.
  assert(total <= static_cast<std::size_t>(std::numeric_limits<int32_t>::max()));
  out.reserve(total);
  putInt32(out, static_cast<uint32_t>(parts.size()));
  std::size_t offset = header;
  for (auto p : parts) {
    putInt32(out, static_cast<uint32_t>(offset));
    putInt32(out, static_cast<uint32_t>(p.size()));
    offset += p.size();
  }
  for (auto p : parts) {
    out.append(p);
  }
  return out;
}

Result<std::vector<std::string_view>> decodeMultiPart(std::string_view body) {
  if (body.size() < 4) {
    return makeError(ErrorCode::BadValue, 0, "multipart body shorter than its part count");
  }
  const uint32_t count = getInt32(body, 0);
  // Each part needs 8 header bytes, so the count is bounded by the body size.
  if (count == 0 || count > (body.size() - 4) / 8 || count > INT32_MAX) {
    return makeError(ErrorCode::BadValue, 0,
                     "multipart part count " + std::to_string(count) + " does not fit the body");
  }
  const std::size_t header = 4 + 8 * static_cast<std::size_t>(count);
  std::vector<std::string_view> parts;
  parts.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t at = 4 + 8 * i;
    const uint64_t offset = getInt32(body, at);
    const uint64_t length = getInt32(body, at + 4);
    if (offset < header || offset + length > body.size()) {
      return makeError(ErrorCode::BadValue, at,
                       "multipart part " + std::to_string(i) + " (offset " +
                           std::to_string(offset) + ", length " + std::to_string(length) +
                           ") lies outside the body");
    }
    parts.push_back(
        body.substr(static_cast<std::size_t>(offset), static_cast<std::size_t>(length)));
  }
  return parts;
}

}  // namespace cradle::eas
