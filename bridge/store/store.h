// Store: the bridge's persistent state (partnerships, sealed credentials and device secrets,
// statistics, pending changes, event log) in one SQLite file (WAL) through Poco::Data.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bridge/store/secret_box.h"
#include "eas/result.h"

namespace cradle::bridge {

using UnixMillis = int64_t;  // milliseconds since 1970-01-01 UTC

// Data types a device syncs; a bitmask of these is Partnership::dataTypes.
enum class DataType : uint8_t { Contacts = 1, Calendar = 2, Email = 4, Tasks = 8 };
inline constexpr uint8_t AllDataTypes = 0x0F;
inline constexpr bool hasDataType(uint8_t mask, DataType t) {
  return (mask & static_cast<uint8_t>(t)) != 0;
}

// E-mail "past days" (the policy maps it to Sync FilterType, MS-ASCMD 2.2.3.68).
enum class EmailPastDays : uint8_t {
  All = 0,
  OneDay = 1,
  ThreeDays = 3,
  OneWeek = 7,
  TwoWeeks = 14,
  OneMonth = 31,
};

// E-mail body size limit in bytes (the policy maps it to truncation in Sync Options).
enum class EmailSizeLimit : uint32_t {
  HeadersOnly = 0,
  HalfK = 512,
  K1 = 1024,
  K2 = 2048,
  K5 = 5 * 1024,
  K10 = 10 * 1024,
  K20 = 20 * 1024,
  K50 = 50 * 1024,
  K100 = 100 * 1024,
  Entire = 0xFFFFFFFF,
};

struct EmailLimits {
  EmailPastDays pastDays = EmailPastDays::ThreeDays;
  EmailSizeLimit sizeLimit = EmailSizeLimit::K5;
  bool attachments = false;
  uint32_t attachmentMaxBytes = 0;  // 0: no cap (when attachments are on)
};

enum class ScheduleMode : uint8_t { AsItemsArrive = 0, Scheduled = 1 };

// Delivery interval in minutes; Manual: only when the user syncs.
enum class SyncInterval : uint16_t {
  Manual = 0,
  Min5 = 5,
  Min10 = 10,
  Min15 = 15,
  Min30 = 30,
  Hour1 = 60,
  Hours2 = 120,
  Hours4 = 240,
};

struct Schedule {
  ScheduleMode mode = ScheduleMode::AsItemsArrive;
  SyncInterval peakInterval = SyncInterval::Min15;
  SyncInterval offPeakInterval = SyncInterval::Hour1;
  uint16_t peakStartMinute = 8 * 60;  // minutes after local midnight, 0..1439
  uint16_t peakEndMinute = 18 * 60;   // 0..1440; start > end means the peak spans midnight
  uint8_t peakDays = 0x3E;            // bit 0 Sunday .. bit 6 Saturday; default Monday-Friday
};

enum class Route : uint8_t { Usb = 1, Lan = 2 };
enum class PartnershipState : uint8_t { Active = 1, Revoked = 2 };

// One paired device: its ids, server profile and per-device policy.
struct Partnership {
  int64_t id = 0;          // row id, set by the store
  std::string deviceId;    // eas::canonicalDeviceId form: 1..64 ASCII letters/digits, unique
  std::string deviceType;  // as the device sends it ("PocketPC", "SmartPhone")
  std::string friendlyName;
  std::string user;       // upstream user name
  std::string serverUrl;  // https://host[:port]; http:// only for a loopback host
  std::string caFile;     // pinned CA file for the upstream; empty: the system trust store
  uint8_t dataTypes = AllDataTypes;
  EmailLimits email;
  Schedule schedule;
  Route route = Route::Lan;
  PartnershipState state = PartnershipState::Active;
  bool pendingCredentialUpdate = false;  // set by setCredential/setPendingCredentialUpdate only
  UnixMillis created = 0;                // set by the store
  UnixMillis updated = 0;                // set by the store
};

// An upstream credential (user at server), opened from its sealed form.
struct Credential {
  std::string user;
  std::string serverUrl;
  std::string password;       // plaintext: never log it
  bool stale = false;         // the upstream refused it (401); no retries until it is replaced
  UnixMillis staleSince = 0;  // when it was marked stale; 0 when fresh
  UnixMillis updated = 0;
};

// Heartbeat and push counters of one device. Counters only grow; heartbeatUpSeconds is the
// current upstream heartbeat H_up (0: none yet).
struct DeviceStatistics {
  int64_t upstreamPings = 0;
  int64_t upstreamPingsDiedEarly = 0;  // ended by the network before their heartbeat
  int64_t heartbeatUpSeconds = 0;
  int64_t devicePings = 0;
  int64_t wakeupsDelivered = 0;
  int64_t wakeupsSaved = 0;  // changes held back by the schedule instead of waking the device
  int64_t bytesToDevice = 0;
  int64_t bytesToUpstream = 0;
  UnixMillis updated = 0;
};

// Increments for DeviceStatistics; heartbeatUpSeconds replaces the stored value when set.
struct StatisticsDelta {
  int64_t upstreamPings = 0;
  int64_t upstreamPingsDiedEarly = 0;
  std::optional<int64_t> heartbeatUpSeconds;
  int64_t devicePings = 0;
  int64_t wakeupsDelivered = 0;
  int64_t wakeupsSaved = 0;
  int64_t bytesToDevice = 0;
  int64_t bytesToUpstream = 0;
};

// Folders with changes a device has not acknowledged yet. seq is the highest sequence number
// among them (0: nothing pending); acknowledging seq removes exactly these entries.
struct PendingBatch {
  std::vector<std::string> folderIds;  // distinct, in the order their changes arrived
  int64_t seq = 0;
};

// One entry of the user-visible event log. Never holds secrets.
struct Event {
  int64_t seq = 0;
  UnixMillis at = 0;
  std::string deviceId;  // empty: not about one device
  std::string kind;      // short machine word, e.g. "credential-stale", "upstream-tls"
  std::string text;      // plain words for the user
};

// The store. One SQLite connection behind a mutex: every public method is thread-safe and each
// change is one transaction (BEGIN IMMEDIATE, so writers in other processes wait on the busy
// timeout instead of failing). Several Store objects (or processes) may open the same file.
// Errors are values, never exceptions: ErrorCode::BadValue with a plain detail (validation,
// "no partnership for device X", database failures as "database: ..."). Secrets are sealed with
// the SecretBox given at open; details never contain them.
class Store {
 public:
  struct Options {
    std::size_t maxEvents = 10000;      // older events are pruned as new ones are added
    std::function<UnixMillis()> clock;  // defaults to the system clock
  };

