/// PoolSet: every admission pool of a run (SPEC §1.1 `pools`), plus the
/// one-at-a-time pool of `interactive` tasks (like ninja's console pool).
/// It tells which pool blocks a task's start now, keeps the tasks parked
/// while their pool is full or rate-limited (so they do not block the tasks
/// behind them in the run's ready queue), and owns one timer per pool that
/// says when a rate-limited pool may admit again.
///
/// Owned by the Scheduler; loop thread only. Pools are numbered: the
/// pipeline's in file order, then the interactive pool.
#pragma once

#include <functional>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/timers.hpp"
#include "scheduler/pool_limit.hpp"
#include "sluice/pipeline.hpp"

namespace sluice::detail {

class PoolSet {
 public:
  /// `on_rate_tick(pool)` runs when a rate-limited pool may admit a task.
  PoolSet(const Pipeline& pipeline, Timers& timers, std::function<void(int pool)> on_rate_tick);
  ~PoolSet();
  PoolSet(const PoolSet&) = delete;
  PoolSet& operator=(const PoolSet&) = delete;

  /// The number of the pipeline pool named `name`, or -1.
  int find(std::string_view name) const;
  int interactive() const { return interactive_; }

  /// The first pool that blocks a start now of a task in `pool` (-1: none)
  /// that is `interactive` or not; -1 when none blocks it. `places`: how
  /// many of `pool`'s tasks start together (a stream group).
  int blocking(int pool, bool interactive, PoolLimit::Block& why, int places = 1) const;
  /// Parks a task blocked by `pool` until wake() gives it back.
  void park(int pool, TaskId task, int priority, PoolLimit::Block why);
  /// The best parked task of `pool` when the pool would admit it now;
  /// parked tasks for which `still_ready` says no are dropped. One at a
  /// time: each start, finish or rate tick of the pool asks again.
  std::optional<TaskId> wake(int pool, const std::function<bool(TaskId)>& still_ready);

  void started(int pool, bool interactive);
  void finished(int pool, bool interactive);
  /// Stops the rate timers (the run is over).
  void cancel_timers();

 private:
  void arm_rate_timer(int pool);

  Timers& timers_;
  std::function<void(int)> on_rate_tick_;
  std::unordered_map<std::string_view, int> index_;
  std::vector<PoolLimit> pools_;
  std::vector<std::optional<Timers::TimerId>> rate_timers_;
  int interactive_ = -1;
};

}  // namespace sluice::detail
