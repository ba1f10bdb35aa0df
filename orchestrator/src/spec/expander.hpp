/// Expander: templates in pipeline text (SPEC §1.3). It substitutes what is
/// known at load time (vars, matrix, env, task, pipeline), keeps
/// `${{ tasks.N.outputs.K }}` as a reference for run time (noting it for the
/// name resolver), and turns a `run:` script into one whose values live in
/// the environment (SLUICE_V_n), refusing a known value that would stand in
/// shell arithmetic without being an integer. Every expansion counts
/// against the ExpansionBudget. Errors are located at the reference.
/// One load, one thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "spec/expansion_budget.hpp"
#include "spec/field_reader.hpp"
#include "spec/template.hpp"

namespace sluice::detail {

class Vars;

/// The per-task (or per-scope) inputs of one expansion.
struct TplCtx {
  std::uint32_t unit = 0;
  NodeId node = kNoNode;
  const std::string* path = nullptr;
  const std::vector<std::pair<std::string, std::string>>* matrix = nullptr;
  const EnvList* env = nullptr;
  const std::string* task_name = nullptr;
  bool allow_outputs = false;
  bool in_vars = false;
  /// An output's path: a value from outside the file (the environment,
  /// `--set`) may not hold an absolute path or a `..` component (it must not
  /// move an output out of the tree); the file's own vars are the author's.
  bool output_path = false;
};

/// A `${{ tasks.N.outputs.K }}` kept for run time, checked by name later.
struct PendingOutputRef {
  TaskId task;
  std::string ref_task;
  SourcePos pos;
  std::string path;
  std::string ref;
};

/// `scope.a.b` as written.
std::string ref_text(const TemplateRef& r);
/// Whether templates in `run` can be rewritten for this shell.
bool is_posix_shell(const std::vector<std::string>& shell);

class Expander {
 public:
  Expander(FieldReader& reader, Vars& vars, const std::string& pipeline_dir,
           ExpansionBudget& budget)
      : r_(reader), vars_(vars), pipeline_dir_(pipeline_dir), budget_(budget) {}

  /// Expands `text` (the scalar ctx.node) into `out`.
  bool expand(std::string_view text, const TplCtx& ctx, Template& out);
  /// The scalar `n`, expanded; task outputs allowed when ctx allows them.
  std::optional<Template> expand_template(std::uint32_t u, NodeId n, const std::string& path,
                                          const TplCtx& ctx);
  /// The same, task outputs refused: plain text.
  std::optional<std::string> expand_string(std::uint32_t u, NodeId n, const std::string& path,
                                           const TplCtx& ctx);
  /// expand_string() of a non-empty path, made absolute against `dir`.
  std::optional<std::string> expand_path(std::uint32_t u, NodeId n, const std::string& path,
                                         const TplCtx& ctx, const std::string& dir);
  /// expand_path() of an output (TplCtx::output_path).
  std::optional<std::string> expand_output_path(std::uint32_t u, NodeId n, const std::string& path,
                                                TplCtx ctx, const std::string& dir) {
    ctx.output_path = true;
    return expand_path(u, n, path, ctx, dir);
  }
  /// A `run:` or `if:` script; `counter` numbers its SLUICE_V_n across both.
  bool build_script(std::uint32_t u, NodeId n, const std::string& path, const TplCtx& ctx,
                    bool posix, int& counter, Script& out);

  /// The task that references to task outputs belong to.
  void set_task(TaskId id) { task_ = id; }
  TaskId task() const { return task_; }
  /// Task outputs referenced so far (for the name resolver).
  std::vector<PendingOutputRef>& output_refs() { return output_refs_; }
  /// The current task's script values in shell arithmetic known only at run
  /// time (TaskExtras::arithmetic_values); taking them empties the list.
  std::vector<std::pair<std::string, std::string>> take_runtime_arithmetic() {
    return std::exchange(runtime_arithmetic_, {});
  }
  ExpansionBudget& budget() { return budget_; }

 private:
  bool resolve_ref(const TemplateRef& ref, std::string_view text, const TplCtx& ctx, Template& out);
  bool check_arithmetic(std::uint32_t u, NodeId n, const std::string& path, std::string_view script,
                        const TemplateRef& ref, const Template& value, const std::string& name);
  /// Reports (once) that an expansion passed the budget; returns false.
  bool over_budget(const TplCtx& ctx, std::string_view text, std::uint32_t offset);
  bool from_outside(const TemplateRef& ref) const;

  FieldReader& r_;
  Vars& vars_;
  const std::string& pipeline_dir_;
  ExpansionBudget& budget_;
  TaskId task_ = 0;
  std::vector<PendingOutputRef> output_refs_;
  std::vector<std::pair<std::string, std::string>> runtime_arithmetic_;
};

}  // namespace sluice::detail
