/// The load-time rules of stream edges (`stdin: {task: P}`: P's stdout is
/// the task's stdin while both run, SPEC §1.2), checked once every name is
/// resolved: both ends are process tasks (run or cmd) and not interactive,
/// a consumer does not also need its producer (needs = after, a stream =
/// during), and neither end has `retry` or `if` (not supported yet: a retried
/// or skipped end would leave the other half a stream). Cycles through
/// stream edges and needs are the graph's (graph/stream_groups.hpp).
#pragma once

#include <vector>

#include "spec/field_reader.hpp"
#include "spec/name_resolver.hpp"

namespace sluice::detail {

/// `resolved[t]`: task t's `stdin: {task:}` names an existing other task.
void check_stream_edges(FieldReader& r, const Pipeline& p, const PendingNames& names,
                        const std::vector<char>& resolved);

}  // namespace sluice::detail
