/// Timer: one uv_timer_t, one-shot or repeating, calling a std::function.
/// LoopTimers: the engine's implementation of the scheduler's Timers seam
/// (executors/task_runner.hpp is above us, so it is adapted there; this class
/// has the same shape). Loop thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>

#include "runtime/handle.hpp"
#include "runtime/loop.hpp"

namespace sluice::detail {

class Timer {
 public:
  explicit Timer(Loop& loop);
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  /// (Re)arms the timer, counting `delay` from now (not from the loop's
  /// cached time); `fn` may stop, restart or destroy this Timer.
  void start(std::chrono::milliseconds delay, std::function<void()> fn,
             std::chrono::milliseconds repeat = std::chrono::milliseconds{0});
  void stop();
  bool active();
  /// Lets the loop end while this timer is armed.
  void unref();

 private:
  static void on_timer(uv_timer_t* raw);
  UvHandle<uv_timer_t, Timer> handle_;
  /// Shared so a callback that stops, restarts or destroys its own timer
  /// does not destroy the std::function it is running in.
  std::shared_ptr<std::function<void()>> fn_;
  bool repeating_ = false;
};

/// Monotonic now() and numbered one-shot timers.
class LoopTimers {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using TimerId = std::uint64_t;
  explicit LoopTimers(Loop& loop) : loop_(loop) {}
  TimePoint now() const { return std::chrono::steady_clock::now(); }
  TimerId after(std::chrono::milliseconds delay, std::function<void()> fn);
  void cancel(TimerId id);
  std::size_t pending() const { return timers_.size(); }

 private:
  Loop& loop_;
  TimerId next_ = 1;
  std::unordered_map<TimerId, std::unique_ptr<Timer>> timers_;
};

}  // namespace sluice::detail
