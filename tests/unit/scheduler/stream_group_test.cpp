/// Stream groups (SPEC §2): tasks joined by stream edges take their slots
/// together or wait together, at -j 1 too; a member that cannot start ends
/// its group. Driven by the fake runner and clock in fakes.hpp.
#include <gtest/gtest.h>

#include "fakes.hpp"

namespace sluice::detail::testing {
namespace {

void reads(Harness& h, TaskId consumer, const std::string& producer) {
  h.task(consumer).edit_extras().stdin_spec.kind = StdinSpec::Kind::Task;
  h.task(consumer).edit_extras().stdin_spec.path = producer;
}

TEST(StreamGroups, APairStartsTogetherAtOneSlot) {
  Harness h;
  const TaskId p = h.add("p"), c = h.add("c"), other = h.add("other");
  reads(h, c, "p");
  h.options.max_parallel = 1;
  h.start();
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{p, c}));
  h.runner.exit(c, 0);
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{p, c})) << "the group's slot is still held";
  h.runner.exit(p, 0);
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{p, c, other}));
  h.runner.exit(other, 0);
  EXPECT_EQ(h.sched->result(), RunStatus::Succeeded);
}

TEST(StreamGroups, AGroupWaitsUntilEveryMembersNeedsAreDone) {
  Harness h;
  const TaskId setup = h.add("setup");
  const TaskId p = h.add("p");
  const TaskId c = h.add("c", {"setup"});
  reads(h, c, "p");
  h.options.max_parallel = 4;
  h.start();
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{setup})) << "p waits for its consumer";
  h.runner.exit(setup, 0);
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{setup, p, c}));
  h.runner.exit(p, 0);
  h.runner.exit(c, 0);
  EXPECT_EQ(h.sched->result(), RunStatus::Succeeded);
}

TEST(StreamGroups, AGroupTakesTheSumOfItsSlotsOrWaits) {
  Harness h;
  const TaskId a = h.add("a"), p = h.add("p"), c1 = h.add("c1"), c2 = h.add("c2");
  reads(h, c1, "p");
  reads(h, c2, "p");
  h.options.max_parallel = 3;
  h.start();
  // The group needs 3 slots; a holds one: the group waits, whole.
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{a}));
  h.runner.exit(a, 0);
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{a, p, c1, c2}));
  EXPECT_EQ(h.sched->running(), 3);
  for (TaskId t : {c1, c2, p}) h.runner.exit(t, 0);
  EXPECT_EQ(h.sched->result(), RunStatus::Succeeded);
}

TEST(StreamGroups, AMemberThatCannotStartEndsItsGroup) {
  Harness h;
  const TaskId setup = h.add("setup");
  const TaskId p = h.add("p");
  const TaskId c = h.add("c", {"setup"});
  reads(h, c, "p");
  h.options.keep_going = true;
  h.start();
  h.runner.exit(setup, 1);
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{setup}));
  EXPECT_EQ(h.finished(c).status, TaskStatus::Skipped);
  EXPECT_EQ(h.finished(p).status, TaskStatus::Skipped);
  EXPECT_TRUE(h.sched->done());
}

TEST(StreamGroups, FailFastCancelsTheRestOfTheGroup) {
  Harness h;
  const TaskId p = h.add("p"), c = h.add("c");
  reads(h, c, "p");
  h.start();
  h.runner.exit(p, 3);
  EXPECT_EQ(h.runner.terminated(), (std::vector<TaskId>{c}));
  h.runner.signal(c, SIGTERM);
  EXPECT_EQ(h.finished(p).status, TaskStatus::Failed);
  EXPECT_EQ(h.finished(c).status, TaskStatus::Cancelled);
  EXPECT_EQ(h.sched->result(), RunStatus::Failed);
}

TEST(StreamGroups, AnAlwaysMemberOfAnUnstartedGroupDoesNotHang) {
  Harness h;
  const TaskId setup = h.add("setup");
  const TaskId p = h.add("p", {"setup"});
  const TaskId c = h.add("c");
  h.task(c).always = true;
  reads(h, c, "p");
  h.start();
  h.runner.exit(setup, 1);
  EXPECT_TRUE(h.sched->done());
  EXPECT_EQ(h.finished(p).status, TaskStatus::Cancelled);
  EXPECT_EQ(h.finished(c).status, TaskStatus::Cancelled);
}

TEST(StreamGroups, APoolBlockingOneMemberParksTheGroup) {
  Harness h;
  h.pipeline.pools.push_back(Pool{"one", 1, 0});
  const TaskId hold = h.add("hold"), p = h.add("p"), c = h.add("c");
  h.task(hold).edit_extras().pool = "one";
  h.task(c).edit_extras().pool = "one";
  reads(h, c, "p");
  h.options.max_parallel = 4;
  h.start();
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{hold}));
  h.runner.exit(hold, 0);
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{hold, p, c}));
  h.runner.exit(p, 0);
  h.runner.exit(c, 0);
  EXPECT_EQ(h.sched->result(), RunStatus::Succeeded);
}

TEST(StreamGroups, AGroupNeedsRoomForAllItsMembersInAPoolCappedAtItsSize) {
  Harness h;
  h.pipeline.pools.push_back(Pool{"two", 2, 0});
  h.pipeline.pools.push_back(Pool{"one", 1, 0});
  const TaskId hold = h.add("hold"), p = h.add("p"), c = h.add("c");
  const TaskId q = h.add("q"), d = h.add("d");
  for (TaskId t : {hold, p, c}) h.task(t).edit_extras().pool = "two";
  for (TaskId t : {q, d}) h.task(t).edit_extras().pool = "one";
  reads(h, c, "p");
  reads(h, d, "q");
  h.options.max_parallel = 8;
  h.start();
  // {p, c} needs both places of "two"; {q, d} runs alone in "one".
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{hold, q, d}));
  h.runner.exit(hold, 0);
  EXPECT_EQ(h.runner.started(), (std::vector<TaskId>{hold, q, d, p, c}));
  for (TaskId t : {p, c, q, d}) h.runner.exit(t, 0);
  EXPECT_EQ(h.sched->result(), RunStatus::Succeeded);
}

}  // namespace
}  // namespace sluice::detail::testing
