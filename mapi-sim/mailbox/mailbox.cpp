// Mailbox: the SQLite schema, the transactions with their journal rows, and the change notices.
#include "mapi-sim/mailbox/mailbox.h"

#include <Poco/Data/LOB.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Exception.h>
#include <Poco/SHA2Engine.h>
#include <Poco/Tuple.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <mutex>
#include <unordered_map>

#include "eas/wbxml/document.h"
#include "eas/wbxml/writer.h"
#include "mapi-sim/mailbox/mail_builder.h"
#include "mapi-sim/mailbox/password.h"

namespace mapisim {

namespace eas = cradle::eas;
using Poco::Data::CLOB;
using Poco::Data::Session;
using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;

namespace {

// Schema versions (PRAGMA user_version). Each step migrates from the one before. BLOB columns
// are nullable: Poco binds an empty LOB as NULL, and NULL reads back as empty.
constexpr int SchemaVersion = 1;

constexpr const char* SchemaV1[] = {
    "CREATE TABLE users ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    " email TEXT NOT NULL,"
    " password TEXT NOT NULL,"
    " policy TEXT NOT NULL DEFAULT '',"
    " policy_exempt INTEGER NOT NULL DEFAULT 0,"
    " hierarchy_version INTEGER NOT NULL DEFAULT 1,"
    " next_folder INTEGER NOT NULL DEFAULT 1,"
    " created INTEGER NOT NULL)",
    "CREATE TABLE folders ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " server_id TEXT NOT NULL,"
    " parent_server_id TEXT NOT NULL,"
    " display_name TEXT NOT NULL,"
    " type INTEGER NOT NULL,"
    " next_item INTEGER NOT NULL DEFAULT 1,"
    " UNIQUE (user_id, server_id))",
    "CREATE TABLE items ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,"
    " server_id TEXT NOT NULL,"
    " version INTEGER NOT NULL DEFAULT 1,"
    " received INTEGER NOT NULL,"
    " created INTEGER NOT NULL,"
    " class INTEGER NOT NULL,"
    " data BLOB,"
    " mime BLOB,"
    " UNIQUE (folder_id, server_id))",
    "CREATE INDEX items_by_received ON items (folder_id, received)",
    // No foreign keys: the journal outlives the folders and items it names.
    "CREATE TABLE journal ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " user_id INTEGER NOT NULL,"
    " folder_id INTEGER NOT NULL,"
    " item_id INTEGER NOT NULL,"
    " kind TEXT NOT NULL,"
    " at INTEGER NOT NULL)",
    "CREATE INDEX journal_by_folder ON journal (folder_id, seq)",
    "CREATE TABLE devices ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " device_id TEXT NOT NULL,"
    " device_type TEXT NOT NULL DEFAULT '',"
    " user_agent TEXT NOT NULL DEFAULT '',"
    " protocol_version TEXT NOT NULL DEFAULT '',"
    " policy_key INTEGER NOT NULL DEFAULT 0,"
    " pending_policy_key INTEGER NOT NULL DEFAULT 0,"
    " policy_issued INTEGER NOT NULL DEFAULT 0,"
    " non_provisionable INTEGER NOT NULL DEFAULT 0,"
    " wipe INTEGER NOT NULL DEFAULT 0,"
    " device_info TEXT NOT NULL DEFAULT '',"
    " notify_url TEXT NOT NULL DEFAULT '',"
    " first_seen INTEGER NOT NULL,"
    " last_seen INTEGER NOT NULL,"
    " UNIQUE (user_id, device_id))",
    "CREATE INDEX devices_by_device_id ON devices (device_id)",
    "CREATE TABLE device_state ("
    " device INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,"
    " key TEXT NOT NULL,"
    " value BLOB,"
    " PRIMARY KEY (device, key))",
    "CREATE TABLE settings (key TEXT PRIMARY KEY, value BLOB)",
};

struct DefaultFolder {
  FolderType type;
  const char* name;
};
// Created by addUser, in this order, with ServerIds "1".."9".
constexpr DefaultFolder DefaultFolders[] = {
    {FolderType::Inbox, "Inbox"},
    {FolderType::Drafts, "Drafts"},
    {FolderType::DeletedItems, "Deleted Items"},
    {FolderType::SentItems, "Sent Items"},
    {FolderType::Outbox, "Outbox"},
    {FolderType::Calendar, "Calendar"},
    {FolderType::Contacts, "Contacts"},
    {FolderType::Tasks, "Tasks"},
    {FolderType::Notes, "Notes"},
};

UnixMillis nowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

eas::Error badValue(std::string detail) {
  return eas::makeError(eas::ErrorCode::BadValue, 0, std::move(detail));
}

CLOB toClob(const std::string& s) { return CLOB(s); }
std::string fromClob(const CLOB& c) { return std::string(c.rawContent(), c.size()); }

// The stored form of ApplicationData: WBXML of AirSync:ApplicationData at 14.1.
std::string encodeData(const eas::ApplicationData& data) {
  std::string out;
  eas::WbxmlWriter w(out);
  w.start(eas::tag::AirSync::ApplicationData);
  eas::encodeApplicationData(w, data, eas::ProtocolVersion::V14_1);
  w.end();
  return out;
}

eas::ApplicationData emptyData(eas::ItemClass c) {
  switch (c) {
    case eas::ItemClass::Contacts:
      return eas::ContactItem{};
    case eas::ItemClass::Calendar:
      return eas::CalendarItem{};
    case eas::ItemClass::Tasks:
      return eas::TaskItem{};
    default:
      return eas::EmailItem{};
  }
}

eas::ApplicationData decodeData(const std::string& wbxml, eas::ItemClass c) {
  auto doc = eas::Document::decode(wbxml);
  if (!doc.ok()) {
    return emptyData(c);
  }
  auto data = eas::decodeApplicationData(doc->root(), c, eas::ProtocolVersion::V14_1);
  return data.ok() ? std::move(data).value() : emptyData(c);
}

// "20261125T093000Z" or "2026-11-25T09:30:00.000Z" (UTC) to milliseconds; nullopt if neither.
std::optional<UnixMillis> parseEasTime(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0;
  auto digits = [&](std::size_t pos, std::size_t n, int& out) {
    if (pos + n > s.size()) {
      return false;
    }
    out = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (s[i] < '0' || s[i] > '9') {
        return false;
      }
      out = out * 10 + (s[i] - '0');
    }
    return true;
  };
  if (s.size() == 16 && s[8] == 'T' && s[15] == 'Z') {
    if (!digits(0, 4, y) || !digits(4, 2, mo) || !digits(6, 2, d) || !digits(9, 2, h) ||
        !digits(11, 2, mi) || !digits(13, 2, sec)) {
      return std::nullopt;
    }
  } else if (s.size() >= 20 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' &&
             s[16] == ':' && s.back() == 'Z') {
    if (!digits(0, 4, y) || !digits(5, 2, mo) || !digits(8, 2, d) || !digits(11, 2, h) ||
        !digits(14, 2, mi) || !digits(17, 2, sec)) {
      return std::nullopt;
    }
    if (s.size() == 24 && s[19] == '.' && !digits(20, 3, ms)) {
      return std::nullopt;
    }
  } else {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  return static_cast<UnixMillis>(timegm(&tm)) * 1000 + ms;
}

// The `received` column: e-mail DateReceived, calendar StartTime, else the creation time.
UnixMillis receivedOf(const eas::ApplicationData& data, UnixMillis created) {
  if (const auto* e = std::get_if<eas::EmailItem>(&data); e && e->dateReceived) {
    return parseEasTime(*e->dateReceived).value_or(created);
  }
  if (const auto* c = std::get_if<eas::CalendarItem>(&data); c && c->startTime) {
    return parseEasTime(*c->startTime).value_or(created);
  }
  return created;
}

std::string folderPrefix(std::string_view itemServerId) {
  const auto colon = itemServerId.find(':');
  return std::string(itemServerId.substr(0, colon));
}

std::string sha256Hex(const std::string& text) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(text);
  return Poco::DigestEngine::digestToHex(engine.digest());
}

using UserRow = Poco::Tuple<int64_t, std::string, std::string, std::string, bool>;
using FolderRow = Poco::Tuple<int64_t, int64_t, std::string, std::string, std::string, int>;
using ItemRow = Poco::Tuple<int64_t, int64_t, std::string, int64_t, int64_t, int, CLOB, CLOB>;
using DeviceRow =
    Poco::Tuple<int64_t, int64_t, std::string, std::string, std::string, std::string, uint32_t,
                uint32_t, int64_t, bool, int, std::string, std::string, int64_t, int64_t>;

constexpr const char* UserColumns = "id, name, email, policy, policy_exempt";
constexpr const char* FolderColumns =
    "id, user_id, server_id, parent_server_id, display_name, type";
constexpr const char* ItemColumns =
    "i.id, i.folder_id, i.server_id, i.version, i.received, i.class, i.data, i.mime";
constexpr const char* DeviceColumns =
    "id, user_id, device_id, device_type, user_agent, protocol_version, policy_key, "
    "pending_policy_key, policy_issued, non_provisionable, wipe, device_info, notify_url, "
    "first_seen, last_seen";

UserRecord toUser(const UserRow& r) {
  UserRecord u;
  u.id = r.get<0>();
  u.name = r.get<1>();
  u.email = r.get<2>();
  u.policy = r.get<3>();
  u.policyExempt = r.get<4>();
  return u;
}

FolderRecord toFolder(const FolderRow& r) {
  FolderRecord f;
  f.id = r.get<0>();
  f.userId = r.get<1>();
  f.serverId = r.get<2>();
  f.parentServerId = r.get<3>();
  f.displayName = r.get<4>();
  f.type = static_cast<FolderType>(r.get<5>());
  return f;
}

ItemRecord toItem(const ItemRow& r) {
  ItemRecord i;
  i.id = r.get<0>();
  i.folderId = r.get<1>();
  i.serverId = r.get<2>();
  i.version = r.get<3>();
  i.received = r.get<4>();
  i.data = decodeData(fromClob(r.get<6>()), static_cast<eas::ItemClass>(r.get<5>()));
  i.mime = fromClob(r.get<7>());
  return i;
}

DeviceRecord toDevice(const DeviceRow& r) {
  DeviceRecord d;
  d.id = r.get<0>();
  d.userId = r.get<1>();
  d.deviceId = r.get<2>();
  d.deviceType = r.get<3>();
  d.userAgent = r.get<4>();
  d.protocolVersion = r.get<5>();
  d.policyKey = r.get<6>();
  d.pendingPolicyKey = r.get<7>();
  d.policyIssued = r.get<8>();
  d.nonProvisionable = r.get<9>();
  const int wipe = r.get<10>();
  d.wipe =
      wipe >= 0 && wipe <= 3 ? static_cast<DeviceRecord::Wipe>(wipe) : DeviceRecord::Wipe::None;
  d.deviceInfo = r.get<11>();
  d.notifyUrl = r.get<12>();
  d.firstSeen = r.get<13>();
  d.lastSeen = r.get<14>();
  return d;
}

bool validName(const std::string& name) {
  if (name.empty() || name.size() > 256) {
    return false;
  }
  for (char c : name) {
    // ':' cannot appear in a Basic user name (RFC 7617 2); '\' separates a domain.
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == ':' || c == '\\' || c == '/') {
      return false;
    }
  }
  return true;
}

}  // namespace

