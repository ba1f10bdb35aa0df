/// Timeouts and retries through the scheduler (SPEC §2, §1.2 `timeout`,
/// `grace`, `retry`), and the pure backoff arithmetic of retry_backoff.hpp.
#include <gtest/gtest.h>

#include "fakes.hpp"
#include "scheduler/retry_backoff.hpp"

namespace sluice::detail::testing {
namespace {

using std::chrono::milliseconds;

TEST(Timeout, TerminatesThenKillsAfterGraceAndIsTimedOut) {
  Harness h;
  const TaskId a = h.add("a");
  h.task(a).timeout = milliseconds(1000);
  h.task(a).grace = milliseconds(2000);
  h.start();
  h.timers.advance(milliseconds(999));
  EXPECT_TRUE(h.runner.terminated().empty());
  h.timers.advance(milliseconds(1));
  EXPECT_EQ(h.runner.terminated(), (std::vector<TaskId>{a}));
  h.timers.advance(milliseconds(1999));
  EXPECT_TRUE(h.runner.killed().empty());
  h.timers.advance(milliseconds(1));
  EXPECT_EQ(h.runner.killed(), (std::vector<TaskId>{a}));
  h.runner.signal(a, SIGKILL);
  const TaskFinished f = h.finished(a);
  EXPECT_EQ(f.status, TaskStatus::TimedOut);
  EXPECT_EQ(f.signal, SIGKILL);
  EXPECT_EQ(f.attempts, 1);
  EXPECT_EQ(f.duration_ms, 3000);
  EXPECT_EQ(h.sched->result(), RunStatus::Failed);
  EXPECT_EQ(h.run_finished().timed_out, 1u);
}

TEST(Timeout, NoKillWhenTheTaskEndsWithinGrace) {
  Harness h;
  const TaskId a = h.add("a");
  h.task(a).timeout = milliseconds(100);
  h.start();
  h.timers.advance(milliseconds(100));
  h.runner.signal(a, SIGTERM);
  h.timers.advance(milliseconds(10000));
  EXPECT_TRUE(h.runner.killed().empty());
  EXPECT_EQ(h.finished(a).status, TaskStatus::TimedOut);
  EXPECT_EQ(h.timers.pending(), 0u);
}

TEST(Timeout, CountsAsAnAttemptAndIsRetried) {
  Harness h;
  const TaskId a = h.add("a");
  h.task(a).timeout = milliseconds(100);
  h.task(a).edit_extras().retry.limit = 1;
  h.task(a).edit_extras().retry.delay = milliseconds(50);
  h.start();
  h.timers.advance(milliseconds(100));
  h.runner.signal(a, SIGTERM);
  auto r = h.all<TaskRetrying>();
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].reason, "timed out");
  EXPECT_EQ(r[0].attempt, 2);
  h.timers.advance(milliseconds(50));
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{a, a}));
  // The second attempt has its own timeout.
  h.timers.advance(milliseconds(100));
  EXPECT_EQ(h.runner.terminated(), (std::vector<TaskId>{a, a}));
  h.runner.signal(a, SIGTERM);
  EXPECT_EQ(h.finished(a).status, TaskStatus::TimedOut);
  EXPECT_EQ(h.finished(a).attempts, 2);
}

TEST(Timeout, ZeroMeansNoTimeout) {
  Harness h;
  const TaskId a = h.add("a");
  h.task(a).timeout = milliseconds(0);  // e.g. switching a default off
  h.start();
  EXPECT_EQ(h.timers.pending(), 0u);
  h.timers.advance(std::chrono::hours(24));
  EXPECT_TRUE(h.runner.terminated().empty());
  h.runner.exit(a, 0);
  EXPECT_EQ(h.finished(a).status, TaskStatus::Succeeded);
}

// SPEC §1.2: only time the run spends running counts (Ctrl-Z, then fg).
TEST(Timeout, TimeWhileTheRunIsStoppedDoesNotCount) {
  Harness h;
  const TaskId a = h.add("a");
  h.task(a).timeout = milliseconds(1000);
  h.start();
  h.timers.advance(milliseconds(400));
  h.sched->on_run_stopped();
  h.timers.advance(milliseconds(60000));
  EXPECT_TRUE(h.runner.terminated().empty());
  h.sched->on_run_continued();
  h.timers.advance(milliseconds(599));
  EXPECT_TRUE(h.runner.terminated().empty());
  h.timers.advance(milliseconds(1));
  EXPECT_EQ(h.runner.terminated(), (std::vector<TaskId>{a}));
  h.runner.signal(a, SIGTERM);
  EXPECT_EQ(h.finished(a).status, TaskStatus::TimedOut);
}

