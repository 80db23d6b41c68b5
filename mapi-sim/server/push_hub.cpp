// PushHub: parking, waking and expiring Direct Push Pings.
#include "mapi-sim/server/push_hub.h"

#include <algorithm>
#include <chrono>

#include "mapi-sim/handlers/command.h"

namespace mapisim {

using cradle::eas::PingResponse;
using cradle::eas::PingStatus;
using cradle::net::EventLoop;
using cradle::net::HttpExchange;

struct PushHub::Held {
  std::shared_ptr<HttpExchange> exchange;
  PingWatch watch;
  bool done = false;              // guarded by PushHub::mutex_
  EventLoop::TimerId timer = 0;   // loop thread only
  EventLoop::TimerId dropTimer = 0;
};

PushHub::PushHub(Mailbox& mailbox, EventLog& log, Respond respond, uint32_t alertWindow,
                 uint32_t alertThresholdSeconds)
    : mailbox_(mailbox),
      log_(log),
      respond_(std::move(respond)),
      alertWindow_(alertWindow),
      alertThreshold_(alertThresholdSeconds) {}

PushHub::~PushHub() = default;

void PushHub::setAlertBounds(uint32_t window, uint32_t thresholdSeconds) {
  std::lock_guard lock(mutex_);
  if (window != alertWindow_) {
    window_.clear();
    windowNext_ = 0;
    windowSum_ = 0;
    alerted_ = false;
  }
  alertWindow_ = window;
  alertThreshold_ = thresholdSeconds;
}

std::size_t PushHub::held() const {
  std::lock_guard lock(mutex_);
  return byDevice_.size();
}

bool PushHub::claim(const std::shared_ptr<Held>& h) {
  {
    std::lock_guard lock(mutex_);
    if (h->done) {
      return false;
    }
    h->done = true;
    const int64_t deviceRow = h->watch.device.id;
    auto d = byDevice_.find(deviceRow);
    if (d != byDevice_.end() && d->second == h) {
      byDevice_.erase(d);
    }
    auto u = byUser_.find(h->watch.userId);
    if (u != byUser_.end()) {
      auto& list = u->second;
      list.erase(std::remove(list.begin(), list.end(), h), list.end());
      if (list.empty()) {
        byUser_.erase(u);
      }
    }
  }
  // Timers belong to the loop; cancel them there (FIFO after the task that armed them).
  EventLoop& loop = h->exchange->loop();
  loop.post([h, &loop] {
    loop.cancel(h->timer);
    loop.cancel(h->dropTimer);
    h->exchange->onPeerClosed(nullptr);
  });
  return true;
}

void PushHub::finish(const std::shared_ptr<Held>& h, const PingResponse& response) {
  if (!claim(h)) {
    return;
  }
  if (response.status == PingStatus::Changes) {
    ++wakeups_;
  } else if (response.status == PingStatus::Expired) {
    ++expiries_;
  }
  respond_(*h->exchange, response);
}

void PushHub::hold(std::shared_ptr<HttpExchange> exchange, PingWatch watch) {
  auto h = std::make_shared<Held>();
  h->exchange = std::move(exchange);
  h->watch = std::move(watch);
  recordHeartbeat(h->watch.heartbeatSeconds);

  std::shared_ptr<Held> previous;
  {
    std::lock_guard lock(mutex_);
    auto& slot = byDevice_[h->watch.device.id];
    previous = slot;
    slot = h;
    byUser_[h->watch.userId].push_back(h);
  }
  if (previous) {
    finish(previous, PingResponse{PingStatus::Expired, {}, {}, {}});
  }

  std::weak_ptr<Held> weak = h;
  EventLoop& loop = h->exchange->loop();
  loop.post([this, weak, &loop] {
    auto held = weak.lock();
    if (!held) {
      return;
    }
    {
      std::lock_guard lock(mutex_);
      if (held->done) {
        return;
      }
    }
    held->timer = loop.runAfter(std::chrono::seconds(held->watch.heartbeatSeconds), [this, weak] {
      if (auto x = weak.lock()) {
        finish(x, PingResponse{PingStatus::Expired, {}, {}, {}});
      }
    });
    if (held->watch.dropAfterMs > 0) {
      held->dropTimer =
          loop.runAfter(std::chrono::milliseconds(held->watch.dropAfterMs), [this, weak] {
            if (auto x = weak.lock(); x && claim(x)) {
              x->exchange->abort();
            }
          });
    }
    held->exchange->onPeerClosed([this, weak] {
      if (auto x = weak.lock()) {
        claim(x);
      }
    });
  });

  // MS-ASCMD 3.1.5.8: the baseline is the last SyncKey the server returned per folder; changes
  // already past it answer at once.
  std::vector<std::string> pending =
      foldersWithPendingChanges(mailbox_, h->watch.device, h->watch.folderIds);
  if (!pending.empty()) {
    finish(h, PingResponse{PingStatus::Changes, std::move(pending), {}, {}});
  }
}

void PushHub::onChange(const ChangeNotice& notice) {
  std::vector<std::shared_ptr<Held>> hits;
  {
    std::lock_guard lock(mutex_);
    auto u = byUser_.find(notice.userId);
    if (u == byUser_.end()) {
      return;
    }
    for (const auto& h : u->second) {
      bool hit = notice.hierarchyChanged;
      for (int64_t row : h->watch.folderRows) {
        hit = hit || std::find(notice.folderIds.begin(), notice.folderIds.end(), row) !=
                         notice.folderIds.end();
      }
      if (hit) {
        hits.push_back(h);
      }
    }
  }
  for (const auto& h : hits) {
    if (notice.hierarchyChanged) {
      // MS-ASCMD 2.2.3.177.11 status 7: the hierarchy changed; FolderSync before pinging again.
      finish(h, PingResponse{PingStatus::FolderSyncRequired, {}, {}, {}});
      continue;
    }
    std::vector<std::string> changed;
    for (std::size_t i = 0; i < h->watch.folderRows.size(); ++i) {
      if (std::find(notice.folderIds.begin(), notice.folderIds.end(), h->watch.folderRows[i]) !=
          notice.folderIds.end()) {
        changed.push_back(h->watch.folderIds[i]);
      }
    }
    std::vector<std::string> pending = foldersWithPendingChanges(mailbox_, h->watch.device, changed);
    if (!pending.empty()) {
      finish(h, PingResponse{PingStatus::Changes, std::move(pending), {}, {}});
    }
  }
}

void PushHub::endHeld(int64_t deviceRowId) {
  std::shared_ptr<Held> h;
  {
    std::lock_guard lock(mutex_);
    auto d = byDevice_.find(deviceRowId);
    if (d == byDevice_.end()) {
      return;
    }
    h = d->second;
  }
  finish(h, PingResponse{PingStatus::Expired, {}, {}, {}});
}

void PushHub::dropAll() {
  std::vector<std::shared_ptr<Held>> all;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [row, h] : byDevice_) {
      all.push_back(h);
    }
  }
  for (const auto& h : all) {
    if (claim(h)) {
      h->exchange->abort();
    }
  }
}

