// The simulated device's own store on the sqlite3 C API.
#include "device-sim/store/device_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <utility>

#include "eas/message/common.h"

namespace devicesim {

namespace {

using cradle::eas::ErrorCode;
using cradle::eas::makeError;
using cradle::eas::Result;
using cradle::eas::Status;

constexpr const char* Schema =
    "CREATE TABLE IF NOT EXISTS folders (server_id TEXT PRIMARY KEY, parent_id TEXT NOT NULL,"
    " display_name TEXT NOT NULL, type INTEGER NOT NULL, sync_key TEXT NOT NULL DEFAULT '0');"
    "CREATE TABLE IF NOT EXISTS items (folder_id TEXT NOT NULL, server_id TEXT NOT NULL,"
    " class TEXT NOT NULL, title TEXT NOT NULL, PRIMARY KEY (folder_id, server_id));"
    "CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);";

cradle::eas::Error storeError(sqlite3* db, const std::string& what) {
  return makeError(ErrorCode::BadValue, 0,
                   "device store: " + what + ": " + (db ? sqlite3_errmsg(db) : "no database"));
}

// A prepared statement, finalized on scope exit.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) {
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) {
      stmt_ = nullptr;
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  bool ok() const { return stmt_ != nullptr; }
  void bind(const std::vector<std::string>& params) {
    for (std::size_t i = 0; i < params.size(); ++i) {
      sqlite3_bind_text(stmt_, static_cast<int>(i + 1), params[i].c_str(),
                        static_cast<int>(params[i].size()), SQLITE_TRANSIENT);
    }
  }
  int step() { return sqlite3_step(stmt_); }
  std::string text(int column) {
    const unsigned char* t = sqlite3_column_text(stmt_, column);
    return t ? std::string(reinterpret_cast<const char*>(t)) : std::string();
  }
  int64_t integer(int column) { return sqlite3_column_int64(stmt_, column); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

Result<std::unique_ptr<DeviceStore>> DeviceStore::open(const std::string& path) {
  // Created 0600 before SQLite opens it: the store holds the policy key and the mail subjects.
  const int fd = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) {
    return makeError(ErrorCode::BadValue, 0, "device store: cannot create " + path);
  }
  ::close(fd);
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    auto e = storeError(db, "cannot open " + path);
    sqlite3_close(db);
    return e;
  }
  sqlite3_busy_timeout(db, 5000);
  std::unique_ptr<DeviceStore> store(new DeviceStore(db));
  if (sqlite3_exec(db, Schema, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return storeError(db, "cannot create the tables");
  }
  return store;
}

DeviceStore::~DeviceStore() { sqlite3_close(db_); }

Status DeviceStore::exec(const std::string& sql, const std::vector<std::string>& params) {
  Statement s(db_, sql);
  if (!s.ok()) {
    return storeError(db_, "prepare");
  }
  s.bind(params);
  if (s.step() != SQLITE_DONE) {
    return storeError(db_, "write");
  }
  return {};
}

std::optional<std::string> DeviceStore::setting(const std::string& key) {
  Statement s(db_, "SELECT value FROM settings WHERE key = ?");
  if (!s.ok()) {
    return std::nullopt;
  }
  s.bind({key});
  if (s.step() != SQLITE_ROW) {
    return std::nullopt;
  }
  return s.text(0);
}

Status DeviceStore::setSetting(const std::string& key, const std::string& value) {
  return exec("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", {key, value});
}

std::vector<StoredFolder> DeviceStore::folders() {
  std::vector<StoredFolder> out;
  Statement s(db_,
              "SELECT server_id, parent_id, display_name, type, sync_key FROM folders"
              " ORDER BY rowid");
  if (!s.ok()) {
    return out;
  }
  while (s.step() == SQLITE_ROW) {
    out.push_back(StoredFolder{s.text(0), s.text(1), s.text(2), static_cast<uint32_t>(s.integer(3)),
                               s.text(4)});
  }
  return out;
}

Status DeviceStore::putFolder(const StoredFolder& f) {
  return exec(
      "INSERT INTO folders (server_id, parent_id, display_name, type, sync_key)"
      " VALUES (?, ?, ?, ?, ?) ON CONFLICT(server_id) DO UPDATE SET parent_id = excluded.parent_id,"
      " display_name = excluded.display_name, type = excluded.type",
      {f.serverId, f.parentId, f.displayName, std::to_string(f.type),
       f.syncKey.empty() ? "0" : f.syncKey});
}

Status DeviceStore::removeFolder(const std::string& serverId) {
  CRADLE_TRY(clearItems(serverId));
  return exec("DELETE FROM folders WHERE server_id = ?", {serverId});
}

Status DeviceStore::setSyncKey(const std::string& folderId, const std::string& key) {
  return exec("UPDATE folders SET sync_key = ? WHERE server_id = ?", {key, folderId});
}

Status DeviceStore::putItem(const StoredItem& item) {
  return exec("INSERT OR REPLACE INTO items (folder_id, server_id, class, title) VALUES (?,?,?,?)",
              {item.folderId, item.serverId, item.itemClass, item.title});
}

Status DeviceStore::removeItem(const std::string& folderId, const std::string& serverId) {
  return exec("DELETE FROM items WHERE folder_id = ? AND server_id = ?", {folderId, serverId});
}

Status DeviceStore::clearItems(const std::string& folderId) {
  return exec("DELETE FROM items WHERE folder_id = ?", {folderId});
}

std::vector<StoredItem> DeviceStore::items() {
  std::vector<StoredItem> out;
  Statement s(db_, "SELECT folder_id, server_id, class, title FROM items ORDER BY rowid");
  if (!s.ok()) {
    return out;
  }
  while (s.step() == SQLITE_ROW) {
    out.push_back(StoredItem{s.text(0), s.text(1), s.text(2), s.text(3)});
  }
  return out;
}

Status DeviceStore::wipe() {
  if (sqlite3_exec(db_,
                   "BEGIN; DELETE FROM items; DELETE FROM folders; DELETE FROM settings; COMMIT;",
                   nullptr, nullptr, nullptr) != SQLITE_OK) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return storeError(db_, "wipe");
  }
  return {};
}

}  // namespace devicesim
