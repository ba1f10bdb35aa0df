#include "runtime/timer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "unit/runtime/test_support.hpp"

namespace sluice::detail {
namespace {

using namespace std::chrono_literals;
using testing::expect_clean_close;
using testing::run_until;

/// libuv keeps its time in whole milliseconds from a coarse clock (one tick
/// is up to 4 ms): a timer may fire that much before its delay on a steady
/// clock. The bug this file guards against was the whole stale time early.
constexpr auto kGranularity = 5ms;

/// Slow work on the loop thread between two turns (a big parse, a sanitizer
/// build filling memory): the loop's cached time falls behind by `how_long`.
void work_without_turning_the_loop(std::chrono::milliseconds how_long) {
  std::this_thread::sleep_for(how_long);
}

// A timer counts from when it is armed, not from the loop's cached time: the
// old code armed it against a time 300 ms stale and it fired at once.
TEST(Timer, ArmedAfterSlowWorkWaitsItsFullDelay) {
  Loop loop;
  {
    Timer warm_up(loop);  // one turn, so the cached time is set now
    bool warmed = false;
    warm_up.start(0ms, [&] { warmed = true; });
    ASSERT_TRUE(run_until(loop, [&] { return warmed; }));
    work_without_turning_the_loop(300ms);

    Timer t(loop);
    bool fired = false;
    auto armed = std::chrono::steady_clock::now();
    std::chrono::steady_clock::duration waited{};
    t.start(200ms, [&] {
      fired = true;
      waited = std::chrono::steady_clock::now() - armed;
    });
    ASSERT_TRUE(run_until(loop, [&] { return fired; }));
    EXPECT_GE(waited, 200ms - kGranularity) << "fired after "
                             << std::chrono::duration_cast<std::chrono::milliseconds>(waited).count()
                             << " ms";
  }
  expect_clean_close(loop);
}

// The same for LoopTimers (the scheduler's timeouts and retry delays) and for
// the test helper's own deadline, which used to expire at once.
TEST(Timer, DeadlinesAndSchedulerTimersCountFromNow) {
  Loop loop;
  {
    LoopTimers timers(loop);
    bool warmed = false;
    timers.after(0ms, [&] { warmed = true; });
    ASSERT_TRUE(run_until(loop, [&] { return warmed; }));
    work_without_turning_the_loop(300ms);

    bool fired = false;
    auto armed = std::chrono::steady_clock::now();
    std::chrono::steady_clock::duration waited{};
    timers.after(200ms, [&] {
      fired = true;
      waited = std::chrono::steady_clock::now() - armed;
    });
    ASSERT_TRUE(run_until(loop, [&] { return fired; }));
    EXPECT_GE(waited, 200ms - kGranularity);

    work_without_turning_the_loop(300ms);
    auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(run_until(loop, [] { return false; }, 200ms));
    EXPECT_GE(std::chrono::steady_clock::now() - start, 200ms - kGranularity);
  }
  expect_clean_close(loop);
}

}  // namespace
}  // namespace sluice::detail