ItemClass FolderRecord::itemClass() const {
  return eas::classForType(type).value_or(ItemClass::Email);
}

struct Mailbox::Impl {
  explicit Impl(const std::string& file) : path(file), session("SQLite", file) {}

  std::string path;
  mutable std::mutex mutex;  // guards session (Poco sessions are not thread-safe)
  mutable Session session;

  mutable std::mutex seqMutex;  // guards the change-sequence cache
  std::unordered_map<int64_t, int64_t> folderSeq;
  int64_t lastSeq = 0;

  std::mutex listenerMutex;
  std::function<void(const ChangeNotice&)> listener;

  // stored hash -> SHA-256 of (stored hash + password) that verified: skips PBKDF2 for a
  // device that authenticates every request with the same password.
  mutable std::mutex verifiedMutex;
  mutable std::unordered_map<std::string, std::string> verified;

  Status migrate();

  // Runs `body(notice)` in one transaction under the lock; commits when it returns ok, then
  // updates the sequence cache and calls the listener outside the lock.
  template <class T, class Body>
  Result<T> write(Body&& body);
  template <class Body>
  auto read(Body&& body, decltype(body()) fallback) const -> decltype(body());

  int64_t journal(ChangeNotice& n, int64_t userId, int64_t folderId, int64_t itemId,
                  const std::string& kind);
  void bumpHierarchy(ChangeNotice& n, int64_t userId);
  int64_t lastInsertId() const {
    int64_t id = 0;
    session << "SELECT last_insert_rowid()", into(id), now;
    return id;
  }

