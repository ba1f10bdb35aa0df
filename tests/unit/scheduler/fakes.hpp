/// Test doubles for the scheduler's seams: a FakeRunner that records what the
/// scheduler asks of it and lets the test decide how each attempt ends, and
/// FakeTimers, a clock that moves only when the test advances it. Plus a
/// Harness that builds a Pipeline in code, its Graph, and a Scheduler wired
/// to both, capturing every event. Single-threaded, like the loop.
#pragma once

#include <gtest/gtest.h>

#include <csignal>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "executors/task_runner.hpp"
#include "scheduler/scheduler.hpp"
#include "sluice/events.hpp"
#include "sluice/graph.hpp"
#include "sluice/pipeline.hpp"

namespace sluice::detail::testing {

class FakeTimers final : public Timers {
 public:
  /// Timers longer than this fire this much before their due time, as a
  /// libuv timer armed on a stale loop time does.
  Duration early{0};

  TimePoint now() const override { return now_; }
  TimerId after(Duration delay, std::function<void()> fn) override {
    const TimerId id = next_id_++;
    timers_.emplace(Key{now_ + (delay > early ? delay - early : delay), id}, std::move(fn));
    return id;
  }
  void cancel(TimerId id) override {
    for (auto it = timers_.begin(); it != timers_.end(); ++it)
      if (it->first.id == id) {
        timers_.erase(it);
        return;
      }
  }
  /// Moves the clock forward by `d`, firing due timers in time order (a
  /// timer set by a callback fires too when it falls due before the end).
  void advance(Duration d) {
    const TimePoint end = now_ + d;
    while (!timers_.empty() && timers_.begin()->first.due <= end) {
      auto node = timers_.extract(timers_.begin());
      now_ = node.key().due;
      node.mapped()();
    }
    now_ = end;
  }
  std::size_t pending() const { return timers_.size(); }

 private:
  struct Key {
    TimePoint due;
    TimerId id;
    bool operator<(const Key& o) const { return due != o.due ? due < o.due : id < o.id; }
  };
  TimePoint now_{std::chrono::hours(1000)};
  TimerId next_id_ = 1;
  std::map<Key, std::function<void()>> timers_;
};

class FakeRunner final : public TaskRunner {
 public:
  enum class Op { Start, Terminate, Kill };
  struct Call {
    Op op;
    TaskId task;
    int attempt;
  };

  Scheduler* scheduler = nullptr;
  /// Report a pid from inside start(), as a real spawn does synchronously.
  bool report_pid = true;
  std::vector<Call> calls;
  std::set<TaskId> running;
  std::size_t max_running = 0;
  /// Called before a start is recorded, for invariant checks.
  std::function<void(TaskId, int)> on_start;

  void start(TaskId task, int attempt) override {
    if (on_start) on_start(task, attempt);
    calls.push_back({Op::Start, task, attempt});
    EXPECT_TRUE(running.insert(task).second) << "task " << task << " started twice";
    max_running = std::max(max_running, running.size());
    if (report_pid && scheduler) scheduler->on_task_started(task, 1000 + static_cast<int>(task));
  }
  void terminate(TaskId task) override { calls.push_back({Op::Terminate, task, 0}); }
  void kill(TaskId task) override { calls.push_back({Op::Kill, task, 0}); }

  /// Ends the current attempt of `task`, as the real runner does once every
  /// process of it is gone.
  void finish(TaskId task, const AttemptOutcome& outcome) {
    ASSERT_TRUE(running.erase(task)) << "task " << task << " is not running";
    scheduler->on_task_finished(task, outcome);
  }
  void exit(TaskId task, int code) {
    AttemptOutcome o;
    o.exit_code = code;
    finish(task, o);
  }
  void signal(TaskId task, int signo) {
    AttemptOutcome o;
    o.signal = signo;
    finish(task, o);
  }

  std::vector<TaskId> started() const { return of(Op::Start); }
  std::vector<TaskId> terminated() const { return of(Op::Terminate); }
  std::vector<TaskId> killed() const { return of(Op::Kill); }
  bool is_running(TaskId t) const { return running.count(t) != 0; }

 private:
  std::vector<TaskId> of(Op op) const {
    std::vector<TaskId> out;
    for (const Call& c : calls)
      if (c.op == op) out.push_back(c.task);
    return out;
  }
};

inline AttemptOutcome exited(int code) {
  AttemptOutcome o;
  o.exit_code = code;
  return o;
}

/// A pipeline built in code, its graph, a scheduler, and every event it emitted.
struct Harness {
  Pipeline pipeline;
  std::optional<Graph> graph;
  FakeRunner runner;
  FakeTimers timers;
  std::vector<Event> events;
  std::unique_ptr<Scheduler> sched;
  SchedulerOptions options;

  Harness() { pipeline.name = "test"; }

  TaskId add(const std::string& name, std::vector<std::string> needs = {}) {
    Task t;
    t.name = name;
    t.action = ActionKind::Cmd;
    t.cmd.push_back(Template::literal("true"));
    for (std::uint32_t i = 0; i < needs.size(); ++i) t.needs.push_back(Need{needs[i], {}, i});
    pipeline.tasks.push_back(std::move(t));
    return static_cast<TaskId>(pipeline.tasks.size() - 1);
  }
  Task& task(TaskId id) { return pipeline.tasks[id]; }
  TaskId id(const std::string& name) const {
    for (TaskId i = 0; i < pipeline.tasks.size(); ++i)
      if (pipeline.tasks[i].name == name) return i;
    ADD_FAILURE() << "no task " << name;
    return 0;
  }

  /// Builds the graph and the scheduler over `selected` (default: every task
  /// in topological order) and starts the run.
  void start(std::optional<std::vector<TaskId>> selected = std::nullopt) {
    GraphResult g = build_graph(pipeline);
    ASSERT_TRUE(g.ok()) << "graph diagnostics";
    graph.emplace(std::move(g.graph));
    std::vector<TaskId> sel = selected ? *selected : graph->topological_order();
    sched = std::make_unique<Scheduler>(pipeline, *graph, sel, options, runner, timers,
                                        [this](const Event& e) { events.push_back(e); });
    runner.scheduler = sched.get();
    sched->start();
  }

  template <class E>
  std::vector<E> all() const {
    std::vector<E> out;
    for (const Event& e : events)
      if (const E* x = std::get_if<E>(&e)) out.push_back(*x);
    return out;
  }
  std::vector<TaskFinished> finished_of(TaskId t) const {
    std::vector<TaskFinished> out;
    for (const auto& f : all<TaskFinished>())
      if (f.task == t) out.push_back(f);
    return out;
  }
  /// The one TaskFinished of `t` (fails the test when there is not exactly one).
  TaskFinished finished(TaskId t) const {
    auto f = finished_of(t);
    EXPECT_EQ(f.size(), 1u) << "TaskFinished count for " << pipeline.tasks[t].name;
    return f.empty() ? TaskFinished{} : f.front();
  }
  std::vector<TaskStarted> started_events(TaskId t) const {
    std::vector<TaskStarted> out;
    for (const auto& s : all<TaskStarted>())
      if (s.task == t) out.push_back(s);
    return out;
  }
  RunFinished run_finished() const {
    auto r = all<RunFinished>();
    EXPECT_EQ(r.size(), 1u);
    return r.empty() ? RunFinished{} : r.front();
  }
};

}  // namespace sluice::detail::testing
