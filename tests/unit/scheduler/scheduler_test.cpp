/// Scheduling policy (SPEC §2): slots, cpus weights, pools, priority,
/// fail-fast, keep-going, continue_on_error, `if` skips. Driven by the fake
/// runner and the fake clock in fakes.hpp.
#include <gtest/gtest.h>

#include "fakes.hpp"

namespace sluice::detail::testing {
namespace {

using std::chrono::milliseconds;

TEST(Scheduler, RespectsMaxParallel) {
  Harness h;
  for (int i = 0; i < 5; ++i) h.add("t" + std::to_string(i));
  h.options.max_parallel = 2;
  h.start();
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{0, 1}));
  h.runner.exit(1, 0);
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{0, 1, 2}));
  h.runner.exit(0, 0);
  h.runner.exit(2, 0);
  h.runner.exit(3, 0);
  h.runner.exit(4, 0);
  EXPECT_EQ(h.runner.max_running, 2u);
  EXPECT_TRUE(h.sched->done());
  EXPECT_EQ(h.sched->result(), RunStatus::Succeeded);
  EXPECT_EQ(h.run_finished().succeeded, 5u);
}

TEST(Scheduler, ZeroMaxParallelFallsBackToPipelineThenCpus) {
  Harness h;
  h.add("a");
  h.pipeline.max_parallel = 3;
  h.start();
  EXPECT_EQ(h.sched->max_parallel(), 3);
}

TEST(Scheduler, CpusTakeSlotsWithoutBackfilling) {
  Harness h;
  const TaskId a = h.add("a"), b = h.add("b"), c = h.add("c");
  h.task(a).edit_extras().resources.cpus = 3;
  h.task(b).edit_extras().resources.cpus = 2;
  h.options.max_parallel = 4;
  h.start();
  // b needs 2 of the 1 free slot; c, behind it in file order, waits too.
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{a}));
  h.runner.exit(a, 0);
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{a, b, c}));
}

TEST(Scheduler, CpusAboveMaxParallelAreClampedAndRunAlone) {
  Harness h;
  const TaskId a = h.add("a"), b = h.add("b");
  h.task(a).edit_extras().resources.cpus = 16;
  h.options.max_parallel = 4;
  h.start();
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{a}));
  h.runner.exit(a, 0);
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{a, b}));
  h.runner.exit(b, 0);
  EXPECT_EQ(h.sched->result(), RunStatus::Succeeded);
}

TEST(Scheduler, PoolSizeLimitsItsTasksOnly) {
  Harness h;
  h.pipeline.pools.push_back(Pool{"net", 2, 0});
  for (int i = 0; i < 4; ++i) h.task(h.add("n" + std::to_string(i))).edit_extras().pool = "net";
  const TaskId other = h.add("other");
  h.options.max_parallel = 10;
  h.start();
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{0, 1, other}));
  h.runner.exit(0, 0);
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{0, 1, other, 2}));
  h.runner.exit(1, 0);
  h.runner.exit(2, 0);
  h.runner.exit(3, 0);
  h.runner.exit(other, 0);
  EXPECT_EQ(h.runner.max_running, 3u);
  EXPECT_TRUE(h.sched->done());
}

TEST(Scheduler, PoolRateSpacesStarts) {
  Harness h;
  h.pipeline.pools.push_back(Pool{"api", 10, 2.0});  // 2 starts per second
  for (int i = 0; i < 3; ++i) h.task(h.add("r" + std::to_string(i))).edit_extras().pool = "api";
  h.options.max_parallel = 10;
  h.start();
  EXPECT_EQ(h.runner.started().size(), 1u);
  h.timers.advance(milliseconds(499));
  EXPECT_EQ(h.runner.started().size(), 1u);
  h.timers.advance(milliseconds(1));
  EXPECT_EQ(h.runner.started().size(), 2u);
  h.timers.advance(milliseconds(499));
  EXPECT_EQ(h.runner.started().size(), 2u);
  h.timers.advance(milliseconds(1));
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{0, 1, 2}));
  for (TaskId t = 0; t < 3; ++t) h.runner.exit(t, 0);
  EXPECT_TRUE(h.sched->done());
  EXPECT_EQ(h.timers.pending(), 0u);
}