void PushHub::drain() {
  std::vector<std::shared_ptr<Held>> all;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [row, h] : byDevice_) {
      all.push_back(h);
    }
  }
  for (const auto& h : all) {
    finish(h, PingResponse{PingStatus::Expired, {}, {}, {}});
  }
}

void PushHub::recordHeartbeat(uint32_t seconds) {
  bool alert = false;
  uint64_t average = 0;
  uint32_t window = 0;
  {
    std::lock_guard lock(mutex_);
    if (alertWindow_ == 0) {
      return;
    }
    if (window_.size() < alertWindow_) {
      window_.push_back(seconds);
      windowSum_ += seconds;
    } else {
      windowSum_ -= window_[windowNext_];
      window_[windowNext_] = seconds;
      windowSum_ += seconds;
      windowNext_ = (windowNext_ + 1) % alertWindow_;
    }
    if (window_.size() < alertWindow_) {
      return;
    }
    average = windowSum_ / alertWindow_;
    window = alertWindow_;
    // Exchange 2003 SP2 event 3033: logged when the full window's average falls to the
    // threshold or below; logged again only after the average recovered.
    if (average <= alertThreshold_ && !alerted_) {
      alerted_ = true;
      alert = true;
    } else if (average > alertThreshold_) {
      alerted_ = false;
    }
  }
  if (alert) {
    log_.add("heartbeat-alert",
             "the average of the most recent " + std::to_string(window) +
                 " heartbeat intervals used by clients is " + std::to_string(average) +
                 " s, at or below " + std::to_string(alertThreshold_) +
                 " s: check that firewalls keep idle HTTPS requests open longer");
  }
}

}  // namespace mapisim
