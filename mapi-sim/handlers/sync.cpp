// Sync (MS-ASCMD 2.2.1.21): client changes in, server changes out, per collection and SyncKey.
#include "eas/message/sync.h"

#include <algorithm>
#include <set>
#include <variant>

#include "mapi-sim/handlers/command.h"
#include "mapi-sim/handlers/handler_util.h"
#include "mapi-sim/handlers/item_diff.h"
#include "mapi-sim/handlers/item_render.h"
#include "mapi-sim/state/collection_seq.h"
#include "mapi-sim/state/device_lock.h"
#include "mapi-sim/state/sync_request_cache.h"
#include "mapi-sim/state/sync_state.h"

namespace mapisim {
namespace {

namespace eas = cradle::eas;
using eas::ProtocolVersion;
using eas::SyncCollectionRequest;
using eas::SyncCollectionResponse;
using eas::SyncStatus;

CommandReply globalFailure(ProtocolVersion v, SyncStatus status,
                           std::optional<uint32_t> limit = std::nullopt) {
  eas::SyncResponse r;
  r.version = v;
  r.status = status;
  r.limit = limit;
  return wbxmlReply(eas::encode(r));
}

// A client Change merged into the stored item. E-mail: only the properties a client may change
// (Read, Flag, Categories in MS-ASEMAIL) are taken. Other classes: the client's record replaces
// the stored one, except that a Change without a body keeps the stored body (the device may
// hold a truncated body and not send it back).
eas::ApplicationData mergeChange(const ItemRecord& stored, const eas::ApplicationData& change) {
  if (const auto* c = std::get_if<eas::EmailItem>(&change)) {
    eas::EmailItem e = std::get<eas::EmailItem>(stored.data);
    if (c->read) {
      e.read = c->read;
    }
    if (c->flag) {
      const eas::EmailFlag cleared;
      e.flag = *c->flag == cleared ? std::nullopt : c->flag;
    }
    if (!c->categories.empty()) {
      e.categories = c->categories;
    }
    return e;
  }
  eas::ApplicationData out = change;
  std::visit(
      [&](auto& record) {
        using T = std::decay_t<decltype(record)>;
        if constexpr (!std::is_same_v<T, eas::EmailItem>) {
          if (!record.body) {
            if (const auto* s = std::get_if<T>(&stored.data)) {
              record.body = s->body;
            }
          }
        }
      },
      out);
  return out;
}

// Runs one collection of a Sync request: the key check (or replay), the client's commands, the
// server's changes within the window, and the new state. Lives for one request, on its thread,
// under the device's DeviceLock; `budget` is shared by the request's collections.
class CollectionSync {
 public:
  CollectionSync(CommandContext& ctx, uint32_t& budget) : ctx_(ctx), budget_(budget) {}

  // The response for one collection; `replayed` is set when it is the stored response of a
  // repeated key (then nothing was applied or read).
  SyncCollectionResponse run(const SyncCollectionRequest& c, bool& replayed);

 private:
  SyncCollectionResponse start(const SyncCollectionRequest& c, const FolderRecord& folder);
  void applyCommands(const SyncCollectionRequest& c, const FolderRecord& folder, SyncState& state,
                     SyncCollectionResponse& r);
  void sendChanges(const SyncCollectionRequest& c, const FolderRecord& folder, SyncState& state,
                   SyncCollectionResponse& r, std::size_t& remaining);

