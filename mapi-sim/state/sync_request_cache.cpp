// SyncRequestCache: JSON form in the device state table.
#include "mapi-sim/state/sync_request_cache.h"

#include "mapi-sim/state/state_json.h"

namespace mapisim {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::optional<uint32_t> windowOf(const Object::Ptr& o, const char* name) {
  auto v = statejson::getInt(o, name);
  if (!v || *v < 0 || *v > UINT32_MAX) {
    return std::nullopt;
  }
  return static_cast<uint32_t>(*v);
}

}  // namespace

std::optional<SyncRequestCache> SyncRequestCache::load(const Mailbox& mailbox,
                                                       int64_t deviceRowId) {
  auto text = mailbox.deviceState(deviceRowId, StateKey);
  if (!text) {
    return std::nullopt;
  }
  auto o = statejson::parseObject(*text);
  auto list = statejson::getArray(o, "collections");
  if (!list) {
    return std::nullopt;
  }
  SyncRequestCache c;
  c.windowSize = windowOf(o, "windowSize");
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto e = list->getObject(static_cast<unsigned>(i));
    auto id = statejson::getString(e, "id");
    if (!id) {
      return std::nullopt;
    }
    c.collections.push_back(Collection{*id, statejson::getBool(e, "getChanges"),
                                       statejson::getBool(e, "deletesAsMoves"),
                                       windowOf(e, "windowSize")});
  }
  return c;
}

Status SyncRequestCache::save(Mailbox& mailbox, int64_t deviceRowId) const {
  Object::Ptr o = new Object;
  if (windowSize) {
    o->set("windowSize", static_cast<int64_t>(*windowSize));
  }
  Array::Ptr list = new Array;
  for (const Collection& c : collections) {
    Object::Ptr e = new Object;
    e->set("id", c.collectionId);
    if (c.getChanges) {
      e->set("getChanges", *c.getChanges);
    }
    if (c.deletesAsMoves) {
      e->set("deletesAsMoves", *c.deletesAsMoves);
    }
    if (c.windowSize) {
      e->set("windowSize", static_cast<int64_t>(*c.windowSize));
    }
    list->add(e);
  }
  o->set("collections", list);
  return mailbox.setDeviceState(deviceRowId, StateKey, statejson::toText(o));
}

}  // namespace mapisim
