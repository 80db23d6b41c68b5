// FolderCreate (MS-ASCMD 2.2.1.3): a new folder under the root or another folder.
#include "eas/message/folder_sync.h"
#include "mapi-sim/handlers/command.h"
#include "mapi-sim/handlers/folder_edit.h"
#include "mapi-sim/state/device_lock.h"

namespace mapisim {
namespace {

namespace eas = cradle::eas;
using eas::FolderCreateResponse;
using eas::FolderCreateStatus;

CommandReply failure(FolderCreateStatus status) {
  FolderCreateResponse r;
  r.status = status;
  return wbxmlReply(eas::encode(r));
}

}  // namespace

CommandReply handleFolderCreate(CommandContext& ctx) {
  DeviceLock lock(ctx.device.id);
  // MS-ASCMD 2.2.3.177.3 statuses.
  auto request = eas::decodeWbxml(ctx.body, &eas::decodeFolderCreateRequest);
  if (!request || request->displayName.empty()) {
    return failure(FolderCreateStatus::BadRequest);  // 10 (includes a Type a client may not create)
  }
  auto state = currentHierarchyState(ctx, request->syncKey);
  if (!state) {
    return failure(FolderCreateStatus::InvalidSyncKey);  // 9
  }
  const std::vector<FolderRecord> folders = ctx.mailbox.folders(ctx.user.id);
  if (request->parentId != "0") {
    auto parent = ctx.mailbox.folder(ctx.user.id, request->parentId);
    if (!parent) {
      return failure(FolderCreateStatus::ParentNotFound);  // 5
    }
    if (parent->type == FolderType::Outbox || parent->type == FolderType::RecipientInfo) {
      return failure(FolderCreateStatus::SpecialParentFolder);  // 3
    }
  }
  if (nameTaken(folders, request->parentId, request->displayName)) {
    return failure(FolderCreateStatus::AlreadyExists);  // 2
  }
  auto created =
      ctx.mailbox.createFolder(ctx.user.id, request->parentId, request->displayName, request->type);
  if (!created) {
    return failure(FolderCreateStatus::ServerError);  // 6
  }
  // The device made the folder itself: it must not come back as an Add in the next FolderSync.
  state->folders[created->serverId] = FolderSyncState::known(*created);
  if (!commitHierarchyChange(ctx, *state).ok()) {
    return failure(FolderCreateStatus::ServerError);
  }
  FolderCreateResponse r;
  r.syncKey = state->key.text();
  r.serverId = created->serverId;
  return wbxmlReply(eas::encode(r));
}

}  // namespace mapisim