TEST(Timeout, TheGraceAfterTermDoesNotRunOutWhileStopped) {
  Harness h;
  const TaskId a = h.add("a");
  h.task(a).timeout = milliseconds(100);
  h.task(a).grace = milliseconds(1000);
  h.start();
  h.timers.advance(milliseconds(100));
  ASSERT_EQ(h.runner.terminated(), (std::vector<TaskId>{a}));
  h.timers.advance(milliseconds(300));
  h.sched->on_run_stopped();
  h.timers.advance(milliseconds(5000));
  EXPECT_TRUE(h.runner.killed().empty());
  h.sched->on_run_continued();
  h.timers.advance(milliseconds(699));
  EXPECT_TRUE(h.runner.killed().empty());
  h.timers.advance(milliseconds(1));
  EXPECT_EQ(h.runner.killed(), (std::vector<TaskId>{a}));
  h.runner.signal(a, SIGKILL);
  EXPECT_EQ(h.finished(a).status, TaskStatus::TimedOut);
}

TEST(Timeout, RepeatedStopsAndAContinueWithoutAStopAreHarmless) {
  Harness h;
  const TaskId a = h.add("a"), b = h.add("b", {"a"});
  h.task(a).timeout = milliseconds(1000);
  h.task(b).timeout = milliseconds(1000);
  h.start();
  h.sched->on_run_continued();  // `kill -CONT` nobody asked for
  h.timers.advance(milliseconds(500));
  h.sched->on_run_stopped();
  h.sched->on_run_stopped();
  h.timers.advance(milliseconds(5000));
  h.sched->on_run_continued();
  h.sched->on_run_continued();
  h.timers.advance(milliseconds(499));
  h.runner.exit(a, 0);
  // A task started after the continue counts from its own start.
  h.timers.advance(milliseconds(999));
  EXPECT_TRUE(h.runner.terminated().empty());
  h.timers.advance(milliseconds(1));
  EXPECT_EQ(h.runner.terminated(), (std::vector<TaskId>{b}));
  h.runner.signal(b, SIGTERM);
  EXPECT_EQ(h.finished(b).status, TaskStatus::TimedOut);
  EXPECT_EQ(h.timers.pending(), 0u);
}

TEST(Timeout, ATimerThatWakesEarlyIsWaitedOut) {
  Harness h;
  h.timers.early = milliseconds(100);  // as libuv's stale loop time can make it
  const TaskId a = h.add("a");
  h.task(a).timeout = milliseconds(1000);
  h.start();
  h.timers.advance(milliseconds(999));
  EXPECT_TRUE(h.runner.terminated().empty());
  h.timers.advance(milliseconds(1));
  EXPECT_EQ(h.runner.terminated(), (std::vector<TaskId>{a}));
  h.runner.signal(a, SIGTERM);
  EXPECT_EQ(h.finished(a).duration_ms, 1000);
}

TEST(Retry, BacksOffCapsAndEmitsRetrying) {
  Harness h;
  const TaskId a = h.add("a");
  RetryPolicy& rp = h.task(a).edit_extras().retry;
  rp.limit = 4;
  rp.delay = milliseconds(100);
  rp.backoff = 2;
  rp.max_delay = milliseconds(300);
  h.start();
  const std::vector<std::int64_t> want{100, 200, 300, 300};
  for (std::size_t i = 0; i < want.size(); ++i) {
    h.runner.exit(a, 7);
    ASSERT_EQ(h.all<TaskRetrying>().size(), i + 1);
    const TaskRetrying r = h.all<TaskRetrying>().back();
    EXPECT_EQ(r.delay_ms, want[i]);
    EXPECT_EQ(r.attempt, static_cast<int>(i) + 2);
    EXPECT_EQ(r.reason, "exit 7");
    h.timers.advance(milliseconds(want[i] - 1));
    EXPECT_EQ(h.runner.started().size(), i + 1) << "started before its delay";
    h.timers.advance(milliseconds(1));
    ASSERT_EQ(h.runner.started().size(), i + 2);
    EXPECT_EQ(h.runner.calls.back().attempt, static_cast<int>(i) + 2);
  }
  h.runner.exit(a, 7);
  const TaskFinished f = h.finished(a);
  EXPECT_EQ(f.status, TaskStatus::Failed);
  EXPECT_EQ(f.attempts, 5);
  EXPECT_EQ(f.exit_code, 7);
  EXPECT_EQ(h.started_events(a).size(), 5u);
  EXPECT_EQ(h.sched->result(), RunStatus::Failed);
}

