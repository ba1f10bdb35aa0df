/// Stream groups for the graph builder: the tasks joined by stream edges
/// (`stdin: {task: P}`) run at the same time, so a group is ordered as one
/// node. A stream edge closing a loop of stream edges, a `needs` (or an
/// implicit edge) between two members of one group, and a cycle through
/// groups and needs are errors. Linear time, no recursion. Stateless.
#pragma once

#include <vector>

#include "sluice/graph.hpp"

namespace sluice::detail {

/// Per task, its group's smallest TaskId (itself when it is alone), from
/// `producer` (per task, Graph::kNoTask when none). Appends an error for
/// each stream edge that closes a loop of stream edges.
std::vector<TaskId> stream_leaders(const Pipeline& p, const std::vector<TaskId>& producer,
                                   std::vector<Diagnostic>& diags);

/// Kahn's algorithm over groups: every task, dependencies before dependents,
/// ties by the group's smallest id, a group's members together in file
/// order. Reports a dependency inside a group, and a cycle (returns false)
/// when some group could not be ordered.
bool order_groups(const Pipeline& p, const Graph& g, const std::vector<TaskId>& leader,
                  std::vector<TaskId>& order, std::vector<Diagnostic>& diags);

}  // namespace sluice::detail
