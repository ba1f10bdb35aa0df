// Iterative Tarjan and cycle recovery (see cycles.hpp).
#include "graph/cycles.hpp"

#include <algorithm>
#include <deque>
#include <unordered_map>

namespace sluice::detail {

namespace {
constexpr std::uint32_t kUnvisited = ~std::uint32_t{0};

struct Frame {
  TaskId task;
  std::uint32_t next_edge;  ///< index into dependencies(task)
};
}  // namespace

Components strongly_connected(const Graph& g, const std::vector<char>& skip) {
  const std::size_t n = g.size();
  Components out;
  out.component.assign(n, Components::kNone);
  std::vector<std::uint32_t> index(n, kUnvisited), low(n, 0);
  std::vector<char> on_stack(n, 0);
  std::vector<TaskId> stack;
  std::vector<Frame> calls;
  std::uint32_t counter = 0;

  for (TaskId root = 0; root < n; ++root) {
    if (skip[root] || index[root] != kUnvisited) continue;
    calls.push_back({root, 0});
    index[root] = low[root] = counter++;
    stack.push_back(root);
    on_stack[root] = 1;
    while (!calls.empty()) {
      Frame& f = calls.back();
      auto deps = g.dependencies(f.task);
      if (f.next_edge < deps.size()) {
        TaskId w = deps[f.next_edge++];
        if (skip[w]) continue;
        if (index[w] == kUnvisited) {
          index[w] = low[w] = counter++;
          stack.push_back(w);
          on_stack[w] = 1;
          calls.push_back({w, 0});  // invalidates f
        } else if (on_stack[w]) {
          low[f.task] = std::min(low[f.task], index[w]);
        }
        continue;
      }
      TaskId v = f.task;
      calls.pop_back();
      if (!calls.empty()) low[calls.back().task] = std::min(low[calls.back().task], low[v]);
      if (low[v] != index[v]) continue;
      std::vector<TaskId> scc;
      TaskId w;
      do {
        w = stack.back();
        stack.pop_back();
        on_stack[w] = 0;
        scc.push_back(w);
      } while (w != v);
      bool self_loop = false;
      if (scc.size() == 1) {
        auto own = g.dependencies(v);
        self_loop = std::find(own.begin(), own.end(), v) != own.end();
      }
      if (scc.size() > 1 || self_loop) {
        std::sort(scc.begin(), scc.end());
        out.cyclic.push_back(std::move(scc));
      }
    }
  }
  std::sort(out.cyclic.begin(), out.cyclic.end(),
            [](const auto& a, const auto& b) { return a.front() < b.front(); });
  for (std::uint32_t c = 0; c < out.cyclic.size(); ++c)
    for (TaskId t : out.cyclic[c]) out.component[t] = c;
  return out;
}

std::vector<TaskId> shortest_cycle(const Graph& g, const Components& comps, std::uint32_t c) {
  const TaskId s = comps.cyclic[c].front();
  std::unordered_map<TaskId, TaskId> parent;  // BFS tree over the component
  std::deque<TaskId> queue{s};
  parent.emplace(s, s);
  while (!queue.empty()) {
    TaskId u = queue.front();
    queue.pop_front();
    for (TaskId w : g.dependencies(u)) {
      if (w == s) {
        std::vector<TaskId> cycle;
        for (TaskId x = u; x != s; x = parent[x]) cycle.push_back(x);
        cycle.push_back(s);
        std::reverse(cycle.begin(), cycle.end());
        return cycle;
      }
      if (comps.component[w] == c && parent.emplace(w, u).second) queue.push_back(w);
    }
  }
  return {};  // unreachable for a cyclic component
}

}  // namespace sluice::detail