TEST(Retry, SucceedsOnALaterAttempt) {
  Harness h;
  const TaskId a = h.add("a"), b = h.add("b", {"a"});
  h.task(a).edit_extras().retry.limit = 2;
  h.start();
  h.runner.signal(a, SIGKILL);
  EXPECT_EQ(h.all<TaskRetrying>().at(0).reason, "signal SIGKILL");
  EXPECT_FALSE(h.runner.is_running(b));
  h.timers.advance(milliseconds(1000));
  h.runner.exit(a, 0);
  EXPECT_EQ(h.finished(a).status, TaskStatus::Succeeded);
  EXPECT_EQ(h.finished(a).attempts, 2);
  h.runner.exit(b, 0);
  EXPECT_EQ(h.sched->result(), RunStatus::Succeeded);
}

TEST(Retry, RetryWaitFreesTheSlot) {
  Harness h;
  const TaskId a = h.add("a"), b = h.add("b");
  h.task(a).edit_extras().retry.limit = 1;
  h.options.max_parallel = 1;
  h.start();
  h.runner.exit(a, 1);
  EXPECT_TRUE(h.runner.is_running(b));
}

TEST(Retry, OnlyListedExitCodesWhenOnExitIsGiven) {
  Harness h;
  const TaskId a = h.add("a"), b = h.add("b"), c = h.add("c");
  for (TaskId t : {a, b, c}) {
    h.task(t).edit_extras().retry.limit = 3;
    h.task(t).edit_extras().retry.on_exit = {7};
    h.task(t).continue_on_error = true;
  }
  h.task(c).timeout = milliseconds(10);
  h.options.max_parallel = 3;
  h.start();
  h.runner.exit(a, 3);
  EXPECT_EQ(h.finished(a).attempts, 1);
  h.runner.exit(b, 7);
  EXPECT_EQ(h.all<TaskRetrying>().size(), 1u);
  h.timers.advance(milliseconds(10));  // c times out; b's retry is due at 1s
  h.runner.signal(c, SIGTERM);
  EXPECT_EQ(h.finished(c).status, TaskStatus::TimedOut);
  EXPECT_EQ(h.finished(c).attempts, 1);
  EXPECT_EQ(h.all<TaskRetrying>().size(), 1u);
}

TEST(Retry, SpawnFailureIsNeverRetried) {
  Harness h;
  const TaskId a = h.add("a");
  h.task(a).edit_extras().retry.limit = 3;
  h.runner.report_pid = false;
  h.start();
  AttemptOutcome o;
  o.spawn_failed = true;
  o.error = "command not found: fecth";
  h.runner.finish(a, o);
  EXPECT_TRUE(h.all<TaskRetrying>().empty());
  const TaskFinished f = h.finished(a);
  EXPECT_EQ(f.status, TaskStatus::Failed);
  EXPECT_EQ(f.error, "command not found: fecth");
  EXPECT_EQ(f.attempts, 1);
  ASSERT_EQ(h.started_events(a).size(), 1u);
  EXPECT_EQ(h.started_events(a)[0].pid, 0);
}

TEST(Retry, PendingRetryIsCancelledByFailFast) {
  Harness h;
  const TaskId a = h.add("a"), b = h.add("b");
  h.task(a).edit_extras().retry.limit = 3;
  h.options.max_parallel = 2;
  h.start();
  h.runner.exit(a, 1);  // waits to retry
  h.runner.exit(b, 1);  // fails the run
  const TaskFinished f = h.finished(a);
  EXPECT_EQ(f.status, TaskStatus::Cancelled);
  EXPECT_EQ(f.attempts, 1);
  EXPECT_TRUE(h.sched->done());
  EXPECT_EQ(h.timers.pending(), 0u);
}

