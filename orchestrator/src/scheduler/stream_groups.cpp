// The Scheduler's stream groups (see scheduler.hpp): tasks joined by stream
// edges become ready together and start together.
#include <algorithm>
#include <numeric>

#include "scheduler/scheduler.hpp"

namespace sluice::detail {

/// Groups the selected tasks joined by stream edges whose both ends are
/// selected (a selected consumer brings its producer, Graph::select).
void Scheduler::build_groups() {
  std::vector<TaskId> parent(selected_.size());
  std::iota(parent.begin(), parent.end(), TaskId{0});
  auto root = [&](TaskId i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
  };
  bool any = false;
  for (TaskId t : selected_) {
    const TaskId from = graph_.producer(t);
    if (from == Graph::kNoTask || !find(from)) continue;
    const TaskId a = root(slot_of_[t] - 1), b = root(slot_of_[from] - 1);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);
    any = true;
  }
  if (!any) return;
  std::vector<std::uint32_t> size(selected_.size(), 0);
  for (TaskId i = 0; i < selected_.size(); ++i) ++size[root(i)];
  std::vector<std::uint32_t> group_of(selected_.size(), kNoGroup);
  std::vector<TaskId> by_id = selected_;
  std::sort(by_id.begin(), by_id.end());
  for (TaskId t : by_id) {
    const TaskId r = root(slot_of_[t] - 1);
    if (size[r] < 2) continue;  // alone
    if (group_of[r] == kNoGroup) {
      group_of[r] = static_cast<std::uint32_t>(groups_.size());
      groups_.emplace_back();
    }
    groups_[group_of[r]].members.push_back(t);
    state(t).group = group_of[r];
  }
  for (Group& g : groups_) {
    // The members' slots add up to the group's, capped at max_parallel:
    // the first members keep theirs, the last may take none.
    int total = 0;
    g.priority = pipeline_.tasks[g.members.front()].priority;
    for (TaskId m : g.members) {
      total += state(m).weight;
      g.priority = std::max(g.priority, pipeline_.tasks[m].priority);
    }
    g.weight = std::min(total, max_parallel_);
    int left = g.weight;
    for (TaskId m : g.members) {
      state(m).weight = std::min(state(m).weight, left);
      left -= state(m).weight;
    }
  }
}

void Scheduler::group_member_ready(TaskId t) {
  TaskState& s = state(t);
  Group& g = groups_[s.group];
  s.state = State::Ready;
  if (++g.ready == g.members.size()) ready_.push(g.members.front(), g.priority);
}

bool Scheduler::admit_group(TaskId first) {
  const Group& g = groups_[state(first).group];
  for (TaskId m : g.members) {
    const int own = state(m).pool;
    if (own < 0) continue;
    const int places = static_cast<int>(std::count_if(
        g.members.begin(), g.members.end(), [&](TaskId o) { return state(o).pool == own; }));
    PoolLimit::Block why = PoolLimit::Block::None;
    const int pool = pools_.blocking(own, false, why, places);
    if (pool >= 0) {
      ready_.pop();
      pools_.park(pool, first, g.priority, why);
      return false;
    }
  }
  return true;
}

void Scheduler::start_group(TaskId first) {
  Group& g = groups_[state(first).group];
  g.over = true;
  // Runners report on a later loop turn, never from inside start(): every
  // member is started (and its stream ends connected) before any report.
  for (TaskId m : g.members) start_task(m);
}

void Scheduler::end_group(TaskId t, TaskStatus status, SkipReason reason) {
  Group& g = groups_[state(t).group];
  g.over = true;
  for (TaskId m : g.members) {
    const State st = state(m).state;
    if (m != t && (st == State::Waiting || st == State::Ready)) finish(m, status, reason, false);
  }
}

}  // namespace sluice::detail
