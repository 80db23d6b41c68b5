// GetAttachment (MS-ASCMD 2.2.1.7, up to 12.1): the bytes of one e-mail attachment, named by the
// AttachmentName query parameter (the AttName / FileReference a Sync response listed).
#include "mapi-sim/handlers/command.h"
#include "mapi-sim/handlers/item_render.h"
#include "mapi-sim/mailbox/mime.h"

namespace mapisim {

CommandReply handleGetAttachment(CommandContext& ctx) {
  // The response body is the attachment itself, typed by Content-Type; there is no WBXML and no
  // Status, so an unknown name is an HTTP error (500, as for the other body-less commands).
  const auto& name = ctx.request.attachmentName;
  auto ref = name ? parseFileReference(*name) : std::nullopt;
  auto item = ref ? ctx.mailbox.item(ctx.user.id, ref->first) : std::nullopt;
  if (!item || item->mime.empty()) {
    return httpReply(cradle::eas::HttpStatus::InternalServerError);
  }
  const mime::Entity message = mime::parse(item->mime);
  const auto attachments = mime::attachments(message);
  if (ref->second >= attachments.size()) {
    return httpReply(cradle::eas::HttpStatus::InternalServerError);
  }
  CommandReply reply;
  reply.body = attachments[ref->second]->body;
  reply.contentType = attachments[ref->second]->contentType;
  return reply;
}

}  // namespace mapisim
