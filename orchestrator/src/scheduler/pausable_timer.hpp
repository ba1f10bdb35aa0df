/// PausableTimer: a one-shot timer of the scheduler's that counts only the
/// time the run spends running (SPEC §1.2 `timeout`: a run stopped with
/// Ctrl-Z does not time out meanwhile). pause() when the run is stopped,
/// resume() when it continues: the time in between is not counted.
///
/// It never fires before its due time either: a Timers implementation that
/// wakes early (libuv counts from its cached loop time, which may be stale
/// when the timer is armed) is answered by waiting out the rest, so
/// `timeout: 1s` never ends a task after 0.9s.
///
/// One per task and purpose, inside the scheduler's per-task state, which
/// never moves once a timer is armed (the armed callback holds `this`).
/// Loop thread only.
#pragma once

#include <functional>
#include <optional>

#include "executors/task_runner.hpp"

namespace sluice::detail {

class PausableTimer {
 public:
  /// Arms the timer: `fn` runs once `delay` of running time has passed.
  /// `paused`: the run is stopped now, so the count starts at resume().
  /// Replaces a timer still armed.
  void start(Timers& timers, Duration delay, std::function<void()> fn, bool paused);
  /// Disarms it; `fn` will not run. A no-op when it is not armed.
  void cancel();
  /// Stops the count, keeping what is left of the delay.
  void pause();
  /// Counts again from where pause() left it.
  void resume();
  /// Armed: counting, or paused with time left.
  bool active() const { return id_.has_value() || left_.has_value(); }

 private:
  void arm(Duration delay);
  void fire();

  Timers* timers_ = nullptr;
  std::optional<Timers::TimerId> id_;
  Timers::TimePoint due_{};
  std::optional<Duration> left_;  ///< set while paused
  std::function<void()> fn_;
};

}  // namespace sluice::detail
