// ItemOperations (MS-ASCMD 2.2.1.10, 12.0+): Fetch of items and attachments, EmptyFolderContents.
#include "eas/message/item_operations.h"

#include <algorithm>
#include <tuple>
#include <variant>

#include "mapi-sim/handlers/command.h"
#include "mapi-sim/handlers/handler_util.h"
#include "mapi-sim/handlers/item_render.h"
#include "mapi-sim/mailbox/mime.h"
#include "mapi-sim/state/device_lock.h"

namespace mapisim {
namespace {

namespace eas = cradle::eas;
using eas::ItemOperationsStatus;

// MS-ASCMD 2.2.1.10.1.1: the body of a multipart response.
constexpr const char* MultiPartContentType = "application/vnd.ms-sync.multipart";

// "first-last" (inclusive, MS-ASCMD 2.2.3.140.1) applied to `size` bytes: [first, end).
std::optional<std::pair<std::size_t, std::size_t>> byteRange(const std::string& range,
                                                             std::size_t size) {
  const auto dash = range.find('-');
  auto first = eas::parseUint(std::string_view(range).substr(0, dash));
  auto last = eas::parseUint(std::string_view(range).substr(dash + 1));
  if (dash == std::string::npos || !first || !last || *first > *last || *first >= size) {
    return std::nullopt;
  }
  const std::size_t end = std::min<std::size_t>(static_cast<std::size_t>(*last) + 1, size);
  return std::make_pair(static_cast<std::size_t>(*first), end);
}

// The operations of one ItemOperations request, in order; collects the data parts of a
// multipart response. One request, one thread.
class Operations {
 public:
  explicit Operations(CommandContext& ctx) : ctx_(ctx), multipart_(ctx.request.acceptMultiPart) {}

  eas::FetchResponse fetch(const eas::FetchRequest& f);
  eas::EmptyFolderContentsResponse emptyFolder(const eas::EmptyFolderContentsRequest& e);
  const std::vector<std::string>& parts() const { return parts_; }

 private:
  eas::FetchResponse fetchAttachment(const eas::FetchRequest& f, eas::FetchResponse r);
  eas::FetchResponse fetchItem(const eas::FetchRequest& f, eas::FetchResponse r);

