// Reading the files of a pipeline (see includes.hpp).
#include "spec/includes.hpp"

#include <algorithm>

#include "spec/lexical_path.hpp"
#include "spec/read_file.hpp"

namespace sluice::detail {

void Includes::load(std::string display, std::string abs_path, std::string text, int parent) {
  auto unit = std::make_unique<Unit>();
  unit->display = std::move(display);
  unit->display_dir = parent_dir(unit->display);
  unit->abs_path = std::move(abs_path);
  unit->abs_dir = parent_dir(unit->abs_path);
  unit->work_dir = unit->abs_dir;
  unit->parent = parent;
  unit->top.fill(kNoNode);
  unit->top_key.fill(kNoNode);
  YamlLimits limits;
  limits.max_bytes = options_.max_file_bytes;
  limits.max_pieces = options_.parse_threads;
  unit->tree = YamlTree::parse_owned(std::move(text), unit->display, limits);
  const auto u = static_cast<std::uint32_t>(units_.size());
  files_.push_back(unit->display);
  units_.push_back(std::move(unit));
  const YamlTree& t = r_.tree(u);
  for (auto d : t.diagnostics()) {
    if (d.line > 0 && d.source_line.empty()) d.source_line = std::string(t.source_line(d.line));
    r_.add(std::move(d));
  }
  if (t.root() == kNoNode) return;
  NodeId root = t.root();
  if (t.node(root).kind != Kind::Map) {
    r_.error(u, root, "",
             "expected a map of top-level keys (tasks, vars, ...), got " + kind_name(t, root));
    return;
  }
  std::vector<std::string_view> known(kTopLevelKeys.begin(), kTopLevelKeys.end());
  stack_.push_back(units_[u]->abs_path);
  stack_names_.push_back(units_[u]->display);
  for (std::uint32_t i = 0; i < t.node(root).size; ++i) {
    NodeId k = t.key(root, i);
    NodeId v = t.value(root, i);
    std::string_view name = t.node(k).kind == Kind::Scalar ? t.scalar(k) : std::string_view();
    if (name.substr(0, 2) == "x-") continue;
    auto it = std::find(kTopLevelKeys.begin(), kTopLevelKeys.end(), name);
    if (it == kTopLevelKeys.end()) {
      r_.unknown_key(u, k, "", known);
      continue;
    }
    auto idx = static_cast<std::size_t>(it - kTopLevelKeys.begin());
    units_[u]->top[idx] = v;
    units_[u]->top_key[idx] = k;
    if (idx == kInclude) read_include(u, v);
    if (idx == kTasks) {
      if (t.node(v).kind == Kind::Map && t.node(v).size > 0)
        task_blocks_.emplace_back(u, v);
      else if (t.node(v).kind == Kind::Map)
        r_.error(u, v, "tasks", "expected at least one task");
      else
        r_.expect(u, v, Kind::Map, "tasks", "a map of tasks");
    }
  }
  stack_.pop_back();
  stack_names_.pop_back();
  if (parent < 0 && units_[u]->top[kTasks] == kNoNode && units_[u]->top[kInclude] == kNoNode)
    r_.error(u, root, "", "missing required key 'tasks'");
}

void Includes::read_include(std::uint32_t u, NodeId list) {
  std::vector<NodeId> items;
  r_.string_list(u, list, "include", items);
  for (std::uint32_t i = 0; i < items.size(); ++i) {
    const YamlTree& t = r_.tree(u);
    std::string path = "include[" + std::to_string(i) + "]";
    std::string_view rel = t.scalar(items[i]);
    if (rel.empty()) {
      r_.error(u, items[i], path, "expected a path, got an empty string");
      continue;
    }
    std::string abs = join_path(units_[u]->abs_dir, rel);
    std::string display = units_[u]->display_dir == "." ? normalize_path(rel)
                                                        : join_path(units_[u]->display_dir, rel);
    if (!rel.empty() && rel.front() == '/') display = normalize_path(rel);
    auto on_stack = std::find(stack_.begin(), stack_.end(), abs);
    if (on_stack != stack_.end()) {
      std::string chain;
      for (auto j = static_cast<std::size_t>(on_stack - stack_.begin()); j < stack_.size(); ++j)
        chain += stack_names_[j] + " -> ";
      r_.error(u, items[i], path, "include cycle: " + chain + display);
      continue;
    }
    bool seen = std::any_of(units_.begin(), units_.end(),
                            [&](const auto& un) { return un->abs_path == abs; });
    if (seen) continue;
    std::string text, err;
    if (!read_whole_file(abs, options_.max_file_bytes, text, err)) {
      r_.error(u, items[i], path, "cannot read '" + display + "': " + err);
      continue;
    }
    load(display, abs, std::move(text), static_cast<int>(u));
  }
}

}  // namespace sluice::detail