  static constexpr int SchemaVersion = 1;

  // Opens or creates the database file `path` (created with mode 0600 before SQLite touches it;
  // its -wal and -shm files take the same mode). WAL, foreign keys, busy timeout 5 s; the schema
  // is migrated forward with PRAGMA user_version, and a file from a newer version is refused.
  static Result<std::unique_ptr<Store>> open(const std::string& path, SecretBox box,
                                             Options options);
  static Result<std::unique_ptr<Store>> open(const std::string& path, SecretBox box);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::string& path() const;

  // ---- partnerships ----
  // Validates every field (device id form, known enum values, URL form, ranges) and refuses a
  // device id that already has a partnership. Returns the stored record (id, times set).
  Result<Partnership> addPartnership(const Partnership& p);
  // Replaces the settings of the partnership with p.deviceId (id, created and
  // pendingCredentialUpdate are kept).
  Result<Partnership> updatePartnership(const Partnership& p);
  Status setPartnershipState(const std::string& deviceId, PartnershipState state);
  // Removes the partnership with its device secret, statistics and pending changes.
  Status removePartnership(const std::string& deviceId);
  Result<std::optional<Partnership>> partnership(const std::string& deviceId) const;
  Result<std::vector<Partnership>> partnerships() const;  // ordered by creation

  // ---- upstream credentials (user at server) ----
  // Stores (or replaces) the sealed password and clears the stale mark. With
  // markDevicesPending, every active partnership of this user and server gets a pending
  // credential update, in the same transaction.
  Status setCredential(const std::string& user, const std::string& serverUrl,
                       const std::string& password, bool markDevicesPending);
  Result<std::optional<Credential>> credential(const std::string& user,
                                               const std::string& serverUrl) const;
  // Marks the credential stale; true when this call changed it from fresh to stale (so the
  // caller raises the event once), false when it was stale already.
  Result<bool> markCredentialStale(const std::string& user, const std::string& serverUrl);
  Status setPendingCredentialUpdate(const std::string& deviceId, bool pending);

  // ---- device secrets ----
  // Makes a new random secret (43 characters, base64url without padding), stores it sealed in
  // place of any earlier one and returns it: the only time it is visible.
  Result<std::string> createDeviceSecret(const std::string& deviceId);
  Status setDeviceSecret(const std::string& deviceId, const std::string& secret);
  // Constant-time comparison with the stored secret; false when there is none. The
  // partnership's state is not checked here: the caller answers a revoked device 403.
  Result<bool> verifyDeviceSecret(const std::string& deviceId, const std::string& candidate) const;

  // ---- statistics ----
  Status addStatistics(const std::string& deviceId, const StatisticsDelta& delta);
  Result<DeviceStatistics> statistics(const std::string& deviceId) const;

  // ---- pending changes ----
  // Records changes in folderIds for the device. Each folder is pending at most once; a folder
  // already pending moves to the new sequence number, so an acknowledgement of an earlier batch
  // does not drop the newer change. Returns the new sequence number (monotonic, never reused,
  // also across restarts).
  Result<int64_t> addPending(const std::string& deviceId,
                             const std::vector<std::string>& folderIds);
  // The device's pending folders with seq <= upToSeq; nothing is removed.
  Result<PendingBatch> takePending(const std::string& deviceId,
                                   int64_t upToSeq = std::numeric_limits<int64_t>::max()) const;
  // Removes the device's pending entries with seq <= seq (idempotent).
  Status acknowledgePending(const std::string& deviceId, int64_t seq);
  Status clearPending(const std::string& deviceId);

  // ---- event log ----
  // Appends an event and prunes beyond Options::maxEvents. Returns its sequence number.
  Result<int64_t> addEvent(const std::string& deviceId, const std::string& kind,
                           const std::string& text);
  // Events with seq > afterSeq, oldest first, at most `limit`.
  Result<std::vector<Event>> eventsSince(int64_t afterSeq, std::size_t limit = 1000) const;
  // Keeps the newest `keep` events.
  Status pruneEvents(std::size_t keep);

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Checks a partnership's fields without touching the database (used by add/update).
Status validatePartnership(const Partnership& p);

}  // namespace cradle::bridge
