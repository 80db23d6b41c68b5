// Mailbox: mapi-sim's store of users, folders, items, devices and the change journal, in one
// SQLite file (WAL) through Poco::Data.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "eas/message/app_data.h"
#include "eas/message/folder_sync.h"
#include "eas/result.h"

namespace mapisim {

using cradle::eas::FolderType;
using cradle::eas::ItemClass;
using cradle::eas::Result;
using cradle::eas::Status;

using UnixMillis = int64_t;  // milliseconds since 1970-01-01 UTC

struct UserRecord {
  int64_t id = 0;
  std::string name;           // log-in name, unique, case-insensitive
  std::string email;          // "name@example.com" unless given
  std::string policy;         // per-user policy name ("" = the global one)
  bool policyExempt = false;  // on the Device Security exceptions list
};

struct FolderRecord {
  int64_t id = 0;
  int64_t userId = 0;
  std::string serverId;        // EAS ServerId, short decimal text, unique per user ("5")
  std::string parentServerId;  // "0" at the root
  std::string displayName;
  FolderType type = FolderType::UserMail;
  ItemClass itemClass() const;  // Email for mail types, Calendar, Contacts, Tasks, Notes
};

// One item. E-mail is kept as its MIME message plus the fields derived from it (and the flags a
// device may change); the other classes as their typed record. serverId is "<folder>:<n>".
struct ItemRecord {
  int64_t id = 0;
  int64_t folderId = 0;
  std::string serverId;
  int64_t version = 1;  // bumped on every change; Sync compares it with what a device has
  UnixMillis received =
      0;             // e-mail DateReceived (delivery, ms), calendar StartTime, others: created
  std::string mime;  // e-mail only: the RFC 5322 message as delivered
  cradle::eas::ApplicationData data;  // e-mail: derived fields + Read/Flag; others: the record
};

// One device as the server knows it (Provision, Settings, RemoteWipe, `mapi-sim devices`).
struct DeviceRecord {
  int64_t id = 0;
  int64_t userId = 0;
  std::string deviceId;  // canonical form (eas::canonicalDeviceId)
  std::string deviceType;
  std::string userAgent;
  std::string protocolVersion;    // last MS-ASProtocolVersion seen
  uint32_t policyKey = 0;         // 0: not provisioned
  uint32_t pendingPolicyKey = 0;  // issued in phase 1, waits for the acknowledgement
  UnixMillis policyIssued = 0;    // when policyKey became valid (refresh interval)
  bool nonProvisionable = false;  // acknowledged with status 2 (cannot enforce)
  enum class Wipe : uint8_t { None, Requested, Sent, Done } wipe = Wipe::None;
  std::string deviceInfo;  // Settings DeviceInformation as "Name: value" lines
  std::string notifyUrl;   // AUTD: the SMS gateway URL the device registered
  UnixMillis firstSeen = 0;
  UnixMillis lastSeen = 0;
};

// One committed change, as the journal and the change listener see it.
struct ChangeNotice {
  int64_t userId = 0;
  std::vector<int64_t> folderIds;  // folders whose content changed
  bool hierarchyChanged = false;   // a folder was added, renamed, moved or deleted
  int64_t seq = 0;                 // journal sequence number of the last change committed
};

// A new e-mail: either a MIME message, or subject/body/from from which a MIME message is built.
// deliveredAt 0 means now.
struct NewMail {
  std::string mime;
  std::string subject, body, from, to;
  UnixMillis deliveredAt = 0;
};

// The store. Every public method is thread-safe (one connection behind a mutex) and each
// change is one transaction; the journal row(s) commit with it. After a change commits, the
// change listener is called on the calling thread, outside the lock.
// Errors are values: BadValue (unknown user, duplicate name, bad argument) with a plain detail.
class Mailbox {
 public:
  // Opens or creates the database file `path`, normally DIR/mailbox.db (an existing directory
  // stands for its mailbox.db). A new file is created with mode 0600. WAL, foreign keys, busy
  // timeout 5 s, schema migrated to the current version with PRAGMA user_version. Throws
  // nothing; a failure is an Error with the path.
  static Result<std::unique_ptr<Mailbox>> open(const std::string& path);
  ~Mailbox();

  void setChangeListener(std::function<void(const ChangeNotice&)> listener);

