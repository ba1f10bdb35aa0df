/// The graph layer's diagnostics: cycles, outputs declared twice, unknown
/// `needs` in a pipeline built in code, unknown `select` targets. Located
/// from the pipeline's SourcePos values; `finish_diagnostics` then drops
/// repeats (matrix expansions share one place in the file) and fills in the
/// source lines, reading each file once and only when there is a problem.
/// Paths in messages are shown relative to the pipeline's directory.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sluice/diagnostic.hpp"
#include "sluice/pipeline.hpp"

namespace sluice::detail {

class OutputIndex;

/// `path` relative to `p.dir` when it lies inside it, else as it is.
std::string display_path(const Pipeline& p, std::string_view path);

/// A diagnostic at `pos` of `p` (file name from `p.files[pos.file]`).
Diagnostic located(const Pipeline& p, const SourcePos& pos, std::string key_path,
                   std::string message);

/// `tasks.b.outputs[i]: output 'x' is also declared by task 'a'`, noting a's declaration.
Diagnostic duplicate_output(const Pipeline& p, TaskId second, std::uint32_t index, TaskId first);

/// `tasks.a.needs[i]: unknown task 'x' (did you mean 'y'?)`.
Diagnostic unknown_need(const Pipeline& p, const Task& task, const Need& need);

/// `unknown target 'x' (did you mean 'y'?)`, for Graph::select.
Diagnostic unknown_target(const Pipeline& p, const std::string& target);

/// `tasks.c.needs[0]: cycle: a -> b -> c (via out/x) -> a`, reported at the
/// `needs` entry that closes the cycle, or at another explicit entry of it;
/// a cycle made only of implicit edges is reported at a producer's output.
Diagnostic cycle_diagnostic(const Pipeline& p, const std::vector<TaskId>& cycle,
                            const OutputIndex& outputs);

/// Drops diagnostics identical to an earlier one and fills `source_line`.
void finish_diagnostics(const Pipeline& p, std::vector<Diagnostic>& diags);

}  // namespace sluice::detail