  std::optional<UserRecord> findUserLocked(const std::string& name) const;
  std::optional<FolderRecord> folderLocked(int64_t userId, const std::string& serverId) const;
  std::optional<FolderRecord> folderByIdLocked(int64_t folderId) const;
  std::optional<FolderRecord> folderByTypeLocked(int64_t userId, FolderType type) const;
  std::optional<ItemRecord> itemLocked(int64_t userId, const std::string& serverId) const;
  std::optional<DeviceRecord> deviceLocked(int64_t userId, const std::string& deviceId) const;
  std::optional<DeviceRecord> deviceByRowLocked(int64_t rowId) const;
  std::string nextItemServerId(const FolderRecord& folder);
  Result<ItemRecord> insertItem(ChangeNotice& n, const FolderRecord& folder,
                                const eas::ApplicationData& data, const std::string& mime,
                                UnixMillis created);
};

Status Mailbox::Impl::migrate() {
  // Read the version inside the write transaction: two processes opening a new file at once
  // must not both create the schema.
  session << "BEGIN IMMEDIATE", now;
  try {
    int version = 0;
    session << "PRAGMA user_version", into(version), now;
    if (version > SchemaVersion) {
      session << "ROLLBACK", now;
      return badValue(path + ": schema version " + std::to_string(version) +
                      " is newer than this program's " + std::to_string(SchemaVersion));
    }
    if (version < 1) {
      for (const char* sql : SchemaV1) {
        session << sql, now;
      }
    }
    if (version != SchemaVersion) {
      session << "PRAGMA user_version = " + std::to_string(SchemaVersion), now;
    }
    session << "COMMIT", now;
  } catch (...) {
    session << "ROLLBACK", now;
    throw;
  }
  return {};
}

template <class T, class Body>
Result<T> Mailbox::Impl::write(Body&& body) {
  ChangeNotice notice;
  std::optional<Result<T>> result;
  {
    std::lock_guard lock(mutex);
    try {
      // IMMEDIATE takes the write lock up front, so another process's writer makes us wait
      // (busy timeout) instead of failing when a deferred transaction tries to upgrade.
      session << "BEGIN IMMEDIATE", now;
      Result<T> r = body(notice);
      if (r.ok()) {
        session << "COMMIT", now;
        if (notice.seq != 0) {
          std::lock_guard seqLock(seqMutex);
          for (int64_t f : notice.folderIds) {
            folderSeq[f] = notice.seq;
          }
          lastSeq = std::max(lastSeq, notice.seq);
        }
      } else {
        session << "ROLLBACK", now;
      }
      result.emplace(std::move(r));
    } catch (const std::exception& e) {
      try {
        session << "ROLLBACK", now;
      } catch (const std::exception&) {
        // No transaction was open (BEGIN failed) or the connection is broken: nothing to undo.
      }
      const auto* poco = dynamic_cast<const Poco::Exception*>(&e);
      result.emplace(badValue("database: " + (poco ? poco->displayText() : std::string(e.what()))));
    }
  }
  if (result->ok() && notice.seq != 0) {
    std::function<void(const ChangeNotice&)> l;
    {
      std::lock_guard lock(listenerMutex);
      l = listener;
    }
    if (l) {
      try {
        l(notice);
      } catch (const std::exception&) {
        // The change is committed whatever the listener does; it reports its own failures.
      }
    }
  }
  return std::move(*result);
}

template <class Body>
auto Mailbox::Impl::read(Body&& body, decltype(body()) fallback) const -> decltype(body()) {
  std::lock_guard lock(mutex);
  try {
    return body();
  } catch (const std::exception&) {
    // Reads answer "nothing" on a database failure; the next write reports it.
    return fallback;
  }
}

int64_t Mailbox::Impl::journal(ChangeNotice& n, int64_t userId, int64_t folderId, int64_t itemId,
                               const std::string& kind) {
  const UnixMillis at = nowMillis();
  session << "INSERT INTO journal (user_id, folder_id, item_id, kind, at) VALUES (?, ?, ?, ?, ?)",
      bind(userId), bind(folderId), bind(itemId), bind(kind), bind(at), now;
  n.userId = userId;
  n.seq = lastInsertId();
  if (kind.rfind("folder-", 0) != 0 || kind == "folder-delete") {
    if (std::find(n.folderIds.begin(), n.folderIds.end(), folderId) == n.folderIds.end()) {
      n.folderIds.push_back(folderId);
    }
  }
  return n.seq;
}

void Mailbox::Impl::bumpHierarchy(ChangeNotice& n, int64_t userId) {
  session << "UPDATE users SET hierarchy_version = hierarchy_version + 1 WHERE id = ?",
      bind(userId), now;
  n.hierarchyChanged = true;
}

std::optional<UserRecord> Mailbox::Impl::findUserLocked(const std::string& name) const {
  std::vector<UserRow> rows;
  session << "SELECT " + std::string(UserColumns) + " FROM users WHERE name = ? COLLATE NOCASE",
      bind(name), into(rows), now;
  if (rows.empty()) {
    return std::nullopt;
  }
  return toUser(rows.front());
}

