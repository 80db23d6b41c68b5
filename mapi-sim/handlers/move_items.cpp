// MoveItems (MS-ASCMD 2.2.1.12): items to another folder; each gets a new ServerId.
#include "eas/message/move_items.h"

#include "mapi-sim/handlers/command.h"
#include "mapi-sim/handlers/handler_util.h"
#include "mapi-sim/state/device_lock.h"
#include "mapi-sim/state/sync_state.h"

namespace mapisim {

namespace eas = cradle::eas;

CommandReply handleMoveItems(CommandContext& ctx) {
  DeviceLock lock(ctx.device.id);
  using eas::MoveItemsStatus;
  eas::MoveItemsResponse response;
  auto request = eas::decodeWbxml(ctx.body, &eas::decodeMoveItemsRequest);
  if (!request) {
    if (!statusInBody(ctx.version)) {
      return httpReply(eas::HttpStatus::BadRequest);
    }
    response.status = eas::fromCommon<MoveItemsStatus>(eas::CommonStatus::InvalidXML);
    return wbxmlReply(eas::encode(response));
  }
  // MS-ASCMD 2.2.3.177.10 statuses (3 is success).
  for (const eas::MoveItem& m : request->moves) {
    eas::MoveItemResult r;
    r.srcMsgId = m.srcMsgId;
    auto src = ctx.mailbox.folder(ctx.user.id, m.srcFldId);
    auto item = ctx.mailbox.item(ctx.user.id, m.srcMsgId);
    auto dst = ctx.mailbox.folder(ctx.user.id, m.dstFldId);
    if (!src || !item || item->folderId != src->id) {
      r.status = MoveItemsStatus::InvalidSourceId;  // 1: no such item there (moved already?)
    } else if (!dst) {
      r.status = MoveItemsStatus::InvalidDestinationId;  // 2
    } else if (src->id == dst->id) {
      r.status = MoveItemsStatus::SameSourceAndDestination;  // 4
    } else if (src->itemClass() != dst->itemClass()) {
      r.status = MoveItemsStatus::CannotMove;  // 5: a mail cannot become an appointment
    } else if (auto moved = ctx.mailbox.moveItem(ctx.user.id, m.srcMsgId, dst->serverId)) {
      r.status = MoveItemsStatus::Success;
      r.dstMsgId = moved->serverId;
      // The device moves the item itself and renames it to dstMsgId: its Sync states follow, so
      // the next Sync sends neither a Delete in the source nor an Add in the destination.
      if (auto s = SyncState::load(ctx.mailbox, ctx.device.id, src->serverId);
          s && s->items.erase(m.srcMsgId) > 0) {
        (void)s->save(ctx.mailbox, ctx.device.id, src->serverId);
      }
      if (auto s = SyncState::load(ctx.mailbox, ctx.device.id, dst->serverId);
          s && s->folderRowId == dst->id) {
        s->items[moved->serverId] = moved->version;
        (void)s->save(ctx.mailbox, ctx.device.id, dst->serverId);
      }
    } else {
      r.status = MoveItemsStatus::CannotMove;  // 5
    }
    response.responses.push_back(r);
  }
  return wbxmlReply(eas::encode(response));
}

}  // namespace mapisim
