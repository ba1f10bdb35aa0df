#include "runtime/loop.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "runtime/async.hpp"
#include "runtime/signal_watcher.hpp"
#include "runtime/timer.hpp"
#include "unit/runtime/test_support.hpp"

namespace sluice::detail {
namespace {

using namespace std::chrono_literals;
using testing::expect_clean_close;
using testing::run_until;

TEST(Loop, ClosesCleanlyWhenEveryHandleIsGone) {
  Loop loop;
  { Timer t(loop); }
  expect_clean_close(loop);
}

TEST(Loop, CountsAHandleLeftOpenAtClose) {
  Loop loop;
  auto t = std::make_unique<Timer>(loop);
  EXPECT_TRUE(loop.close());
  EXPECT_EQ(loop.leaked_handles(), 1);
  t.reset();  // the wrapper frees its cell without touching the closed loop
}

TEST(Loop, RethrowsAnExceptionFromACallback) {
  Loop loop;
  {
    Timer t(loop);
    t.start(0ms, [] { throw std::runtime_error("boom"); });
    EXPECT_THROW(loop.run(), std::runtime_error);
  }
  expect_clean_close(loop);
}

TEST(LoopTimers, FiresInOrderAndCancels) {
  Loop loop;
  {
    LoopTimers timers(loop);
    std::vector<int> fired;
    timers.after(20ms, [&] { fired.push_back(2); });
    auto id = timers.after(5ms, [&] { fired.push_back(99); });
    timers.after(1ms, [&] { fired.push_back(1); });
    timers.cancel(id);
    ASSERT_TRUE(run_until(loop, [&] { return fired.size() == 2; }));
    EXPECT_EQ(fired, (std::vector<int>{1, 2}));
    EXPECT_EQ(timers.pending(), 0u);
  }
  expect_clean_close(loop);
}

TEST(Timer, ACallbackMayStopItsOwnRepeatingTimer) {
  Loop loop;
  {
    Timer t(loop);
    int n = 0;
    t.start(1ms, [&] {
      if (++n == 3) t.stop();
    }, 1ms);
    ASSERT_TRUE(run_until(loop, [&] { return !t.active(); }));
    EXPECT_EQ(n, 3);
  }
  expect_clean_close(loop);
}

TEST(PostQueue, RunsWorkPostedFromOtherThreadsOnTheLoopThread) {
  Loop loop;
  {
    PostQueue queue(loop);
    int count = 0;  // touched only on the loop thread
    std::thread::id loop_thread = std::this_thread::get_id();
    bool wrong_thread = false;
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i)
      threads.emplace_back([&] {
        for (int j = 0; j < 250; ++j)
          queue.post([&] {
            if (std::this_thread::get_id() != loop_thread) wrong_thread = true;
            ++count;
          });
      });
    ASSERT_TRUE(run_until(loop, [&] { return count == 1000; }));
    for (auto& t : threads) t.join();
    EXPECT_FALSE(wrong_thread);
  }
  expect_clean_close(loop);
}

TEST(SignalWatcher, DeliversTheSignalOnTheLoop) {
  Loop loop;
  {
    int got = 0;
    SignalWatcher w(loop, SIGUSR2, [&](int s) { got = s; });
    ::kill(::getpid(), SIGUSR2);
    ASSERT_TRUE(run_until(loop, [&] { return got != 0; }));
    EXPECT_EQ(got, SIGUSR2);
  }
  expect_clean_close(loop);
}

}  // namespace
}  // namespace sluice::detail
