/// The pipeline loader: YAML tree -> validated, expanded sluice::Pipeline
/// (SPEC §1). The public entry points are load_pipeline_file/_string in
/// sluice/pipeline.hpp; this header holds what other spec files share with
/// the loader: the tables of keys, so that validation, "did you mean" and
/// the JSON schema cannot disagree about which keys exist.
///
/// Choices the SPEC leaves open:
/// - `--set K=V` must name a var of the pipeline (of the file or one it
///   includes): a typo would otherwise be a silent no-op. The value is
///   literal, never scanned for templates.
/// - An included file contributes tasks, vars (the includer's and `--set`
///   win), pools and secrets (a name defined twice is an error); its `env`,
///   `dotenv` and `defaults` apply to its own tasks (and those it includes),
///   over the includer's. Its `name`, `description` and `max_parallel` are
///   ignored. A file included a second time (not in a cycle) is skipped.
/// - `default_targets` of the main file only (an included file's are
///   ignored, as its `name`); each entry is a task, a matrix base or a
///   declared output, templated like a path; outputs are kept absolute.
/// - Tasks of an included file join where the `include` key stands relative
///   to the includer's `tasks` key.
/// - `pty: true` with `interactive: true` is an error: an interactive task
///   owns the real terminal, so a pseudo-terminal would hide it.
/// - `${{ tasks.N.outputs.K }}` needs N among the task's direct `needs`
///   (a concrete name; a matrix base is not enough).
/// - `${{ env.X }}` of a variable set nowhere is an error at load time.
/// - `needs: [build]` of a matrix base means every expansion; a written
///   `build[os=linux]` must name an expansion exactly (keys in file order).
/// - Column of a template reference: exact for plain and single-line quoted
///   scalars without escapes before it; for block and multi-line scalars the
///   content line is searched for in the source, else the scalar's position.
#pragma once

#include <array>
#include <string_view>

namespace sluice::detail {

/// Every task field, in the order the loader processes them.
enum class TaskField : unsigned char {
  Description,
  Run,
  Cmd,
  Copy,
  Concat,
  Write,
  Hash,
  Compress,
  Decompress,
  Call,
  Shell,
  Needs,
  Inputs,
  Outputs,
  WorkingDir,
  If,
  Pty,
  Interactive,
  Env,
  Stdin,
  Stdout,
  Stderr,
  Timeout,
  Grace,
  Retry,
  ContinueOnError,
  Always,
  Pool,
  Priority,
  Matrix,
  Service,
  Executor,
  Resources,
};
inline constexpr std::size_t kTaskFieldCount = 33;

inline constexpr std::array<std::string_view, kTaskFieldCount> kTaskFieldNames = {
    "description", "run",
    "cmd",         "copy",
    "concat",      "write",
    "hash",        "compress",
    "decompress",  "call",
    "shell",       "needs",
    "inputs",      "outputs",
    "working_dir", "if",
    "pty",         "interactive",
    "env",         "stdin",
    "stdout",      "stderr",
    "timeout",     "grace",
    "retry",       "continue_on_error",
    "always",      "pool",
    "priority",    "matrix",
    "service",     "executor",
    "resources",
};

inline constexpr std::array<std::string_view, 12> kTopLevelKeys = {
    "name",  "description", "vars",    "env",    "secrets", "max_parallel",
    "pools", "defaults",    "include", "dotenv", "tasks",   "default_targets",
};

inline constexpr bool is_action(TaskField f) {
  return f >= TaskField::Run && f <= TaskField::Call;
}

}  // namespace sluice::detail
