/// `always` tasks, interrupts (SIGINT/SIGTERM/SIGHUP) and the second SIGINT
/// (SPEC §2), with the fake runner and clock.
#include <gtest/gtest.h>

#include "fakes.hpp"

namespace sluice::detail::testing {
namespace {

using std::chrono::milliseconds;

TEST(Always, RunsAfterAFailureOnceItsNeedsFinished) {
  Harness h;
  const TaskId a = h.add("a"), b = h.add("b"), cleanup = h.add("cleanup", {"b"});
  h.task(cleanup).always = true;
  h.options.max_parallel = 4;
  h.start();
  h.runner.exit(a, 1);
  EXPECT_EQ(h.runner.terminated(), (std::vector<TaskId>{b}));
  EXPECT_FALSE(h.runner.is_running(cleanup));  // b has not finished yet
  h.runner.signal(b, SIGTERM);
  EXPECT_EQ(h.finished(b).status, TaskStatus::Cancelled);
  EXPECT_TRUE(h.runner.is_running(cleanup));
  h.runner.exit(cleanup, 0);
  EXPECT_EQ(h.finished(cleanup).status, TaskStatus::Succeeded);
  EXPECT_EQ(h.sched->result(), RunStatus::Failed);
}

TEST(Always, RunsWhenItsNeedWillNeverStart) {
  Harness h;
  const TaskId a = h.add("a"), x = h.add("x", {"a"}), cleanup = h.add("cleanup", {"x"});
  const TaskId other = h.add("other");
  h.task(cleanup).always = true;
  h.options.max_parallel = 4;
  h.start();
  h.runner.exit(a, 1);
  EXPECT_EQ(h.finished(x).status, TaskStatus::Cancelled);
  EXPECT_EQ(h.finished(x).attempts, 0);
  // `other` still runs: cleanup need not wait for it.
  EXPECT_TRUE(h.runner.is_running(other));
  EXPECT_TRUE(h.runner.is_running(cleanup));
  h.runner.exit(cleanup, 0);
  h.runner.signal(other, SIGTERM);
  EXPECT_EQ(h.sched->result(), RunStatus::Failed);
}

TEST(Always, RunsAfterSkippedDependenciesInKeepGoing) {
  Harness h;
  const TaskId a = h.add("a"), x = h.add("x", {"a"}), cleanup = h.add("cleanup", {"x"});
  h.task(cleanup).always = true;
  h.options.keep_going = true;
  h.start();
  h.runner.exit(a, 1);
  EXPECT_EQ(h.finished(x).reason, SkipReason::DependencyFailed);
  ASSERT_TRUE(h.runner.is_running(cleanup));
  h.runner.exit(cleanup, 0);
  EXPECT_EQ(h.sched->result(), RunStatus::Failed);
}

TEST(Always, IsNotCancelledByAFailureElsewhere) {
  Harness h;
  const TaskId a = h.add("a"), cleanup = h.add("cleanup");
  h.task(cleanup).always = true;
  h.options.max_parallel = 2;
  h.start();
  h.runner.exit(a, 1);
  EXPECT_TRUE(h.runner.terminated().empty());
  h.runner.exit(cleanup, 0);
  EXPECT_EQ(h.finished(cleanup).status, TaskStatus::Succeeded);
}

TEST(Always, ItsOwnFailureFailsTheRun) {
  Harness h;
  const TaskId a = h.add("a"), cleanup = h.add("cleanup", {"a"});
  h.task(cleanup).always = true;
  h.start();
  h.runner.exit(a, 0);
  h.runner.exit(cleanup, 4);
  EXPECT_EQ(h.finished(cleanup).status, TaskStatus::Failed);
  EXPECT_EQ(h.sched->result(), RunStatus::Failed);
}

TEST(Interrupt, CancelsRunningRunsAlwaysAndEndsInterrupted) {
  Harness h;
  const TaskId a = h.add("a"), b = h.add("b", {"a"}), cleanup = h.add("cleanup", {"a"});
  h.task(cleanup).always = true;
  h.task(a).grace = milliseconds(1000);
  h.start();
  h.sched->interrupt(SIGINT);
  EXPECT_EQ(h.runner.terminated(), (std::vector<TaskId>{a}));
  EXPECT_FALSE(h.runner.is_running(cleanup));
  h.timers.advance(milliseconds(1000));
  EXPECT_EQ(h.runner.killed(), (std::vector<TaskId>{a}));
  h.runner.signal(a, SIGKILL);
  EXPECT_EQ(h.finished(a).status, TaskStatus::Cancelled);
  EXPECT_EQ(h.finished(b).status, TaskStatus::Cancelled);
  ASSERT_TRUE(h.runner.is_running(cleanup));
  h.runner.exit(cleanup, 0);
  ASSERT_TRUE(h.sched->done());
  EXPECT_EQ(h.sched->result(), RunStatus::Interrupted);
  EXPECT_EQ(h.sched->interrupt_signal(), SIGINT);
}

TEST(Interrupt, CancelsInKeepGoingToo) {
  Harness h;
  const TaskId a = h.add("a"), b = h.add("b");
  h.options.keep_going = true;
  h.options.max_parallel = 1;
  h.start();
  h.sched->interrupt(SIGTERM);
  EXPECT_EQ(h.runner.terminated(), (std::vector<TaskId>{a}));
  EXPECT_EQ(h.finished(b).status, TaskStatus::Cancelled);
  h.runner.signal(a, SIGTERM);
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{a}));
  EXPECT_EQ(h.sched->result(), RunStatus::Interrupted);
  EXPECT_EQ(h.sched->interrupt_signal(), SIGTERM);
}