TEST(Scheduler, InteractiveTasksRunOneAtATime) {
  Harness h;
  const TaskId a = h.add("a"), b = h.add("b"), c = h.add("c");
  h.task(a).interactive = true;
  h.task(b).interactive = true;
  h.options.max_parallel = 4;
  h.start();
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{a, c}));
  h.runner.exit(a, 0);
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{a, c, b}));
}

TEST(Scheduler, PriorityThenFileOrder) {
  Harness h;
  h.add("a");
  h.task(h.add("b")).priority = 5;
  h.task(h.add("c")).priority = 5;
  h.add("d");
  h.task(h.add("e")).priority = -1;
  h.options.max_parallel = 1;
  h.start();
  for (int i = 0; i < 5; ++i) h.runner.exit(h.runner.started().back(), 0);
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{1, 2, 0, 3, 4}));
}

TEST(Scheduler, DependenciesStartAfterTheyFinish) {
  Harness h;
  const TaskId a = h.add("a"), b = h.add("b", {"a"}), c = h.add("c", {"a", "b"});
  h.options.max_parallel = 4;
  h.start();
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{a}));
  h.runner.exit(a, 0);
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{a, b}));
  h.runner.exit(b, 0);
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{a, b, c}));
}

TEST(Scheduler, TasksOutsideTheSelectionAreIgnored) {
  Harness h;
  h.add("a");
  const TaskId b = h.add("b", {"a"});
  h.start(std::vector<TaskId>{b});
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{b}));
  h.runner.exit(b, 0);
  EXPECT_EQ(h.all<TaskFinished>().size(), 1u);
  EXPECT_EQ(h.all<RunStarted>().at(0).tasks, 1u);
  EXPECT_TRUE(h.sched->done());
}

// The scheduler keeps state for the selected tasks only (a few of a large
// pipeline): lookups of tasks outside it must see "not selected", whatever
// their id, in every direction (a dependency, a dependent, a runner report).
TEST(Scheduler, SubsetOfALargerPipelineTouchesNothingOutsideIt) {
  Harness h;
  const TaskId a = h.add("a"), b = h.add("b", {"a"}), c = h.add("c", {"b"});
  const TaskId d = h.add("d"), e = h.add("e", {"d"});
  h.options.max_parallel = 4;
  h.options.keep_going = true;
  // Out of id order, with a duplicate and an id past the pipeline's end.
  h.start(std::vector<TaskId>{d, b, e, b, 99});
  EXPECT_EQ(h.all<RunStarted>().at(0).tasks, 3u);
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{b, d}));  // a counts as satisfied

  h.sched->on_task_started(c, 7);            // reports for unselected tasks
  h.sched->on_task_finished(a, exited(0));   // change nothing
  EXPECT_TRUE(h.started_events(c).empty());
  EXPECT_TRUE(h.finished_of(a).empty());

  h.runner.exit(b, 1);  // its dependent c is not selected: nothing to skip
  EXPECT_TRUE(h.finished_of(c).empty());
  EXPECT_EQ(h.finished(b).status, TaskStatus::Failed);
  h.runner.exit(d, 0);
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{b, d, e}));
  h.runner.exit(e, 0);
  EXPECT_TRUE(h.sched->done());
  EXPECT_EQ(h.all<TaskFinished>().size(), 3u);
  EXPECT_EQ(h.run_finished().succeeded, 2u);
  EXPECT_EQ(h.run_finished().failed, 1u);
}

TEST(Scheduler, EmptySelectionFinishesAtOnce) {
  Harness h;
  h.add("a");
  h.start(std::vector<TaskId>{});
  EXPECT_TRUE(h.sched->done());
  EXPECT_EQ(h.sched->result(), RunStatus::Succeeded);
}

TEST(Scheduler, EventsCarryAttemptPidAndDuration) {
  Harness h;
  const TaskId a = h.add("a");
  h.start();
  h.timers.advance(milliseconds(812));
  AttemptOutcome o = exited(0);
  o.cpu_ms = 40;
  o.max_rss_kb = 5120;
  h.runner.finish(a, o);
  ASSERT_EQ(h.all<RunStarted>().size(), 1u);
  EXPECT_EQ(h.all<RunStarted>()[0].pipeline, "test");
  auto st = h.started_events(a);
  ASSERT_EQ(st.size(), 1u);
  EXPECT_EQ(st[0].attempt, 1);
  EXPECT_EQ(st[0].pid, 1000);
  const TaskFinished f = h.finished(a);
  EXPECT_EQ(f.status, TaskStatus::Succeeded);
  EXPECT_EQ(f.exit_code, 0);
  EXPECT_EQ(f.attempts, 1);
  EXPECT_EQ(f.duration_ms, 812);
  EXPECT_EQ(f.cpu_ms, 40);
  EXPECT_EQ(f.max_rss_kb, 5120);
  EXPECT_EQ(h.run_finished().duration_ms, 812);
  EXPECT_TRUE(std::holds_alternative<RunFinished>(h.events.back()));
}