std::optional<FolderRecord> Mailbox::Impl::folderLocked(int64_t userId,
                                                        const std::string& serverId) const {
  std::vector<FolderRow> rows;
  session << "SELECT " + std::string(FolderColumns) +
                 " FROM folders WHERE user_id = ? AND server_id = ?",
      bind(userId), bind(serverId), into(rows), now;
  if (rows.empty()) {
    return std::nullopt;
  }
  return toFolder(rows.front());
}

std::optional<FolderRecord> Mailbox::Impl::folderByIdLocked(int64_t folderId) const {
  std::vector<FolderRow> rows;
  session << "SELECT " + std::string(FolderColumns) + " FROM folders WHERE id = ?", bind(folderId),
      into(rows), now;
  if (rows.empty()) {
    return std::nullopt;
  }
  return toFolder(rows.front());
}

std::optional<FolderRecord> Mailbox::Impl::folderByTypeLocked(int64_t userId,
                                                              FolderType type) const {
  std::vector<FolderRow> rows;
  const int t = static_cast<int>(type);
  session << "SELECT " + std::string(FolderColumns) +
                 " FROM folders WHERE user_id = ? AND type = ? ORDER BY id LIMIT 1",
      bind(userId), bind(t), into(rows), now;
  if (rows.empty()) {
    return std::nullopt;
  }
  return toFolder(rows.front());
}

std::optional<ItemRecord> Mailbox::Impl::itemLocked(int64_t userId,
                                                    const std::string& serverId) const {
  const auto folder = folderLocked(userId, folderPrefix(serverId));
  if (!folder) {
    return std::nullopt;
  }
  std::vector<ItemRow> rows;
  session << "SELECT " + std::string(ItemColumns) +
                 " FROM items i WHERE i.folder_id = ? AND i.server_id = ?",
      bind(folder->id), bind(serverId), into(rows), now;
  if (rows.empty()) {
    return std::nullopt;
  }
  return toItem(rows.front());
}

std::optional<DeviceRecord> Mailbox::Impl::deviceLocked(int64_t userId,
                                                        const std::string& deviceId) const {
  std::vector<DeviceRow> rows;
  session << "SELECT " + std::string(DeviceColumns) +
                 " FROM devices WHERE user_id = ? AND device_id = ?",
      bind(userId), bind(deviceId), into(rows), now;
  if (rows.empty()) {
    return std::nullopt;
  }
  return toDevice(rows.front());
}

std::optional<DeviceRecord> Mailbox::Impl::deviceByRowLocked(int64_t rowId) const {
  std::vector<DeviceRow> rows;
  session << "SELECT " + std::string(DeviceColumns) + " FROM devices WHERE id = ?", bind(rowId),
      into(rows), now;
  if (rows.empty()) {
    return std::nullopt;
  }
  return toDevice(rows.front());
}

std::string Mailbox::Impl::nextItemServerId(const FolderRecord& folder) {
  int64_t n = 0;
  session << "SELECT next_item FROM folders WHERE id = ?", bind(folder.id), into(n), now;
  session << "UPDATE folders SET next_item = next_item + 1 WHERE id = ?", bind(folder.id), now;
  return folder.serverId + ":" + std::to_string(n);
}

Result<ItemRecord> Mailbox::Impl::insertItem(ChangeNotice& n, const FolderRecord& folder,
                                             const eas::ApplicationData& data,
                                             const std::string& mime, UnixMillis created) {
  const ItemClass cls = eas::itemClassOf(data);
  if (cls != folder.itemClass()) {
    return badValue("a " + std::string(eas::toString(cls)) + " item does not belong in folder " +
                    folder.serverId + " (" + std::string(eas::toString(folder.itemClass())) + ")");
  }
  ItemRecord item;
  item.folderId = folder.id;
  item.serverId = nextItemServerId(folder);
  item.version = 1;
  item.data = data;
  item.mime = mime;
  if (auto* email = std::get_if<eas::EmailItem>(&item.data); email && !mime.empty()) {
    completeFromMime(*email, mime, item.serverId, created);
  }
  item.received = receivedOf(item.data, created);
  const int clsValue = static_cast<int>(cls);
  const CLOB blob = toClob(encodeData(item.data));
  const CLOB mimeBlob = toClob(mime);
  session << "INSERT INTO items (folder_id, server_id, version, received, created, class, data, "
             "mime) VALUES (?, ?, 1, ?, ?, ?, ?, ?)",
      bind(folder.id), bind(item.serverId), bind(item.received), bind(created), bind(clsValue),
      bind(blob), bind(mimeBlob), now;
  item.id = lastInsertId();
  journal(n, folder.userId, folder.id, item.id, "add");
  return item;
}

// ---------------------------------------------------------------------------------------------

Mailbox::Mailbox(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Mailbox::~Mailbox() = default;

Result<std::unique_ptr<Mailbox>> Mailbox::open(const std::string& where) {
  // An existing directory stands for its mailbox.db.
  struct stat st {};
  const std::string path =
      ::stat(where.c_str(), &st) == 0 && S_ISDIR(st.st_mode) ? where + "/mailbox.db" : where;
  try {
    Poco::Data::SQLite::Connector::registerConnector();
    // Create the file owner-only before SQLite does (the -wal and -shm files copy its mode).
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
      return badValue(path + ": cannot create or open the mailbox file");
    }
    ::close(fd);
    ::chmod(path.c_str(), 0600);
    auto impl = std::make_unique<Impl>(path);
    Session& s = impl->session;
    std::string mode;
    s << "PRAGMA busy_timeout = 5000", now;
    s << "PRAGMA journal_mode = WAL", into(mode), now;
    s << "PRAGMA foreign_keys = ON", now;
    s << "PRAGMA synchronous = NORMAL", now;
    if (auto migrated = impl->migrate(); !migrated.ok()) {
      return std::move(migrated).takeError();
    }
    std::vector<Poco::Tuple<int64_t, int64_t>> seqs;
    s << "SELECT folder_id, MAX(seq) FROM journal GROUP BY folder_id", into(seqs), now;
    for (const auto& t : seqs) {
      impl->folderSeq[t.get<0>()] = t.get<1>();
    }
    int64_t last = 0;
    s << "SELECT COALESCE(MAX(seq), 0) FROM journal", into(last), now;
    impl->lastSeq = last;
    return std::unique_ptr<Mailbox>(new Mailbox(std::move(impl)));
  } catch (const Poco::Exception& e) {
    return badValue(path + ": " + e.displayText());
  } catch (const std::exception& e) {
    return badValue(path + ": " + e.what());
  }
}

