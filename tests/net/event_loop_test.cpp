// EventLoop: posted tasks, one-shot timers with cancellation, fd readiness, exceptions, stop.
#include "net/event_loop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tests/net/net_test_util.h"

using namespace cradle::net;
using cradle::net::test::eventually;
using cradle::net::test::LoopThread;
using std::chrono::milliseconds;

TEST_CASE("posted tasks run on the loop thread in posting order", "[net][event_loop]") {
  LoopThread lt;
  std::vector<int> seen;
  std::atomic<bool> allInLoop{true};
  for (int i = 0; i < 100; ++i) {
    lt.loop().post([&, i] {
      seen.push_back(i);
      allInLoop = allInLoop && lt.loop().inLoopThread();
    });
  }
  lt.sync([] {});
  REQUIRE(seen.size() == 100);
  for (int i = 0; i < 100; ++i) {
    CHECK(seen[static_cast<std::size_t>(i)] == i);
  }
  CHECK(allInLoop);
  CHECK_FALSE(lt.loop().inLoopThread());
}

TEST_CASE("timers fire once, in deadline order, and cancelled ones never", "[net][event_loop]") {
  LoopThread lt;
  std::mutex mu;
  std::vector<int> fired;
  auto record = [&](int v) {
    std::lock_guard<std::mutex> lock(mu);
    fired.push_back(v);
  };
  EventLoop::TimerId cancelled = 0;
  lt.sync([&] {
    lt.loop().runAfter(milliseconds(150), [&] { record(3); });
    lt.loop().runAfter(milliseconds(10), [&] { record(1); });
    cancelled = lt.loop().runAfter(milliseconds(50), [&] { record(99); });
    lt.loop().runAfter(milliseconds(100), [&] { record(2); });
    CHECK(lt.loop().pendingTimers() == 4);
    lt.loop().cancel(cancelled);
    lt.loop().cancel(cancelled);  // twice: a no-op
    lt.loop().cancel(123456);     // unknown: a no-op
    CHECK(lt.loop().pendingTimers() == 3);
  });
  REQUIRE(cancelled != 0);
  REQUIRE(eventually([&] {
    std::lock_guard<std::mutex> lock(mu);
    return fired.size() >= 3;
  }));
  std::this_thread::sleep_for(milliseconds(100));
  std::lock_guard<std::mutex> lock(mu);
  CHECK(fired == std::vector<int>{1, 2, 3});
  CHECK(lt.sync([&] { return lt.loop().pendingTimers(); }) == 0);
}

TEST_CASE("many cancelled timers do not fire and leave nothing pending", "[net][event_loop]") {
  LoopThread lt;
  std::atomic<int> fired{0};
  lt.sync([&] {
    for (int i = 0; i < 10'000; ++i) {
      auto id = lt.loop().runAfter(milliseconds(20 + i % 50), [&] { ++fired; });
      if (i % 100 != 0) {
        lt.loop().cancel(id);
      }
    }
    CHECK(lt.loop().pendingTimers() == 100);
  });
  REQUIRE(eventually([&] { return fired.load() == 100; }));
  std::this_thread::sleep_for(milliseconds(100));
  CHECK(fired.load() == 100);
  CHECK(lt.sync([&] { return lt.loop().pendingTimers(); }) == 0);
}

TEST_CASE("a timer may schedule and cancel timers from inside its callback", "[net][event_loop]") {
  LoopThread lt;
  std::atomic<int> fired{0};
  lt.sync([&] {
    lt.loop().runAfter(milliseconds(1), [&] {
      ++fired;
      auto victim = lt.loop().runAfter(milliseconds(1), [&] { fired += 100; });
      lt.loop().cancel(victim);
      lt.loop().runAfter(milliseconds(1), [&] { ++fired; });
    });
  });
  REQUIRE(eventually([&] { return fired.load() >= 2; }));
  std::this_thread::sleep_for(milliseconds(100));
  CHECK(fired.load() == 2);
}

TEST_CASE("exceptions from tasks, timers and handlers are caught and counted",
          "[net][event_loop]") {
  LoopThread lt;
  lt.loop().post([] { throw std::runtime_error("task"); });
  lt.sync([&] { lt.loop().runAfter(milliseconds(1), [] { throw 42; }); });
  REQUIRE(eventually([&] { return lt.loop().handlerExceptions() == 2; }));
  // The loop still works.
  CHECK(lt.sync([] { return 7; }) == 7);
}

namespace {

class CountingHandler final : public FdHandler {
 public:
  explicit CountingHandler(int fd, bool throws = false) : fd_(fd), throws_(throws) {}
  void onEvents(uint32_t events) override {
    if ((events & EPOLLIN) != 0) {
      uint64_t v = 0;
      [[maybe_unused]] ssize_t n = ::read(fd_, &v, sizeof v);
      total += v;
      ++calls;
    }
    if (throws_) {
      throw std::logic_error("handler");
    }
  }
  std::atomic<uint64_t> total{0};
  std::atomic<int> calls{0};

 private:
  int fd_;
  bool throws_;
};

void bump(int fd, uint64_t v) { [[maybe_unused]] ssize_t n = ::write(fd, &v, sizeof v); }

}  // namespace

TEST_CASE("a watched fd calls its handler until removed", "[net][event_loop]") {
  LoopThread lt;
  const int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  REQUIRE(fd >= 0);
  CountingHandler handler(fd);
  lt.sync([&] { lt.loop().add(fd, EPOLLIN, &handler); });
  bump(fd, 5);
  REQUIRE(eventually([&] { return handler.total.load() == 5; }));
  bump(fd, 2);
  REQUIRE(eventually([&] { return handler.total.load() == 7; }));

  lt.sync([&] { lt.loop().remove(fd); });
  bump(fd, 1);
  std::this_thread::sleep_for(milliseconds(100));
  lt.sync([] {});
  CHECK(handler.total.load() == 7);
  ::close(fd);
}

TEST_CASE("a throwing fd handler does not stop the loop", "[net][event_loop]") {
  LoopThread lt;
  const int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  CountingHandler handler(fd, true);
  lt.sync([&] { lt.loop().add(fd, EPOLLIN, &handler); });
  bump(fd, 1);
  REQUIRE(eventually([&] { return lt.loop().handlerExceptions() >= 1; }));
  lt.sync([&] { lt.loop().remove(fd); });
  CHECK(handler.total.load() == 1);
  ::close(fd);
}

TEST_CASE("stop() from another thread ends run(); earlier posts still run", "[net][event_loop]") {
  EventLoop loop;
  std::atomic<int> ran{0};
  std::promise<void> started;
  std::thread t([&] {
    loop.post([&] { started.set_value(); });
    loop.run();
  });
  started.get_future().wait();
  loop.post([&] { ++ran; });
  loop.stop();
  t.join();
  CHECK(ran.load() == 1);
  CHECK_FALSE(loop.inLoopThread());

  // The loop can run again afterwards.
  std::thread again([&] { loop.run(); });
  loop.post([&] {
    ++ran;
    loop.stop();
  });
  again.join();
  CHECK(ran.load() == 2);
}

TEST_CASE("a long timer does not delay posted work", "[net][event_loop]") {
  LoopThread lt;
  lt.sync([&] { lt.loop().runAfter(milliseconds(60'000), [] {}); });
  const auto start = std::chrono::steady_clock::now();
  std::promise<void> done;
  lt.loop().post([&] { done.set_value(); });
  REQUIRE(done.get_future().wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
}
