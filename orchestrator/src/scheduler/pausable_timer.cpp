#include "scheduler/pausable_timer.hpp"

#include <algorithm>
#include <utility>

namespace sluice::detail {

void PausableTimer::start(Timers& timers, Duration delay, std::function<void()> fn, bool paused) {
  cancel();
  timers_ = &timers;
  fn_ = std::move(fn);
  if (paused) {
    left_ = delay;
  } else {
    arm(delay);
  }
}

void PausableTimer::cancel() {
  if (id_) timers_->cancel(*id_);
  id_.reset();
  left_.reset();
  fn_ = nullptr;
}

void PausableTimer::pause() {
  if (!id_) return;
  timers_->cancel(*id_);
  id_.reset();
  // Rounded up: a timer resumed with 0.4 ms left must still wait it out.
  left_ = std::max(std::chrono::ceil<Duration>(due_ - timers_->now()), Duration(0));
}

void PausableTimer::resume() {
  if (!left_) return;
  const Duration left = *left_;
  left_.reset();
  arm(left);
}

void PausableTimer::arm(Duration delay) {
  due_ = timers_->now() + delay;
  id_ = timers_->after(delay, [this] { fire(); });
}

void PausableTimer::fire() {
  id_.reset();
  const Timers::TimePoint now = timers_->now();
  if (now < due_) {  // woken early: wait out the rest
    id_ = timers_->after(std::chrono::ceil<Duration>(due_ - now), [this] { fire(); });
    return;
  }
  // Moved out first: `fn` may arm this timer again.
  std::function<void()> fn = std::move(fn_);
  fn_ = nullptr;
  if (fn) fn();
}

}  // namespace sluice::detail