  // Users. addUser creates the default folders: Inbox, Drafts, Deleted Items, Sent Items,
  // Outbox, Calendar, Contacts, Tasks, Notes. Passwords are stored as PBKDF2-HMAC-SHA256.
  Result<UserRecord> addUser(const std::string& name, const std::string& password,
                             const std::string& email);
  std::optional<UserRecord> findUser(const std::string& name) const;
  std::optional<UserRecord> userById(int64_t id) const;
  std::vector<UserRecord> users() const;
  bool checkPassword(const std::string& name, const std::string& password) const;
  Status setPassword(const std::string& name, const std::string& password);
  Status setUserPolicy(const std::string& name, const std::string& policy, bool exempt);

  // Folders.
  std::vector<FolderRecord> folders(int64_t userId) const;
  std::optional<FolderRecord> folder(int64_t userId, const std::string& serverId) const;
  std::optional<FolderRecord> folderByType(int64_t userId, FolderType type) const;
  Result<FolderRecord> createFolder(int64_t userId, const std::string& parentServerId,
                                    const std::string& displayName, FolderType type);
  Status updateFolder(int64_t userId, const std::string& serverId,
                      const std::string& parentServerId, const std::string& displayName);
  Status deleteFolder(int64_t userId, const std::string& serverId);  // with its items
  // Bumped by every hierarchy change of the user (FolderSync compares it).
  int64_t hierarchyVersion(int64_t userId) const;

  // Items. ServerIds are "<folder ServerId>:<n>", n counting up per folder and never reused.
  // The item's class must match the folder's (Notes folders take no typed items).
  // deliverMail stores the message into the Inbox: mail.mime as given, or a text/plain message
  // built from subject/body/from/to; DateReceived and `received` are the delivery time (ms),
  // Read is false, and the other EmailItem fields come from the MIME (completeFromMime in
  // mail_builder.h; attachment n, 0-based, gets FileReference "<ServerId>:<n>").
  Result<ItemRecord> deliverMail(int64_t userId, const NewMail& mail);  // into the Inbox
  // For an e-mail with a non-empty mime, fields the data leaves unset are filled from the MIME.
  Result<ItemRecord> addItem(int64_t userId, const std::string& folderServerId,
                             const cradle::eas::ApplicationData& data,
                             const std::string& mime = {});
  // Replaces the item's data (and mime when non-empty, filling unset e-mail fields from it);
  // version + 1.
  Result<ItemRecord> updateItem(int64_t userId, const std::string& serverId,
                                const cradle::eas::ApplicationData& data,
                                const std::string& mime = {});
  Status deleteItem(int64_t userId, const std::string& serverId);
  // Moves to another folder of the user (same class): a new serverId there, version + 1,
  // attachment FileReferences renumbered; journal rows in both folders.
  Result<ItemRecord> moveItem(int64_t userId, const std::string& serverId,
                              const std::string& toFolderServerId);
  std::optional<ItemRecord> item(int64_t userId, const std::string& serverId) const;
  // Items of a folder received at or after `since` (0: all), oldest first.
  std::vector<ItemRecord> items(int64_t folderId, UnixMillis since = 0) const;
  // Latest journal sequence number touching the folder (0 when none); cached in memory.
  int64_t folderChangeSeq(int64_t folderId) const;
  int64_t lastSeq() const;

  // Devices (created on first contact).
  DeviceRecord touchDevice(int64_t userId, const std::string& deviceId,
                           const std::string& deviceType, const std::string& userAgent,
                           const std::string& protocolVersion);
  std::optional<DeviceRecord> device(int64_t userId, const std::string& deviceId) const;
  std::optional<DeviceRecord> deviceByDeviceId(const std::string& deviceId) const;
  std::vector<DeviceRecord> devices() const;
  Status saveDevice(const DeviceRecord& device);  // by id; every mutable field

  // Small key/value tables for the server's settings and named policies (values are JSON text
  // owned by the policy/ and settings code).
  std::optional<std::string> setting(const std::string& key) const;
  Status setSetting(const std::string& key, const std::string& value);

  // Opaque per-device state blobs for the handlers (FolderSync and Sync state, see state/):
  // key is e.g. "foldersync" or "sync:<collection>". Saved in the same transaction style.
  std::optional<std::string> deviceState(int64_t deviceRowId, const std::string& key) const;
  Status setDeviceState(int64_t deviceRowId, const std::string& key, const std::string& value);
  Status clearDeviceState(int64_t deviceRowId);  // wipe / re-provision: forget sync state

 private:
  struct Impl;
  explicit Mailbox(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace mapisim
