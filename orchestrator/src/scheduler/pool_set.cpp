/// See pool_set.hpp.
#include "scheduler/pool_set.hpp"

#include <algorithm>

namespace sluice::detail {

PoolSet::PoolSet(const Pipeline& pipeline, Timers& timers, std::function<void(int pool)> on_rate_tick)
    : timers_(timers), on_rate_tick_(std::move(on_rate_tick)) {
  for (const Pool& p : pipeline.pools) {
    index_.emplace(p.name, static_cast<int>(pools_.size()));
    pools_.emplace_back(p.size, p.rate_per_second);
  }
  interactive_ = static_cast<int>(pools_.size());
  pools_.emplace_back(1, 0.0);
  rate_timers_.resize(pools_.size());
}

PoolSet::~PoolSet() { cancel_timers(); }

int PoolSet::find(std::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? -1 : it->second;
}

int PoolSet::blocking(int pool, bool interactive, PoolLimit::Block& why, int places) const {
  const auto now = timers_.now();
  for (int p : {pool, interactive ? interactive_ : -1}) {
    if (p < 0) continue;
    why = pools_[p].blocked(now, p == pool ? places : 1);
    if (why != PoolLimit::Block::None) return p;
  }
  why = PoolLimit::Block::None;
  return -1;
}

void PoolSet::park(int pool, TaskId task, int priority, PoolLimit::Block why) {
  pools_[pool].waiting().push(task, priority);
  if (why == PoolLimit::Block::Rate) arm_rate_timer(pool);
}

std::optional<TaskId> PoolSet::wake(int pool, const std::function<bool(TaskId)>& still_ready) {
  PoolLimit& p = pools_[pool];
  ReadyQueue& waiting = p.waiting();
  while (!waiting.empty() && !still_ready(waiting.top())) waiting.pop();
  if (waiting.empty()) return std::nullopt;
  switch (p.blocked(timers_.now())) {
    case PoolLimit::Block::Size: return std::nullopt;
    case PoolLimit::Block::Rate: arm_rate_timer(pool); return std::nullopt;
    case PoolLimit::Block::None: break;
  }
  const TaskId t = waiting.top();
  waiting.pop();
  return t;
}

void PoolSet::started(int pool, bool interactive) {
  const auto now = timers_.now();
  if (pool >= 0) pools_[pool].started(now);
  if (interactive) pools_[interactive_].started(now);
}

void PoolSet::finished(int pool, bool interactive) {
  if (pool >= 0) pools_[pool].finished();
  if (interactive) pools_[interactive_].finished();
}

void PoolSet::cancel_timers() {
  for (auto& id : rate_timers_) {
    if (id) timers_.cancel(*id);
    id.reset();
  }
}

void PoolSet::arm_rate_timer(int pool) {
  if (rate_timers_[pool]) return;
  const auto wait = pools_[pool].next_start() - timers_.now();
  // Rounded up: waking before the spacing has passed would only re-arm.
  const auto delay = std::max(std::chrono::ceil<Duration>(wait), Duration(1));
  rate_timers_[pool] = timers_.after(delay, [this, pool] {
    rate_timers_[pool].reset();
    on_rate_tick_(pool);
  });
}

}  // namespace sluice::detail
