/// PoolLimit: one named pool's admission rule (SPEC §1.1 `pools`): at most
/// `size` of its tasks running at once and, with a rate, at most `rate`
/// starts per second. The rate is kept by spacing: consecutive starts are at
/// least 1/rate apart, which holds "N per second" over every one-second
/// window, works for fractional rates (`10/m`) and needs no bucket state.
///
/// It also holds the tasks that wait for this pool, best first, so a task
/// blocked by its pool does not block the tasks behind it in the run's
/// ready queue. Owned by the Scheduler; loop thread only.
#pragma once

#include <chrono>
#include <optional>

#include "scheduler/ready_queue.hpp"

namespace sluice::detail {

class PoolLimit {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  PoolLimit(int size, double rate_per_second);

  /// Why a task of this pool (or `places` of them starting together, a
  /// stream group: capped at the pool's size) cannot start at `now`.
  enum class Block : std::uint8_t { None, Size, Rate };
  Block blocked(TimePoint now, int places = 1) const;
  /// The earliest time the rate allows the next start.
  TimePoint next_start() const { return next_start_; }

  void started(TimePoint now);
  void finished() { --running_; }
  int running() const { return running_; }

  ReadyQueue& waiting() { return waiting_; }

 private:
  int size_;
  std::optional<std::chrono::steady_clock::duration> spacing_;
  int running_ = 0;
  TimePoint next_start_{};
  ReadyQueue waiting_;
};

}  // namespace sluice::detail
