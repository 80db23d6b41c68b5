// Shared checks of the folder commands.
#include "mapi-sim/handlers/folder_edit.h"

#include "mapi-sim/handlers/mime_extras.h"

namespace mapisim {

std::optional<FolderSyncState> currentHierarchyState(const CommandContext& ctx,
                                                     const std::string& syncKey) {
  auto state = FolderSyncState::load(ctx.mailbox, ctx.device.id);
  if (!state || state->key.text() != syncKey) {
    return std::nullopt;
  }
  return state;
}

Status commitHierarchyChange(CommandContext& ctx, FolderSyncState& state) {
  state.key = state.key.next();
  state.previousKey.reset();
  state.replay.clear();
  return state.save(ctx.mailbox, ctx.device.id);
}

bool nameTaken(const std::vector<FolderRecord>& folders, const std::string& parentId,
               const std::string& name, const std::string& except) {
  const std::string wanted = asciiLowerCopy(name);
  for (const FolderRecord& f : folders) {
    if (f.serverId != except && f.parentServerId == parentId &&
        asciiLowerCopy(f.displayName) == wanted) {
      return true;
    }
  }
  return false;
}

bool isWithin(const std::vector<FolderRecord>& folders, std::string serverId,
              const std::string& ancestor) {
  // Bounded by the folder count, so a corrupt parent cycle cannot loop for ever.
  for (std::size_t steps = 0; steps <= folders.size(); ++steps) {
    if (serverId == ancestor) {
      return true;
    }
    const FolderRecord* self = nullptr;
    for (const FolderRecord& f : folders) {
      if (f.serverId == serverId) {
        self = &f;
        break;
      }
    }
    if (!self) {
      return false;
    }
    serverId = self->parentServerId;
  }
  return false;
}

}  // namespace mapisim
