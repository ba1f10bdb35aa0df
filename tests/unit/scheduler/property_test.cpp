/// Invariants over random DAGs with random outcomes, timeouts, retries,
/// pools and interrupts: every selected task gets exactly one TaskFinished;
/// no task starts before its dependencies finished (and, unless `always`,
/// satisfied them); never more slots or pool places in use than allowed;
/// after a cancellation only `always` tasks start; the run always ends.
/// Plus scale: 1,000 tasks at -j 1000 and 100,000-task chains.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "fakes.hpp"

namespace sluice::detail::testing {
namespace {

using std::chrono::milliseconds;

struct World {
  Harness h;
  std::mt19937 rng;
  std::map<TaskId, TaskFinished> done;
  std::map<std::string, int> pool_running;
  int slots_used = 0;
  bool cancelled = false;  ///< fail-fast failure or interrupt seen
  bool killing = false;

  explicit World(unsigned seed) : rng(seed) {}
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng); }
  bool chance(int percent) { return pick(100) < percent; }
};

void build_random(World& w) {
  Harness& h = w.h;
  const int n = 1 + w.pick(40);
  h.pipeline.pools.push_back(Pool{"p1", 1 + w.pick(3), 0});
  h.pipeline.pools.push_back(Pool{"p2", 1 + w.pick(3), w.chance(50) ? 5.0 : 0});
  for (int i = 0; i < n; ++i) {
    std::vector<std::string> needs;
    for (int j = 0; j < i; ++j)
      if (w.chance(10)) needs.push_back("t" + std::to_string(j));
    Task& t = h.task(h.add("t" + std::to_string(i), needs));
    t.priority = w.pick(3);
    t.edit_extras().resources.cpus = 1 + w.pick(3);
    if (w.chance(30)) t.edit_extras().pool = w.chance(50) ? "p1" : "p2";
    t.always = w.chance(10);
    t.continue_on_error = w.chance(10);
    t.interactive = w.chance(5);
    if (w.chance(30)) t.edit_extras().retry = RetryPolicy{w.pick(3), milliseconds(w.pick(200)), 2.0,
                                            milliseconds(300), w.chance(50), {}};
    if (w.chance(20)) t.edit_extras().retry.on_exit = {7};
    if (w.chance(20)) t.timeout = milliseconds(50 + w.pick(500));
    t.grace = milliseconds(w.pick(300));
  }
  h.options.max_parallel = 1 + w.pick(6);
  h.options.keep_going = w.chance(40);
  h.options.random = [&w] { return std::uniform_real_distribution<double>(0, 1)(w.rng); };
  if (w.chance(30)) h.options.is_up_to_date = [&w](TaskId) { return w.chance(20); };
}

AttemptOutcome random_outcome(World& w, int attempt) {
  AttemptOutcome o;
  const int r = w.pick(100);
  if (r < 60) {
    o.exit_code = 0;
  } else if (r < 72) {
    o.exit_code = 1;
  } else if (r < 80) {
    o.exit_code = 7;
  } else if (r < 86) {
    o.signal = SIGKILL;
  } else if (r < 93 && attempt == 1) {
    o.skipped_by_if = true;
    o.exit_code = 1;
  } else {
    o.spawn_failed = true;
    o.error = "command not found: x";
  }
  return o;
}

