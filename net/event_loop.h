// EventLoop: one thread's epoll loop with an eventfd wake-up, posted tasks and one-shot timers.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

namespace cradle::net {

// What the loop calls when a watched file descriptor is ready. Called on the loop thread only.
class FdHandler {
 public:
  virtual ~FdHandler() = default;
  // events: EPOLLIN / EPOLLOUT / EPOLLERR / EPOLLHUP / EPOLLRDHUP bits as epoll reports them.
  virtual void onEvents(uint32_t events) = 0;
};

// An epoll loop owned by the thread that calls run(). Everything but post(), stop() and
// inLoopThread() must be called on that thread (asserted). Timers are one-shot and cheap
// (a binary heap with lazy cancellation), so a parked request can own one each.
// Exceptions thrown by tasks, timers or handlers are caught at the loop boundary, counted and
// written to stderr once; the loop keeps running.
class EventLoop {
 public:
  using Task = std::function<void()>;
  using TimerId = uint64_t;  // 0 is never a valid id
  using Clock = std::chrono::steady_clock;

  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Runs until stop(); the calling thread becomes the loop thread.
  void run();
  // Any thread: run() returns after the current iteration (tasks already posted still run).
  void stop();
  // Any thread: runs task on the loop thread, in posting order. Wakes the loop at once.
  void post(Task task);
  bool inLoopThread() const;

  // Loop thread: a one-shot timer; cancel() of a fired or unknown id is a no-op.
  TimerId runAfter(std::chrono::milliseconds delay, Task task);
  void cancel(TimerId id);

  // Loop thread: watch fd (already non-blocking). events is an epoll mask (EPOLLIN, EPOLLOUT,
  // EPOLLRDHUP, EPOLLET ...). The handler must outlive the registration (remove before delete).
  void add(int fd, uint32_t events, FdHandler* handler);
  void modify(int fd, uint32_t events, FdHandler* handler);
  void remove(int fd);

  Clock::time_point now() const;
  std::size_t pendingTimers() const;
  uint64_t handlerExceptions() const;  // exceptions caught at the loop boundary

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cradle::net
