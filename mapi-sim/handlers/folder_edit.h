// What FolderCreate, FolderUpdate and FolderDelete share: the hierarchy key check and commit.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mapi-sim/handlers/command.h"
#include "mapi-sim/state/folder_sync_state.h"

namespace mapisim {

// The device's FolderSync state when `syncKey` is its current hierarchy key (MS-ASCMD
// 2.2.3.181.1: the folder commands carry the FolderSync key); nullopt means status 9.
std::optional<FolderSyncState> currentHierarchyState(const CommandContext& ctx,
                                                     const std::string& syncKey);

// After the device's own folder change: the next key, the replay of the last FolderSync dropped
// (its key is no longer the previous one). The caller has updated state.folders.
Status commitHierarchyChange(CommandContext& ctx, FolderSyncState& state);

// A sibling under parentId already has this name (case-insensitive); `except` is skipped.
bool nameTaken(const std::vector<FolderRecord>& folders, const std::string& parentId,
               const std::string& name, const std::string& except = {});

// `serverId` is `ancestor` or lies below it.
bool isWithin(const std::vector<FolderRecord>& folders, std::string serverId,
              const std::string& ancestor);

}  // namespace mapisim