TEST(Interrupt, RepeatedSigtermDoesNotEscalate) {
  Harness h;
  const TaskId a = h.add("a");
  h.start();
  h.sched->interrupt(SIGHUP);
  h.sched->interrupt(SIGHUP);
  EXPECT_TRUE(h.runner.killed().empty());
  h.runner.signal(a, SIGTERM);
  EXPECT_EQ(h.sched->interrupt_signal(), SIGHUP);
}

TEST(Interrupt, SecondSigintKillsEverythingAlwaysTasksToo) {
  Harness h;
  const TaskId a = h.add("a"), cleanup = h.add("cleanup"), late = h.add("late", {"a"});
  h.task(cleanup).always = true;
  h.task(late).always = true;
  h.options.max_parallel = 4;
  h.start();
  h.sched->interrupt(SIGINT);
  EXPECT_EQ(h.runner.terminated(), (std::vector<TaskId>{a}));  // not the always task
  h.sched->interrupt(SIGINT);
  EXPECT_EQ(h.runner.killed(), (std::vector<TaskId>{a, cleanup}));
  EXPECT_EQ(h.finished(late).status, TaskStatus::Cancelled);  // will never start now
  h.runner.signal(a, SIGKILL);
  h.runner.signal(cleanup, SIGKILL);
  EXPECT_EQ(h.finished(cleanup).status, TaskStatus::Cancelled);
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{a, cleanup}));
  ASSERT_TRUE(h.sched->done());
  EXPECT_EQ(h.sched->result(), RunStatus::Interrupted);
  EXPECT_EQ(h.timers.pending(), 0u);
}

TEST(Interrupt, BeforeStartCancelsEverythingButAlways) {
  Harness h;
  h.add("a");
  const TaskId cleanup = h.add("cleanup");
  h.task(cleanup).always = true;
  GraphResult g = build_graph(h.pipeline);
  ASSERT_TRUE(g.ok());
  h.graph.emplace(std::move(g.graph));
  h.sched = std::make_unique<Scheduler>(h.pipeline, *h.graph, h.graph->topological_order(),
                                        h.options, h.runner, h.timers,
                                        [&h](const Event& e) { h.events.push_back(e); });
  h.runner.scheduler = h.sched.get();
  h.sched->interrupt(SIGINT);
  h.sched->start();
  ASSERT_TRUE(std::holds_alternative<RunStarted>(h.events.front()));
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{cleanup}));
  h.runner.exit(cleanup, 0);
  EXPECT_EQ(h.sched->result(), RunStatus::Interrupted);
}

