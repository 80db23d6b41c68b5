// Store: the SQLite schema and its migrations, validation, and one transaction per change.
#include "bridge/store/store.h"

#include <Poco/Data/LOB.h>
#include <Poco/Data/RecordSet.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <mutex>

namespace cradle::bridge {

using Poco::Data::BLOB;
using Poco::Data::RecordSet;
using Poco::Data::Session;
using Poco::Data::Statement;
using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;

namespace {

// Schema versions (PRAGMA user_version); each step migrates from the one before.
constexpr const char* SchemaV1[] = {
    "CREATE TABLE partnerships ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " device_id TEXT NOT NULL UNIQUE,"
    " device_type TEXT NOT NULL,"
    " friendly_name TEXT NOT NULL,"
    " user_name TEXT NOT NULL COLLATE NOCASE,"
    " server_url TEXT NOT NULL,"
    " ca_file TEXT NOT NULL,"
    " data_types INTEGER NOT NULL,"
    " email_past_days INTEGER NOT NULL,"
    " email_size_limit INTEGER NOT NULL,"
    " attachments INTEGER NOT NULL,"
    " attachment_max_bytes INTEGER NOT NULL,"
    " schedule_mode INTEGER NOT NULL,"
    " peak_interval INTEGER NOT NULL,"
    " off_peak_interval INTEGER NOT NULL,"
    " peak_start INTEGER NOT NULL,"
    " peak_end INTEGER NOT NULL,"
    " peak_days INTEGER NOT NULL,"
    " route INTEGER NOT NULL,"
    " state INTEGER NOT NULL,"
    " pending_credential_update INTEGER NOT NULL DEFAULT 0,"
    " created INTEGER NOT NULL,"
    " updated INTEGER NOT NULL)",
    "CREATE INDEX partnerships_by_user ON partnerships (user_name, server_url)",
    "CREATE TABLE credentials ("
    " user_name TEXT NOT NULL COLLATE NOCASE,"
    " server_url TEXT NOT NULL,"
    " password BLOB NOT NULL,"
    " stale INTEGER NOT NULL DEFAULT 0,"
    " stale_since INTEGER NOT NULL DEFAULT 0,"
    " updated INTEGER NOT NULL,"
    " PRIMARY KEY (user_name, server_url))",
    "CREATE TABLE device_secrets ("
    " partnership_id INTEGER PRIMARY KEY REFERENCES partnerships(id) ON DELETE CASCADE,"
    " secret BLOB NOT NULL,"
    " created INTEGER NOT NULL)",
    "CREATE TABLE statistics ("
    " partnership_id INTEGER PRIMARY KEY REFERENCES partnerships(id) ON DELETE CASCADE,"
    " upstream_pings INTEGER NOT NULL DEFAULT 0,"
    " upstream_pings_died_early INTEGER NOT NULL DEFAULT 0,"
    " heartbeat_up_seconds INTEGER NOT NULL DEFAULT 0,"
    " device_pings INTEGER NOT NULL DEFAULT 0,"
    " wakeups_delivered INTEGER NOT NULL DEFAULT 0,"
    " wakeups_saved INTEGER NOT NULL DEFAULT 0,"
    " bytes_to_device INTEGER NOT NULL DEFAULT 0,"
    " bytes_to_upstream INTEGER NOT NULL DEFAULT 0,"
    " updated INTEGER NOT NULL)",
    "CREATE TABLE pending ("
    " partnership_id INTEGER NOT NULL REFERENCES partnerships(id) ON DELETE CASCADE,"
    " folder_id TEXT NOT NULL,"
    " seq INTEGER NOT NULL,"
    " added INTEGER NOT NULL,"
    " PRIMARY KEY (partnership_id, folder_id))",
    "CREATE INDEX pending_by_seq ON pending (partnership_id, seq)",
    // Sequence numbers that must never be reused, even after the rows they numbered are gone.
    "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    "INSERT INTO counters (name, value) VALUES ('pending_seq', 0)",
    "CREATE TABLE events ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " at INTEGER NOT NULL,"
    " device_id TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " text TEXT NOT NULL)",
};

constexpr const char* PartnershipColumns =
    "id, device_id, device_type, friendly_name, user_name, server_url, ca_file, data_types,"
    " email_past_days, email_size_limit, attachments, attachment_max_bytes, schedule_mode,"
    " peak_interval, off_peak_interval, peak_start, peak_end, peak_days, route, state,"
    " pending_credential_update, created, updated";

constexpr std::size_t MaxTextLength = 1024;
constexpr std::size_t MaxPathLength = 4096;
constexpr std::size_t MaxFolderIdLength = 64;  // MS-ASCMD 2.2.3.30.x: CollectionId up to 64

eas::Error badValue(std::string detail) {
  return eas::makeError(eas::ErrorCode::BadValue, 0, std::move(detail));
}

UnixMillis systemMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string toString(const BLOB& b) {
  return std::string(reinterpret_cast<const char*>(b.rawContent()), b.size());
}
BLOB toBlob(const std::string& s) {
  return BLOB(reinterpret_cast<const unsigned char*>(s.data()), s.size());
}

std::string credentialContext(const std::string& user, const std::string& serverUrl) {
  return "upstream-password:" + user + "\n" + serverUrl;
}
std::string deviceSecretContext(const std::string& deviceId) { return "device-secret:" + deviceId; }

bool isAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool hasControl(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F;
  });
}