TEST(Retry, JitterStaysWithinTheDelay) {
  Harness h;
  const TaskId a = h.add("a");
  h.task(a).edit_extras().retry = RetryPolicy{1, milliseconds(400), 2.0, std::nullopt, true, {}};
  h.options.random = [] { return 0.25; };
  h.start();
  h.runner.exit(a, 1);
  EXPECT_EQ(h.all<TaskRetrying>().at(0).delay_ms, 100);
}

TEST(RetryBackoff, DelayFollowsBackoffAndCap) {
  RetryPolicy p;
  p.delay = milliseconds(500);
  p.backoff = 2;
  p.max_delay = milliseconds(10000);
  const UnitRandom none;
  EXPECT_EQ(retry_delay(p, 1, none), milliseconds(500));
  EXPECT_EQ(retry_delay(p, 2, none), milliseconds(1000));
  EXPECT_EQ(retry_delay(p, 5, none), milliseconds(8000));
  EXPECT_EQ(retry_delay(p, 6, none), milliseconds(10000));
  EXPECT_EQ(retry_delay(p, 5000, none), milliseconds(10000));  // backoff^n overflows
  p.max_delay.reset();
  EXPECT_GT(retry_delay(p, 5000, none), milliseconds(0));
}

TEST(RetryBackoff, FullJitterIsUniformWithinZeroAndTheDelay) {
  RetryPolicy p;
  p.delay = milliseconds(1000);
  p.jitter = true;
  EXPECT_EQ(retry_delay(p, 1, [] { return 0.0; }), milliseconds(0));
  EXPECT_EQ(retry_delay(p, 1, [] { return 1.0; }), milliseconds(1000));
  EXPECT_EQ(retry_delay(p, 2, [] { return 0.5; }), milliseconds(1000));
  std::mt19937 gen(42);
  std::uniform_real_distribution<double> u(0, 1);
  Duration lo = milliseconds(5000), hi = milliseconds(0);
  for (int i = 0; i < 1000; ++i) {
    const Duration d = retry_delay(p, 3, [&] { return u(gen); });
    ASSERT_GE(d, milliseconds(0));
    ASSERT_LE(d, milliseconds(4000));
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  EXPECT_LT(lo, milliseconds(400));  // spread over the range, not a constant
  EXPECT_GT(hi, milliseconds(3600));
}

TEST(RetryBackoff, ShouldRetryRules) {
  RetryPolicy p;
  p.limit = 2;
  AttemptOutcome fail = exited(1);
  EXPECT_TRUE(should_retry(p, fail, false, 1));
  EXPECT_TRUE(should_retry(p, fail, false, 2));
  EXPECT_FALSE(should_retry(p, fail, false, 3));
  EXPECT_FALSE(should_retry(p, exited(0), false, 1));
  AttemptOutcome spawn;
  spawn.spawn_failed = true;
  spawn.error = "permission denied: ./x";
  EXPECT_FALSE(should_retry(p, spawn, false, 1));
  AttemptOutcome missing = exited(0);
  missing.error = "output not created: out.txt";
  EXPECT_TRUE(should_retry(p, missing, false, 1));
  p.on_exit = {7, 9};
  EXPECT_TRUE(should_retry(p, exited(9), false, 1));
  EXPECT_FALSE(should_retry(p, exited(1), false, 1));
  AttemptOutcome sig;
  sig.signal = 9;
  EXPECT_FALSE(should_retry(p, sig, false, 1));
  EXPECT_FALSE(should_retry(p, exited(7), true, 1));
}

TEST(RetryBackoff, Reasons) {
  EXPECT_EQ(failure_reason(exited(7), false), "exit 7");
  EXPECT_EQ(failure_reason(exited(7), true), "timed out");
  AttemptOutcome sig;
  sig.signal = SIGTERM;
  EXPECT_EQ(failure_reason(sig, false), "signal SIGTERM");
  AttemptOutcome missing = exited(0);
  missing.error = "output not created: out.txt";
  EXPECT_EQ(failure_reason(missing, false), "output not created: out.txt");
}

}  // namespace
}  // namespace sluice::detail::testing