TEST(Scheduler, FailFastCancelsRunningAndUnstarted) {
  Harness h;
  const TaskId a = h.add("a"), b = h.add("b"), c = h.add("c"), d = h.add("d", {"a"});
  h.task(b).grace = milliseconds(3000);
  h.options.max_parallel = 2;
  h.start();
  ASSERT_EQ(h.runner.started(), (std::vector<TaskId>{a, b}));
  h.runner.exit(a, 1);
  EXPECT_EQ(h.runner.terminated(), (std::vector<TaskId>{b}));
  EXPECT_TRUE(h.runner.killed().empty());
  EXPECT_EQ(h.finished(c).status, TaskStatus::Cancelled);
  EXPECT_EQ(h.finished(c).attempts, 0);
  EXPECT_EQ(h.finished(c).duration_ms, 0);
  EXPECT_EQ(h.finished(d).status, TaskStatus::Cancelled);
  h.timers.advance(milliseconds(2999));
  EXPECT_TRUE(h.runner.killed().empty());
  h.timers.advance(milliseconds(1));
  EXPECT_EQ(h.runner.killed(), (std::vector<TaskId>{b}));
  EXPECT_FALSE(h.sched->done());
  h.runner.signal(b, SIGKILL);
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{a, b}));  // nothing new started
  EXPECT_EQ(h.finished(a).status, TaskStatus::Failed);
  EXPECT_EQ(h.finished(a).exit_code, 1);
  EXPECT_EQ(h.finished(b).status, TaskStatus::Cancelled);
  EXPECT_EQ(h.finished(b).signal, SIGKILL);
  ASSERT_TRUE(h.sched->done());
  EXPECT_EQ(h.sched->result(), RunStatus::Failed);
  const RunFinished r = h.run_finished();
  EXPECT_EQ(r.failed, 1u);
  EXPECT_EQ(r.cancelled, 3u);
  EXPECT_EQ(h.timers.pending(), 0u);
}

TEST(Scheduler, TaskThatExitsZeroAfterTermIsSucceeded) {
  Harness h;
  const TaskId a = h.add("a"), b = h.add("b");
  h.options.max_parallel = 2;
  h.start();
  h.runner.exit(a, 1);
  h.runner.exit(b, 0);
  EXPECT_EQ(h.finished(b).status, TaskStatus::Succeeded);
  EXPECT_EQ(h.sched->result(), RunStatus::Failed);
}

TEST(Scheduler, KeepGoingSkipsDependentsTransitivelyAndRunsIndependents) {
  Harness h;
  const TaskId a = h.add("a"), b = h.add("b", {"a"}), c = h.add("c", {"b"});
  const TaskId d = h.add("d"), e = h.add("e", {"d"}), f = h.add("f", {"c", "e"});
  h.options.max_parallel = 4;
  h.options.keep_going = true;
  h.start();
  h.runner.exit(a, 2);
  EXPECT_TRUE(h.runner.terminated().empty());
  EXPECT_EQ(h.finished(b).status, TaskStatus::Skipped);
  EXPECT_EQ(h.finished(b).reason, SkipReason::DependencyFailed);
  EXPECT_EQ(h.finished(c).reason, SkipReason::DependencyFailed);
  EXPECT_EQ(h.finished(f).reason, SkipReason::DependencyFailed);
  h.runner.exit(d, 0);
  h.runner.exit(e, 0);
  EXPECT_EQ(h.finished(e).status, TaskStatus::Succeeded);
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{a, d, e}));
  ASSERT_TRUE(h.sched->done());
  EXPECT_EQ(h.sched->result(), RunStatus::Failed);
  const RunFinished r = h.run_finished();
  EXPECT_EQ(r.failed, 1u);
  EXPECT_EQ(r.skipped, 3u);
  EXPECT_EQ(r.succeeded, 2u);
}

