// `sluice list`: one line per task with its description, needs, the tasks
// whose outputs it reads (its implicit dependencies, as `graph` draws them)
// and pool; matrix expansions are grouped, indented, under their base name.
#include <algorithm>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "commands.hpp"

namespace sluice::cli {

namespace {

// Needs as written: entries that a matrix base expanded into several tasks
// (same written index) are shown as the base name again.
std::string written_needs(const Pipeline& p, const Task& t,
                          const std::unordered_map<std::string_view, TaskId>& by_name) {
  std::string out;
  for (std::size_t i = 0; i < t.needs.size();) {
    std::size_t j = i;
    while (j < t.needs.size() && t.needs[j].index == t.needs[i].index) ++j;
    std::string shown = t.needs[i].task;
    if (j - i > 1) {
      auto it = by_name.find(shown);
      if (it != by_name.end()) shown = p.tasks[it->second].base();
    }
    out += (out.empty() ? "" : ", ") + shown;
    i = j;
  }
  return out;
}

// The dependencies that come from files (`inputs` matching another task's
// `outputs`), not written in `needs`; every expansion of a matrix base is
// shown as the base.
std::string implicit_needs(const Pipeline& p, const Graph& g, TaskId t,
                           const std::unordered_map<std::string_view, std::size_t>& base_sizes) {
  const Task& task = p.tasks[t];
  std::vector<TaskId> implicit;
  for (TaskId d : g.dependencies(t))
    if (std::none_of(task.needs.begin(), task.needs.end(),
                     [&](const Need& n) { return n.task == p.tasks[d].name; }))
      implicit.push_back(d);
  std::unordered_map<std::string_view, std::size_t> per_base;
  for (TaskId d : implicit) ++per_base[p.tasks[d].base()];
  std::string out;
  std::unordered_set<std::string_view> shown_bases;
  for (TaskId d : implicit) {
    const Task& dep = p.tasks[d];
    auto whole = base_sizes.find(dep.base());
    bool as_base = dep.base() != dep.name && whole != base_sizes.end() &&
                   per_base[dep.base()] == whole->second;
    if (as_base && !shown_bases.insert(dep.base()).second) continue;
    out += (out.empty() ? "" : ", ") + (as_base ? dep.base() : dep.name);
  }
  return out;
}

std::string line(std::string name, std::size_t width, std::initializer_list<std::string> parts) {
  std::string out = std::move(name);
  bool first = true;
  for (const auto& part : parts) {
    if (part.empty()) continue;
    if (first) out.resize(std::max(out.size() + 2, width), ' ');
    else out += "  ";
    out += part;
    first = false;
  }
  return out + '\n';
}

int run_list(const Context& ctx) {
  auto loaded = load_checked(ctx);
  if (!loaded) return kExitInvalid;
  const Pipeline& p = loaded->pipeline;
  const Graph& g = loaded->graph;
  std::unordered_map<std::string_view, TaskId> by_name;
  std::unordered_map<std::string_view, std::size_t> base_sizes;
  std::size_t width = 0;
  for (TaskId t = 0; t < p.tasks.size(); ++t) {
    const Task& task = p.tasks[t];
    by_name.emplace(task.name, t);
    ++base_sizes[task.base()];
    bool expanded = !task.base().empty() && task.base() != task.name;
    width = std::max(width, task.name.size() + (expanded ? 2 : 0));
    if (expanded) width = std::max(width, task.base().size());
  }
  width += 2;

  std::string out = p.name + (p.description.empty() ? "" : ": " + p.description) + '\n';
  std::string group;  // base name of the matrix group being printed
  for (TaskId t = 0; t < p.tasks.size(); ++t) {
    const Task& task = p.tasks[t];
    bool expanded = !task.base().empty() && task.base() != task.name;
    std::string needs = written_needs(p, task, by_name);
    std::string reads = implicit_needs(p, g, t, base_sizes);
    if (!reads.empty()) reads = "inputs from: " + reads;
    std::string pool = task.pool().empty() ? "" : "[pool: " + task.pool() + "]";
    if (!expanded) {
      group.clear();
      out += line(task.name, width,
                  {task.extras().description, needs.empty() ? "" : "needs: " + needs, reads, pool});
      continue;
    }
    if (task.base() != group) {
      group = task.base();
      auto count = std::count_if(p.tasks.begin(), p.tasks.end(),
                                 [&](const Task& o) { return o.base() == group; });
      out += line(group, width,
                  {task.extras().description, "(matrix: " + std::to_string(count) + " tasks)"});
    }
    out += line("  " + task.name, width, {needs.empty() ? "" : "needs: " + needs, reads, pool});
  }
  std::fputs(out.c_str(), stdout);
  return kExitOk;
}

}  // namespace

void add_list_command(CLI::App& app, Context& ctx) {
  auto* sub = app.add_subcommand("list", "tasks with descriptions, needs and pools");
  add_pipeline_options(*sub, ctx);
  sub->callback([&ctx] { ctx.action = [&ctx] { return run_list(ctx); }; });
}

}  // namespace sluice::cli
