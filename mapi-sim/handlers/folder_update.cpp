// FolderUpdate (MS-ASCMD 2.2.1.6): rename and/or move a folder.
#include "eas/message/folder_sync.h"
#include "mapi-sim/handlers/command.h"
#include "mapi-sim/handlers/folder_edit.h"
#include "mapi-sim/handlers/handler_util.h"
#include "mapi-sim/state/device_lock.h"

namespace mapisim {
namespace {

namespace eas = cradle::eas;
using eas::FolderUpdateResponse;
using eas::FolderUpdateStatus;

CommandReply failure(FolderUpdateStatus status) {
  FolderUpdateResponse r;
  r.status = status;
  return wbxmlReply(eas::encode(r));
}

}  // namespace

CommandReply handleFolderUpdate(CommandContext& ctx) {
  DeviceLock lock(ctx.device.id);
  // MS-ASCMD 2.2.3.177.6 statuses.
  auto request = eas::decodeWbxml(ctx.body, &eas::decodeFolderUpdateRequest);
  if (!request || request->displayName.empty()) {
    return failure(FolderUpdateStatus::BadRequest);  // 10
  }
  auto state = currentHierarchyState(ctx, request->syncKey);
  if (!state) {
    return failure(FolderUpdateStatus::InvalidSyncKey);  // 9
  }
  auto folder = ctx.mailbox.folder(ctx.user.id, request->serverId);
  if (!folder) {
    return failure(FolderUpdateStatus::NotFound);  // 4
  }
  if (folder->type == FolderType::RecipientInfo) {
    return failure(FolderUpdateStatus::RecipientInfoFolder);  // 3
  }
  if (isDefaultFolder(folder->type)) {
    return failure(FolderUpdateStatus::AlreadyExistsOrSpecial);  // 2: a special folder
  }
  const std::vector<FolderRecord> folders = ctx.mailbox.folders(ctx.user.id);
  if (request->parentId != "0") {
    // A parent that does not exist, or the folder itself / one of its subfolders (a cycle).
    if (!ctx.mailbox.folder(ctx.user.id, request->parentId) ||
        isWithin(folders, request->parentId, folder->serverId)) {
      return failure(FolderUpdateStatus::ParentNotFound);  // 5
    }
  }
  if (nameTaken(folders, request->parentId, request->displayName, folder->serverId)) {
    return failure(FolderUpdateStatus::AlreadyExistsOrSpecial);  // 2: the name exists
  }
  if (!ctx.mailbox
           .updateFolder(ctx.user.id, folder->serverId, request->parentId, request->displayName)
           .ok()) {
    return failure(FolderUpdateStatus::ServerError);  // 6
  }
  state->folders[folder->serverId] =
      KnownFolder{request->parentId, request->displayName, folder->type};
  if (!commitHierarchyChange(ctx, *state).ok()) {
    return failure(FolderUpdateStatus::ServerError);
  }
  FolderUpdateResponse r;
  r.syncKey = state->key.text();
  return wbxmlReply(eas::encode(r));
}

}  // namespace mapisim
