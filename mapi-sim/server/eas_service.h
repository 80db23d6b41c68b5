// EasService: the EAS endpoint of mapi-sim. Takes requests from the HTTP server's loop, does
// authentication, the request line, provisioning and policy checks on a worker, dispatches to
// the command handlers, parks Pings in the PushHub, and maps every outcome to the wire.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "eas/version.h"
#include "mapi-sim/mailbox/mailbox.h"
#include "mapi-sim/policy/server_settings.h"
#include "mapi-sim/server/event_log.h"
#include "mapi-sim/server/faults.h"
#include "mapi-sim/server/push_hub.h"
#include "mapi-sim/server/work_queue.h"
#include "net/http_server.h"

namespace mapisim {

struct EasStats {
  uint64_t requests = 0;
  uint64_t unauthorized = 0;
  uint64_t badRequests = 0;
  uint64_t smsNotifications = 0;   // AUTD: notifications POSTed to devices' SMS gateways
  uint64_t smtpNotifications = 0;  // notifications to users' own SMTP addresses
  std::size_t heldPings = 0;
  uint64_t pingWakeups = 0;
  uint64_t pingExpiries = 0;
};

// Thread-safe. handle() is the HttpServer handler (loop thread); everything else may be called
// from the admin API's worker.
class EasService {
 public:
  EasService(Mailbox& mailbox, EventLog& log, Faults& faults, WorkQueue& work, bool tls);
  ~EasService();

  void handle(std::shared_ptr<cradle::net::HttpExchange> exchange);

  // Settings: read at start from the mailbox, replaced by the admin API (and saved there).
  std::shared_ptr<const ServerSettings> settings() const;
  cradle::eas::Status setSettings(const ServerSettings& s);

  // The user's password changed: forget cached credentials at once.
  void forgetCredentials(const std::string& userName);
  // AUTD: where a device's notifications go (empty url: none).
  cradle::eas::Status setNotifyUrl(const std::string& deviceId, const std::string& url);
  // A user's own SMTP address for change notifications (empty: none).
  void setNotifySmtp(const std::string& userName, const std::string& address);

  PushHub& hub() { return *hub_; }
  EasStats stats() const;
  std::vector<cradle::eas::ProtocolVersion> versions() const;
  // Called after every committed mailbox change (wired to Mailbox's listener).
  void onChange(const ChangeNotice& notice);
  // Stops the AUTD notifier thread (before the loop and the work queue stop).
  void shutdown();

 private:
  struct Notifier;
  void process(const std::shared_ptr<cradle::net::HttpExchange>& ex, const FaultPlan& plan);
  void autodiscover(const std::shared_ptr<cradle::net::HttpExchange>& ex);
  void loadNotifyTargets();

  Mailbox& mailbox_;
  EventLog& log_;
  Faults& faults_;
  WorkQueue& work_;
  bool tls_;
  std::unique_ptr<PushHub> hub_;
  std::unique_ptr<Notifier> notifier_;

  mutable std::mutex mutex_;
  std::shared_ptr<const ServerSettings> settings_;
  std::unordered_map<std::string, std::string> credentialCache_;  // user -> SHA-256 of password
  std::unordered_map<int64_t, std::vector<std::string>> notifyUrls_;  // userId -> gateway URLs
  std::unordered_map<std::string, std::string> notifySmtp_;          // user -> address
  std::unordered_map<int64_t, std::string> pingCache_;               // device row -> params

  std::atomic<uint64_t> requests_{0};
  std::atomic<uint64_t> unauthorized_{0};
  std::atomic<uint64_t> badRequests_{0};
  std::atomic<uint64_t> sms_{0};
  std::atomic<uint64_t> smtp_{0};
};

}  // namespace mapisim
