// The pipeline loader (see loader.hpp for the choices it makes and its
// parts). Loading runs in passes over the YAML trees of the main file and
// its includes, all kept alive until the pipeline is built (defaults and
// scopes point into them) and freed before returning:
//   1. read every file, following `include` depth first (includes);
//   2. vars (with `--set`), secrets, pools, then each file's env and
//      defaults (scopes);
//   3. tasks, block by block in include order, matrix expanded
//      (task_builder);
//   4. names: needs, stdin tasks, pools and task-output references
//      (name_resolver), and the default targets (default_targets).
// Every problem becomes a Diagnostic and loading goes on with the next field
// or task, so that one pass reports all of them.
#include <algorithm>
#include <set>
#include <tuple>

#include "spec/default_targets.hpp"
#include "spec/expander.hpp"
#include "spec/field_reader.hpp"
#include "spec/includes.hpp"
#include "spec/lexical_path.hpp"
#include "spec/name_resolver.hpp"
#include "spec/read_file.hpp"
#include "spec/scopes.hpp"
#include "spec/task_builder.hpp"

namespace sluice {
namespace detail {
namespace {

/// One load: its options, the pipeline being built, the files read.
class Loader {
 public:
  /// `refuse_not_built`: refuse what this build cannot run (not_built_yet.hpp).
  Loader(const LoadOptions& options, bool refuse_not_built)
      : options_(options), refuse_not_built_(refuse_not_built), reader_(units_) {}

  /// Loads `content`, the text of the file `file_name` names.
  LoadResult load(std::string content, const std::string& file_name);

 private:
  void load_top_level();
  void finish_diagnostics();

  const LoadOptions& options_;
  bool refuse_not_built_;
  Pipeline p_;
  Units units_;
  FieldReader reader_;
};

LoadResult Loader::load(std::string content, const std::string& file_name) {
  p_.file = file_name;
  p_.name = file_stem(file_name);
  std::string abs = absolute_path(file_name);
  p_.dir = parent_dir(abs);
  Includes includes(units_, reader_, p_.files, options_);
  includes.load(file_name, abs, std::move(content), -1);
  if (!units_.empty() && units_[0]->tree.root() != kNoNode) {
    load_top_level();
    ExpansionBudget budget(options_.max_expanded_bytes);
    Vars vars(reader_, units_, options_.set);
    Expander expander(reader_, vars, p_.dir, budget);
    vars.resolve_all(expander);
    p_.vars = vars.ordered();
    load_secrets(reader_, units_, p_.secrets);
    load_pools(reader_, units_, p_.pools);
    for (std::uint32_t u = 0; u < units_.size(); ++u)
      if (units_[u]->tree.root() != kNoNode)
        load_scope(reader_, expander, units_, u, options_.max_file_bytes);
    const auto& blocks = includes.task_blocks();
    std::size_t expected = 0;
    for (const auto& [u, m] : blocks) expected += reader_.tree(u).node(m).size;
    p_.tasks.reserve(expected);
    TaskBuilder builder(reader_, expander, units_, p_.tasks, refuse_not_built_);
    if (blocks.size() > 1) builder.reserve(expected);
    for (const auto& [u, m] : blocks) builder.load_block(u, m, blocks.size());
    builder.done();
    DefaultTargets targets;
    targets.read(reader_, expander, *units_[0]);
    // Name resolution reads only tasks; its diagnostics need source lines,
    // not nodes. Freeing the nodes first keeps its index out of the peak.
    for (auto& unit : units_) unit->tree.release_nodes();
    resolve_names(reader_, p_, builder.pending_names(), expander.output_refs());
    targets.check(reader_, p_, units_[0]->abs_dir);
  }
  finish_diagnostics();
  units_.clear();
  LoadResult r;
  r.pipeline = std::move(p_);
  r.diagnostics = std::move(reader_.diagnostics());
  return r;
}

// The main file's name, description and max_parallel (an included file's
// are ignored).
void Loader::load_top_level() {
  const Unit& main = *units_[0];
  if (NodeId n = main.top[kName]; n != kNoNode)
    if (auto s = reader_.scalar(0, n, "name")) p_.name = std::string(*s);
  if (NodeId n = main.top[kDescription]; n != kNoNode)
    if (auto s = reader_.scalar(0, n, "description")) p_.description = std::string(*s);
  if (NodeId n = main.top[kMaxParallel]; n != kNoNode)
    if (auto v = reader_.integer(0, n, "max_parallel", kCount))
      p_.max_parallel = static_cast<int>(*v);
}

// Matrix expansions and defaults repeat the same problem once per task: keep
// the first of identical diagnostics.
void Loader::finish_diagnostics() {
  std::vector<Diagnostic>& diags = reader_.diagnostics();
  auto file_rank = [this](const std::string& f) {
    auto it = std::find(p_.files.begin(), p_.files.end(), f);
    return static_cast<std::size_t>(it - p_.files.begin());
  };
  std::stable_sort(diags.begin(), diags.end(), [&](const Diagnostic& a, const Diagnostic& b) {
    return std::make_tuple(file_rank(a.file), a.line, a.column) <
           std::make_tuple(file_rank(b.file), b.line, b.column);
  });
  std::set<std::tuple<std::string, int, int, std::string, std::string>> seen;
  std::vector<Diagnostic> out;
  for (auto& d : diags)
    if (seen.emplace(d.file, d.line, d.column, d.path, d.message).second)
      out.push_back(std::move(d));
  diags = std::move(out);
}

LoadResult unreadable(const std::string& file_name, std::string err) {
  Diagnostic d;
  d.file = file_name;
  d.message = "cannot read pipeline file: " + std::move(err);
  LoadResult r;
  r.diagnostics.push_back(std::move(d));
  return r;
}

}  // namespace

LoadResult load_pipeline_string_with_not_built(std::string_view text, const std::string& file_name,
                                               const LoadOptions& options) {
  return Loader(options, false).load(std::string(text), file_name);
}

}  // namespace detail

LoadResult load_pipeline_file(const std::string& path, const LoadOptions& options) {
  std::string text, err;
  if (!detail::read_whole_file(detail::absolute_path(path), options.max_file_bytes, text, err))
    return detail::unreadable(path, std::move(err));
  return detail::Loader(options, true).load(std::move(text), path);
}

LoadResult load_pipeline_fd(int fd, const std::string& file_name, const LoadOptions& options) {
  std::string text, err;
  if (!detail::read_fd(fd, options.max_file_bytes, text, err))
    return detail::unreadable(file_name, std::move(err));
  return detail::Loader(options, true).load(std::move(text), file_name);
}

LoadResult load_pipeline_string(std::string_view text, const std::string& file_name,
                                const LoadOptions& options) {
  return detail::Loader(options, true).load(std::string(text), file_name);
}

}  // namespace sluice
