#include "runtime/timer.hpp"

#include <stdexcept>
#include <string>

namespace sluice::detail {

Timer::Timer(Loop& loop) : handle_(this) {
  int rc = uv_timer_init(loop.raw(), handle_.raw());
  if (rc != 0) throw std::runtime_error(std::string("uv_timer_init: ") + uv_strerror(rc));
  handle_.mark_initialized();
}

void Timer::start(std::chrono::milliseconds delay, std::function<void()> fn,
                  std::chrono::milliseconds repeat) {
  fn_ = std::make_shared<std::function<void()>>(std::move(fn));
  repeating_ = repeat.count() > 0;
  auto ms = [](std::chrono::milliseconds d) {
    return static_cast<std::uint64_t>(d.count() < 0 ? 0 : d.count());
  };
  // libuv counts from the loop's cached time, refreshed only when the loop
  // turns: after slow work on this thread (a big parse, filling memory, a
  // sanitizer build) it is stale by that much and the timer would fire early.
  uv_update_time(handle_.raw()->loop);
  uv_timer_start(handle_.raw(), &Timer::on_timer, ms(delay), ms(repeat));
}

void Timer::stop() {
  uv_timer_stop(handle_.raw());
  fn_ = nullptr;
}

bool Timer::active() { return uv_is_active(handle_.handle()) != 0; }

void Timer::unref() { uv_unref(handle_.handle()); }

void Timer::on_timer(uv_timer_t* raw) {
  Timer* self = UvHandle<uv_timer_t, Timer>::owner_of(raw);
  if (!self) return;
  guarded(raw->loop, [self] {
    std::shared_ptr<std::function<void()>> fn = self->fn_;
    if (!self->repeating_) self->fn_ = nullptr;
    if (fn && *fn) (*fn)();
  });
}

LoopTimers::TimerId LoopTimers::after(std::chrono::milliseconds delay, std::function<void()> fn) {
  TimerId id = next_++;
  auto timer = std::make_unique<Timer>(loop_);
  timer->start(delay, [this, id, fn = std::move(fn)]() mutable {
    auto call = std::move(fn);
    timers_.erase(id);  // destroys the Timer whose callback this is
    call();
  });
  timers_.emplace(id, std::move(timer));
  return id;
}

void LoopTimers::cancel(TimerId id) { timers_.erase(id); }

}  // namespace sluice::detail
