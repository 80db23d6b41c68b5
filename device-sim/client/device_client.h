// One simulated handheld's EAS client: provisioning, folder and item sync, Direct Push, schedule.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "device-sim/client/event_log.h"
#include "device-sim/heartbeat/adaptive_heartbeat.h"
#include "device-sim/profiles/profile.h"
#include "device-sim/schedule/schedule.h"
#include "device-sim/store/device_store.h"
#include "eas/http/commands.h"
#include "eas/message/app_data.h"
#include "eas/message/folder_sync.h"
#include "eas/message/ping.h"
#include "eas/message/sync.h"
#include "eas/wbxml/document.h"
#include "net/http_client.h"

namespace devicesim {

// Everything `device-sim run` was told. The password is the mailbox password (--server) or the
// device secret the bridge issued (--bridge); both travel as HTTP Basic credentials.
struct DeviceConfig {
  Profile profile;
  std::string url;
  bool viaBridge = false;
  std::string caFile;
  std::string user;
  std::string password;
  std::string deviceId;  // empty: the one kept in the store, else a new random one
  std::vector<cradle::eas::ItemClass> types{
      cradle::eas::ItemClass::Email, cradle::eas::ItemClass::Contacts,
      cradle::eas::ItemClass::Calendar, cradle::eas::ItemClass::Tasks};
  cradle::eas::FilterType emailFilter = cradle::eas::FilterType::ThreeDays;  // WM default
  std::optional<uint32_t> emailSizeBytes = 512;  // WM default 0.5 KB; nullopt: entire message
  std::optional<ScheduleConfig> schedule;        // nullopt: As items arrive when the device can
  uint32_t timeScale = 1;
  uint64_t maxPushes = 0;                 // 0: no limit
  std::optional<std::string> sendMailTo;  // one SendMail after the initial sync
  // Up-to-date notifications (Exchange 2003 AUTD) instead of Direct Push: the device listens on
  // 127.0.0.1 for the server's notices (the stand-in for an SMS) and syncs on each one.
  bool autd = false;
};

// Exit codes of run().
inline constexpr int ExitOk = 0;
inline constexpr int ExitError = 1;       // Ping status 4, unusable server, store failure
inline constexpr int ExitAuthFailed = 3;  // HTTP 401: the password was refused

// The device loop: blocking, on the calling thread (one device, one BlockingHttpClient).
// Provision (both policy types) -> Settings (12.0+) -> FolderSync -> initial Sync of the default
// folders of the selected types -> Ping (As items arrive) or Sync at the schedule's times.
// Events: provisioned, folder-sync, item-added (latencyMs for e-mail only: the other classes
// carry no delivery time), push-woke, heartbeat-changed, ping-died, ping-folders-reduced, sync
// (scheduled), mail-sent, wiped, error.
// run() returns after --max-pushes, a wipe, or a fatal error; SIGTERM / --duration are handled
// by the caller (it prints log.summary() and exits). Events go to `log`.
class DeviceClient {
 public:
  DeviceClient(DeviceConfig config, std::unique_ptr<DeviceStore> store, EventLog& log);
  ~DeviceClient();
  int run();

 private:
  int autdLoop();
  struct Reply;
  Reply call(cradle::eas::Command cmd, const std::string& body, int64_t timeoutMs,
             const std::string& contentType = "application/vnd.ms-sync.wbxml",
             bool saveInSent = false);
  bool provision();
  void settings();
  bool folderSync();
  void resetHierarchy();  // drops every folder and item, FolderSync from 0, initial Sync
  bool syncFolders(const std::vector<std::string>& folderIds, bool initial);
  bool syncOnce(const std::vector<std::string>& folderIds, bool initial, bool& more);
  void applyCommands(const std::string& folderId, cradle::eas::ItemClass cls,
                     const std::vector<cradle::eas::SyncServerCommand>& commands, bool initial);
  bool sendMail(const std::string& to);
  void pingCycle();
  void scheduledCycle(const SyncSchedule& schedule);
  std::vector<std::string> selectedFolders();
  std::optional<cradle::eas::ItemClass> classOfFolder(const std::string& folderId);
  void heartbeatChanged(uint32_t from, HeartbeatChange change);
  void fail(const std::string& message, int exitCode);
  void sleepMs(int64_t ms);

  DeviceConfig config_;
  std::unique_ptr<DeviceStore> store_;
  EventLog& log_;
  std::unique_ptr<cradle::net::BlockingHttpClient> http_;
  cradle::eas::ProtocolVersion version_;
  AdaptiveHeartbeat heartbeat_;
  uint32_t policyKey_ = 0;
  size_t maxPingFolders_ = 0;  // 0: no limit; set by Ping status 6
  bool fullPingNext_ = true;
  uint32_t serverErrorBackoffMs_ = 1000;
  uint32_t folderSyncRequired_ = 0;  // successive Ping status 7 answers
  bool stop_ = false;
  int exitCode_ = ExitOk;
};

}  // namespace devicesim