  CommandContext& ctx_;
  uint32_t& budget_;  // 12.1+ request-wide WindowSize left
};

SyncCollectionResponse CollectionSync::run(const SyncCollectionRequest& c, bool& replayed) {
  replayed = false;
  SyncCollectionResponse r;
  r.collectionId = c.collectionId;
  auto folder = ctx_.mailbox.folder(ctx_.user.id, c.collectionId);
  if (!folder) {
    // MS-ASCMD 2.2.3.177.17 status 12: the collection is not in the hierarchy (deleted, or the
    // device's hierarchy is stale): FolderSync first.
    r.status = SyncStatus::FolderHierarchyChanged;
    return r;
  }
  r.itemClass = folder->itemClass();  // written up to 12.1 only
  if (c.syncKey == "0") {
    return start(c, *folder);
  }
  auto state = SyncState::load(ctx_.mailbox, ctx_.device.id, c.collectionId);
  if (state && state->folderRowId != folder->id) {
    state.reset();  // the ServerId now names another folder
  }
  if (!state) {
    r.status = SyncStatus::InvalidSyncKey;
    r.syncKey = "0";
    return r;
  }
  if (c.syncKey != state->key.text()) {
    // The previous key again: the response was lost. Send it again without applying the
    // client's commands a second time (they were applied when the key was first used).
    if (state->previousKey && c.syncKey == *state->previousKey) {
      if (auto replay = SyncState::loadReplay(ctx_.mailbox, ctx_.device.id, c.collectionId)) {
        if (auto doc = eas::Document::decode(*replay)) {
          auto decoded =
              eas::decodeSyncResponse(*doc, ctx_.version, classLookup(ctx_.mailbox, ctx_.user.id));
          if (decoded && decoded->collections.size() == 1) {
            replayed = true;
            return decoded->collections.front();
          }
        }
      }
    }
    // MS-ASCMD 2.2.3.177.17 status 3: the device must start over with SyncKey 0.
    r.status = SyncStatus::InvalidSyncKey;
    r.syncKey = "0";
    return r;
  }

  if (c.options) {
    state->options = *c.options;
  }
  applyCommands(c, *folder, *state, r);
  std::size_t remaining = 0;
  sendChanges(c, *folder, *state, r, remaining);

  state->previousKey = state->key.text();
  state->key = state->key.next();
  r.syncKey = state->key.text();
  r.status = SyncStatus::Success;
  eas::SyncResponse alone;
  alone.version = ctx_.version;
  alone.collections.push_back(r);
  if (!state->save(ctx_.mailbox, ctx_.device.id, c.collectionId).ok() ||
      !SyncState::saveReplay(ctx_.mailbox, ctx_.device.id, c.collectionId, eas::encode(alone))
           .ok()) {
    SyncCollectionResponse failed;
    failed.collectionId = c.collectionId;
    failed.status = SyncStatus::ServerError;
    return failed;
  }
  return r;
}

SyncCollectionResponse CollectionSync::start(const SyncCollectionRequest& c,
                                             const FolderRecord& folder) {
  // SyncKey 0 (MS-ASCMD 2.2.3.181.4): a new state and key, no items; GetChanges with SyncKey 0
  // was refused by checkSyncRequest.
  SyncCollectionResponse r;
  r.collectionId = c.collectionId;
  r.itemClass = folder.itemClass();
  (void)SyncState::erase(ctx_.mailbox, ctx_.device.id, c.collectionId);
  SyncState state;
  state.key = SyncKey::fresh();
  state.folderRowId = folder.id;
  state.options = c.options.value_or(eas::SyncOptions{});
  // The Ping baseline: pending at once when the folder holds items the device will want.
  const int64_t seq = ctx_.mailbox.folderChangeSeq(folder.id);
  const std::size_t waiting =
      diffFolder(ctx_.mailbox, folder, {}, state.options.filterType, ctx_.now).size();
  CollectionSeq mark{folder.id, waiting == 0 ? std::optional<int64_t>(seq) : std::nullopt};
  if (!state.save(ctx_.mailbox, ctx_.device.id, c.collectionId).ok() ||
      !mark.save(ctx_.mailbox, ctx_.device.id, c.collectionId).ok()) {
    r.status = SyncStatus::ServerError;
    return r;
  }
  r.syncKey = state.key.text();
  r.status = SyncStatus::Success;
  return r;
}

void CollectionSync::applyCommands(const SyncCollectionRequest& c, const FolderRecord& folder,
                                   SyncState& state, SyncCollectionResponse& r) {
  const ItemClass itemClass = folder.itemClass();
  const BodyRequest bodies = BodyRequest::from(state.options);
  // MS-ASCMD 2.2.3.34 Conflict: 1 (server wins) is the default.
  const bool serverWins = state.options.conflict.value_or(eas::ConflictResolution::ServerWins) ==
                          eas::ConflictResolution::ServerWins;
  // MS-ASCMD 2.2.3.43 DeletesAsMoves: true is the default.
  const bool deletesAsMoves = c.deletesAsMoves.value_or(true);
  const int64_t userId = ctx_.user.id;
  Mailbox& mailbox = ctx_.mailbox;

  // The item when it exists in this folder.
  auto find = [&](const std::string& serverId) -> std::optional<ItemRecord> {
    auto item = mailbox.item(userId, serverId);
    if (!item || item->folderId != folder.id) {
      return std::nullopt;
    }
    return item;
  };

  // MS-ASCMD 2.2.3.154 Responses: successful Adds and Fetches, failed Changes and Deletes.
  for (const eas::SyncClientCommand& command : c.commands) {
    if (const auto* add = std::get_if<eas::SyncClientAdd>(&command)) {
      eas::SyncAddResponse a;
      a.clientId = add->clientId;
      if (eas::itemClassOf(add->data) != itemClass || itemClass == ItemClass::Email) {
        // E-mail cannot be created by Sync before 16.0 (drafts); nor can a record of the wrong
        // class: status 6, conversion error.
        a.status = SyncStatus::ConversionError;
      } else if (auto item = mailbox.addItem(userId, folder.serverId, add->data)) {
        a.serverId = item->serverId;
        state.items[item->serverId] = item->version;
      } else {
        a.status = SyncStatus::ServerError;
      }
      r.responses.push_back(a);
    } else if (const auto* change = std::get_if<eas::SyncChange>(&command)) {
      auto item = find(change->serverId);
      if (!item) {
        r.responses.push_back(
            eas::SyncChangeResponse{change->serverId, SyncStatus::ObjectNotFound});
        continue;
      }
      if (eas::itemClassOf(change->data) != itemClass) {
        r.responses.push_back(
            eas::SyncChangeResponse{change->serverId, SyncStatus::ConversionError});
        continue;
      }
      auto held = state.items.find(change->serverId);
      if (held != state.items.end() && held->second != item->version && serverWins) {
        // MS-ASCMD 2.2.3.177.17 status 7: the server changed the item since the device got it;
        // the server's version wins and goes out below as a Change.
        r.responses.push_back(eas::SyncChangeResponse{change->serverId, SyncStatus::Conflict});
        continue;
      }
      auto updated = mailbox.updateItem(userId, change->serverId, mergeChange(*item, change->data));
      if (!updated) {
        r.responses.push_back(eas::SyncChangeResponse{change->serverId, SyncStatus::ServerError});
        continue;
      }
      state.items[change->serverId] = updated->version;
    } else if (const auto* del = std::get_if<eas::SyncDelete>(&command)) {
      auto item = find(del->serverId);
      state.items.erase(del->serverId);
      if (!item) {
        r.responses.push_back(eas::SyncDeleteResponse{del->serverId, SyncStatus::ObjectNotFound});
        continue;
      }
      std::optional<FolderRecord> trash;
      if (deletesAsMoves && itemClass == ItemClass::Email &&
          folder.type != FolderType::DeletedItems) {
        trash = mailbox.folderByType(userId, FolderType::DeletedItems);
      }
      const bool ok = trash ? mailbox.moveItem(userId, del->serverId, trash->serverId).ok()
                            : mailbox.deleteItem(userId, del->serverId).ok();
      if (!ok) {
        r.responses.push_back(eas::SyncDeleteResponse{del->serverId, SyncStatus::ServerError});
      }
    } else if (const auto* fetch = std::get_if<eas::SyncFetch>(&command)) {
      eas::SyncFetchResponse f;
      f.serverId = fetch->serverId;
      if (auto item = find(fetch->serverId)) {
        f.data = renderItem(*item, bodies, ctx_.version);
      } else {
        f.status = SyncStatus::ObjectNotFound;
      }
      r.responses.push_back(std::move(f));
    }
  }
}

void CollectionSync::sendChanges(const SyncCollectionRequest& c, const FolderRecord& folder,
                                 SyncState& state, SyncCollectionResponse& r,
                                 std::size_t& remaining) {
  // Read before the items: a change committed in between is either in this response or makes
  // the folder pending again (at worst one Ping too many, never one too few).
  const int64_t seq = ctx_.mailbox.folderChangeSeq(folder.id);
  FolderDiff diff =
      diffFolder(ctx_.mailbox, folder, state.items, state.options.filterType, ctx_.now);
  std::size_t sent = 0;
  // MS-ASCMD 2.2.3.84 GetChanges: absent means true when the SyncKey is not 0.
  if (c.getChanges.value_or(true)) {
    // MS-ASCMD 2.2.3.199 WindowSize: at most this many changes, then MoreAvailable.
    const std::size_t window =
        std::min<std::size_t>(eas::effectiveWindowSize(c.windowSize), budget_);
    const BodyRequest bodies = BodyRequest::from(state.options);
    for (const std::string& id : diff.deletes) {
      if (sent == window) {
        break;
      }
      r.commands.push_back(eas::SyncDelete{id});
      state.items.erase(id);
      ++sent;
    }
    for (const std::string& id : diff.softDeletes) {
      if (sent == window) {
        break;
      }
      r.commands.push_back(eas::SyncSoftDelete{id});
      state.items.erase(id);
      ++sent;
    }
    for (const ItemRecord& item : diff.changes) {
      if (sent == window) {
        break;
      }
      r.commands.push_back(eas::SyncChange{item.serverId, renderItem(item, bodies, ctx_.version)});
      state.items[item.serverId] = item.version;
      ++sent;
    }
    for (const ItemRecord& item : diff.adds) {
      if (sent == window) {
        break;
      }
      r.commands.push_back(
          eas::SyncServerAdd{item.serverId, renderItem(item, bodies, ctx_.version)});
      state.items[item.serverId] = item.version;
      ++sent;
    }
    budget_ -= static_cast<uint32_t>(std::min<std::size_t>(sent, budget_));
    r.moreAvailable = sent < diff.size();
  }
  remaining = diff.size() - sent;
  CollectionSeq mark{folder.id, remaining == 0 ? std::optional<int64_t>(seq) : std::nullopt};
  (void)mark.save(ctx_.mailbox, ctx_.device.id, c.collectionId);
}

// 12.1+ empty or partial request: the cached collections at their current keys.
void fillFromCache(const CommandContext& ctx, const SyncRequestCache& cache,
                   eas::SyncRequest& request) {
  std::set<std::string> listed;
  for (const SyncCollectionRequest& c : request.collections) {
    listed.insert(c.collectionId);
  }
  for (const SyncRequestCache::Collection& cached : cache.collections) {
    if (listed.count(cached.collectionId)) {
      continue;
    }
    auto state = SyncState::load(ctx.mailbox, ctx.device.id, cached.collectionId);
    if (!state) {
      continue;  // reset or deleted since: the device learns it from its next full request
    }
    SyncCollectionRequest c;
    c.collectionId = cached.collectionId;
    c.syncKey = state->key.text();
    c.getChanges = cached.getChanges;
    c.deletesAsMoves = cached.deletesAsMoves;
    c.windowSize = cached.windowSize;
    request.collections.push_back(std::move(c));
  }
  if (!request.windowSize) {
    request.windowSize = cache.windowSize;
  }
}

SyncRequestCache cacheOf(const eas::SyncRequest& request) {
  SyncRequestCache cache;
  cache.windowSize = request.windowSize;
  for (const SyncCollectionRequest& c : request.collections) {
    cache.collections.push_back(
        SyncRequestCache::Collection{c.collectionId, c.getChanges, c.deletesAsMoves, c.windowSize});
  }
  return cache;
}

}  // namespace

CommandReply handleSync(CommandContext& ctx) {
  DeviceLock lock(ctx.device.id);
  const ProtocolVersion v = ctx.version;
  const bool cachingVersion = eas::atLeast(v, ProtocolVersion::V12_1);

  eas::SyncRequest request;
  request.version = v;
  if (ctx.body.empty()) {
    // MS-ASCMD 2.2.1.21.1 empty Sync request (12.1+): repeat the cached request.
    if (!cachingVersion) {
      return globalFailure(v, SyncStatus::ProtocolError);
    }
    auto cache = SyncRequestCache::load(ctx.mailbox, ctx.device.id);
    if (!cache) {
      return globalFailure(v, SyncStatus::IncompleteRequest);  // 13
    }
    fillFromCache(ctx, *cache, request);
  } else {
    auto doc = eas::Document::decode(ctx.body);
    if (!doc) {
      return globalFailure(v, SyncStatus::ProtocolError);
    }
    auto decoded = eas::decodeSyncRequest(*doc, v, classLookup(ctx.mailbox, ctx.user.id));
    if (!decoded) {
      return globalFailure(v, SyncStatus::ProtocolError);
    }
    request = std::move(*decoded);
    if (!request.partial && request.collections.empty()) {
      // MS-ASCMD 2.2.3.131: a request needs Collections or Partial.
      return globalFailure(v, SyncStatus::ProtocolError);
    }
    if (request.partial) {
      // MS-ASCMD 2.2.3.131 Partial: the collections left out keep their cached settings.
      auto cache = SyncRequestCache::load(ctx.mailbox, ctx.device.id);
      if (!cache) {
        return globalFailure(v, SyncStatus::IncompleteRequest);  // 13
      }
      fillFromCache(ctx, *cache, request);
    }
  }
  if (request.collections.empty()) {
    return globalFailure(v, SyncStatus::IncompleteRequest);
  }
  std::set<std::string> ids;
  for (const SyncCollectionRequest& c : request.collections) {
    if (!ids.insert(c.collectionId).second) {
      return globalFailure(v, SyncStatus::ProtocolError);  // one collection twice
    }
  }
  eas::SyncServerLimits limits;
  limits.minHeartbeatInterval = ctx.settings.heartbeat.min;
  limits.maxHeartbeatInterval = ctx.settings.heartbeat.max;
  if (auto problem = eas::checkSyncRequest(request, limits)) {
    return globalFailure(v, problem->status, problem->limit);
  }
  if (cachingVersion && !ctx.body.empty()) {
    (void)cacheOf(request).save(ctx.mailbox, ctx.device.id);
  }

  // Wait / HeartbeatInterval are checked above but not waited for: the answer comes at once.
  uint32_t budget = request.windowSize ? eas::effectiveWindowSize(request.windowSize) : UINT32_MAX;
  CollectionSync collectionSync(ctx, budget);
  eas::SyncResponse response;
  response.version = v;
  bool allReplayed = true;
  for (const SyncCollectionRequest& c : request.collections) {
    bool replayed = false;
    response.collections.push_back(collectionSync.run(c, replayed));
    allReplayed = allReplayed && replayed;
  }
  if (allReplayed && request.collections.size() == 1) {
    // The stored bytes themselves, so a retried response is identical to the lost one.
    if (auto bytes = SyncState::loadReplay(ctx.mailbox, ctx.device.id,
                                           request.collections.front().collectionId)) {
      return wbxmlReply(*bytes);
    }
  }
  return wbxmlReply(eas::encode(response));
}

}  // namespace mapisim
