// EventLoop: epoll with an eventfd wake-up, a posted-task queue and a heap of one-shot timers.
#include "net/event_loop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace cradle::net {

namespace {

constexpr int MaxEventsPerWait = 256;

// epoll_event.data carries the fd and the generation of its registration, so an event that was
// already collected for a registration removed earlier in the same batch is dropped.
uint64_t packKey(int fd, uint32_t generation) {
  return (static_cast<uint64_t>(generation) << 32) | static_cast<uint32_t>(fd);
}

}  // namespace

struct EventLoop::Impl {
  struct Slot {
    FdHandler* handler = nullptr;
    uint32_t generation = 0;
  };
  struct TimerEntry {
    Clock::time_point when;
    TimerId id;
  };
  // std::push_heap keeps the largest on top; "larger" here is "fires earlier".
  struct FiresLater {
    bool operator()(const TimerEntry& a, const TimerEntry& b) const {
      return a.when != b.when ? a.when > b.when : a.id > b.id;
    }
  };

  int epollFd = -1;
  int wakeFd = -1;
  std::atomic<bool> stopping{false};
  std::atomic<std::thread::id> loopThread{};
  std::atomic<bool> running{false};

  std::mutex postedMutex;
  std::vector<Task> posted;

  std::vector<Slot> slots;  // indexed by fd
  std::vector<TimerEntry> heap;
  std::unordered_map<TimerId, Task> timers;  // live timers; heap entries not here are cancelled
  TimerId nextTimerId = 1;

  std::atomic<uint64_t> exceptions{0};

  // Loop-thread-only calls are allowed from any thread while the loop is not running (set-up).
  bool callerMayTouchLoopState() const {
    return !running.load() || loopThread.load() == std::this_thread::get_id();
  }

  void report(const char* what, const char* detail) {
    // Written once: a handler that throws on every event must not flood stderr.
    if (exceptions.fetch_add(1) == 0) {
      std::fprintf(stderr, "cradle-net: exception escaped a %s: %s\n", what, detail);
    }
  }

  void wake() {
    uint64_t one = 1;
    // A full counter (EAGAIN) means a wake-up is already pending: nothing to do.
    [[maybe_unused]] ssize_t n = ::write(wakeFd, &one, sizeof one);
  }

  void drainWake() {
    uint64_t value = 0;
    [[maybe_unused]] ssize_t n = ::read(wakeFd, &value, sizeof value);
  }

  bool hasPosted() {
    std::lock_guard<std::mutex> lock(postedMutex);
    return !posted.empty();
  }

  void runPosted() {
    std::vector<Task> batch;
    {
      std::lock_guard<std::mutex> lock(postedMutex);
      batch.swap(posted);
    }
    for (Task& task : batch) {
      try {
        task();
      } catch (const std::exception& e) {
        report("posted task", e.what());
      } catch (...) {
        report("posted task", "unknown exception");
      }
    }
  }

  void dropCancelledTop() {
    while (!heap.empty() && timers.find(heap.front().id) == timers.end()) {
      std::pop_heap(heap.begin(), heap.end(), FiresLater{});
      heap.pop_back();
    }
  }

  // Cancelled entries stay in the heap until they reach the top; rebuild when they dominate so
  // a server that re-arms a timer per request does not grow the heap without bound.
  void compactIfNeeded() {
    if (heap.size() < 64 || heap.size() < 2 * timers.size()) {
      return;
    }
    std::erase_if(heap, [this](const TimerEntry& e) { return timers.find(e.id) == timers.end(); });
    std::make_heap(heap.begin(), heap.end(), FiresLater{});
  }

  int waitTimeoutMs() {
    if (hasPosted() || stopping.load()) {
      return 0;
    }
    dropCancelledTop();
    if (heap.empty()) {
      return -1;
    }
    auto delta = heap.front().when - Clock::now();
    if (delta <= Clock::duration::zero()) {
      return 0;
    }
    // Round up so a timer is never woken for early and then spun on.
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(delta).count();
    return static_cast<int>(std::min<int64_t>(ms, 24 * 3600 * 1000));
  }

  void runDueTimers() {
    const auto now = Clock::now();
    for (;;) {
      dropCancelledTop();
      if (heap.empty() || heap.front().when > now) {
        return;
      }
      TimerId id = heap.front().id;
      std::pop_heap(heap.begin(), heap.end(), FiresLater{});
      heap.pop_back();
      auto it = timers.find(id);
      Task task = std::move(it->second);
      timers.erase(it);
      try {
        task();
      } catch (const std::exception& e) {
        report("timer", e.what());
      } catch (...) {
        report("timer", "unknown exception");
      }
    }
  }

  void dispatch(const epoll_event& ev) {
    const int fd = static_cast<int>(static_cast<uint32_t>(ev.data.u64 & 0xffffffffU));
    const auto generation = static_cast<uint32_t>(ev.data.u64 >> 32);
    if (fd == wakeFd) {
      drainWake();
      return;
    }
    if (fd < 0 || static_cast<std::size_t>(fd) >= slots.size()) {
      return;
    }
    const Slot& slot = slots[static_cast<std::size_t>(fd)];
    if (slot.handler == nullptr || slot.generation != generation) {
      return;  // removed (and maybe re-added) earlier in this batch
    }
    FdHandler* handler = slot.handler;
    try {
      handler->onEvents(ev.events);
    } catch (const std::exception& e) {
      report("fd handler", e.what());
    } catch (...) {
      report("fd handler", "unknown exception");
    }
  }
};

