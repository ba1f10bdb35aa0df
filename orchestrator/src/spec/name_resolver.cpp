// Name resolution (see name_resolver.hpp).
#include "spec/name_resolver.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "spec/name_index.hpp"
#include "spec/stream_edges.hpp"

namespace sluice::detail {

void resolve_names(FieldReader& r, Pipeline& p, const PendingNames& names,
                   const std::vector<PendingOutputRef>& output_refs) {
  // Names are packed densely: 100,000 tasks lie far apart in memory.
  PackedNames packed;
  std::size_t bytes = 0;
  for (const Task& t : p.tasks) bytes += t.name.size();
  packed.reserve(p.tasks.size(), bytes);
  for (const Task& t : p.tasks) packed.push_back(t.name);
  NameIndex<PackedKey> by_name(p.tasks.size(), PackedKey{&packed});
  std::unordered_map<std::string_view, std::vector<TaskId>> by_base;
  for (TaskId i = 0; i < p.tasks.size(); ++i) {
    by_name.insert(i);
    if (!p.tasks[i].extras().matrix.empty()) by_base[p.tasks[i].base()].push_back(i);
  }
  std::vector<std::string_view> candidates;  // built on the first unknown name only
  auto suggest = [&](std::string_view word) {
    if (candidates.empty()) {
      for (const auto& t : p.tasks) candidates.push_back(t.name);
      for (const auto& [b, ids] : by_base) candidates.push_back(b);
    }
    return FieldReader::did_you_mean(word, candidates);
  };
  // The common list: short, every name a task, none twice. It stays as it is.
  auto plain_needs = [&](const std::vector<Need>& needs) {
    if (needs.size() > 32) return false;
    for (std::size_t i = 0; i < needs.size(); ++i) {
      if (!by_name.contains(needs[i].task)) return false;
      for (std::size_t j = 0; j < i; ++j)
        if (same_name(needs[j].task, needs[i].task)) return false;
    }
    return true;
  };
  auto report = [&](const SourcePos& pos, std::string path, std::string message, std::string hint) {
    r.error_at(pos.file, pos.line, pos.column, std::move(path), std::move(message),
               std::move(hint));
  };
  for (TaskId id = 0; id < p.tasks.size(); ++id) {
    Task& t = p.tasks[id];
    if (t.needs.empty() || plain_needs(t.needs)) continue;
    std::vector<Need> resolved;
    resolved.reserve(t.needs.size());
    for (auto& need : t.needs) {
      if (by_name.contains(need.task)) {
        resolved.push_back(std::move(need));
        continue;
      }
      auto base = by_base.find(need.task);
      if (base != by_base.end()) {
        for (TaskId e : base->second)
          resolved.push_back(Need{p.tasks[e].name, need.pos, need.index});
        continue;
      }
      report(need.pos, "tasks." + t.base() + ".needs[" + std::to_string(need.index) + "]",
             "unknown task '" + need.task + "'", suggest(need.task));
    }
    // A name written twice (or a base and one of its expansions) is one edge.
    // Lists are short: a linear check unless one is long.
    std::vector<Need> unique;
    unique.reserve(resolved.size());
    if (resolved.size() <= 32) {
      for (auto& n : resolved)
        if (std::none_of(unique.begin(), unique.end(),
                         [&](const Need& m) { return m.task == n.task; }))
          unique.push_back(std::move(n));
    } else {
      std::unordered_set<std::string> seen;
      for (auto& n : resolved)
        if (seen.insert(n.task).second) unique.push_back(std::move(n));
    }
    t.needs = std::move(unique);
  }
  std::vector<char> resolved_stdin(p.tasks.size(), 0);
  for (const auto& [id, pos, from_defaults] : names.stdin_tasks) {
    Task& t = p.tasks[id];
    std::string& name = t.edit_extras().stdin_spec.path;
    std::string path =
        (from_defaults ? std::string("defaults") : "tasks." + t.base()) + ".stdin.task";
    // A matrix base stands for its one expansion; several would be a tee
    // the author did not write, so it must name one.
    if (auto base = by_base.find(name); !by_name.contains(name) && base != by_base.end()) {
      if (base->second.size() == 1) {
        name = p.tasks[base->second.front()].name;
      } else {
        report(pos, std::move(path),
               "'" + name + "' is a matrix task with " + std::to_string(base->second.size()) +
                   " expansions: a stream reads one of them",
               "e.g. '" + p.tasks[base->second.front()].name + "'");
        continue;
      }
    }
    if (name == t.name)
      report(pos, std::move(path),
             "'" + name + "' is this task itself: a task cannot read its own output", {});
    else if (!by_name.contains(name))
      report(pos, std::move(path), "unknown task '" + name + "'", suggest(name));
    else
      resolved_stdin[id] = 1;
  }
  check_stream_edges(r, p, names, resolved_stdin);
  std::vector<std::string_view> pool_names;
  for (const auto& pool : p.pools) pool_names.push_back(pool.name);
  for (const auto& [id, pos, from_defaults] : names.pools) {
    const Task& t = p.tasks[id];
    if (std::find(pool_names.begin(), pool_names.end(), t.pool()) == pool_names.end())
      report(pos, (from_defaults ? std::string("defaults") : "tasks." + t.base()) + ".pool",
             "unknown pool '" + t.pool() + "'", FieldReader::did_you_mean(t.pool(), pool_names));
  }
  for (const auto& ref : output_refs) {
    const Task& t = p.tasks[ref.task];
    if (!by_name.contains(ref.ref_task)) {
      auto base = by_base.find(ref.ref_task);
      if (base != by_base.end())
        report(ref.pos, ref.path,
               "'" + ref.ref_task + "' is a matrix task: name one expansion in '" + ref.ref + "'",
               "e.g. '" + p.tasks[base->second.front()].name + "'");
      else
        report(ref.pos, ref.path, "unknown task '" + ref.ref_task + "' in '" + ref.ref + "'",
               suggest(ref.ref_task));
      continue;
    }
    bool needed = std::any_of(t.needs.begin(), t.needs.end(),
                              [&](const Need& n) { return n.task == ref.ref_task; });
    if (!needed)
      report(ref.pos, ref.path,
             "'" + ref.ref + "' is only available to tasks that need '" + ref.ref_task + "'",
             "add '" + ref.ref_task + "' to needs");
  }
}

}  // namespace sluice::detail