template <class E>
bool oneOf(int64_t v, std::initializer_list<E> known) {
  return std::any_of(known.begin(), known.end(), [v](E e) { return static_cast<int64_t>(e) == v; });
}
bool knownPastDays(int64_t v) {
  using D = EmailPastDays;
  return oneOf(v, {D::All, D::OneDay, D::ThreeDays, D::OneWeek, D::TwoWeeks, D::OneMonth});
}
bool knownSizeLimit(int64_t v) {
  using S = EmailSizeLimit;
  return oneOf(v, {S::HeadersOnly, S::HalfK, S::K1, S::K2, S::K5, S::K10, S::K20, S::K50, S::K100,
                   S::Entire});
}
bool knownInterval(int64_t v) {
  using I = SyncInterval;
  return oneOf(v,
               {I::Manual, I::Min5, I::Min10, I::Min15, I::Min30, I::Hour1, I::Hours2, I::Hours4});
}
bool knownMode(int64_t v) {
  return oneOf(v, {ScheduleMode::AsItemsArrive, ScheduleMode::Scheduled});
}
bool knownRoute(int64_t v) { return oneOf(v, {Route::Usb, Route::Lan}); }
bool knownState(int64_t v) {
  return oneOf(v, {PartnershipState::Active, PartnershipState::Revoked});
}

Status validateDeviceId(const std::string& id) {
  // The canonical form (eas/http/request.h canonicalDeviceId): letters and digits only.
  if (id.empty() || id.size() > 64 || !std::all_of(id.begin(), id.end(), isAlnum)) {
    return badValue("device id must be 1 to 64 ASCII letters or digits (canonical form)");
  }
  return {};
}

bool isLoopbackHost(const std::string& host) {
  return host == "localhost" || host == "[::1]" || host.rfind("127.", 0) == 0;
}

// https://host[:port][/path]; http:// only for a loopback host.
Status validateServerUrl(const std::string& url) {
  std::string rest;
  bool plain = false;
  if (url.rfind("https://", 0) == 0) {
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    rest = url.substr(7);
    plain = true;
  } else {
    return badValue("server URL must start with https:// (or http:// for a loopback host)");
  }
  if (url.size() > MaxTextLength || hasControl(url) || url.find(' ') != std::string::npos) {
    return badValue("server URL is too long or contains spaces or control characters");
  }
  const std::string authority = rest.substr(0, rest.find('/'));
  std::string host = authority;
  std::optional<std::string> port;
  if (!authority.empty() && authority[0] == '[') {
    const auto close = authority.find(']');
    if (close == std::string::npos) {
      return badValue("server URL has an unclosed IPv6 address");
    }
    host = authority.substr(0, close + 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') {
        return badValue("server URL has text after its IPv6 address");
      }
      port = authority.substr(close + 2);
    }
  } else if (const auto colon = authority.find(':'); colon != std::string::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty() || host.find('@') != std::string::npos) {
    return badValue("server URL needs a host name (and no user name in it)");
  }
  if (port) {
    const bool digits =
        !port->empty() && port->size() <= 5 &&
        std::all_of(port->begin(), port->end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || std::stoi(*port) < 1 || std::stoi(*port) > 65535) {
      return badValue("server URL has a bad port");
    }
  }
  if (plain && !isLoopbackHost(host)) {
    return badValue("plain http:// is allowed only for a loopback host; use https://");
  }
  return {};
}

Status validateFolderId(const std::string& f) {
  if (f.empty() || f.size() > MaxFolderIdLength || hasControl(f)) {
    return badValue("folder id must be 1 to 64 characters without control characters");
  }
  return {};
}

// Base64url without padding (RFC 4648 section 5): device secrets are typed and pasted.
std::string base64Url(const std::string& in) {
  static constexpr char Alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    acc = (acc << 8) | static_cast<unsigned char>(c);
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += Alphabet[(acc >> bits) & 0x3F];
    }
  }
  if (bits > 0) {
    out += Alphabet[(acc << (6 - bits)) & 0x3F];
  }
  return out;
}

std::array<unsigned char, 32> sha256(const std::string& s) {
  std::array<unsigned char, 32> out{};
  unsigned int len = 0;
  EVP_Digest(s.data(), s.size(), out.data(), &len, EVP_sha256(), nullptr);
  return out;
}

}  // namespace