void Mailbox::setChangeListener(std::function<void(const ChangeNotice&)> listener) {
  std::lock_guard lock(impl_->listenerMutex);
  impl_->listener = std::move(listener);
}

// ---- users ----

Result<UserRecord> Mailbox::addUser(const std::string& name, const std::string& password,
                                    const std::string& email) {
  if (!validName(name)) {
    return badValue("invalid user name \"" + name + "\"");
  }
  // Hash outside the lock: PBKDF2 takes milliseconds.
  const std::string hash = PasswordHash::make(password);
  return impl_->write<UserRecord>([&](ChangeNotice& n) -> Result<UserRecord> {
    if (impl_->findUserLocked(name)) {
      return badValue("user \"" + name + "\" already exists");
    }
    UserRecord u;
    u.name = name;
    u.email = email.empty() ? (name.find('@') != std::string::npos ? name : name + "@example.com")
                            : email;
    const UnixMillis created = nowMillis();
    impl_->session << "INSERT INTO users (name, email, password, created) VALUES (?, ?, ?, ?)",
        bind(u.name), bind(u.email), bind(hash), bind(created), now;
    u.id = impl_->lastInsertId();
    int64_t next = 1;
    for (const auto& f : DefaultFolders) {
      const std::string serverId = std::to_string(next++);
      const int type = static_cast<int>(f.type);
      const std::string displayName = f.name;
      impl_->session << "INSERT INTO folders (user_id, server_id, parent_server_id, "
                        "display_name, type) VALUES (?, ?, '0', ?, ?)",
          bind(u.id), bind(serverId), bind(displayName), bind(type), now;
    }
    impl_->session << "UPDATE users SET next_folder = ? WHERE id = ?", bind(next), bind(u.id), now;
    n.userId = u.id;
    return u;
  });
}

std::optional<UserRecord> Mailbox::findUser(const std::string& name) const {
  return impl_->read([&] { return impl_->findUserLocked(name); }, std::nullopt);
}

std::optional<UserRecord> Mailbox::userById(int64_t id) const {
  return impl_->read(
      [&]() -> std::optional<UserRecord> {
        std::vector<UserRow> rows;
        impl_->session << "SELECT " + std::string(UserColumns) + " FROM users WHERE id = ?",
            bind(id), into(rows), now;
        if (rows.empty()) {
          return std::nullopt;
        }
        return toUser(rows.front());
      },
      std::nullopt);
}

std::vector<UserRecord> Mailbox::users() const {
  return impl_->read(
      [&] {
        std::vector<UserRow> rows;
        impl_->session << "SELECT " + std::string(UserColumns) + " FROM users ORDER BY id",
            into(rows), now;
        std::vector<UserRecord> out;
        for (const auto& r : rows) {
          out.push_back(toUser(r));
        }
        return out;
      },
      {});
}

bool Mailbox::checkPassword(const std::string& name, const std::string& password) const {
  const auto stored = impl_->read(
      [&]() -> std::optional<std::string> {
        std::vector<std::string> rows;
        impl_->session << "SELECT password FROM users WHERE name = ? COLLATE NOCASE", bind(name),
            into(rows), now;
        if (rows.empty()) {
          return std::nullopt;
        }
        return rows.front();
      },
      std::nullopt);
  if (!stored) {
    return false;
  }
  const std::string fingerprint = sha256Hex(*stored + "\n" + password);
  {
    std::lock_guard lock(impl_->verifiedMutex);
    auto it = impl_->verified.find(*stored);
    if (it != impl_->verified.end() && it->second == fingerprint) {
      return true;
    }
  }
  if (!PasswordHash::verify(password, *stored)) {
    return false;
  }
  std::lock_guard lock(impl_->verifiedMutex);
  if (impl_->verified.size() > 10000) {
    impl_->verified.clear();
  }
  impl_->verified[*stored] = fingerprint;
  return true;
}

Status Mailbox::setPassword(const std::string& name, const std::string& password) {
  const std::string hash = PasswordHash::make(password);
  return impl_->write<void>([&](ChangeNotice&) -> Status {
    if (!impl_->findUserLocked(name)) {
      return badValue("no user \"" + name + "\"");
    }
    impl_->session << "UPDATE users SET password = ? WHERE name = ? COLLATE NOCASE", bind(hash),
        bind(name), now;
    return {};
  });
}

Status Mailbox::setUserPolicy(const std::string& name, const std::string& policy, bool exempt) {
  return impl_->write<void>([&](ChangeNotice&) -> Status {
    if (!impl_->findUserLocked(name)) {
      return badValue("no user \"" + name + "\"");
    }
    impl_->session << "UPDATE users SET policy = ?, policy_exempt = ? WHERE name = ? COLLATE "
                      "NOCASE",
        bind(policy), bind(exempt), bind(name), now;
    return {};
  });
}

// ---- folders ----

std::vector<FolderRecord> Mailbox::folders(int64_t userId) const {
  return impl_->read(
      [&] {
        std::vector<FolderRow> rows;
        impl_->session << "SELECT " + std::string(FolderColumns) +
                              " FROM folders WHERE user_id = ? ORDER BY id",
            bind(userId), into(rows), now;
        std::vector<FolderRecord> out;
        for (const auto& r : rows) {
          out.push_back(toFolder(r));
        }
        return out;
      },
      {});
}

