// WorkQueue: worker threads over a mutex-protected deque.
#include "mapi-sim/server/work_queue.h"

#include <cstdio>
#include <exception>

namespace mapisim {

WorkQueue::WorkQueue(unsigned threads) {
  for (unsigned i = 0; i < threads; ++i) {
    threads_.emplace_back([this] { run(); });
  }
}

WorkQueue::~WorkQueue() { stop(); }

void WorkQueue::post(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  ready_.notify_one();
}

void WorkQueue::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (std::thread& t : threads_) {
    if (t.joinable()) {
      t.join();
    }
  }
  threads_.clear();
}

std::size_t WorkQueue::pending() const {
  std::lock_guard lock(mutex_);
  return tasks_.size();
}

void WorkQueue::run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) {
        return;
      }
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    try {
      task();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "mapi-sim: worker task failed: %s\n", e.what());
    } catch (...) {
      std::fprintf(stderr, "mapi-sim: worker task failed\n");
    }
  }
}

}  // namespace mapisim