  CommandContext& ctx_;
  bool multipart_;
  std::vector<std::string> parts_;  // multipart: the data parts after the WBXML one
};

eas::FetchResponse Operations::fetch(const eas::FetchRequest& f) {
  eas::FetchResponse r;
  r.collectionId = f.collectionId;
  r.serverId = f.serverId;
  r.longId = f.longId;
  r.linkId = f.linkId;
  r.fileReference = f.fileReference;
  if (f.store != eas::FetchStore::Mailbox) {
    r.status = ItemOperationsStatus::StoreUnknown;  // 9: no document libraries here
    return r;
  }
  if (f.fileReference) {
    return fetchAttachment(f, std::move(r));
  }
  if (f.serverId && f.collectionId) {
    return fetchItem(f, std::move(r));
  }
  r.status = ItemOperationsStatus::DocumentLibraryNotFound;  // 6: a search LongId: no search
  return r;
}

eas::FetchResponse Operations::fetchAttachment(const eas::FetchRequest& f, eas::FetchResponse r) {
  auto ref = parseFileReference(*f.fileReference);
  auto item = ref ? ctx_.mailbox.item(ctx_.user.id, ref->first) : std::nullopt;
  if (!item || item->mime.empty()) {
    r.status = ItemOperationsStatus::InvalidAttachment;  // 15
    return r;
  }
  const mime::Entity msg = mime::parse(item->mime);
  const auto attachments = mime::attachments(msg);
  if (ref->second >= attachments.size()) {
    r.status = ItemOperationsStatus::InvalidAttachment;
    return r;
  }
  const mime::Entity& part = *attachments[ref->second];
  std::size_t begin = 0;
  std::size_t end = part.body.size();
  eas::FetchProperties p;
  p.contentType = part.contentType;
  if (f.options && f.options->range) {
    auto range = byteRange(*f.options->range, part.body.size());
    if (!range) {
      r.status = ItemOperationsStatus::ByteRangeInvalid;  // 8
      return r;
    }
    std::tie(begin, end) = *range;
    p.range = std::to_string(begin) + "-" + std::to_string(end - 1);
  }
  p.total = static_cast<uint32_t>(std::min<std::size_t>(part.body.size(), UINT32_MAX));
  std::string data = part.body.substr(begin, end - begin);
  if (multipart_) {
    parts_.push_back(std::move(data));
    p.part = static_cast<uint32_t>(parts_.size());
  } else {
    p.data = std::move(data);
  }
  r.properties = std::move(p);
  return r;
}

eas::FetchResponse Operations::fetchItem(const eas::FetchRequest& f, eas::FetchResponse r) {
  auto folder = ctx_.mailbox.folder(ctx_.user.id, *f.collectionId);
  auto item = ctx_.mailbox.item(ctx_.user.id, *f.serverId);
  if (!folder || !item || item->folderId != folder->id) {
    r.status = ItemOperationsStatus::DocumentLibraryNotFound;  // 6: object not found
    return r;
  }
  BodyRequest bodies;
  if (f.options) {
    bodies.bodyPreferences = f.options->bodyPreferences;
    if (f.options->mimeSupport && *f.options->mimeSupport <= 2) {
      bodies.mimeSupport = static_cast<eas::MimeSupport>(*f.options->mimeSupport);
    }
  }
  r.itemClass = folder->itemClass();
  eas::FetchProperties p;
  p.item = renderItem(*item, bodies, ctx_.version);
  r.properties = std::move(p);
  return r;
}

eas::EmptyFolderContentsResponse Operations::emptyFolder(const eas::EmptyFolderContentsRequest& e) {
  eas::EmptyFolderContentsResponse r;
  r.collectionId = e.collectionId;
  auto folder = ctx_.mailbox.folder(ctx_.user.id, e.collectionId);
  if (!folder) {
    r.status = ItemOperationsStatus::DocumentLibraryNotFound;  // 6
    return r;
  }
  for (const ItemRecord& item : ctx_.mailbox.items(folder->id)) {
    if (!ctx_.mailbox.deleteItem(ctx_.user.id, item.serverId).ok()) {
      r.status = ItemOperationsStatus::ServerError;  // 3
      return r;
    }
  }
  if (e.deleteSubFolders) {
    for (const FolderRecord& f : ctx_.mailbox.folders(ctx_.user.id)) {
      if (f.parentServerId == folder->serverId && !isDefaultFolder(f.type) &&
          !ctx_.mailbox.deleteFolder(ctx_.user.id, f.serverId).ok()) {
        r.status = ItemOperationsStatus::ServerError;
        return r;
      }
    }
  }
  return r;
}

}  // namespace

CommandReply handleItemOperations(CommandContext& ctx) {
  DeviceLock lock(ctx.device.id);
  eas::ItemOperationsResponse response;
  auto request = eas::decodeWbxml(ctx.body, &eas::decodeItemOperationsRequest);
  if (!request) {
    response.status = ItemOperationsStatus::ProtocolError;  // 2
    return wbxmlReply(eas::encode(response, ctx.version));
  }
  Operations ops(ctx);
  for (const eas::ItemOperation& op : request->operations) {
    if (const auto* f = std::get_if<eas::FetchRequest>(&op)) {
      response.responses.push_back(ops.fetch(*f));
    } else if (const auto* e = std::get_if<eas::EmptyFolderContentsRequest>(&op)) {
      response.responses.push_back(ops.emptyFolder(*e));
    } else if (const auto* m = std::get_if<eas::ConversationMoveRequest>(&op)) {
      // Conversations are not modelled: the operation is refused, the others still run.
      eas::ConversationMoveResponse r;
      r.status = ItemOperationsStatus::ProtocolError;
      r.conversationId = m->conversationId;
      response.responses.push_back(r);
    }
  }
  std::string wbxml = eas::encode(response, ctx.version);
  if (!ctx.request.acceptMultiPart) {
    return wbxmlReply(std::move(wbxml));
  }
  std::vector<std::string_view> parts{wbxml};
  for (const std::string& p : ops.parts()) {
    parts.push_back(p);
  }
  CommandReply reply = wbxmlReply(eas::encodeMultiPart(parts));
  reply.contentType = MultiPartContentType;
  return reply;
}

}  // namespace mapisim