std::optional<FolderRecord> Mailbox::folder(int64_t userId, const std::string& serverId) const {
  return impl_->read([&] { return impl_->folderLocked(userId, serverId); }, std::nullopt);
}

std::optional<FolderRecord> Mailbox::folderByType(int64_t userId, FolderType type) const {
  return impl_->read([&] { return impl_->folderByTypeLocked(userId, type); }, std::nullopt);
}

Result<FolderRecord> Mailbox::createFolder(int64_t userId, const std::string& parentServerId,
                                           const std::string& displayName, FolderType type) {
  if (displayName.empty() || displayName.size() > 256) {
    return badValue("a folder name must have 1 to 256 bytes");
  }
  return impl_->write<FolderRecord>([&](ChangeNotice& n) -> Result<FolderRecord> {
    int64_t next = 0;
    std::vector<int64_t> rows;
    impl_->session << "SELECT next_folder FROM users WHERE id = ?", bind(userId), into(rows), now;
    if (rows.empty()) {
      return badValue("no user with id " + std::to_string(userId));
    }
    next = rows.front();
    const std::string parent = parentServerId.empty() ? "0" : parentServerId;
    if (parent != "0" && !impl_->folderLocked(userId, parent)) {
      return badValue("no parent folder " + parent);
    }
    std::vector<int64_t> same;
    impl_->session << "SELECT id FROM folders WHERE user_id = ? AND parent_server_id = ? AND "
                      "display_name = ?",
        bind(userId), bind(parent), bind(displayName), into(same), now;
    if (!same.empty()) {
      return badValue("a folder \"" + displayName + "\" already exists there");
    }
    FolderRecord f;
    f.userId = userId;
    f.serverId = std::to_string(next);
    f.parentServerId = parent;
    f.displayName = displayName;
    f.type = type;
    const int t = static_cast<int>(type);
    impl_->session << "INSERT INTO folders (user_id, server_id, parent_server_id, display_name, "
                      "type) VALUES (?, ?, ?, ?, ?)",
        bind(userId), bind(f.serverId), bind(parent), bind(displayName), bind(t), now;
    f.id = impl_->lastInsertId();
    impl_->session << "UPDATE users SET next_folder = next_folder + 1 WHERE id = ?", bind(userId),
        now;
    impl_->bumpHierarchy(n, userId);
    impl_->journal(n, userId, f.id, 0, "folder-add");
    return f;
  });
}

Status Mailbox::updateFolder(int64_t userId, const std::string& serverId,
                             const std::string& parentServerId, const std::string& displayName) {
  if (displayName.empty() || displayName.size() > 256) {
    return badValue("a folder name must have 1 to 256 bytes");
  }
  return impl_->write<void>([&](ChangeNotice& n) -> Status {
    const auto f = impl_->folderLocked(userId, serverId);
    if (!f) {
      return badValue("no folder " + serverId);
    }
    const std::string parent = parentServerId.empty() ? "0" : parentServerId;
    if (parent != "0") {
      // The new parent must exist and must not be the folder itself or one of its descendants.
      std::string cursor = parent;
      for (int depth = 0; cursor != "0"; ++depth) {
        if (cursor == serverId || depth > 1000) {
          return badValue("folder " + serverId + " cannot move below itself");
        }
        const auto p = impl_->folderLocked(userId, cursor);
        if (!p) {
          return badValue("no parent folder " + cursor);
        }
        cursor = p->parentServerId;
      }
    }
    impl_->session << "UPDATE folders SET parent_server_id = ?, display_name = ? WHERE id = ?",
        bind(parent), bind(displayName), bind(f->id), now;
    impl_->bumpHierarchy(n, userId);
    impl_->journal(n, userId, f->id, 0, "folder-update");
    return {};
  });
}

Status Mailbox::deleteFolder(int64_t userId, const std::string& serverId) {
  return impl_->write<void>([&](ChangeNotice& n) -> Status {
    const auto f = impl_->folderLocked(userId, serverId);
    if (!f) {
      return badValue("no folder " + serverId);
    }
    // The folder and its subfolders, deepest last; items go with them (ON DELETE CASCADE).
    std::vector<FolderRecord> doomed{*f};
    for (std::size_t i = 0; i < doomed.size() && i < 10000; ++i) {
      std::vector<FolderRow> rows;
      impl_->session << "SELECT " + std::string(FolderColumns) +
                            " FROM folders WHERE user_id = ? AND parent_server_id = ?",
          bind(userId), bind(doomed[i].serverId), into(rows), now;
      for (const auto& r : rows) {
        doomed.push_back(toFolder(r));
      }
    }
    for (const auto& d : doomed) {
      impl_->session << "DELETE FROM folders WHERE id = ?", bind(d.id), now;
      impl_->journal(n, userId, d.id, 0, "folder-delete");
    }
    impl_->bumpHierarchy(n, userId);
    return {};
  });
}

int64_t Mailbox::hierarchyVersion(int64_t userId) const {
  return impl_->read(
      [&]() -> int64_t {
        std::vector<int64_t> rows;
        impl_->session << "SELECT hierarchy_version FROM users WHERE id = ?", bind(userId),
            into(rows), now;
        return rows.empty() ? 0 : rows.front();
      },
      0);
}

// ---- items ----

Result<ItemRecord> Mailbox::deliverMail(int64_t userId, const NewMail& mail) {
  const UnixMillis at = mail.deliveredAt != 0 ? mail.deliveredAt : nowMillis();
  return impl_->write<ItemRecord>([&](ChangeNotice& n) -> Result<ItemRecord> {
    const auto inbox = impl_->folderByTypeLocked(userId, FolderType::Inbox);
    if (!inbox) {
      return badValue("no user with id " + std::to_string(userId) + " (or no Inbox)");
    }
    std::string mime = mail.mime;
    if (mime.empty()) {
      std::vector<std::string> emails;
      impl_->session << "SELECT email FROM users WHERE id = ?", bind(userId), into(emails), now;
      mime = buildMime(mail, emails.empty() ? std::string() : emails.front(), at);
    }
    eas::EmailItem email;
    email.dateReceived = formatEasTime(at);
    email.read = false;
    return impl_->insertItem(n, *inbox, email, mime, at);
  });
}

