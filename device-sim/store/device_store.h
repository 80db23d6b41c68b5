// The simulated device's own store: folders, items, sync keys, policy key and settings (SQLite).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "eas/result.h"

namespace devicesim {

// One folder as the device keeps it after FolderSync.
struct StoredFolder {
  std::string serverId;
  std::string parentId;
  std::string displayName;
  uint32_t type = 0;    // FolderSync Type (MS-ASCMD 2.2.3.186.3)
  std::string syncKey;  // "0" until the first Sync
};

// One item: its class ("Email", "Contacts", "Calendar", "Tasks") and what the user sees first
// (a subject, or a contact's display name).
struct StoredItem {
  std::string folderId;
  std::string serverId;
  std::string itemClass;
  std::string title;
};

// DIR/device.db through the sqlite3 C API. Owned by one device loop (one thread). Errors are
// returned (StorageError-like eas::Error), never thrown; the file is created mode 0600.
class DeviceStore {
 public:
  static cradle::eas::Result<std::unique_ptr<DeviceStore>> open(const std::string& path);
  ~DeviceStore();
  DeviceStore(const DeviceStore&) = delete;
  DeviceStore& operator=(const DeviceStore&) = delete;

  std::optional<std::string> setting(const std::string& key);
  cradle::eas::Status setSetting(const std::string& key, const std::string& value);

  std::vector<StoredFolder> folders();
  cradle::eas::Status putFolder(const StoredFolder& folder);      // insert or replace (keeps key)
  cradle::eas::Status removeFolder(const std::string& serverId);  // with its items
  cradle::eas::Status setSyncKey(const std::string& folderId, const std::string& key);

  cradle::eas::Status putItem(const StoredItem& item);
  cradle::eas::Status removeItem(const std::string& folderId, const std::string& serverId);
  cradle::eas::Status clearItems(const std::string& folderId);
  std::vector<StoredItem> items();

  // Remote wipe: every table emptied (folders, items, sync keys, policy key, settings).
  cradle::eas::Status wipe();

 private:
  explicit DeviceStore(sqlite3* db) : db_(db) {}
  cradle::eas::Status exec(const std::string& sql, const std::vector<std::string>& params);

  sqlite3* db_;
};

}  // namespace devicesim
