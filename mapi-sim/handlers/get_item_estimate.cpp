// GetItemEstimate (MS-ASCMD 2.2.1.9): how many changes the next Sync of each collection brings.
#include "eas/message/get_item_estimate.h"

#include <algorithm>

#include "mapi-sim/handlers/command.h"
#include "mapi-sim/handlers/handler_util.h"
#include "mapi-sim/handlers/item_diff.h"
#include "mapi-sim/state/device_lock.h"
#include "mapi-sim/state/sync_state.h"

namespace mapisim {

namespace eas = cradle::eas;

CommandReply handleGetItemEstimate(CommandContext& ctx) {
  DeviceLock lock(ctx.device.id);
  using eas::GetItemEstimateStatus;
  eas::GetItemEstimateResponse response;
  response.version = ctx.version;
  auto doc = eas::Document::decode(ctx.body);
  auto request = doc ? eas::decodeGetItemEstimateRequest(*doc, ctx.version)
                     : eas::Result<eas::GetItemEstimateRequest>(doc.error());
  if (!request) {
    if (!statusInBody(ctx.version)) {
      return httpReply(eas::HttpStatus::BadRequest);
    }
    response.status = eas::fromCommon<GetItemEstimateStatus>(eas::CommonStatus::InvalidXML);
    return wbxmlReply(eas::encode(response));
  }
  // MS-ASCMD 2.2.3.177.7 statuses, one Response per Collection.
  for (const eas::GetItemEstimateCollection& c : request->collections) {
    eas::GetItemEstimateResult r;
    r.collectionId = c.collectionId;
    r.itemClass = c.itemClass;
    auto folder = ctx.mailbox.folder(ctx.user.id, c.collectionId);
    if (!folder || (c.itemClass && *c.itemClass != folder->itemClass())) {
      r.status = GetItemEstimateStatus::InvalidCollection;  // 2
      response.responses.push_back(r);
      continue;
    }
    auto state = SyncState::load(ctx.mailbox, ctx.device.id, c.collectionId);
    if (state && state->folderRowId != folder->id) {
      state.reset();
    }
    if (!state || c.syncKey == "0") {
      r.status = GetItemEstimateStatus::SyncStateNotPrimed;  // 3: Sync with SyncKey 0 first
      response.responses.push_back(r);
      continue;
    }
    if (c.syncKey != state->key.text()) {
      r.status = GetItemEstimateStatus::InvalidSyncKey;  // 4
      response.responses.push_back(r);
      continue;
    }
    const auto filter = c.filterType ? c.filterType : state->options.filterType;
    const std::size_t n = diffFolder(ctx.mailbox, *folder, state->items, filter, ctx.now).size();
    r.estimate = static_cast<uint32_t>(std::min<std::size_t>(n, UINT32_MAX));
    response.responses.push_back(r);
  }
  return wbxmlReply(eas::encode(response));
}

}  // namespace mapisim
