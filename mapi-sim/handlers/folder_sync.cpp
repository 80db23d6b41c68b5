// FolderSync (MS-ASCMD 2.2.1.5): the folder hierarchy, whole or as changes since the device's key.
#include "eas/message/folder_sync.h"

#include <algorithm>
#include <set>

#include "mapi-sim/handlers/command.h"
#include "mapi-sim/state/device_lock.h"
#include "mapi-sim/state/folder_sync_state.h"

namespace mapisim {
namespace {

namespace eas = cradle::eas;
using eas::FolderChange;
using eas::FolderSyncResponse;
using eas::FolderSyncStatus;

CommandReply reply(const FolderSyncResponse& r) { return wbxmlReply(eas::encode(r)); }

CommandReply failure(FolderSyncStatus status) {
  FolderSyncResponse r;
  r.status = status;
  return reply(r);
}

FolderChange change(FolderChange::Kind kind, const FolderRecord& f) {
  return FolderChange{kind, f.serverId, f.parentServerId, f.displayName, f.type};
}

// Parents before children (a device creates a folder under a parent it already has); folders
// whose parent is missing come last, in ServerId order.
std::vector<const FolderRecord*> parentsFirst(const std::vector<FolderRecord>& folders) {
  std::vector<const FolderRecord*> pending;
  for (const FolderRecord& f : folders) {
    pending.push_back(&f);
  }
  std::sort(pending.begin(), pending.end(), [](const FolderRecord* a, const FolderRecord* b) {
    if (a->serverId.size() != b->serverId.size()) {
      return a->serverId.size() < b->serverId.size();
    }
    return a->serverId < b->serverId;
  });
  std::set<std::string> placed{"0"};
  std::vector<const FolderRecord*> out;
  bool progress = true;
  while (!pending.empty() && progress) {
    progress = false;
    for (auto it = pending.begin(); it != pending.end();) {
      if (placed.count((*it)->parentServerId)) {
        placed.insert((*it)->serverId);
        out.push_back(*it);
        it = pending.erase(it);
        progress = true;
      } else {
        ++it;
      }
    }
  }
  out.insert(out.end(), pending.begin(), pending.end());
  return out;
}

}  // namespace

CommandReply handleFolderSync(CommandContext& ctx) {
  DeviceLock lock(ctx.device.id);
  auto request = eas::decodeWbxml(ctx.body, &eas::decodeFolderSyncRequest);
  if (!request) {
    return failure(FolderSyncStatus::BadRequest);  // 10: incorrectly formatted request
  }
  const std::vector<FolderRecord> folders = ctx.mailbox.folders(ctx.user.id);
  auto state = FolderSyncState::load(ctx.mailbox, ctx.device.id);

  if (request->syncKey == "0") {
    // SyncKey 0: the whole hierarchy as Adds, under a new state. Collection Sync states stay:
    // their keys are checked on their own (a device that resets them sends SyncKey 0 there).
    FolderSyncState fresh;
    fresh.key = SyncKey::fresh();
    FolderSyncResponse r;
    r.syncKey = fresh.key.text();
    r.changes.emplace();
    for (const FolderRecord* f : parentsFirst(folders)) {
      r.changes->push_back(change(FolderChange::Kind::Add, *f));
      fresh.folders[f->serverId] = FolderSyncState::known(*f);
    }
    if (!fresh.save(ctx.mailbox, ctx.device.id).ok()) {
      return failure(FolderSyncStatus::ServerError);
    }
    return reply(r);
  }

  if (!state) {
    return failure(FolderSyncStatus::InvalidSyncKey);
  }
  if (request->syncKey != state->key.text()) {
    // The previous key again: the last response was lost; send it again, byte for byte.
    if (state->previousKey && request->syncKey == *state->previousKey && !state->replay.empty()) {
      return wbxmlReply(state->replay);
    }
    // MS-ASCMD 2.2.3.177.5: a key the server does not hold gives status 9.
    return failure(FolderSyncStatus::InvalidSyncKey);
  }

  FolderSyncResponse r;
  r.changes.emplace();
  std::set<std::string> current;
  for (const FolderRecord* f : parentsFirst(folders)) {
    current.insert(f->serverId);
    auto known = state->folders.find(f->serverId);
    if (known == state->folders.end()) {
      r.changes->push_back(change(FolderChange::Kind::Add, *f));
    } else if (!(known->second == FolderSyncState::known(*f))) {
      r.changes->push_back(change(FolderChange::Kind::Update, *f));
    }
  }
  for (const auto& [serverId, known] : state->folders) {
    if (!current.count(serverId)) {
      FolderChange d;
      d.kind = FolderChange::Kind::Delete;
      d.serverId = serverId;
      r.changes->push_back(d);
    }
  }
  if (r.changes->empty()) {
    // Nothing new: the key stays (Count 0), so a lost response costs nothing.
    r.syncKey = state->key.text();
    return reply(r);
  }
  FolderSyncState next;
  next.key = state->key.next();
  next.previousKey = state->key.text();
  r.syncKey = next.key.text();
  for (const FolderRecord& f : folders) {
    next.folders[f.serverId] = FolderSyncState::known(f);
  }
  CommandReply out = reply(r);
  next.replay = out.body;
  if (!next.save(ctx.mailbox, ctx.device.id).ok()) {
    return failure(FolderSyncStatus::ServerError);
  }
  return out;
}

}  // namespace mapisim
