/// Timers: monotonic time and numbered one-shot timers, the clock seam of
/// the scheduler. The runtime implements it on a libuv loop (LoopTimers in
/// timer.hpp); scheduler tests implement it with a clock they move by hand,
/// so timeouts, retry delays and pool rates are tested without waiting.
/// This header is plain C++ (no libuv), so the scheduler can see it.
/// Loop thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace sluice::detail {

class Timers {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using TimerId = std::uint64_t;
  virtual ~Timers() = default;
  virtual TimePoint now() const = 0;
  /// Calls `fn` once, `delay` from now, unless cancelled first.
  virtual TimerId after(std::chrono::milliseconds delay, std::function<void()> fn) = 0;
  /// A no-op for a timer that fired or was cancelled already.
  virtual void cancel(TimerId id) = 0;
};

}  // namespace sluice::detail