// An interactive task shares sluice's terminal and process group: the Ctrl-C
// that kills it reaches sluice too, and the two may be seen in either order.
TEST(InteractiveCtrlC, ATaskDeadOfSigintBeforeSluicesSigintIsCancelledAndInterruptsTheRun) {
  Harness h;
  const TaskId ask = h.add("ask"), next = h.add("next", {"ask"}), cleanup = h.add("cleanup");
  h.task(ask).interactive = true;
  h.task(cleanup).always = true;
  h.options.max_parallel = 2;
  h.start();
  h.runner.signal(ask, SIGINT);
  EXPECT_EQ(h.finished(ask).status, TaskStatus::Cancelled);
  EXPECT_EQ(h.finished(next).status, TaskStatus::Cancelled);
  EXPECT_EQ(h.sched->interrupt_signal(), SIGINT);
  // sluice's own SIGINT for the same keypress: not a second Ctrl-C, so the
  // `always` task is not killed.
  h.sched->interrupt(SIGINT);
  EXPECT_TRUE(h.runner.killed().empty());
  EXPECT_TRUE(h.runner.is_running(cleanup));
  h.runner.exit(cleanup, 0);
  EXPECT_EQ(h.finished(cleanup).status, TaskStatus::Succeeded);
  EXPECT_EQ(h.sched->result(), RunStatus::Interrupted);
}

TEST(InteractiveCtrlC, ATaskDeadOfSigintAfterSluicesSigintIsCancelled) {
  Harness h;
  const TaskId ask = h.add("ask"), cleanup = h.add("cleanup");
  h.task(ask).interactive = true;
  h.task(cleanup).always = true;
  h.options.max_parallel = 2;
  h.start();
  h.sched->interrupt(SIGINT);
  h.runner.signal(ask, SIGINT);
  EXPECT_EQ(h.finished(ask).status, TaskStatus::Cancelled);
  // A real second Ctrl-C still kills.
  h.sched->interrupt(SIGINT);
  EXPECT_EQ(h.runner.killed(), (std::vector<TaskId>{cleanup}));
  h.runner.signal(cleanup, SIGKILL);
  EXPECT_EQ(h.sched->result(), RunStatus::Interrupted);
}

TEST(InteractiveCtrlC, ALastTaskDeadOfSigintEndsTheRunInterrupted) {
  Harness h;
  const TaskId ask = h.add("ask");
  h.task(ask).interactive = true;
  h.start();
  h.runner.signal(ask, SIGINT);
  ASSERT_TRUE(h.sched->done());
  EXPECT_EQ(h.finished(ask).status, TaskStatus::Cancelled);
  EXPECT_EQ(h.sched->result(), RunStatus::Interrupted);
  EXPECT_EQ(h.run_finished().cancelled, 1u);
}

TEST(InteractiveCtrlC, AnInteractiveTaskThatFailsOtherwiseFails) {
  Harness h;
  const TaskId ask = h.add("ask"), batch = h.add("batch");
  h.task(ask).interactive = true;
  h.options.keep_going = true;
  h.start();
  h.runner.signal(ask, SIGTERM);
  EXPECT_EQ(h.finished(ask).status, TaskStatus::Failed);
  // A batch task dead of SIGINT was not ended by the terminal's Ctrl-C (it
  // has a process group of its own): a failure.
  h.runner.signal(batch, SIGINT);
  EXPECT_EQ(h.finished(batch).status, TaskStatus::Failed);
  EXPECT_EQ(h.sched->interrupt_signal(), std::nullopt);
  EXPECT_EQ(h.sched->result(), RunStatus::Failed);
}

}  // namespace
}  // namespace sluice::detail::testing
