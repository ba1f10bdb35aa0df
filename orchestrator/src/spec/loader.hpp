/// The pipeline loader: YAML tree -> validated, expanded sluice::Pipeline
/// (SPEC §1). The public entry points are load_pipeline_file/_string/_fd in
/// sluice/pipeline.hpp; this header holds what other spec files share with
/// the loader: the tables of keys (the top-level keys here, the task fields
/// in task_fields.hpp), so that validation, "did you mean" and the JSON
/// schema cannot disagree about which keys exist.
///
/// The loader in parts, each one concept (loader.cpp runs them in passes):
///   field_reader   typed reads of YAML nodes, with located diagnostics
///   includes       the main file and the files it includes
///   scopes         vars (and --set), secrets, pools, each file's env/defaults
///   expander       templates, `run` scripts, the expansion budget
///   task_builder   one task map -> Tasks, field by field (task_fields.hpp)
///   matrix         matrix expansion
///   name_resolver  needs, stdin tasks, pools and task outputs by name
///   default_targets  what a bare `sluice run` runs
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
#include <string>
#include <string_view>

#include "sluice/pipeline.hpp"
#include "spec/task_fields.hpp"

namespace sluice::detail {

inline constexpr std::array<std::string_view, 12> kTopLevelKeys = {
    "name",  "description", "vars",    "env",    "secrets", "max_parallel",
    "pools", "defaults",    "include", "dotenv", "tasks",   "default_targets",
};

/// load_pipeline_string() that accepts what this build cannot run yet
/// (not_built_yet.hpp), for tests of how those settings load.
LoadResult load_pipeline_string_with_not_built(std::string_view text, const std::string& file_name,
                                               const LoadOptions& options = {});

}  // namespace sluice::detail