EventLoop::EventLoop() : impl_(std::make_unique<Impl>()) {
  impl_->epollFd = ::epoll_create1(EPOLL_CLOEXEC);
  if (impl_->epollFd < 0) {
    throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
  }
  impl_->wakeFd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (impl_->wakeFd < 0) {
    ::close(impl_->epollFd);
    throw std::runtime_error(std::string("eventfd: ") + std::strerror(errno));
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = packKey(impl_->wakeFd, 0);
  ::epoll_ctl(impl_->epollFd, EPOLL_CTL_ADD, impl_->wakeFd, &ev);
}

EventLoop::~EventLoop() {
  ::close(impl_->wakeFd);
  ::close(impl_->epollFd);
}

void EventLoop::run() {
  Impl& d = *impl_;
  d.loopThread.store(std::this_thread::get_id());
  d.running.store(true);
  std::vector<epoll_event> events(MaxEventsPerWait);
  while (!d.stopping.load()) {
    d.runPosted();
    const int timeout = d.waitTimeoutMs();
    const int n = ::epoll_wait(d.epollFd, events.data(), MaxEventsPerWait, timeout);
    if (n < 0 && errno != EINTR) {
      d.report("epoll_wait", std::strerror(errno));
    }
    for (int i = 0; i < n; ++i) {
      d.dispatch(events[static_cast<std::size_t>(i)]);
    }
    d.runDueTimers();
    d.compactIfNeeded();
  }
  d.runPosted();  // what was posted before stop() still runs
  d.stopping.store(false);
  d.running.store(false);
  d.loopThread.store(std::thread::id{});
}

void EventLoop::stop() {
  impl_->stopping.store(true);
  impl_->wake();
}

void EventLoop::post(Task task) {
  {
    std::lock_guard<std::mutex> lock(impl_->postedMutex);
    impl_->posted.push_back(std::move(task));
  }
  impl_->wake();
}

bool EventLoop::inLoopThread() const {
  return impl_->running.load() && impl_->loopThread.load() == std::this_thread::get_id();
}

EventLoop::TimerId EventLoop::runAfter(std::chrono::milliseconds delay, Task task) {
  Impl& d = *impl_;
  assert(d.callerMayTouchLoopState());  // timers are loop-thread state
  const TimerId id = d.nextTimerId++;
  d.timers.emplace(id, std::move(task));
  d.heap.push_back(Impl::TimerEntry{Clock::now() + delay, id});
  std::push_heap(d.heap.begin(), d.heap.end(), Impl::FiresLater{});
  return id;
}

void EventLoop::cancel(TimerId id) {
  assert(impl_->callerMayTouchLoopState());
  impl_->timers.erase(id);
}

void EventLoop::add(int fd, uint32_t events, FdHandler* handler) {
  Impl& d = *impl_;
  assert(d.callerMayTouchLoopState() && fd >= 0 && handler != nullptr);
  const auto index = static_cast<std::size_t>(fd);
  if (index >= d.slots.size()) {
    d.slots.resize(std::max(index + 1, d.slots.size() * 2));
  }
  Impl::Slot& slot = d.slots[index];
  slot.handler = handler;
  ++slot.generation;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = packKey(fd, slot.generation);
  if (::epoll_ctl(d.epollFd, EPOLL_CTL_ADD, fd, &ev) != 0) {
    slot.handler = nullptr;
    throw std::runtime_error(std::string("epoll_ctl ADD: ") + std::strerror(errno));
  }
}

void EventLoop::modify(int fd, uint32_t events, FdHandler* handler) {
  Impl& d = *impl_;
  assert(d.callerMayTouchLoopState() && fd >= 0 && static_cast<std::size_t>(fd) < d.slots.size());
  Impl::Slot& slot = d.slots[static_cast<std::size_t>(fd)];
  slot.handler = handler;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = packKey(fd, slot.generation);
  if (::epoll_ctl(d.epollFd, EPOLL_CTL_MOD, fd, &ev) != 0) {
    throw std::runtime_error(std::string("epoll_ctl MOD: ") + std::strerror(errno));
  }
}

void EventLoop::remove(int fd) {
  Impl& d = *impl_;
  assert(d.callerMayTouchLoopState());
  if (fd < 0 || static_cast<std::size_t>(fd) >= d.slots.size()) {
    return;
  }
  Impl::Slot& slot = d.slots[static_cast<std::size_t>(fd)];
  slot.handler = nullptr;
  ++slot.generation;
  ::epoll_ctl(d.epollFd, EPOLL_CTL_DEL, fd, nullptr);
}

EventLoop::Clock::time_point EventLoop::now() const { return Clock::now(); }

std::size_t EventLoop::pendingTimers() const { return impl_->timers.size(); }

uint64_t EventLoop::handlerExceptions() const { return impl_->exceptions.load(); }

}  // namespace cradle::net