void run_world(unsigned seed) {
  World w(seed);
  Harness& h = w.h;
  build_random(w);
  const Graph* graph = nullptr;
  std::map<TaskId, int> attempt_of;
  h.runner.on_start = [&](TaskId t, int attempt) {
    ASSERT_NE(graph, nullptr);
    EXPECT_FALSE(w.done.count(t)) << "seed " << seed << ": finished task started";
    EXPECT_EQ(attempt, attempt_of[t] + 1) << "seed " << seed;
    attempt_of[t] = attempt;
    const Task& task = h.pipeline.tasks[t];
    for (TaskId d : graph->dependencies(t)) {
      auto it = w.done.find(d);
      ASSERT_NE(it, w.done.end()) << "seed " << seed << ": " << task.name << " before a dependency";
      if (!task.always) {
        const TaskFinished& f = it->second;
        const bool ok = f.status == TaskStatus::Succeeded || f.ignored ||
                        f.status == TaskStatus::UpToDate ||
                        (f.status == TaskStatus::Skipped && f.reason == SkipReason::If);
        EXPECT_TRUE(ok) << "seed " << seed << ": " << task.name << " after a failed dependency";
      }
    }
    EXPECT_TRUE(!w.cancelled || task.always) << "seed " << seed << ": started after cancel";
    EXPECT_FALSE(w.killing) << "seed " << seed;
    w.slots_used += std::min(task.extras().resources.cpus, h.options.max_parallel);
    EXPECT_LE(w.slots_used, h.options.max_parallel) << "seed " << seed;
    if (!task.pool().empty()) {
      const int size = task.pool() == "p1" ? h.pipeline.pools[0].size : h.pipeline.pools[1].size;
      EXPECT_LE(++w.pool_running[task.pool()], size) << "seed " << seed;
    }
  };
  auto on_finish = [&](TaskId t) {
    const Task& task = h.pipeline.tasks[t];
    w.slots_used -= std::min(task.extras().resources.cpus, h.options.max_parallel);
    if (!task.pool().empty()) --w.pool_running[task.pool()];
  };

  GraphResult g = build_graph(h.pipeline);
  ASSERT_TRUE(g.ok());
  h.graph.emplace(std::move(g.graph));
  graph = &*h.graph;
  h.sched = std::make_unique<Scheduler>(
      h.pipeline, *h.graph, h.graph->topological_order(), h.options, h.runner, h.timers,
      [&](const Event& e) {
        h.events.push_back(e);
        if (const auto* f = std::get_if<TaskFinished>(&e)) {
          EXPECT_TRUE(w.done.emplace(f->task, *f).second)
              << "seed " << seed << ": second TaskFinished for " << f->name;
          const bool failure = (f->status == TaskStatus::Failed ||
                                f->status == TaskStatus::TimedOut) && !f->ignored;
          if (failure && !h.options.keep_going) w.cancelled = true;
        }
      });
  h.runner.scheduler = h.sched.get();
  h.sched->start();

  int interrupts = 0;
  for (int step = 0; step < 10000 && !h.sched->done(); ++step) {
    const int r = w.pick(100);
    if (r < 2 && interrupts < 2) {
      ++interrupts;
      w.cancelled = true;
      if (interrupts == 2) w.killing = true;
      h.sched->interrupt(SIGINT);
    } else if (r < 30 || h.runner.running.empty()) {
      h.timers.advance(milliseconds(1 + w.pick(400)));
    } else {
      auto it = h.runner.running.begin();
      std::advance(it, w.pick(static_cast<int>(h.runner.running.size())));
      const TaskId t = *it;
      on_finish(t);
      h.runner.finish(t, random_outcome(w, attempt_of[t]));
    }
  }
  ASSERT_TRUE(h.sched->done()) << "seed " << seed << ": run never ended";
  EXPECT_EQ(w.done.size(), h.pipeline.tasks.size()) << "seed " << seed;
  EXPECT_TRUE(h.runner.running.empty()) << "seed " << seed;
  EXPECT_EQ(h.timers.pending(), 0u) << "seed " << seed;
  ASSERT_TRUE(std::holds_alternative<RunStarted>(h.events.front()));
  ASSERT_TRUE(std::holds_alternative<RunFinished>(h.events.back()));
  const RunFinished r = h.run_finished();
  EXPECT_EQ(r.succeeded + r.failed + r.timed_out + r.cancelled + r.skipped + r.up_to_date,
            h.pipeline.tasks.size());
  if (interrupts > 0) {
    EXPECT_EQ(r.status, RunStatus::Interrupted);
  }
  // An attempt skipped by its `if` never started: it is not counted.
  for (const auto& [t, f] : w.done)
    EXPECT_EQ(f.attempts, attempt_of[t] - (f.reason == SkipReason::If ? 1 : 0))
        << "seed " << seed << " " << f.name;
}

TEST(SchedulerProperty, RandomDagsKeepTheInvariants) {
  for (unsigned seed = 0; seed < 300; ++seed) {
    run_world(seed);
    if (::testing::Test::HasFailure()) break;
  }
}

TEST(SchedulerScale, ThousandIndependentTasksAtJ1000) {
  Harness h;
  for (int i = 0; i < 1000; ++i) h.add("t" + std::to_string(i));
  h.options.max_parallel = 1000;
  h.start();
  ASSERT_EQ(h.runner.started().size(), 1000u);
  for (TaskId t = 0; t < 1000; ++t) h.runner.exit(t, 0);
  ASSERT_TRUE(h.sched->done());
  EXPECT_EQ(h.run_finished().succeeded, 1000u);
  EXPECT_EQ(h.all<TaskFinished>().size(), 1000u);
}

TEST(SchedulerScale, HundredThousandChainSkipsWithoutRecursion) {
  Harness h;
  h.add("t0");
  for (int i = 1; i < 100000; ++i) h.add("t" + std::to_string(i), {"t" + std::to_string(i - 1)});
  h.options.keep_going = true;
  h.start();
  h.runner.exit(0, 1);
  ASSERT_TRUE(h.sched->done());
  EXPECT_EQ(h.run_finished().skipped, 99999u);
}

TEST(SchedulerScale, HundredThousandTasksRunThroughNarrowSlots) {
  Harness h;
  for (int i = 0; i < 100000; ++i) h.add("t" + std::to_string(i));
  h.options.max_parallel = 8;
  h.start();
  while (!h.runner.running.empty()) h.runner.exit(*h.runner.running.begin(), 0);
  ASSERT_TRUE(h.sched->done());
  EXPECT_EQ(h.run_finished().succeeded, 100000u);
  EXPECT_EQ(h.runner.max_running, 8u);
}

}  // namespace
}  // namespace sluice::detail::testing
