// Stream edge rules at load time (see stream_edges.hpp).
#include "spec/stream_edges.hpp"

#include <algorithm>
#include <string>
#include <unordered_map>

namespace sluice::detail {
namespace {

std::string key_path(const Task& t, bool from_defaults, const char* field) {
  return (from_defaults ? std::string("defaults") : "tasks." + t.base()) + "." + field;
}

/// Why `t` cannot be an end of a stream edge, or empty.
std::string unfit(const Task& t) {
  if (!t.is_process())
    return "'" + t.name + "' is not a process task (run or cmd): only processes can be joined by a stream";
  if (t.interactive)
    return "'" + t.name + "' is interactive (it owns the terminal): it cannot be joined by a stream";
  return {};
}

}  // namespace

void check_stream_edges(FieldReader& r, const Pipeline& p, const PendingNames& names,
                        const std::vector<char>& resolved) {
  auto report = [&](const SourcePos& pos, std::string path, std::string message) {
    r.error_at(pos.file, pos.line, pos.column, std::move(path), std::move(message), {});
  };
  std::unordered_map<std::string_view, TaskId> by_name;
  std::vector<char> joined(p.tasks.size(), 0);
  for (const auto& [id, pos, from_defaults] : names.stdin_tasks) {
    if (!resolved[id]) continue;
    if (by_name.empty())
      for (TaskId i = 0; i < p.tasks.size(); ++i) by_name.emplace(p.tasks[i].name, i);
    const Task& consumer = p.tasks[id];
    const std::string& producer_name = consumer.extras().stdin_spec.path;
    const Task& producer = p.tasks[by_name.at(producer_name)];
    joined[id] = 1;
    joined[by_name.at(producer_name)] = 1;
    std::string path = key_path(consumer, from_defaults, "stdin.task");
    std::string why = unfit(consumer);
    if (why.empty()) why = unfit(producer);
    if (!why.empty()) {
      report(pos, std::move(path), why);
      continue;
    }
    if (std::any_of(consumer.needs.begin(), consumer.needs.end(),
                    [&](const Need& n) { return n.task == producer_name; }))
      report(pos, std::move(path),
             "'" + consumer.name + "' both needs '" + producer_name +
                 "' (runs after it) and reads its stdout (runs during it)");
  }
  auto refuse = [&](const std::vector<NameRef>& refs, const char* field) {
    for (const auto& [id, pos, from_defaults] : refs)
      if (joined[id])
        report(pos, key_path(p.tasks[id], from_defaults, field),
               std::string("not supported yet: '") + field + "' on a task joined by a stream edge ('" +
                   p.tasks[id].name + "')");
  };
  refuse(names.retries, "retry");
  refuse(names.conditions, "if");
}

}  // namespace sluice::detail
