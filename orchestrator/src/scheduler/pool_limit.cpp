/// See pool_limit.hpp.
#include "scheduler/pool_limit.hpp"

#include <algorithm>

namespace sluice::detail {

PoolLimit::PoolLimit(int size, double rate_per_second) : size_(std::max(size, 1)) {
  if (rate_per_second > 0) {
    // Rounded up, so the spacing never allows more than the rate.
    auto ns = std::chrono::duration<double, std::nano>(1e9 / rate_per_second);
    spacing_ = std::chrono::ceil<std::chrono::steady_clock::duration>(ns);
  }
}

PoolLimit::Block PoolLimit::blocked(TimePoint now, int places) const {
  if (running_ + std::min(places, size_) > size_) return Block::Size;
  if (spacing_ && now < next_start_) return Block::Rate;
  return Block::None;
}

void PoolLimit::started(TimePoint now) {
  ++running_;
  if (spacing_) next_start_ = now + *spacing_;
}

}  // namespace sluice::detail