Result<ItemRecord> Mailbox::addItem(int64_t userId, const std::string& folderServerId,
                                    const eas::ApplicationData& data, const std::string& mime) {
  return impl_->write<ItemRecord>([&](ChangeNotice& n) -> Result<ItemRecord> {
    const auto f = impl_->folderLocked(userId, folderServerId);
    if (!f) {
      return badValue("no folder " + folderServerId);
    }
    return impl_->insertItem(n, *f, data, mime, nowMillis());
  });
}

Result<ItemRecord> Mailbox::updateItem(int64_t userId, const std::string& serverId,
                                       const eas::ApplicationData& data, const std::string& mime) {
  return impl_->write<ItemRecord>([&](ChangeNotice& n) -> Result<ItemRecord> {
    auto item = impl_->itemLocked(userId, serverId);
    if (!item) {
      return badValue("no item " + serverId);
    }
    if (eas::itemClassOf(data) != eas::itemClassOf(item->data)) {
      return badValue("item " + serverId + " is a " +
                      std::string(eas::toString(eas::itemClassOf(item->data))));
    }
    int64_t created = 0;
    impl_->session << "SELECT created FROM items WHERE id = ?", bind(item->id), into(created), now;
    item->data = data;
    if (!mime.empty()) {
      item->mime = mime;
      if (auto* email = std::get_if<eas::EmailItem>(&item->data)) {
        completeFromMime(*email, mime, item->serverId, created);
      }
    }
    item->received = receivedOf(item->data, created);
    item->version += 1;
    const CLOB blob = toClob(encodeData(item->data));
    const CLOB mimeBlob = toClob(item->mime);
    impl_->session << "UPDATE items SET version = ?, received = ?, data = ?, mime = ? WHERE id = ?",
        bind(item->version), bind(item->received), bind(blob), bind(mimeBlob), bind(item->id), now;
    impl_->journal(n, userId, item->folderId, item->id, "update");
    return *item;
  });
}

Status Mailbox::deleteItem(int64_t userId, const std::string& serverId) {
  return impl_->write<void>([&](ChangeNotice& n) -> Status {
    const auto item = impl_->itemLocked(userId, serverId);
    if (!item) {
      return badValue("no item " + serverId);
    }
    impl_->session << "DELETE FROM items WHERE id = ?", bind(item->id), now;
    impl_->journal(n, userId, item->folderId, item->id, "delete");
    return {};
  });
}

Result<ItemRecord> Mailbox::moveItem(int64_t userId, const std::string& serverId,
                                     const std::string& toFolderServerId) {
  return impl_->write<ItemRecord>([&](ChangeNotice& n) -> Result<ItemRecord> {
    auto item = impl_->itemLocked(userId, serverId);
    if (!item) {
      return badValue("no item " + serverId);
    }
    const auto to = impl_->folderLocked(userId, toFolderServerId);
    if (!to) {
      return badValue("no folder " + toFolderServerId);
    }
    if (to->id == item->folderId) {
      return badValue("item " + serverId + " is already in folder " + toFolderServerId);
    }
    if (to->itemClass() != eas::itemClassOf(item->data)) {
      return badValue("folder " + toFolderServerId + " holds " +
                      std::string(eas::toString(to->itemClass())) + " items");
    }
    const int64_t from = item->folderId;
    item->serverId = impl_->nextItemServerId(*to);
    item->folderId = to->id;
    item->version += 1;
    // Attachment FileReferences name the ServerId: renumber them.
    if (auto* email = std::get_if<eas::EmailItem>(&item->data)) {
      for (std::size_t i = 0; i < email->attachments.size(); ++i) {
        email->attachments[i].fileReference = item->serverId + ":" + std::to_string(i);
      }
    }
    const CLOB blob = toClob(encodeData(item->data));
    impl_->session << "UPDATE items SET folder_id = ?, server_id = ?, version = ?, data = ? "
                      "WHERE id = ?",
        bind(to->id), bind(item->serverId), bind(item->version), bind(blob), bind(item->id), now;
    impl_->journal(n, userId, from, item->id, "move-out");
    impl_->journal(n, userId, to->id, item->id, "move-in");
    return *item;
  });
}

std::optional<ItemRecord> Mailbox::item(int64_t userId, const std::string& serverId) const {
  return impl_->read([&] { return impl_->itemLocked(userId, serverId); }, std::nullopt);
}

std::vector<ItemRecord> Mailbox::items(int64_t folderId, UnixMillis since) const {
  return impl_->read(
      [&] {
        std::vector<ItemRow> rows;
        impl_->session << "SELECT " + std::string(ItemColumns) +
                              " FROM items i WHERE i.folder_id = ? AND i.received >= ? "
                              "ORDER BY i.received, i.id",
            bind(folderId), bind(since), into(rows), now;
        std::vector<ItemRecord> out;
        out.reserve(rows.size());
        for (const auto& r : rows) {
          out.push_back(toItem(r));
        }
        return out;
      },
      {});
}

int64_t Mailbox::folderChangeSeq(int64_t folderId) const {
  std::lock_guard lock(impl_->seqMutex);
  const auto it = impl_->folderSeq.find(folderId);
  return it == impl_->folderSeq.end() ? 0 : it->second;
}

int64_t Mailbox::lastSeq() const {
  std::lock_guard lock(impl_->seqMutex);
  return impl_->lastSeq;
}

// ---- devices ----

