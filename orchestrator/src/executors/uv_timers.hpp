/// UvTimers: the scheduler's Timers seam on a real libuv loop (steady_clock
/// time, uv_timer one-shots). Owned by the engine next to the Loop; loop
/// thread only.
#pragma once

#include "executors/task_runner.hpp"
#include "runtime/timer.hpp"

namespace sluice::detail {

class UvTimers final : public Timers {
 public:
  explicit UvTimers(Loop& loop) : timers_(loop) {}
  TimePoint now() const override { return timers_.now(); }
  TimerId after(Duration delay, std::function<void()> fn) override {
    return timers_.after(delay, std::move(fn));
  }
  void cancel(TimerId id) override { timers_.cancel(id); }

 private:
  LoopTimers timers_;
};

}  // namespace sluice::detail
