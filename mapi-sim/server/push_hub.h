// PushHub: held Direct Push Pings. A Ping parks its HTTP exchange here (no thread) until a
// change in one of its folders, the end of its heartbeat, or a newer request from its device.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "eas/message/ping.h"
#include "mapi-sim/mailbox/mailbox.h"
#include "mapi-sim/server/event_log.h"
#include "net/http_server.h"

namespace mapisim {

// What one held Ping watches.
struct PingWatch {
  int64_t userId = 0;
  DeviceRecord device;                 // for the pending-change check
  std::vector<std::string> folderIds;  // ServerIds as the device sent them
  std::vector<int64_t> folderRows;     // Mailbox folder ids, same order
  uint32_t heartbeatSeconds = 0;
  uint32_t dropAfterMs = 0;            // fault: cut the connection after this long (0: never)
};

// Thread-safe: hold() runs on a worker, onChange() on whichever thread committed the change,
// timers and peer-close callbacks on the exchange's loop. Every held Ping is answered exactly
// once (or dropped without an answer when its client left or a fault cuts it).
// The no-lost-wake rule: hold() registers the Ping before it checks for pending changes, so a
// change that commits between the device's last Sync and its Ping either is seen by the check
// or wakes the registered Ping.
class PushHub {
 public:
  using Respond = std::function<void(cradle::net::HttpExchange&, const cradle::eas::PingResponse&)>;

  PushHub(Mailbox& mailbox, EventLog& log, Respond respond, uint32_t alertWindow = 200,
          uint32_t alertThresholdSeconds = 540);
  ~PushHub();

  void hold(std::shared_ptr<cradle::net::HttpExchange> exchange, PingWatch watch);
  void onChange(const ChangeNotice& notice);
  // A newer request from the device ends its held Ping with status 1 (it is obsolete).
  void endHeld(int64_t deviceRowId);
  // Fault: close every held Ping's connection without an answer.
  void dropAll();
  // Shutdown: answer every held Ping with status 1.
  void drain();

  std::size_t held() const;
  uint64_t wakeups() const { return wakeups_.load(); }    // answered with status 2
  uint64_t expiries() const { return expiries_.load(); }  // answered with status 1
  void setAlertBounds(uint32_t window, uint32_t thresholdSeconds);

 private:
  struct Held;
  bool claim(const std::shared_ptr<Held>& h);
  void finish(const std::shared_ptr<Held>& h, const cradle::eas::PingResponse& response);
  void recordHeartbeat(uint32_t seconds);

  Mailbox& mailbox_;
  EventLog& log_;
  Respond respond_;
  mutable std::mutex mutex_;
  std::unordered_map<int64_t, std::shared_ptr<Held>> byDevice_;
  std::unordered_map<int64_t, std::vector<std::shared_ptr<Held>>> byUser_;
  std::atomic<uint64_t> wakeups_{0};
  std::atomic<uint64_t> expiries_{0};
  // Exchange 2003 SP2 HbiSampleSize / HbiAlertThreshold (event 3033).
  std::vector<uint32_t> window_;
  std::size_t windowNext_ = 0;
  uint64_t windowSum_ = 0;
  uint32_t alertWindow_;
  uint32_t alertThreshold_;
  bool alerted_ = false;
};

}  // namespace mapisim
