// `default_targets:` (SPEC §1.1): what a bare `sluice run` runs. Read from
// the main file while its tree lives, checked once every task and output is
// known, and kept in Pipeline::default_targets as task names, matrix bases or
// absolute output paths, so that the run resolves them whatever its cwd.
#include <algorithm>
#include <unordered_set>

#include "spec/loader_impl.hpp"

namespace sluice::detail {

void Loader::read_default_targets() {
  NodeId list = units_[0]->top[kDefaultTargets];
  if (list == kNoNode) return;
  std::vector<NodeId> items;
  if (!string_list(0, list, "default_targets", items)) return;
  if (tree(0).node(list).size == 0) {
    error(0, list, "default_targets", "expected at least one task or output");
    return;
  }
  for (std::uint32_t i = 0; i < items.size(); ++i) {
    std::string path = "default_targets[" + std::to_string(i) + "]";
    auto text = expand_string(0, items[i], path, TplCtx{});
    if (!text) continue;
    if (text->empty()) {
      error(0, items[i], path, "expected a task or an output path, got an empty string");
      continue;
    }
    default_targets_.push_back({std::move(*text), pos_of(0, items[i]), i});
  }
}

void Loader::check_default_targets() {
  if (default_targets_.empty()) return;
  std::unordered_set<std::string_view> names, outputs;
  for (const Task& t : p_.tasks) {
    names.insert(t.name);
    names.insert(t.base());
    for (const auto& o : t.outputs) outputs.insert(o);
  }
  const std::string& dir = units_[0]->abs_dir;
  for (auto& target : default_targets_) {
    if (names.count(target.text) != 0) {
      p_.default_targets.push_back(std::move(target.text));
      continue;
    }
    std::string abs = join_path(dir, target.text);
    if (outputs.count(abs) != 0) {
      p_.default_targets.push_back(std::move(abs));
      continue;
    }
    std::vector<std::string_view> cands(names.begin(), names.end());
    std::sort(cands.begin(), cands.end());  // a stable suggestion among equals
    error_at(target.pos.file, target.pos.line, target.pos.column,
             "default_targets[" + std::to_string(target.index) + "]",
             "unknown target '" + target.text + "': not a task, a matrix task or a declared output",
             did_you_mean(target.text, cands));
  }
}

}  // namespace sluice::detail