DeviceRecord Mailbox::touchDevice(int64_t userId, const std::string& deviceId,
                                  const std::string& deviceType, const std::string& userAgent,
                                  const std::string& protocolVersion) {
  DeviceRecord fallback;
  fallback.userId = userId;
  fallback.deviceId = deviceId;
  fallback.deviceType = deviceType;
  fallback.userAgent = userAgent;
  fallback.protocolVersion = protocolVersion;
  auto r = impl_->write<DeviceRecord>([&](ChangeNotice&) -> Result<DeviceRecord> {
    const UnixMillis at = nowMillis();
    if (auto d = impl_->deviceLocked(userId, deviceId)) {
      d->lastSeen = at;
      if (!userAgent.empty()) {
        d->userAgent = userAgent;
      }
      if (!protocolVersion.empty()) {
        d->protocolVersion = protocolVersion;
      }
      if (!deviceType.empty()) {
        d->deviceType = deviceType;
      }
      impl_->session << "UPDATE devices SET last_seen = ?, user_agent = ?, protocol_version = ?, "
                        "device_type = ? WHERE id = ?",
          bind(d->lastSeen), bind(d->userAgent), bind(d->protocolVersion), bind(d->deviceType),
          bind(d->id), now;
      return *d;
    }
    DeviceRecord d = fallback;
    d.firstSeen = at;
    d.lastSeen = at;
    impl_->session << "INSERT INTO devices (user_id, device_id, device_type, user_agent, "
                      "protocol_version, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)",
        bind(userId), bind(deviceId), bind(deviceType), bind(userAgent), bind(protocolVersion),
        bind(at), bind(at), now;
    d.id = impl_->lastInsertId();
    return d;
  });
  return r.ok() ? std::move(r).value() : fallback;
}

std::optional<DeviceRecord> Mailbox::device(int64_t userId, const std::string& deviceId) const {
  return impl_->read([&] { return impl_->deviceLocked(userId, deviceId); }, std::nullopt);
}

std::optional<DeviceRecord> Mailbox::deviceByDeviceId(const std::string& deviceId) const {
  return impl_->read(
      [&]() -> std::optional<DeviceRecord> {
        std::vector<DeviceRow> rows;
        impl_->session << "SELECT " + std::string(DeviceColumns) +
                              " FROM devices WHERE device_id = ? ORDER BY last_seen DESC, id "
                              "LIMIT 1",
            bind(deviceId), into(rows), now;
        if (rows.empty()) {
          return std::nullopt;
        }
        return toDevice(rows.front());
      },
      std::nullopt);
}

std::vector<DeviceRecord> Mailbox::devices() const {
  return impl_->read(
      [&] {
        std::vector<DeviceRow> rows;
        impl_->session << "SELECT " + std::string(DeviceColumns) + " FROM devices ORDER BY id",
            into(rows), now;
        std::vector<DeviceRecord> out;
        for (const auto& r : rows) {
          out.push_back(toDevice(r));
        }
        return out;
      },
      {});
}

Status Mailbox::saveDevice(const DeviceRecord& d) {
  return impl_->write<void>([&](ChangeNotice&) -> Status {
    if (!impl_->deviceByRowLocked(d.id)) {
      return badValue("no device row " + std::to_string(d.id));
    }
    const bool nonProvisionable = d.nonProvisionable;
    const int wipe = static_cast<int>(d.wipe);
    impl_->session << "UPDATE devices SET device_type = ?, user_agent = ?, protocol_version = ?, "
                      "policy_key = ?, pending_policy_key = ?, policy_issued = ?, "
                      "non_provisionable = ?, wipe = ?, device_info = ?, notify_url = ?, "
                      "first_seen = ?, last_seen = ? WHERE id = ?",
        bind(d.deviceType), bind(d.userAgent), bind(d.protocolVersion), bind(d.policyKey),
        bind(d.pendingPolicyKey), bind(d.policyIssued), bind(nonProvisionable), bind(wipe),
        bind(d.deviceInfo), bind(d.notifyUrl), bind(d.firstSeen), bind(d.lastSeen), bind(d.id), now;
    return {};
  });
}

// ---- key/value tables ----

std::optional<std::string> Mailbox::setting(const std::string& key) const {
  return impl_->read(
      [&]() -> std::optional<std::string> {
        std::vector<CLOB> rows;
        impl_->session << "SELECT value FROM settings WHERE key = ?", bind(key), into(rows), now;
        if (rows.empty()) {
          return std::nullopt;
        }
        return fromClob(rows.front());
      },
      std::nullopt);
}

Status Mailbox::setSetting(const std::string& key, const std::string& value) {
  return impl_->write<void>([&](ChangeNotice&) -> Status {
    const CLOB v = toClob(value);
    impl_->session << "INSERT INTO settings (key, value) VALUES (?, ?) "
                      "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        bind(key), bind(v), now;
    return {};
  });
}

std::optional<std::string> Mailbox::deviceState(int64_t deviceRowId, const std::string& key) const {
  return impl_->read(
      [&]() -> std::optional<std::string> {
        std::vector<CLOB> rows;
        impl_->session << "SELECT value FROM device_state WHERE device = ? AND key = ?",
            bind(deviceRowId), bind(key), into(rows), now;
        if (rows.empty()) {
          return std::nullopt;
        }
        return fromClob(rows.front());
      },
      std::nullopt);
}

Status Mailbox::setDeviceState(int64_t deviceRowId, const std::string& key,
                               const std::string& value) {
  return impl_->write<void>([&](ChangeNotice&) -> Status {
    if (!impl_->deviceByRowLocked(deviceRowId)) {
      return badValue("no device row " + std::to_string(deviceRowId));
    }
    const CLOB v = toClob(value);
    impl_->session << "INSERT INTO device_state (device, key, value) VALUES (?, ?, ?) "
                      "ON CONFLICT (device, key) DO UPDATE SET value = excluded.value",
        bind(deviceRowId), bind(key), bind(v), now;
    return {};
  });
}

Status Mailbox::clearDeviceState(int64_t deviceRowId) {
  return impl_->write<void>([&](ChangeNotice&) -> Status {
    impl_->session << "DELETE FROM device_state WHERE device = ?", bind(deviceRowId), now;
    return {};
  });
}

}  // namespace mapisim