Status validatePartnership(const Partnership& p) {
  if (auto s = validateDeviceId(p.deviceId); !s.ok()) {
    return s;
  }
  if (p.deviceType.empty() || p.deviceType.size() > 64 ||
      !std::all_of(p.deviceType.begin(), p.deviceType.end(), isAlnum)) {
    return badValue("device type must be 1 to 64 ASCII letters or digits");
  }
  if (p.friendlyName.size() > MaxTextLength || hasControl(p.friendlyName)) {
    return badValue("friendly name is too long or contains control characters");
  }
  if (p.user.empty() || p.user.size() > MaxTextLength || hasControl(p.user)) {
    return badValue("user name must be 1 to 1024 characters without control characters");
  }
  if (auto s = validateServerUrl(p.serverUrl); !s.ok()) {
    return s;
  }
  if (p.caFile.size() > MaxPathLength || hasControl(p.caFile)) {
    return badValue("CA file path is too long or contains control characters");
  }
  if ((p.dataTypes & ~AllDataTypes) != 0) {
    return badValue("unknown data type bits " + std::to_string(p.dataTypes));
  }
  if (!knownPastDays(static_cast<int64_t>(p.email.pastDays))) {
    return badValue("unknown e-mail past-days value " +
                    std::to_string(static_cast<int>(p.email.pastDays)));
  }
  if (!knownSizeLimit(static_cast<int64_t>(p.email.sizeLimit))) {
    return badValue("unknown e-mail size limit " +
                    std::to_string(static_cast<uint32_t>(p.email.sizeLimit)));
  }
  const Schedule& s = p.schedule;
  if (!knownMode(static_cast<int64_t>(s.mode))) {
    return badValue("unknown schedule mode " + std::to_string(static_cast<int>(s.mode)));
  }
  if (!knownInterval(static_cast<int64_t>(s.peakInterval)) ||
      !knownInterval(static_cast<int64_t>(s.offPeakInterval))) {
    return badValue(
        "schedule interval must be 5, 10, 15, 30 or 60 minutes, 2 or 4 hours, or "
        "manual");
  }
  if (s.peakStartMinute >= 24 * 60 || s.peakEndMinute > 24 * 60) {
    return badValue("peak hours must lie within one day (minutes 0 to 1440)");
  }
  if ((s.peakDays & ~0x7F) != 0) {
    return badValue("peak days must be a 7-bit mask (bit 0 Sunday)");
  }
  if (!knownRoute(static_cast<int64_t>(p.route))) {
    return badValue("unknown route " + std::to_string(static_cast<int>(p.route)));
  }
  if (!knownState(static_cast<int64_t>(p.state))) {
    return badValue("unknown partnership state " + std::to_string(static_cast<int>(p.state)));
  }
  return {};
}

struct Store::Impl {
  Impl(const std::string& file, SecretBox b, Options o)
      : path(file), box(std::move(b)), options(std::move(o)), session("SQLite", file) {}

  std::string path;
  SecretBox box;
  Options options;
  mutable std::mutex mutex;  // guards session (a Poco session is not thread-safe)
  mutable Session session;

  UnixMillis clockNow() const { return options.clock ? options.clock() : systemMillis(); }

  Status migrate();

  // Runs body() in one transaction under the lock; commits when it returns ok.
  template <class T, class Body>
  Result<T> write(Body&& body);
  // Runs body() under the lock; database failures become errors.
  template <class T, class Body>
  Result<T> read(Body&& body) const;

  int64_t changes() const {
    int64_t n = 0;
    session << "SELECT changes()", into(n), now;
    return n;
  }
  std::optional<int64_t> rowId(const std::string& deviceId) const {
    std::vector<int64_t> ids;
    session << "SELECT id FROM partnerships WHERE device_id = ?", bind(deviceId), into(ids), now;
    return ids.empty() ? std::nullopt : std::optional<int64_t>(ids.front());
  }
  Result<int64_t> requireRowId(const std::string& deviceId) const {
    if (auto id = rowId(deviceId)) {
      return *id;
    }
    return badValue("no partnership for device " + deviceId);
  }
  Result<std::vector<Partnership>> selectPartnerships(const std::string& where,
                                                      const std::string& arg) const;
};

