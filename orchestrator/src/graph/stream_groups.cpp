// Stream groups (see stream_groups.hpp).
#include "graph/stream_groups.hpp"

#include <functional>
#include <queue>
#include <string>

#include "graph/graph_diagnostics.hpp"

namespace sluice::detail {
namespace {

std::string stdin_key(const Task& t) { return "tasks." + t.base() + ".stdin.task"; }

/// A dependency of `t` on `d`, both in one group: at t's `needs` entry
/// naming d, else (an implicit edge) at t itself.
Diagnostic need_in_group(const Pipeline& p, TaskId t, TaskId d) {
  const Task& task = p.tasks[t];
  std::string message = "'" + task.name + "' waits for '" + p.tasks[d].name +
                        "', but stream edges make them run at the same time";
  for (const Need& n : task.needs)
    if (n.task == p.tasks[d].name)
      return located(p, n.pos, "tasks." + task.base() + ".needs[" + std::to_string(n.index) + "]",
                     std::move(message));
  return located(p, task.pos, "tasks." + task.base(), std::move(message));
}

}  // namespace

std::vector<TaskId> stream_leaders(const Pipeline& p, const std::vector<TaskId>& producer,
                                   std::vector<Diagnostic>& diags) {
  const std::size_t n = producer.size();
  std::vector<TaskId> parent(n);
  for (TaskId t = 0; t < n; ++t) parent[t] = t;
  auto find = [&](TaskId t) {
    while (parent[t] != t) t = parent[t] = parent[parent[t]];
    return t;
  };
  for (TaskId c = 0; c < n; ++c) {
    if (producer[c] == Graph::kNoTask) continue;
    TaskId a = find(c), b = find(producer[c]);
    if (a == b) {
      const Task& t = p.tasks[c];
      diags.push_back(located(p, t.extras().stdin_spec.pos, stdin_key(t),
                              "cycle of stream edges: '" + t.name + "' reads '" +
                                  t.extras().stdin_spec.path +
                                  "', which already reads (through stream edges) '" + t.name +
                                  "'"));
      continue;
    }
    // The smaller root wins: a root is its group's smallest id.
    if (a < b) parent[b] = a; else parent[a] = b;
  }
  for (TaskId t = 0; t < n; ++t) parent[t] = find(t);
  return parent;
}

bool order_groups(const Pipeline& p, const Graph& g, const std::vector<TaskId>& leader,
                  std::vector<TaskId>& order, std::vector<Diagnostic>& diags) {
  const std::size_t n = leader.size();
  std::vector<std::uint32_t> offsets(n + 1, 0);
  for (TaskId t = 0; t < n; ++t) ++offsets[leader[t] + 1];
  for (std::size_t i = 0; i < n; ++i) offsets[i + 1] += offsets[i];
  std::vector<TaskId> members(n);
  std::vector<std::uint32_t> fill(offsets.begin(), offsets.end() - 1);
  for (TaskId t = 0; t < n; ++t) members[fill[leader[t]]++] = t;

  std::vector<std::uint32_t> waiting(n, 0);
  for (TaskId t = 0; t < n; ++t)
    for (TaskId d : g.dependencies(t)) {
      if (leader[d] == leader[t])
        diags.push_back(need_in_group(p, t, d));
      else
        ++waiting[leader[t]];
    }
  std::priority_queue<TaskId, std::vector<TaskId>, std::greater<>> ready;
  for (TaskId t = 0; t < n; ++t)
    if (leader[t] == t && waiting[t] == 0) ready.push(t);
  order.clear();
  order.reserve(n);
  while (!ready.empty()) {
    const TaskId l = ready.top();
    ready.pop();
    for (std::uint32_t i = offsets[l]; i < offsets[l + 1]; ++i) order.push_back(members[i]);
    for (std::uint32_t i = offsets[l]; i < offsets[l + 1]; ++i)
      for (TaskId x : g.dependents(members[i]))
        if (leader[x] != l && --waiting[leader[x]] == 0) ready.push(leader[x]);
  }
  return order.size() == n;
}

}  // namespace sluice::detail
