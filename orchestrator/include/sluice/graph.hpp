/// Graph is the immutable DAG of a Pipeline: explicit `needs` edges plus
/// implicit ones from a task's `outputs` to another's `inputs` (globs in
/// `inputs` match declared outputs too). Stream edges (`stdin: {task: P}`)
/// are an edge kind of their own: not a dependency (both ends run at the
/// same time); the tasks they join form a group ordered as one node. Built in linear time and memory,
/// iteratively (a 100,000-task chain cannot overflow the stack).
///
/// Tasks are identified by TaskId, their index in Pipeline::tasks. The graph
/// does not own the pipeline; keep the pipeline alive while the graph is used.
/// Immutable after build: any thread may read it.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "sluice/diagnostic.hpp"
#include "sluice/pipeline.hpp"

namespace sluice {

class Graph {
 public:
  std::size_t size() const { return dep_offsets_.empty() ? 0 : dep_offsets_.size() - 1; }
  /// The tasks `t` waits for (explicit and implicit), each once, in file order.
  std::span<const TaskId> dependencies(TaskId t) const;
  /// The tasks that wait for `t`, each once, in file order.
  std::span<const TaskId> dependents(TaskId t) const;
  /// Every task, dependencies before dependents; ties in file order; the
  /// tasks joined by stream edges next to each other.
  const std::vector<TaskId>& topological_order() const { return order_; }

  static constexpr TaskId kNoTask = ~TaskId{0};
  /// The task whose stdout `t` reads (`stdin: {task:}`), or kNoTask.
  TaskId producer(TaskId t) const { return producer_.empty() ? kNoTask : producer_[t]; }
  /// The tasks that read `t`'s stdout, in file order.
  std::span<const TaskId> consumers(TaskId t) const;
  /// Whether any stream edge exists (else producer() is always kNoTask).
  bool has_streams() const { return !producer_.empty(); }

  /// `targets` and everything they transitively need (and a consumer's
  /// producer), in topological order.
  /// A target is a task name, a matrix base name, or a declared output path
  /// (relative paths against `cwd`). Unknown targets become diagnostics.
  std::vector<TaskId> select(const Pipeline& p, const std::vector<std::string>& targets,
                             const std::string& cwd, std::vector<Diagnostic>& errors) const;

  /// Whether this graph was built from `p` (or an equal copy): the same
  /// tasks, by name, in the same order. run_pipeline() refuses a graph of
  /// another pipeline.
  bool built_from(const Pipeline& p) const;

  std::string to_dot(const Pipeline& p) const;
  std::string to_mermaid(const Pipeline& p) const;
  std::string to_json(const Pipeline& p) const;

 private:
  friend class GraphBuilder;
  std::vector<std::uint32_t> dep_offsets_, dependent_offsets_;  // CSR, size()+1 entries
  std::vector<TaskId> deps_, dependents_;
  std::vector<TaskId> order_;
  /// Stream edges, empty when there are none: producer per task, and the
  /// consumers in CSR form.
  std::vector<TaskId> producer_;
  std::vector<std::uint32_t> consumer_offsets_;
  std::vector<TaskId> consumers_;
  std::uint64_t tasks_digest_ = 0;  ///< of the pipeline's task names (built_from)
};

struct GraphResult {
  Graph graph;
  std::vector<Diagnostic> diagnostics;  ///< cycles (of needs and stream edges), outputs declared twice
  bool ok() const { return diagnostics.empty(); }
};

/// Builds the DAG. Diagnostics carry file, line, column and key path from the
/// pipeline's SourcePos values, and the source line when the file is readable.
GraphResult build_graph(const Pipeline& p);

}  // namespace sluice