Status Store::Impl::migrate() {
  // Read the version inside the write transaction: two processes opening a new file at once
  // must not both create the schema.
  session << "BEGIN IMMEDIATE", now;
  try {
    int version = 0;
    session << "PRAGMA user_version", into(version), now;
    if (version > SchemaVersion) {
      session << "ROLLBACK", now;
      return badValue(path + ": the store has schema version " + std::to_string(version) +
                      ", newer than this program's " + std::to_string(SchemaVersion) +
                      "; use a newer cradle or another --state folder");
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
Result<T> Store::Impl::write(Body&& body) {
  std::lock_guard lock(mutex);
  try {
    // IMMEDIATE takes the write lock up front, so a writer in another connection makes us wait
    // (busy timeout) instead of failing when a deferred transaction tries to upgrade.
    session << "BEGIN IMMEDIATE", now;
    Result<T> r = body();
    session << (r.ok() ? "COMMIT" : "ROLLBACK"), now;
    return r;
  } catch (const std::exception& e) {
    try {
      session << "ROLLBACK", now;
    } catch (const std::exception&) {
      // No transaction was open (BEGIN failed) or the connection is broken: nothing to undo.
    }
    const auto* poco = dynamic_cast<const Poco::Exception*>(&e);
    return badValue("database: " + (poco ? poco->displayText() : std::string(e.what())));
  }
}

template <class T, class Body>
Result<T> Store::Impl::read(Body&& body) const {
  std::lock_guard lock(mutex);
  try {
    return body();
  } catch (const std::exception& e) {
    const auto* poco = dynamic_cast<const Poco::Exception*>(&e);
    return badValue("database: " + (poco ? poco->displayText() : std::string(e.what())));
  }
}

Result<std::vector<Partnership>> Store::Impl::selectPartnerships(const std::string& where,
                                                                 const std::string& arg) const {
  Statement st(session);
  const std::string sql =
      "SELECT " + std::string(PartnershipColumns) + " FROM partnerships " + where;
  if (arg.empty()) {
    st << sql;
  } else {
    st << sql, bind(arg);
  }
  st.execute();
  RecordSet rs(st);
  std::vector<Partnership> out;
  for (std::size_t row = 0; row < rs.rowCount(); ++row) {
    std::size_t col = 0;
    auto i64 = [&] { return rs.value(col++, row).convert<int64_t>(); };
    auto text = [&] { return rs.value(col++, row).convert<std::string>(); };
    Partnership p;
    p.id = i64();
    p.deviceId = text();
    p.deviceType = text();
    p.friendlyName = text();
    p.user = text();
    p.serverUrl = text();
    p.caFile = text();
    p.dataTypes = static_cast<uint8_t>(i64() & 0xFF);
    const int64_t pastDays = i64();
    const int64_t sizeLimit = i64();
    p.email.attachments = i64() != 0;
    p.email.attachmentMaxBytes = static_cast<uint32_t>(i64());
    const int64_t mode = i64();
    const int64_t peak = i64();
    const int64_t offPeak = i64();
    p.schedule.peakStartMinute = static_cast<uint16_t>(i64());
    p.schedule.peakEndMinute = static_cast<uint16_t>(i64());
    p.schedule.peakDays = static_cast<uint8_t>(i64() & 0xFF);
    const int64_t route = i64();
    const int64_t state = i64();
    p.pendingCredentialUpdate = i64() != 0;
    p.created = i64();
    p.updated = i64();
    // Another program may have written the file: refuse values we do not know rather than
    // guess a policy.
    if (!knownPastDays(pastDays) || !knownSizeLimit(sizeLimit) || !knownMode(mode) ||
        !knownInterval(peak) || !knownInterval(offPeak) || !knownRoute(route) ||
        !knownState(state)) {
      return badValue("partnership of device " + p.deviceId + " holds an unknown setting value");
    }
    p.email.pastDays = static_cast<EmailPastDays>(pastDays);
    p.email.sizeLimit = static_cast<EmailSizeLimit>(sizeLimit);
    p.schedule.mode = static_cast<ScheduleMode>(mode);
    p.schedule.peakInterval = static_cast<SyncInterval>(peak);
    p.schedule.offPeakInterval = static_cast<SyncInterval>(offPeak);
    p.route = static_cast<Route>(route);
    p.state = static_cast<PartnershipState>(state);
    out.push_back(std::move(p));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

const std::string& Store::path() const { return impl_->path; }

Result<std::unique_ptr<Store>> Store::open(const std::string& path, SecretBox box) {
  return open(path, std::move(box), Options{});
}

Result<std::unique_ptr<Store>> Store::open(const std::string& path, SecretBox box,
                                           Options options) {
  try {
    Poco::Data::SQLite::Connector::registerConnector();
    // Create the file owner-only before SQLite does (the -wal and -shm files copy its mode).
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
      return badValue(path + ": cannot create or open the store file");
    }
    const bool modeOk = ::fchmod(fd, 0600) == 0;
    ::close(fd);
    if (!modeOk) {
      return badValue(path + ": cannot make the store file owner-only (mode 0600)");
    }
    options.maxEvents = std::max<std::size_t>(options.maxEvents, 1);
    auto impl = std::make_unique<Impl>(path, std::move(box), std::move(options));
    Session& s = impl->session;
    std::string mode;
    s << "PRAGMA busy_timeout = 5000", now;
    s << "PRAGMA journal_mode = WAL", into(mode), now;
    if (mode != "wal") {
      return badValue(path + ": cannot switch the store to WAL mode (got " + mode + ")");
    }
    s << "PRAGMA foreign_keys = ON", now;
    s << "PRAGMA synchronous = NORMAL", now;
    if (auto migrated = impl->migrate(); !migrated.ok()) {
      return std::move(migrated).takeError();
    }
    return std::unique_ptr<Store>(new Store(std::move(impl)));
  } catch (const Poco::Exception& e) {
    return badValue(path + ": " + e.displayText());
  } catch (const std::exception& e) {
    return badValue(path + ": " + e.what());
  }
}

// ---- partnerships ----

Result<Partnership> Store::addPartnership(const Partnership& in) {
  if (auto s = validatePartnership(in); !s.ok()) {
    return std::move(s).takeError();
  }
  return impl_->write<Partnership>([&]() -> Result<Partnership> {
    if (impl_->rowId(in.deviceId)) {
      return badValue("device " + in.deviceId + " already has a partnership");
    }
    Partnership p = in;
    p.created = p.updated = impl_->clockNow();
    p.pendingCredentialUpdate = false;
    impl_->session << "INSERT INTO partnerships (device_id, device_type, friendly_name,"
                      " user_name, server_url, ca_file, data_types, email_past_days,"
                      " email_size_limit, attachments, attachment_max_bytes, schedule_mode,"
                      " peak_interval, off_peak_interval, peak_start, peak_end, peak_days, route,"
                      " state, pending_credential_update, created, updated)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
        bind(p.deviceId), bind(p.deviceType), bind(p.friendlyName), bind(p.user), bind(p.serverUrl),
        bind(p.caFile), bind(static_cast<int64_t>(p.dataTypes)),
        bind(static_cast<int64_t>(p.email.pastDays)), bind(static_cast<int64_t>(p.email.sizeLimit)),
        bind(static_cast<int64_t>(p.email.attachments)),
        bind(static_cast<int64_t>(p.email.attachmentMaxBytes)),
        bind(static_cast<int64_t>(p.schedule.mode)),
        bind(static_cast<int64_t>(p.schedule.peakInterval)),
        bind(static_cast<int64_t>(p.schedule.offPeakInterval)),
        bind(static_cast<int64_t>(p.schedule.peakStartMinute)),
        bind(static_cast<int64_t>(p.schedule.peakEndMinute)),
        bind(static_cast<int64_t>(p.schedule.peakDays)), bind(static_cast<int64_t>(p.route)),
        bind(static_cast<int64_t>(p.state)), bind(p.created), bind(p.updated), now;
    p.id = *impl_->rowId(p.deviceId);
    return p;
  });
}

Result<Partnership> Store::updatePartnership(const Partnership& in) {
  if (auto s = validatePartnership(in); !s.ok()) {
    return std::move(s).takeError();
  }
  return impl_->write<Partnership>([&]() -> Result<Partnership> {
    if (!impl_->rowId(in.deviceId)) {
      return badValue("no partnership for device " + in.deviceId);
    }
    const UnixMillis at = impl_->clockNow();
    impl_->session << "UPDATE partnerships SET device_type = ?, friendly_name = ?, user_name = ?,"
                      " server_url = ?, ca_file = ?, data_types = ?, email_past_days = ?,"
                      " email_size_limit = ?, attachments = ?, attachment_max_bytes = ?,"
                      " schedule_mode = ?, peak_interval = ?, off_peak_interval = ?,"
                      " peak_start = ?, peak_end = ?, peak_days = ?, route = ?, state = ?,"
                      " updated = ? WHERE device_id = ?",
        bind(in.deviceType), bind(in.friendlyName), bind(in.user), bind(in.serverUrl),
        bind(in.caFile), bind(static_cast<int64_t>(in.dataTypes)),
        bind(static_cast<int64_t>(in.email.pastDays)),
        bind(static_cast<int64_t>(in.email.sizeLimit)),
        bind(static_cast<int64_t>(in.email.attachments)),
        bind(static_cast<int64_t>(in.email.attachmentMaxBytes)),
        bind(static_cast<int64_t>(in.schedule.mode)),
        bind(static_cast<int64_t>(in.schedule.peakInterval)),
        bind(static_cast<int64_t>(in.schedule.offPeakInterval)),
        bind(static_cast<int64_t>(in.schedule.peakStartMinute)),
        bind(static_cast<int64_t>(in.schedule.peakEndMinute)),
        bind(static_cast<int64_t>(in.schedule.peakDays)), bind(static_cast<int64_t>(in.route)),
        bind(static_cast<int64_t>(in.state)), bind(at), bind(in.deviceId), now;
    auto rows = impl_->selectPartnerships("WHERE device_id = ?", in.deviceId);
    if (!rows.ok()) {
      return std::move(rows).takeError();
    }
    return rows->front();
  });
}

Status Store::setPartnershipState(const std::string& deviceId, PartnershipState state) {
  if (!knownState(static_cast<int64_t>(state))) {
    return badValue("unknown partnership state " + std::to_string(static_cast<int>(state)));
  }
  return impl_->write<void>([&]() -> Status {
    impl_->session << "UPDATE partnerships SET state = ?, updated = ? WHERE device_id = ?",
        bind(static_cast<int64_t>(state)), bind(impl_->clockNow()), bind(deviceId), now;
    if (impl_->changes() == 0) {
      return badValue("no partnership for device " + deviceId);
    }
    return {};
  });
}

Status Store::removePartnership(const std::string& deviceId) {
  return impl_->write<void>([&]() -> Status {
    // Foreign keys cascade to the secret, statistics and pending rows.
    impl_->session << "DELETE FROM partnerships WHERE device_id = ?", bind(deviceId), now;
    if (impl_->changes() == 0) {
      return badValue("no partnership for device " + deviceId);
    }
    return {};
  });
}

Result<std::optional<Partnership>> Store::partnership(const std::string& deviceId) const {
  return impl_->read<std::optional<Partnership>>([&]() -> Result<std::optional<Partnership>> {
    auto rows = impl_->selectPartnerships("WHERE device_id = ?", deviceId);
    if (!rows.ok()) {
      return std::move(rows).takeError();
    }
    if (rows->empty()) {
      return std::optional<Partnership>();
    }
    return std::optional<Partnership>(std::move(rows->front()));
  });
}

Result<std::vector<Partnership>> Store::partnerships() const {
  return impl_->read<std::vector<Partnership>>(
      [&] { return impl_->selectPartnerships("ORDER BY id", std::string()); });
}

// ---- credentials ----

Status Store::setCredential(const std::string& user, const std::string& serverUrl,
                            const std::string& password, bool markDevicesPending) {
  if (user.empty() || user.size() > MaxTextLength || hasControl(user)) {
    return badValue("user name must be 1 to 1024 characters without control characters");
  }
  if (auto s = validateServerUrl(serverUrl); !s.ok()) {
    return s;
  }
  auto sealed = impl_->box.seal(password, credentialContext(user, serverUrl));
  if (!sealed.ok()) {
    return std::move(sealed).takeError();
  }
  return impl_->write<void>([&]() -> Status {
    const UnixMillis at = impl_->clockNow();
    impl_->session << "INSERT INTO credentials (user_name, server_url, password, stale,"
                      " stale_since, updated) VALUES (?, ?, ?, 0, 0, ?)"
                      " ON CONFLICT (user_name, server_url) DO UPDATE SET"
                      " user_name = excluded.user_name, password = excluded.password, stale = 0,"
                      " stale_since = 0, updated = excluded.updated",
        bind(user), bind(serverUrl), bind(toBlob(*sealed)), bind(at), now;
    if (markDevicesPending) {
      impl_->session << "UPDATE partnerships SET pending_credential_update = 1, updated = ?"
                        " WHERE user_name = ? AND server_url = ? AND state = ?",
          bind(at), bind(user), bind(serverUrl),
          bind(static_cast<int64_t>(PartnershipState::Active)), now;
    }
    return {};
  });
}

Result<std::optional<Credential>> Store::credential(const std::string& user,
                                                    const std::string& serverUrl) const {
  return impl_->read<std::optional<Credential>>([&]() -> Result<std::optional<Credential>> {
    std::vector<std::string> users;
    std::vector<BLOB> sealed;
    std::vector<int64_t> stale, staleSince, updated;
    impl_->session << "SELECT user_name, password, stale, stale_since, updated FROM credentials"
                      " WHERE user_name = ? AND server_url = ?",
        bind(user), bind(serverUrl), into(users), into(sealed), into(stale), into(staleSince),
        into(updated), now;
    if (users.empty()) {
      return std::optional<Credential>();
    }
    // The stored user name (case as first given) is part of the sealing context.
    auto password = impl_->box.open(toString(sealed[0]), credentialContext(users[0], serverUrl));
    if (!password.ok()) {
      return badValue("credential of " + users[0] + " at " + serverUrl +
                      " cannot be opened: " + password.error().detail);
    }
    Credential c;
    c.user = users[0];
    c.serverUrl = serverUrl;
    c.password = std::move(password).value();
    c.stale = stale[0] != 0;
    c.staleSince = staleSince[0];
    c.updated = updated[0];
    return std::optional<Credential>(std::move(c));
  });
}

Result<bool> Store::markCredentialStale(const std::string& user, const std::string& serverUrl) {
  return impl_->write<bool>([&]() -> Result<bool> {
    int64_t count = 0;
    impl_->session << "SELECT COUNT(*) FROM credentials WHERE user_name = ? AND server_url = ?",
        bind(user), bind(serverUrl), into(count), now;
    if (count == 0) {
      return badValue("no credential for " + user + " at " + serverUrl);
    }
    impl_->session << "UPDATE credentials SET stale = 1, stale_since = ?"
                      " WHERE user_name = ? AND server_url = ? AND stale = 0",
        bind(impl_->clockNow()), bind(user), bind(serverUrl), now;
    return impl_->changes() != 0;
  });
}

Status Store::setPendingCredentialUpdate(const std::string& deviceId, bool pending) {
  return impl_->write<void>([&]() -> Status {
    impl_->session << "UPDATE partnerships SET pending_credential_update = ?, updated = ?"
                      " WHERE device_id = ?",
        bind(static_cast<int64_t>(pending)), bind(impl_->clockNow()), bind(deviceId), now;
    if (impl_->changes() == 0) {
      return badValue("no partnership for device " + deviceId);
    }
    return {};
  });
}

// ---- device secrets ----

Result<std::string> Store::createDeviceSecret(const std::string& deviceId) {
  const std::string raw = randomBytes(32);
  if (raw.size() != 32) {
    return badValue("cannot get random bytes for a device secret");
  }
  std::string secret = base64Url(raw);
  if (auto s = setDeviceSecret(deviceId, secret); !s.ok()) {
    return std::move(s).takeError();
  }
  return secret;
}

Status Store::setDeviceSecret(const std::string& deviceId, const std::string& secret) {
  if (secret.empty() || secret.size() > MaxTextLength) {
    return badValue("a device secret must be 1 to 1024 bytes long");
  }
  auto sealed = impl_->box.seal(secret, deviceSecretContext(deviceId));
  if (!sealed.ok()) {
    return std::move(sealed).takeError();
  }
  return impl_->write<void>([&]() -> Status {
    auto id = impl_->requireRowId(deviceId);
    if (!id.ok()) {
      return std::move(id).takeError();
    }
    impl_->session << "INSERT INTO device_secrets (partnership_id, secret, created)"
                      " VALUES (?, ?, ?) ON CONFLICT (partnership_id) DO UPDATE SET"
                      " secret = excluded.secret, created = excluded.created",
        bind(*id), bind(toBlob(*sealed)), bind(impl_->clockNow()), now;
    return {};
  });
}

Result<bool> Store::verifyDeviceSecret(const std::string& deviceId,
                                       const std::string& candidate) const {
  auto stored = impl_->read<std::string>([&]() -> Result<std::string> {
    std::vector<BLOB> sealed;
    impl_->session << "SELECT s.secret FROM device_secrets s"
                      " JOIN partnerships p ON p.id = s.partnership_id WHERE p.device_id = ?",
        bind(deviceId), into(sealed), now;
    return sealed.empty() ? std::string() : toString(sealed[0]);
  });
  if (!stored.ok()) {
    return std::move(stored).takeError();
  }
  if (stored->empty()) {
    return false;
  }
  auto secret = impl_->box.open(*stored, deviceSecretContext(deviceId));
  if (!secret.ok()) {
    return badValue("device secret of " + deviceId + " cannot be opened: " + secret.error().detail);
  }
  // Compare digests so that neither the content nor the length leaks through timing.
  const auto a = sha256(*secret);
  const auto b = sha256(candidate);
  OPENSSL_cleanse(secret->data(), secret->size());
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// ---- statistics ----

Status Store::addStatistics(const std::string& deviceId, const StatisticsDelta& d) {
  return impl_->write<void>([&]() -> Status {
    auto id = impl_->requireRowId(deviceId);
    if (!id.ok()) {
      return std::move(id).takeError();
    }
    const UnixMillis at = impl_->clockNow();
    impl_->session << "INSERT INTO statistics (partnership_id, updated) VALUES (?, ?)"
                      " ON CONFLICT (partnership_id) DO NOTHING",
        bind(*id), bind(at), now;
    const int64_t keepHeartbeat = d.heartbeatUpSeconds ? 0 : 1;
    impl_->session << "UPDATE statistics SET upstream_pings = upstream_pings + ?,"
                      " upstream_pings_died_early = upstream_pings_died_early + ?,"
                      " heartbeat_up_seconds = CASE WHEN ? THEN heartbeat_up_seconds ELSE ? END,"
                      " device_pings = device_pings + ?,"
                      " wakeups_delivered = wakeups_delivered + ?,"
                      " wakeups_saved = wakeups_saved + ?,"
                      " bytes_to_device = bytes_to_device + ?,"
                      " bytes_to_upstream = bytes_to_upstream + ?, updated = ?"
                      " WHERE partnership_id = ?",
        bind(d.upstreamPings), bind(d.upstreamPingsDiedEarly), bind(keepHeartbeat),
        bind(d.heartbeatUpSeconds.value_or(0)), bind(d.devicePings), bind(d.wakeupsDelivered),
        bind(d.wakeupsSaved), bind(d.bytesToDevice), bind(d.bytesToUpstream), bind(at), bind(*id),
        now;
    return {};
  });
}

Result<DeviceStatistics> Store::statistics(const std::string& deviceId) const {
  return impl_->read<DeviceStatistics>([&]() -> Result<DeviceStatistics> {
    auto id = impl_->requireRowId(deviceId);
    if (!id.ok()) {
      return std::move(id).takeError();
    }
    Statement st(impl_->session);
    st << "SELECT upstream_pings, upstream_pings_died_early, heartbeat_up_seconds, device_pings,"
          " wakeups_delivered, wakeups_saved, bytes_to_device, bytes_to_upstream, updated"
          " FROM statistics WHERE partnership_id = ?",
        bind(*id);
    st.execute();
    RecordSet rs(st);
    DeviceStatistics s;
    if (rs.rowCount() == 0) {
      return s;
    }
    std::size_t col = 0;
    auto i64 = [&] { return rs.value(col++, 0).convert<int64_t>(); };
    s.upstreamPings = i64();
    s.upstreamPingsDiedEarly = i64();
    s.heartbeatUpSeconds = i64();
    s.devicePings = i64();
    s.wakeupsDelivered = i64();
    s.wakeupsSaved = i64();
    s.bytesToDevice = i64();
    s.bytesToUpstream = i64();
    s.updated = i64();
    return s;
  });
}

// ---- pending changes ----

Result<int64_t> Store::addPending(const std::string& deviceId,
                                  const std::vector<std::string>& folderIds) {
  for (const auto& f : folderIds) {
    if (auto s = validateFolderId(f); !s.ok()) {
      return std::move(s).takeError();
    }
  }
  return impl_->write<int64_t>([&]() -> Result<int64_t> {
    auto id = impl_->requireRowId(deviceId);
    if (!id.ok()) {
      return std::move(id).takeError();
    }
    if (folderIds.empty()) {
      int64_t last = 0;
      impl_->session << "SELECT value FROM counters WHERE name = 'pending_seq'", into(last), now;
      return last;
    }
    impl_->session << "UPDATE counters SET value = value + 1 WHERE name = 'pending_seq'", now;
    int64_t seq = 0;
    impl_->session << "SELECT value FROM counters WHERE name = 'pending_seq'", into(seq), now;
    const UnixMillis at = impl_->clockNow();
    for (const auto& f : folderIds) {
      // A folder pending already moves to the new seq: acknowledging a batch taken before this
      // change (seq below the new one) must not drop it.
      impl_->session << "INSERT INTO pending (partnership_id, folder_id, seq, added)"
                        " VALUES (?, ?, ?, ?) ON CONFLICT (partnership_id, folder_id)"
                        " DO UPDATE SET seq = excluded.seq",
          bind(*id), bind(f), bind(seq), bind(at), now;
    }
    return seq;
  });
}

Result<PendingBatch> Store::takePending(const std::string& deviceId, int64_t upToSeq) const {
  return impl_->read<PendingBatch>([&]() -> Result<PendingBatch> {
    auto id = impl_->requireRowId(deviceId);
    if (!id.ok()) {
      return std::move(id).takeError();
    }
    std::vector<std::string> folders;
    std::vector<int64_t> seqs;
    impl_->session << "SELECT folder_id, seq FROM pending WHERE partnership_id = ? AND seq <= ?"
                      " ORDER BY seq, rowid",
        bind(*id), bind(upToSeq), into(folders), into(seqs), now;
    PendingBatch batch;
    batch.folderIds = std::move(folders);
    for (int64_t s : seqs) {
      batch.seq = std::max(batch.seq, s);
    }
    return batch;
  });
}

Status Store::acknowledgePending(const std::string& deviceId, int64_t seq) {
  return impl_->write<void>([&]() -> Status {
    auto id = impl_->requireRowId(deviceId);
    if (!id.ok()) {
      return std::move(id).takeError();
    }
    impl_->session << "DELETE FROM pending WHERE partnership_id = ? AND seq <= ?", bind(*id),
        bind(seq), now;
    return {};
  });
}

Status Store::clearPending(const std::string& deviceId) {
  return acknowledgePending(deviceId, std::numeric_limits<int64_t>::max());
}

// ---- event log ----

Result<int64_t> Store::addEvent(const std::string& deviceId, const std::string& kind,
                                const std::string& text) {
  if (kind.empty() || kind.size() > 64 || hasControl(kind) || text.size() > MaxTextLength * 4 ||
      deviceId.size() > 64) {
    return badValue("event kind must be 1 to 64 characters and text at most 4096");
  }
  return impl_->write<int64_t>([&]() -> Result<int64_t> {
    impl_->session << "INSERT INTO events (at, device_id, kind, text) VALUES (?, ?, ?, ?)",
        bind(impl_->clockNow()), bind(deviceId), bind(kind), bind(text), now;
    int64_t seq = 0;
    impl_->session << "SELECT last_insert_rowid()", into(seq), now;
    impl_->session << "DELETE FROM events WHERE seq <= (SELECT seq FROM events ORDER BY seq DESC"
                      " LIMIT 1 OFFSET ?)",
        bind(static_cast<int64_t>(impl_->options.maxEvents)), now;
    return seq;
  });
}

Result<std::vector<Event>> Store::eventsSince(int64_t afterSeq, std::size_t limit) const {
  return impl_->read<std::vector<Event>>([&]() -> Result<std::vector<Event>> {
    std::vector<int64_t> seqs, ats;
    std::vector<std::string> devices, kinds, texts;
    impl_->session << "SELECT seq, at, device_id, kind, text FROM events WHERE seq > ?"
                      " ORDER BY seq LIMIT ?",
        bind(afterSeq), bind(static_cast<int64_t>(std::min<std::size_t>(limit, 1000000))),
        into(seqs), into(ats), into(devices), into(kinds), into(texts), now;
    std::vector<Event> out(seqs.size());
    for (std::size_t i = 0; i < seqs.size(); ++i) {
      out[i] =
          Event{seqs[i], ats[i], std::move(devices[i]), std::move(kinds[i]), std::move(texts[i])};
    }
    return out;
  });
}

Status Store::pruneEvents(std::size_t keep) {
  return impl_->write<void>([&]() -> Status {
    if (keep == 0) {
      impl_->session << "DELETE FROM events", now;
      return {};
    }
    impl_->session << "DELETE FROM events WHERE seq <= (SELECT seq FROM events ORDER BY seq DESC"
                      " LIMIT 1 OFFSET ?)",
        bind(static_cast<int64_t>(keep)), now;
    return {};
  });
}

}  // namespace cradle::bridge
