// WorkQueue: a fixed set of worker threads running posted tasks (command handling off the loop).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace mapisim {

// Tasks run in FIFO order on `threads` workers. stop() finishes the queued tasks and joins.
// Exceptions escaping a task are caught and counted (the task's own code answers 500 first).
class WorkQueue {
 public:
  explicit WorkQueue(unsigned threads);
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void post(std::function<void()> task);
  void stop();
  std::size_t pending() const;

 private:
  void run();
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> tasks_;
  std::vector<std::thread> threads_;
  bool stopping_ = false;
};

}  // namespace mapisim
