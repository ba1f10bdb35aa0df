// What a bare `sluice run` runs (see default_targets.hpp).
#include "spec/default_targets.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "spec/lexical_path.hpp"

namespace sluice::detail {

void DefaultTargets::read(FieldReader& r, Expander& x, const Unit& main) {
  NodeId list = main.top[kDefaultTargets];
  if (list == kNoNode) return;
  std::vector<NodeId> items;
  if (!r.string_list(0, list, "default_targets", items)) return;
  if (r.tree(0).node(list).size == 0) {
    r.error(0, list, "default_targets", "expected at least one task or output");
    return;
  }
  for (std::uint32_t i = 0; i < items.size(); ++i) {
    std::string path = "default_targets[" + std::to_string(i) + "]";
    auto text = x.expand_string(0, items[i], path, TplCtx{});
    if (!text) continue;
    if (text->empty()) {
      r.error(0, items[i], path, "expected a task or an output path, got an empty string");
      continue;
    }
    targets_.push_back({std::move(*text), r.pos_of(0, items[i]), i});
  }
}

void DefaultTargets::check(FieldReader& r, Pipeline& p, const std::string& dir) {
  if (targets_.empty()) return;
  std::unordered_set<std::string_view> names, outputs;
  for (const Task& t : p.tasks) {
    names.insert(t.name);
    names.insert(t.base());
    for (const auto& o : t.outputs) outputs.insert(o);
  }
  for (auto& target : targets_) {
    if (names.count(target.text) != 0) {
      p.default_targets.push_back(std::move(target.text));
      continue;
    }
    std::string abs = join_path(dir, target.text);
    if (outputs.count(abs) != 0) {
      p.default_targets.push_back(std::move(abs));
      continue;
    }
    std::vector<std::string_view> candidates(names.begin(), names.end());
    std::sort(candidates.begin(), candidates.end());  // a stable suggestion among equals
    r.error_at(target.pos.file, target.pos.line, target.pos.column,
               "default_targets[" + std::to_string(target.index) + "]",
               "unknown target '" + target.text +
                   "': not a task, a matrix task or a declared output",
               FieldReader::did_you_mean(target.text, candidates));
  }
}

}  // namespace sluice::detail
