/// Timer: one uv_timer_t, one-shot or repeating, calling a std::function.
/// LoopTimers: the Timers seam (timers.hpp) on a libuv loop, as the
/// scheduler of a real run uses it. Loop thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>

#include "runtime/handle.hpp"
#include "runtime/loop.hpp"
#include "runtime/timers.hpp"

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

/// Monotonic now() and numbered one-shot timers, one uv_timer_t each.
class LoopTimers final : public Timers {
 public:
  explicit LoopTimers(Loop& loop) : loop_(loop) {}
  TimePoint now() const override { return std::chrono::steady_clock::now(); }
  TimerId after(std::chrono::milliseconds delay, std::function<void()> fn) override;
  void cancel(TimerId id) override;
  std::size_t pending() const { return timers_.size(); }

 private:
  Loop& loop_;
  TimerId next_ = 1;
  std::unordered_map<TimerId, std::unique_ptr<Timer>> timers_;
};

}  // namespace sluice::detail
