// DispatchRunner: each task goes to the runner of its action kind, the
// verbs for every task reach each runner once, and a kind without a runner
// fails its attempt with a clear message, later than start().
#include "executors/dispatch_runner.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "executors/local_process_runner.hpp"
#include "unit/runtime/test_support.hpp"

namespace sluice::detail {
namespace {

class Recorder : public TaskRunner::Listener {
 public:
  void on_task_started(TaskId task, int pid) override { started[task] = pid; }
  void on_task_output(TaskId task, StreamKind, std::string_view lines) override {
    output[task] += lines;
  }
  void on_task_finished(TaskId task, const AttemptOutcome& outcome) override {
    finished[task] = outcome;
  }
  std::map<TaskId, int> started;
  std::map<TaskId, std::string> output;
  std::map<TaskId, AttemptOutcome> finished;
};

/// Counts the verbs it is given; finishes nothing.
class CountingRunner final : public TaskRunner {
 public:
  using TaskRunner::pause_reading;
  void start(TaskId task, int) override { started.push_back(task); }
  void terminate(TaskId task) override { terminated.push_back(task); }
  void kill(TaskId) override {}
  void suspend() override { ++suspends; }
  void pause_reading() override { ++pauses; }
  void bound_drain() override { ++drains; }
  std::vector<TaskId> started, terminated;
  int suspends = 0, pauses = 0, drains = 0;
};

class DispatchRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::install_guards_once(); }
  void TearDown() override {
    runners_.reset();
    testing::expect_clean_close(loop_);
  }
  TaskId add(ActionKind kind, std::vector<std::string> argv = {}) {
    Task t;
    t.name = "t" + std::to_string(pipeline_.tasks.size());
    t.action = kind;
    t.shell = {"sh", "-c"};
    for (auto& a : argv) t.cmd.push_back(Template::literal(a));
    pipeline_.tasks.push_back(std::move(t));
    return static_cast<TaskId>(pipeline_.tasks.size() - 1);
  }
  void make() {
    runners_ = std::make_unique<DispatchRunner>(loop_, pipeline_);
    runners_->set_listener(&rec_);
  }

  Loop loop_;
  Pipeline pipeline_;
  TaskOutputValues values_;
  Recorder rec_;
  std::unique_ptr<DispatchRunner> runners_;
};

TEST_F(DispatchRunnerTest, AProcessTaskRunsOnTheLocalProcessRunner) {
  TaskId t = add(ActionKind::Cmd, {SLUICE_TEST_CHILD, "print", "hi\n"});
  make();
  runners_->add(
      std::make_unique<LocalProcessRunner>(loop_, pipeline_, LocalRunnerOptions{}, values_),
      {ActionKind::Run, ActionKind::Cmd});
  runners_->start(t, 1);
  ASSERT_TRUE(testing::run_until(loop_, [&] { return rec_.finished.count(t) > 0; }));
  EXPECT_TRUE(rec_.finished[t].succeeded()) << rec_.finished[t].error;
  EXPECT_GT(rec_.started[t], 0);
  EXPECT_EQ(rec_.output[t], "hi\n");
}

TEST_F(DispatchRunnerTest, TasksAndVerbsGoToTheRunnerOfTheirKind) {
  TaskId run = add(ActionKind::Run);
  TaskId write = add(ActionKind::Write);
  make();
  auto& processes = static_cast<CountingRunner&>(
      runners_->add(std::make_unique<CountingRunner>(), {ActionKind::Run, ActionKind::Cmd}));
  auto& files = static_cast<CountingRunner&>(
      runners_->add(std::make_unique<CountingRunner>(), {ActionKind::Write}));
  runners_->start(run, 1);
  runners_->start(write, 1);
  runners_->terminate(write);
  runners_->suspend();
  runners_->pause_reading();
  runners_->bound_drain();
  EXPECT_EQ(processes.started, std::vector<TaskId>{run});
  EXPECT_EQ(files.started, std::vector<TaskId>{write});
  EXPECT_TRUE(processes.terminated.empty());
  EXPECT_EQ(files.terminated, std::vector<TaskId>{write});
  for (CountingRunner* r : {&processes, &files}) {
    EXPECT_EQ(r->suspends, 1);
    EXPECT_EQ(r->pauses, 1);
    EXPECT_EQ(r->drains, 1);
  }
}

TEST_F(DispatchRunnerTest, AKindWithoutARunnerFailsOnTheNextTurnNotRetried) {
  TaskId copy = add(ActionKind::Copy);
  make();
  runners_->add(std::make_unique<CountingRunner>(), {ActionKind::Run, ActionKind::Cmd});
  runners_->start(copy, 1);
  EXPECT_EQ(rec_.finished.count(copy), 0u);  // never from inside start()
  ASSERT_TRUE(testing::run_until(loop_, [&] { return rec_.finished.count(copy) > 0; }));
  const AttemptOutcome& o = rec_.finished[copy];
  EXPECT_FALSE(o.succeeded());
  EXPECT_TRUE(o.spawn_failed);
  EXPECT_EQ(o.error, "copy tasks are not supported yet");
  EXPECT_EQ(rec_.started.count(copy), 0u);
}

// A file task's `if` runs on the process runner; the action starts on its
// own runner only once the condition passed, and a skip is the task's.
TEST_F(DispatchRunnerTest, AnotherKindsConditionRunsOnTheProcessRunnerFirst) {
  TaskId go = add(ActionKind::Write);
  pipeline_.tasks[go].edit_extras().if_cmd = Script{"exit 0", {}};
  TaskId skip = add(ActionKind::Write);
  pipeline_.tasks[skip].edit_extras().if_cmd = Script{"exit 1", {}};
  make();
  runners_->add(
      std::make_unique<LocalProcessRunner>(loop_, pipeline_, LocalRunnerOptions{}, values_),
      {ActionKind::Run, ActionKind::Cmd});
  auto& files = static_cast<CountingRunner&>(
      runners_->add(std::make_unique<CountingRunner>(), {ActionKind::Write}));
  runners_->start(go, 1);
  runners_->start(skip, 1);
  EXPECT_TRUE(files.started.empty());
  ASSERT_TRUE(testing::run_until(loop_, [&] {
    return files.started.size() == 1 && rec_.finished.count(skip) > 0;
  }));
  EXPECT_EQ(files.started, std::vector<TaskId>{go});
  EXPECT_EQ(rec_.finished.count(go), 0u) << "the passed condition is not the task's report";
  EXPECT_TRUE(rec_.finished[skip].skipped_by_if);
  EXPECT_EQ(rec_.started.count(skip), 0u);
  runners_->terminate(go);  // now the file runner's
  EXPECT_EQ(files.terminated, std::vector<TaskId>{go});
}

}  // namespace
}  // namespace sluice::detail
