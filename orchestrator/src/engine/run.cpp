// run_pipeline(): the library's front door (see sluice/run.hpp).
#include "sluice/run.hpp"

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "engine/dry_run.hpp"
#include "engine/run_session.hpp"
#include "engine/secrets.hpp"
#include "sinks/fd_output.hpp"
#include "sluice/graph.hpp"

namespace sluice {

void RunHandle::cancel() {
  std::lock_guard lock(mutex_);
  if (!wake_ && ended_) return;  // too late for its run, and not for the next
  ++pending_;
  if (wake_) wake_();
}

namespace {

std::vector<TaskId> select_tasks(const Pipeline& p, const Graph& g, const RunOptions& o,
                                 std::vector<Diagnostic>& errors) {
  const std::vector<std::string>& targets = o.targets.empty() ? p.default_targets : o.targets;
  if (targets.empty()) return g.topological_order();
  std::string cwd = o.cwd;
  if (cwd.empty()) {
    std::error_code ec;
    cwd = std::filesystem::current_path(ec).string();
  }
  return g.select(p, targets, cwd, errors);
}

}  // namespace

RunResult run_pipeline(const Pipeline& pipeline, const RunOptions& options, RunHandle* handle) {
  GraphResult graph = build_graph(pipeline);
  if (!graph.ok()) {
    RunResult result;
    result.status = RunStatus::Failed;
    result.diagnostics = std::move(graph.diagnostics);
    return result;
  }
  return run_pipeline(pipeline, graph.graph, options, handle);
}

RunResult run_pipeline(const Pipeline& pipeline, const Graph& graph, const RunOptions& options,
                       RunHandle* handle) {
  RunResult result;
  result.status = RunStatus::Failed;
  if (!graph.built_from(pipeline)) {
    // Its task ids would name other tasks, or none: never run on it.
    result.start_error = "the graph was built from another pipeline (" +
                         std::to_string(graph.size()) + " tasks; this pipeline has " +
                         std::to_string(pipeline.tasks.size()) + ")";
    return result;
  }
  if (options.threads < 0) {
    result.start_error = "threads must be at least 1 (got " + std::to_string(options.threads) +
                         "; 0 means one per CPU)";
    return result;
  }
  std::vector<TaskId> selected = select_tasks(pipeline, graph, options, result.diagnostics);
  if (!result.diagnostics.empty()) return result;

  if (options.dry_run) {
    // Touches nothing: no secret is read, no process or file is made.
    if (options.output != OutputMode::None) {
      detail::FdOutput out(STDOUT_FILENO);
      out.write(detail::describe_plan(pipeline, selected));
    }
    result.status = RunStatus::Succeeded;
    return result;
  }

  detail::SecretValues secrets = detail::read_secrets(pipeline);
  if (!secrets.error.empty()) {
    result.start_error = std::move(secrets.error);
    return result;
  }
  std::unique_ptr<detail::RunSession> session;
  try {
    session = std::make_unique<detail::RunSession>(pipeline, graph, std::move(selected),
                                                   options, secrets, handle);
  } catch (const std::exception& e) {
    // Set-up failed (an events file that cannot be opened): nothing started.
    result.start_error = e.what();
    return result;
  }
  return session->run();
}

int exit_code(const RunResult& r) {
  if (!r.diagnostics.empty()) return 2;
  if (!r.start_error.empty()) return 3;
  switch (r.status) {
    case RunStatus::Succeeded: return 0;
    case RunStatus::Failed: return 1;
    case RunStatus::Interrupted: return 128 + (r.signal > 0 ? r.signal : 2);
  }
  return 1;
}

}  // namespace sluice
