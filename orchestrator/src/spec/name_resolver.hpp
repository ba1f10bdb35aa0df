/// Name resolution, once every task exists: each `needs` entry to tasks (a
/// matrix base to all its expansions, duplicates dropped), each
/// `stdin: {task:}`, `pool:` and `${{ tasks.N.outputs.K }}` checked against
/// what exists, with "did you mean". Reads only the tasks and the source
/// lines (the YAML nodes are freed by then). One load, one thread.
#pragma once

#include <vector>

#include "spec/expander.hpp"
#include "spec/field_reader.hpp"

namespace sluice::detail {

/// A name a task gave, checked once every task exists; `from_defaults`
/// picks the key path (`defaults.pool` or `tasks.X.pool`).
struct NameRef {
  TaskId task;
  SourcePos pos;
  bool from_defaults;
};

/// What the task builder noted for resolution.
struct PendingNames {
  std::vector<NameRef> pools;
  std::vector<NameRef> stdin_tasks;
  /// Tasks with `retry` (a limit above 0) or `if`, at that key: refused on
  /// a task joined by a stream edge (stream_edges.hpp).
  std::vector<NameRef> retries;
  std::vector<NameRef> conditions;
};

void resolve_names(FieldReader& r, Pipeline& p, const PendingNames& names,
                   const std::vector<PendingOutputRef>& output_refs);

}  // namespace sluice::detail