TEST(Scheduler, ContinueOnErrorIsIgnoredAndDependentsRun) {
  Harness h;
  const TaskId a = h.add("a"), b = h.add("b", {"a"});
  h.task(a).continue_on_error = true;
  h.start();
  h.runner.exit(a, 3);
  const TaskFinished fa = h.finished(a);
  EXPECT_EQ(fa.status, TaskStatus::Failed);
  EXPECT_TRUE(fa.ignored);
  EXPECT_EQ(fa.exit_code, 3);
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{a, b}));
  h.runner.exit(b, 0);
  EXPECT_EQ(h.sched->result(), RunStatus::Succeeded);
  EXPECT_EQ(h.run_finished().failed, 1u);
}

TEST(Scheduler, SkippedByIfLetsDependentsRun) {
  Harness h;
  const TaskId a = h.add("a"), b = h.add("b", {"a"});
  h.runner.report_pid = false;  // the `if` said no: no process of the task ran
  h.start();
  AttemptOutcome skip;
  skip.skipped_by_if = true;
  skip.exit_code = 1;
  h.runner.finish(a, skip);
  EXPECT_EQ(h.finished(a).status, TaskStatus::Skipped);
  EXPECT_EQ(h.finished(a).reason, SkipReason::If);
  EXPECT_TRUE(h.started_events(a).empty());
  // SPEC §7: attempts count task_started events; the task never started.
  EXPECT_EQ(h.finished(a).attempts, 0);
  EXPECT_FALSE(h.finished(a).exit_code.has_value());
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{a, b}));
  h.runner.exit(b, 0);
  EXPECT_EQ(h.sched->result(), RunStatus::Succeeded);
  EXPECT_EQ(h.run_finished().skipped, 1u);
}

TEST(Scheduler, StartedIsEmittedForAnAttemptTheRunnerDidNotReport) {
  Harness h;
  const TaskId a = h.add("a");
  h.runner.report_pid = false;
  h.start();
  h.runner.exit(a, 0);
  auto st = h.started_events(a);
  ASSERT_EQ(st.size(), 1u);
  EXPECT_EQ(st[0].pid, 0);
  // The real runner reports later than start(); a duplicate report is ignored.
  Harness h2;
  const TaskId x = h2.add("x");
  h2.runner.report_pid = false;
  h2.start();
  h2.sched->on_task_started(x, 77);
  h2.sched->on_task_started(x, 78);
  h2.runner.exit(x, 0);
  ASSERT_EQ(h2.started_events(x).size(), 1u);
  EXPECT_EQ(h2.started_events(x)[0].pid, 77);
}

TEST(Scheduler, UpToDateTasksTakeNoSlotAndSatisfyDependents) {
  Harness h;
  const TaskId a = h.add("a"), b = h.add("b", {"a"}), c = h.add("c", {"b"});
  std::vector<TaskId> asked;
  h.options.is_up_to_date = [&](TaskId t) {
    asked.push_back(t);
    return t != c;
  };
  h.start();
  EXPECT_EQ(asked, (std::vector<TaskId>{a, b, c}));
  EXPECT_EQ(h.finished(a).status, TaskStatus::UpToDate);
  EXPECT_EQ(h.finished(b).status, TaskStatus::UpToDate);
  EXPECT_EQ(h.finished(b).attempts, 0);
  EXPECT_TRUE(h.started_events(a).empty());
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{c}));
  h.runner.exit(c, 0);
  EXPECT_EQ(h.run_finished().up_to_date, 2u);
  EXPECT_EQ(h.sched->result(), RunStatus::Succeeded);
}

TEST(Scheduler, UpToDateIsAskedOnlyOnceDependenciesFinished) {
  Harness h;
  const TaskId a = h.add("a"), b = h.add("b", {"a"});
  std::vector<TaskId> asked;
  h.options.is_up_to_date = [&](TaskId t) {
    asked.push_back(t);
    return false;
  };
  h.start();
  EXPECT_EQ(asked, (std::vector<TaskId>{a}));
  h.runner.exit(a, 0);
  EXPECT_EQ(asked, (std::vector<TaskId>{a, b}));
}

}  // namespace
}  // namespace sluice::detail::testing
