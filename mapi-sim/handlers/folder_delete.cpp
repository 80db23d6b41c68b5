// FolderDelete (MS-ASCMD 2.2.1.4): a folder, its subfolders and their items.
#include <algorithm>

#include "eas/message/folder_sync.h"
#include "mapi-sim/handlers/command.h"
#include "mapi-sim/handlers/folder_edit.h"
#include "mapi-sim/handlers/handler_util.h"
#include "mapi-sim/state/device_lock.h"
#include "mapi-sim/state/sync_state.h"

namespace mapisim {
namespace {

namespace eas = cradle::eas;
using eas::FolderDeleteResponse;
using eas::FolderDeleteStatus;

CommandReply failure(FolderDeleteStatus status) {
  FolderDeleteResponse r;
  r.status = status;
  return wbxmlReply(eas::encode(r));
}

// Depth of a folder below the root (bounded like isWithin).
std::size_t depthOf(const std::vector<FolderRecord>& folders, const FolderRecord& f) {
  std::size_t depth = 0;
  std::string parent = f.parentServerId;
  while (parent != "0" && depth <= folders.size()) {
    auto it = std::find_if(folders.begin(), folders.end(),
                           [&](const FolderRecord& x) { return x.serverId == parent; });
    if (it == folders.end()) {
      break;
    }
    parent = it->parentServerId;
    ++depth;
  }
  return depth;
}

}  // namespace

CommandReply handleFolderDelete(CommandContext& ctx) {
  DeviceLock lock(ctx.device.id);
  // MS-ASCMD 2.2.3.177.4 statuses.
  auto request = eas::decodeWbxml(ctx.body, &eas::decodeFolderDeleteRequest);
  if (!request) {
    return failure(FolderDeleteStatus::BadRequest);  // 10
  }
  auto state = currentHierarchyState(ctx, request->syncKey);
  if (!state) {
    return failure(FolderDeleteStatus::InvalidSyncKey);  // 9
  }
  auto folder = ctx.mailbox.folder(ctx.user.id, request->serverId);
  if (!folder) {
    return failure(FolderDeleteStatus::NotFound);  // 4
  }
  if (isDefaultFolder(folder->type)) {
    return failure(FolderDeleteStatus::SpecialFolder);  // 3
  }
  // The folder and everything below it, deepest first.
  const std::vector<FolderRecord> folders = ctx.mailbox.folders(ctx.user.id);
  std::vector<FolderRecord> doomed;
  for (const FolderRecord& f : folders) {
    if (isWithin(folders, f.serverId, folder->serverId)) {
      doomed.push_back(f);
    }
  }
  std::sort(doomed.begin(), doomed.end(), [&](const FolderRecord& a, const FolderRecord& b) {
    return depthOf(folders, a) > depthOf(folders, b);
  });
  for (const FolderRecord& f : doomed) {
    if (!ctx.mailbox.folder(ctx.user.id, f.serverId)) {
      continue;  // already gone with its parent
    }
    if (!ctx.mailbox.deleteFolder(ctx.user.id, f.serverId).ok()) {
      return failure(FolderDeleteStatus::ServerError);  // 6
    }
  }
  for (const FolderRecord& f : doomed) {
    state->folders.erase(f.serverId);
    // The collection is gone: a Sync with its old key must not find state.
    (void)SyncState::erase(ctx.mailbox, ctx.device.id, f.serverId);
  }
  if (!commitHierarchyChange(ctx, *state).ok()) {
    return failure(FolderDeleteStatus::ServerError);
  }
  FolderDeleteResponse r;
  r.syncKey = state->key.text();
  return wbxmlReply(eas::encode(r));
}

}  // namespace mapisim
