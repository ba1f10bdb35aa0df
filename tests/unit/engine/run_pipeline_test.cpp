// run_pipeline() with real processes (the test child): what runs, the order
// of the events every observer sees, and the graph it is given.
#include <gtest/gtest.h>

#include "sluice/graph.hpp"
#include "sluice/run.hpp"
#include "unit/engine/engine_test_support.hpp"

namespace sluice {
namespace {

using testing::load;
using testing::Recorder;

class RunPipeline : public ::testing::Test {
 protected:
  void SetUp() override { detail::testing::install_guards_once(); }

  RunResult run(const Pipeline& p) {
    RunOptions options;
    options.observers = {&recorder_};
    return run_pipeline(p, options);
  }
  Recorder recorder_;
};

TEST_F(RunPipeline, RunsTheTasksAndEveryObserverSeesTheEventsInOrder) {
  Pipeline p = load(R"(tasks:
  a: {cmd: [@CHILD@, lines, "2"]}
  b: {cmd: [@CHILD@, print, "from b\n"], needs: [a]}
  c: {cmd: [@CHILD@, exit, "0"], needs: [a]}
)");
  Recorder second;
  RunOptions options;
  options.observers = {&recorder_, &second};
  RunResult r = run_pipeline(p, options);

  EXPECT_EQ(r.status, RunStatus::Succeeded);
  EXPECT_EQ(exit_code(r), 0);
  EXPECT_EQ(r.summary.succeeded, 3u);
  EXPECT_EQ(recorder_.output("a"), "line 1\nline 2\n");
  EXPECT_EQ(recorder_.output("b"), "from b\n");
  auto seen = recorder_.seen();
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.front().type, "run_started");
  EXPECT_EQ(seen.back().type, "run_finished");
  EXPECT_EQ(seen.back().text, "succeeded");
  for (const char* task : {"a", "b", "c"}) {
    EXPECT_LT(recorder_.index("task_started", task), recorder_.index("task_finished", task))
        << task;
    EXPECT_EQ(recorder_.status(task), "succeeded") << task;
  }
  EXPECT_LT(recorder_.index("task_started", "a"), recorder_.index("task_output", "a"));
  EXPECT_LT(recorder_.index("task_output", "a"), recorder_.index("task_finished", "a"));
  // A task starts only once what it needs has finished.
  EXPECT_LT(recorder_.index("task_finished", "a"), recorder_.index("task_started", "b"));
  EXPECT_LT(recorder_.index("task_finished", "a"), recorder_.index("task_started", "c"));
  // Every observer hears the same events.
  ASSERT_EQ(second.seen().size(), seen.size());
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(second.seen()[i].type, seen[i].type);
    EXPECT_EQ(second.seen()[i].text, seen[i].text);
  }
}

TEST_F(RunPipeline, AFailureFailsTheRunAndCancelsWhatNeededIt) {
  Pipeline p = load(R"(tasks:
  bad: {cmd: [@CHILD@, exit, "3"]}
  after: {cmd: [@CHILD@, exit, "0"], needs: [bad]}
)");
  RunResult r = run(p);
  EXPECT_EQ(r.status, RunStatus::Failed);
  EXPECT_EQ(exit_code(r), 1);
  EXPECT_EQ(recorder_.status("bad"), "failed");
  EXPECT_EQ(recorder_.status("after"), "cancelled");
  EXPECT_EQ(recorder_.index("task_started", "after"), -1);
}

// Secret values are masked before any sink, an observer included.
TEST_F(RunPipeline, ObserversSeeSecretsMasked) {
  ::setenv("SLUICE_ENGINE_TEST_TOKEN", "hunter2", 1);
  Pipeline p = load(R"(secrets:
  token: {env: SLUICE_ENGINE_TEST_TOKEN}
tasks:
  leak: {cmd: [@CHILD@, print, "token=hunter2\n"]}
)");
  RunResult r = run(p);
  EXPECT_EQ(r.status, RunStatus::Succeeded) << r.start_error;
  EXPECT_EQ(recorder_.output("leak"), "token=***\n");
}

// A graph of another pipeline names other tasks by the same ids: it used
// to run 1 task of 3 and call the run a success.
TEST_F(RunPipeline, AGraphOfAnotherPipelineIsRefused) {
  Pipeline one = load("tasks:\n  only: {cmd: [@CHILD@, exit, \"0\"]}\n");
  Pipeline three = load(R"(tasks:
  a: {cmd: [@CHILD@, exit, "0"]}
  b: {cmd: [@CHILD@, exit, "0"]}
  c: {cmd: [@CHILD@, exit, "0"]}
)");
  GraphResult graph = build_graph(one);
  ASSERT_TRUE(graph.ok());
  RunOptions options;
  options.observers = {&recorder_};
  RunResult r = run_pipeline(three, graph.graph, options);
  EXPECT_EQ(r.status, RunStatus::Failed);
  EXPECT_EQ(r.start_error,
            "the graph was built from another pipeline (1 tasks; this pipeline has 3)");
  EXPECT_EQ(exit_code(r), 3);
  EXPECT_TRUE(recorder_.seen().empty());

  // The same size is not enough: the tasks must be the same.
  Pipeline other = load(R"(tasks:
  x: {cmd: [@CHILD@, exit, "0"]}
  y: {cmd: [@CHILD@, exit, "0"]}
  z: {cmd: [@CHILD@, exit, "0"]}
)");
  GraphResult graph3 = build_graph(other);
  EXPECT_FALSE(graph3.graph.built_from(three));
  EXPECT_NE(run_pipeline(three, graph3.graph, options).start_error, "");
  // Its own graph, or one of an equal copy, is taken.
  Pipeline copy = three;
  GraphResult own = build_graph(copy);
  EXPECT_TRUE(own.graph.built_from(three));
  EXPECT_EQ(run_pipeline(three, own.graph, options).status, RunStatus::Succeeded);
}

}  // namespace
}  // namespace sluice
