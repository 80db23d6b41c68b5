// SyncState: JSON form in the device state table.
#include "mapi-sim/state/sync_state.h"

#include "eas/base64.h"
#include "mapi-sim/state/collection_seq.h"
#include "mapi-sim/state/state_json.h"

namespace mapisim {
namespace {

namespace eas = cradle::eas;
using Poco::JSON::Array;
using Poco::JSON::Object;

std::string stateKey(const std::string& collectionId) { return "sync:" + collectionId; }
std::string replayKey(const std::string& collectionId) { return "syncreplay:" + collectionId; }

Object::Ptr optionsToJson(const eas::SyncOptions& o) {
  Object::Ptr j = new Object;
  if (o.filterType) {
    j->set("filter", static_cast<int64_t>(*o.filterType));
  }
  if (o.truncation) {
    j->set("truncation", static_cast<int64_t>(*o.truncation));
  }
  if (o.rtfTruncation) {
    j->set("rtfTruncation", static_cast<int64_t>(*o.rtfTruncation));
  }
  if (o.mimeSupport) {
    j->set("mimeSupport", static_cast<int64_t>(*o.mimeSupport));
  }
  if (o.mimeTruncation) {
    j->set("mimeTruncation", static_cast<int64_t>(*o.mimeTruncation));
  }
  if (o.conflict) {
    j->set("conflict", static_cast<int64_t>(*o.conflict));
  }
  Array::Ptr prefs = new Array;
  for (const eas::BodyPreference& p : o.bodyPreferences) {
    Object::Ptr b = new Object;
    b->set("type", static_cast<int64_t>(p.type));
    if (p.truncationSize) {
      b->set("truncationSize", static_cast<int64_t>(*p.truncationSize));
    }
    if (p.allOrNone) {
      b->set("allOrNone", *p.allOrNone);
    }
    if (p.preview) {
      b->set("preview", static_cast<int64_t>(*p.preview));
    }
    prefs->add(b);
  }
  j->set("bodyPreferences", prefs);
  return j;
}

// A stored number in 0..max, else nullopt.
std::optional<uint32_t> small(const Object::Ptr& o, const char* name, int64_t max) {
  auto v = statejson::getInt(o, name);
  if (!v || *v < 0 || *v > max) {
    return std::nullopt;
  }
  return static_cast<uint32_t>(*v);
}

eas::SyncOptions optionsFromJson(const Object::Ptr& j) {
  eas::SyncOptions o;
  if (!j) {
    return o;
  }
  if (auto v = small(j, "filter", 8)) {
    o.filterType = static_cast<eas::FilterType>(*v);
  }
  o.truncation = small(j, "truncation", 9);
  o.rtfTruncation = small(j, "rtfTruncation", 9);
  if (auto v = small(j, "mimeSupport", 2)) {
    o.mimeSupport = static_cast<eas::MimeSupport>(*v);
  }
  o.mimeTruncation = small(j, "mimeTruncation", 8);
  if (auto v = small(j, "conflict", 1)) {
    o.conflict = static_cast<eas::ConflictResolution>(*v);
  }
  if (auto prefs = statejson::getArray(j, "bodyPreferences")) {
    for (std::size_t i = 0; i < prefs->size(); ++i) {
      auto b = prefs->getObject(static_cast<unsigned>(i));
      auto type = small(b, "type", 4);
      if (!b || !type || *type == 0) {
        continue;
      }
      eas::BodyPreference p;
      p.type = static_cast<eas::BodyType>(*type);
      p.truncationSize = small(b, "truncationSize", UINT32_MAX);
      p.allOrNone = statejson::getBool(b, "allOrNone");
      p.preview = small(b, "preview", 255);
      o.bodyPreferences.push_back(p);
    }
  }
  return o;
}

}  // namespace

std::optional<SyncState> SyncState::load(const Mailbox& mailbox, int64_t deviceRowId,
                                         const std::string& collectionId) {
  auto text = mailbox.deviceState(deviceRowId, stateKey(collectionId));
  if (!text) {
    return std::nullopt;
  }
  auto o = statejson::parseObject(*text);
  auto key = SyncKey::parse(statejson::getString(o, "key").value_or(""));
  auto folder = statejson::getInt(o, "folder");
  if (!key || !folder) {
    return std::nullopt;
  }
  SyncState s;
  s.key = *key;
  s.previousKey = statejson::getString(o, "prev");
  s.folderRowId = *folder;
  s.options = optionsFromJson(statejson::getObject(o, "options"));
  if (auto items = statejson::getObject(o, "items")) {
    for (const auto& [serverId, value] : *items) {
      if (!value.isInteger()) {
        return std::nullopt;
      }
      s.items[serverId] = value.convert<int64_t>();
    }
  }
  return s;
}

Status SyncState::save(Mailbox& mailbox, int64_t deviceRowId,
                       const std::string& collectionId) const {
  Object::Ptr o = new Object;
  o->set("key", key.text());
  if (previousKey) {
    o->set("prev", *previousKey);
  }
  o->set("folder", folderRowId);
  o->set("options", optionsToJson(options));
  Object::Ptr is = new Object;
  for (const auto& [serverId, version] : items) {
    is->set(serverId, version);
  }
  o->set("items", is);
  return mailbox.setDeviceState(deviceRowId, stateKey(collectionId), statejson::toText(o));
}

Status SyncState::erase(Mailbox& mailbox, int64_t deviceRowId, const std::string& collectionId) {
  // An empty value reads as "no state" (load gives nullopt).
  CRADLE_TRY(mailbox.setDeviceState(deviceRowId, stateKey(collectionId), ""));
  CRADLE_TRY(mailbox.setDeviceState(deviceRowId, replayKey(collectionId), ""));
  return CollectionSeq::erase(mailbox, deviceRowId, collectionId);
}

std::optional<std::string> SyncState::loadReplay(const Mailbox& mailbox, int64_t deviceRowId,
                                                 const std::string& collectionId) {
  auto text = mailbox.deviceState(deviceRowId, replayKey(collectionId));
  if (!text || text->empty()) {
    return std::nullopt;
  }
  return eas::base64Decode(*text);
}

Status SyncState::saveReplay(Mailbox& mailbox, int64_t deviceRowId, const std::string& collectionId,
                             const std::string& wbxml) {
  return mailbox.setDeviceState(deviceRowId, replayKey(collectionId), eas::base64Encode(wbxml));
}

}  // namespace mapisim
