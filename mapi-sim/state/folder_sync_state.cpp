// FolderSyncState: JSON form in the device state table.
#include "mapi-sim/state/folder_sync_state.h"

#include "eas/base64.h"
#include "mapi-sim/state/state_json.h"

namespace mapisim {

std::optional<FolderSyncState> FolderSyncState::load(const Mailbox& mailbox, int64_t deviceRowId) {
  auto text = mailbox.deviceState(deviceRowId, StateKey);
  if (!text) {
    return std::nullopt;
  }
  auto o = statejson::parseObject(*text);
  auto key = SyncKey::parse(statejson::getString(o, "key").value_or(""));
  if (!key) {
    return std::nullopt;
  }
  FolderSyncState s;
  s.key = *key;
  s.previousKey = statejson::getString(o, "prev");
  if (auto replay = statejson::getString(o, "replay")) {
    s.replay = cradle::eas::base64Decode(*replay).value_or("");
  }
  if (auto folders = statejson::getObject(o, "folders")) {
    for (const auto& [id, value] : *folders) {
      if (!folders->isArray(id)) {
        return std::nullopt;
      }
      auto a = folders->getArray(id);
      if (a->size() != 3 || !a->get(0).isString() || !a->get(1).isString() ||
          !a->get(2).isInteger()) {
        return std::nullopt;
      }
      const int64_t type = a->getElement<int64_t>(2);
      if (type < 0 || !cradle::eas::isFolderType(static_cast<uint32_t>(type))) {
        return std::nullopt;
      }
      s.folders[id] = KnownFolder{a->getElement<std::string>(0), a->getElement<std::string>(1),
                                  static_cast<FolderType>(type)};
    }
  }
  return s;
}

Status FolderSyncState::save(Mailbox& mailbox, int64_t deviceRowId) const {
  Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
  o->set("key", key.text());
  if (previousKey) {
    o->set("prev", *previousKey);
    o->set("replay", cradle::eas::base64Encode(replay));
  }
  Poco::JSON::Object::Ptr fs = new Poco::JSON::Object;
  for (const auto& [id, f] : folders) {
    Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
    a->add(f.parentId);
    a->add(f.displayName);
    a->add(static_cast<int64_t>(f.type));
    fs->set(id, a);
  }
  o->set("folders", fs);
  return mailbox.setDeviceState(deviceRowId, StateKey, statejson::toText(o));
}

}  // namespace mapisim
