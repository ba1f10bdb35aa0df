/// Cycle finding for the graph builder, used only when Kahn's algorithm could
/// not order every task. Iterative (an explicit stack, no recursion), so a
/// 100,000-task cycle cannot overflow the stack. Stateless functions.
#pragma once

#include <vector>

#include "sluice/graph.hpp"

namespace sluice::detail {

struct Components {
  std::vector<std::vector<TaskId>> cyclic;  ///< each SCC that holds a cycle, ids ascending,
                                            ///< ordered by their smallest id
  std::vector<std::uint32_t> component;     ///< per task: index into `cyclic`, or kNone
  static constexpr std::uint32_t kNone = ~std::uint32_t{0};
};

/// Tarjan's strongly connected components over the tasks with `skip[t] == 0`
/// (the ones Kahn could not order). A component is cyclic when it has two or
/// more tasks, or one task that depends on itself.
Components strongly_connected(const Graph& g, const std::vector<char>& skip);

/// The shortest cycle through the smallest task of component `c`, as
/// [s, a, b, ...] where s depends on a, a on b, ..., and the last on s.
std::vector<TaskId> shortest_cycle(const Graph& g, const Components& comps, std::uint32_t c);

}  // namespace sluice::detail
