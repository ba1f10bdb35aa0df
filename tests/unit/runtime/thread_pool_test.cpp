#include "runtime/thread_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "unit/runtime/test_support.hpp"

namespace sluice::detail {
namespace {

using namespace std::chrono_literals;
using Outcome = PoolJob::Outcome;

/// A gate pool threads wait at (with a deadline, so a bug fails instead of hanging).
class Gate {
 public:
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    cv_.notify_all();
  }
  bool wait(std::chrono::milliseconds limit = 10s) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, limit, [&] { return open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool open_ = false;
};

TEST(ThreadPool, RunsWorkOnAPoolThreadAndDoneOnTheLoopThread) {
  Loop loop;
  {
    ThreadPool pool(loop, 2);
    std::thread::id work_thread;
    std::thread::id done_thread;
    std::optional<Outcome> outcome;
    PoolJob job = pool.submit([&](std::stop_token) { work_thread = std::this_thread::get_id(); },
                              [&](Outcome o) {
                                done_thread = std::this_thread::get_id();
                                outcome = o;
                              });
    EXPECT_TRUE(job.pending());
    ASSERT_TRUE(testing::run_until(loop, [&] { return outcome.has_value(); }));
    EXPECT_EQ(*outcome, Outcome::Finished);
    EXPECT_NE(work_thread, std::this_thread::get_id());
    EXPECT_EQ(done_thread, std::this_thread::get_id());
    EXPECT_FALSE(job.pending());
  }
  testing::expect_clean_close(loop);
}

TEST(ThreadPool, KeepsTheLoopAliveExactlyWhileJobsAreOutstanding) {
  Loop loop;
  {
    ThreadPool pool(loop, 1);
    loop.run();  // idle pool: returns at once
    bool done = false;
    PoolJob job = pool.submit([](std::stop_token) {}, [&](Outcome) { done = true; });
    EXPECT_EQ(pool.outstanding(), 1u);
    loop.run();  // nothing but the job keeps it running
    EXPECT_TRUE(done);
    EXPECT_EQ(pool.outstanding(), 0u);
  }
  testing::expect_clean_close(loop);
}

TEST(ThreadPool, RunsAsManyJobsAtOnceAsItHasThreads) {
  Loop loop;
  {
    ThreadPool pool(loop, 2);
    EXPECT_EQ(pool.size(), 2u);
    // Each job waits for the other to have started: only two threads at
    // once can finish both.
    std::atomic<int> started{0};
    std::atomic<int> met{0};
    int done = 0;
    std::vector<PoolJob> jobs;
    for (int i = 0; i < 2; ++i) {
      jobs.push_back(pool.submit(
          [&](std::stop_token) {
            ++started;
            auto deadline = std::chrono::steady_clock::now() + 10s;
            while (started.load() < 2 && std::chrono::steady_clock::now() < deadline)
              std::this_thread::yield();
            if (started.load() == 2) ++met;
          },
          [&](Outcome) { ++done; }));
    }
    ASSERT_TRUE(testing::run_until(
        loop, [&] { return done == 2; }, 20s));
    EXPECT_EQ(met.load(), 2);
  }
  testing::expect_clean_close(loop);
}

TEST(ThreadPool, RunsAStrandsJobsOneAtATimeInOrderBesideOtherJobs) {
  Loop loop;
  {
    ThreadPool pool(loop, 2);
    int strand = 0;  // its address is the key
    Gate gate;
    std::atomic<bool> first_over{false};
    std::atomic<bool> second_saw_first_over{false};
    std::atomic<bool> other_ran{false};
    std::vector<int> done_order;
    std::vector<PoolJob> jobs;
    jobs.push_back(pool.submit(
        [&](std::stop_token) {
          gate.wait();
          first_over = true;
        },
        [&](Outcome) { done_order.push_back(1); }, &strand));
    jobs.push_back(pool.submit([&](std::stop_token) { second_saw_first_over = first_over.load(); },
                               [&](Outcome) { done_order.push_back(2); }, &strand));
    // The second thread is free for a job of no strand while the strand's
    // first job holds its second back.
    jobs.push_back(pool.submit([&](std::stop_token) { other_ran = true; },
                               [&](Outcome) { gate.open(); }));
    ASSERT_TRUE(testing::run_until(loop, [&] { return done_order.size() == 2; }, 20s));
    EXPECT_TRUE(other_ran.load());
    EXPECT_TRUE(second_saw_first_over.load());
    EXPECT_EQ(done_order, (std::vector<int>{1, 2}));
  }
  testing::expect_clean_close(loop);
}

TEST(ThreadPool, DefaultSizeIsTheCpuCount) {
  Loop loop;
  {
    ThreadPool pool(loop);
    EXPECT_EQ(pool.size(), ThreadPool::cpu_count());
    EXPECT_GE(pool.size(), 1u);
  }
  testing::expect_clean_close(loop);
}

TEST(ThreadPool, CancelDropsWorkThatHasNotStartedAtOnce) {
  Loop loop;
  {
    ThreadPool pool(loop, 1);
    Gate gate;
    std::optional<Outcome> first;
    std::optional<Outcome> second;
    bool second_ran = false;
    PoolJob a = pool.submit([&](std::stop_token) { gate.wait(); }, [&](Outcome o) { first = o; });
    PoolJob b =
        pool.submit([&](std::stop_token) { second_ran = true; }, [&](Outcome o) { second = o; });
    b.cancel();
    // The only thread is still busy with `a`: `b` is dropped without it.
    ASSERT_TRUE(testing::run_until(loop, [&] { return second.has_value(); }));
    EXPECT_EQ(*second, Outcome::Dropped);
    EXPECT_FALSE(first.has_value());
    gate.open();
    ASSERT_TRUE(testing::run_until(loop, [&] { return first.has_value(); }));
    EXPECT_EQ(*first, Outcome::Finished);
    EXPECT_FALSE(second_ran);
  }
  testing::expect_clean_close(loop);
}

TEST(ThreadPool, CancelRequestsStopOnRunningWork) {
  Loop loop;
  {
    ThreadPool pool(loop, 1);
    std::atomic<bool> running{false};
    bool saw_stop = false;
    std::optional<Outcome> outcome;
    PoolJob job = pool.submit(
        [&](std::stop_token stop) {
          running = true;
          auto deadline = std::chrono::steady_clock::now() + 10s;
          while (!stop.stop_requested() && std::chrono::steady_clock::now() < deadline)
            std::this_thread::yield();
          saw_stop = stop.stop_requested();
        },
        [&](Outcome o) { outcome = o; });
    ASSERT_TRUE(testing::run_until(loop, [&] { return running.load(); }));
    job.cancel();
    ASSERT_TRUE(testing::run_until(loop, [&] { return outcome.has_value(); }));
    EXPECT_EQ(*outcome, Outcome::Finished);
    EXPECT_TRUE(saw_stop);
  }
  testing::expect_clean_close(loop);
}

TEST(ThreadPool, ResetForgetsDoneWhileTheWorkStillRuns) {
  Loop loop;
  {
    ThreadPool pool(loop, 1);
    auto ran = std::make_shared<std::atomic<bool>>(false);
    bool done_called = false;
    {
      PoolJob job = pool.submit([ran](std::stop_token) { *ran = true; },
                                [&](Outcome) { done_called = true; });
      // Destroyed here: `done` is forgotten (the work may or may not run).
    }
    bool later = false;
    PoolJob marker = pool.submit([](std::stop_token) {}, [&](Outcome) { later = true; });
    ASSERT_TRUE(testing::run_until(loop, [&] { return later; }));
    EXPECT_FALSE(done_called);
    EXPECT_EQ(pool.outstanding(), 0u);
  }
  testing::expect_clean_close(loop);
}

TEST(ThreadPool, DestructionStopsRunningWorkDropsQueuedWorkAndCallsNoDone) {
  Loop loop;
  std::atomic<bool> stopped{false};
  std::atomic<bool> queued_ran{false};
  bool any_done = false;
  {
    std::optional<ThreadPool> pool;
    pool.emplace(loop, 1);
    std::atomic<bool> running{false};
    PoolJob a = pool->submit(
        [&](std::stop_token stop) {
          running = true;
          auto deadline = std::chrono::steady_clock::now() + 10s;
          while (!stop.stop_requested() && std::chrono::steady_clock::now() < deadline)
            std::this_thread::yield();
          stopped = stop.stop_requested();
        },
        [&](Outcome) { any_done = true; });
    PoolJob b = pool->submit([&](std::stop_token) { queued_ran = true; },
                             [&](Outcome) { any_done = true; });
    ASSERT_TRUE(testing::run_until(loop, [&] { return running.load(); }));
    pool.reset();  // joins: `a` saw the stop request, `b` never ran
    EXPECT_TRUE(stopped.load());
    // The handles outlive the pool and stay harmless.
    EXPECT_FALSE(a.pending());
    EXPECT_FALSE(b.pending());
    a.cancel();
  }
  EXPECT_FALSE(queued_ran.load());
  EXPECT_FALSE(any_done);
  testing::expect_clean_close(loop);
}

TEST(ThreadPool, AnExceptionInWorkIsRethrownByTheLoop) {
  Loop loop;
  {
    ThreadPool pool(loop, 1);
    PoolJob job =
        pool.submit([](std::stop_token) { throw std::runtime_error("boom"); }, [](Outcome) {});
    EXPECT_THROW(
        {
          for (int i = 0; i < 1000; ++i) loop.run_once(true);
        },
        std::runtime_error);
  }
  testing::expect_clean_close(loop);
}

TEST(ThreadPool, ManyJobsEachDeliverOnceThroughCoalescedWakeUps) {
  Loop loop;
  {
    ThreadPool pool(loop, 2);
    constexpr int kJobs = 5000;
    std::vector<int> calls(kJobs, 0);
    std::atomic<int> sum{0};
    std::vector<PoolJob> jobs;
    jobs.reserve(kJobs);
    for (int i = 0; i < kJobs; ++i)
      jobs.push_back(pool.submit([&sum, i](std::stop_token) { sum += i; },
                                 [&calls, i](Outcome) { ++calls[i]; }));
    loop.run();
    for (int i = 0; i < kJobs; ++i) ASSERT_EQ(calls[i], 1) << i;
    EXPECT_EQ(sum.load(), kJobs * (kJobs - 1) / 2);
    EXPECT_EQ(pool.outstanding(), 0u);
  }
  testing::expect_clean_close(loop);
}

TEST(ThreadPool, DoneMaySubmitMoreWork) {
  Loop loop;
  {
    ThreadPool pool(loop, 1);
    int rounds = 0;
    PoolJob job;
    std::function<void()> again = [&] {
      job = pool.submit([](std::stop_token) {},
                        [&](Outcome) {
                          if (++rounds < 10) again();
                        });
    };
    again();
    loop.run();
    EXPECT_EQ(rounds, 10);
  }
  testing::expect_clean_close(loop);
}

}  // namespace
}  // namespace sluice::detail
