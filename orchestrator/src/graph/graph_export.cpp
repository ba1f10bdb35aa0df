// Graph::to_dot, to_mermaid and to_json: the graph as text for `sluice graph`.
// Edges point from a dependency to its dependent (the order things run in).
// A stream edge (`stdin: {task: X}`: X's stdout feeds the task while both
// run) is not a dependency; each format draws it apart: dot dashed and
// labelled `stdout`, mermaid as a dotted `-. stdout .->` link, json as the
// task's "stdin_from".
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "sluice/graph.hpp"

namespace sluice {

namespace {

std::string dot_quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + '"';
}

// Mermaid labels are quoted and rendered as HTML, and mermaid reads `#...;`
// as an entity code: `"` would end the label, `<` `>` `&` would be markup,
// and `#` could start an entity. Each becomes its numeric code (`#60;`).
std::string mermaid_label(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "#34;"; break;
      case '#': out += "#35;"; break;
      case '&': out += "#38;"; break;
      case '<': out += "#60;"; break;
      case '>': out += "#62;"; break;
      case '\n': out += ' '; break;
      default: out += c;
    }
  }
  return out + '"';
}

// The stream edges (source, reader), in reader order.
std::vector<std::pair<TaskId, TaskId>> stream_edges(const Graph& g) {
  std::vector<std::pair<TaskId, TaskId>> out;
  for (TaskId t = 0; t < g.size() && g.has_streams(); ++t)
    if (g.producer(t) != Graph::kNoTask) out.emplace_back(g.producer(t), t);
  return out;
}

}  // namespace

std::string Graph::to_dot(const Pipeline& p) const {
  std::string out = "digraph " + dot_quote(p.name) + " {\n  rankdir=LR;\n";
  for (TaskId t = 0; t < size(); ++t) out += "  " + dot_quote(p.tasks[t].name) + ";\n";
  for (TaskId t = 0; t < size(); ++t)
    for (TaskId d : dependencies(t))
      out += "  " + dot_quote(p.tasks[d].name) + " -> " + dot_quote(p.tasks[t].name) + ";\n";
  for (auto [from, to] : stream_edges(*this))
    out += "  " + dot_quote(p.tasks[from].name) + " -> " + dot_quote(p.tasks[to].name) +
           " [style=dashed, label=\"stdout\"];\n";
  return out + "}\n";
}

std::string Graph::to_mermaid(const Pipeline& p) const {
  // Task names may hold `[`, `=`, `.`: nodes get ids t0, t1, ... and labels.
  std::string out = "flowchart LR\n";
  for (TaskId t = 0; t < size(); ++t)
    out += "  t" + std::to_string(t) + "[" + mermaid_label(p.tasks[t].name) + "]\n";
  for (TaskId t = 0; t < size(); ++t)
    for (TaskId d : dependencies(t))
      out += "  t" + std::to_string(d) + " --> t" + std::to_string(t) + "\n";
  for (auto [from, to] : stream_edges(*this))
    out += "  t" + std::to_string(from) + " -. stdout .-> t" + std::to_string(to) + "\n";
  return out;
}

std::string Graph::to_json(const Pipeline& p) const {
  using nlohmann::json;
  std::vector<json> stdin_from(size(), json(nullptr));
  for (auto [from, to] : stream_edges(*this)) stdin_from[to] = p.tasks[from].name;
  json tasks = json::array();
  for (TaskId t = 0; t < size(); ++t) {
    const Task& task = p.tasks[t];
    json needs = json::array();
    for (TaskId d : dependencies(t)) needs.push_back(p.tasks[d].name);
    json matrix = json::object();
    for (const auto& [k, v] : task.extras().matrix) matrix[k] = v;
    tasks.push_back({{"name", task.name},
                     {"base", task.base()},
                     {"description", task.extras().description},
                     {"needs", std::move(needs)},
                     {"pool", task.pool().empty() ? json(nullptr) : json(task.pool())},
                     {"matrix", std::move(matrix)},
                     {"inputs", task.inputs},
                     {"outputs", task.outputs},
                     {"stdin_from", std::move(stdin_from[t])}});
  }
  json order = json::array();
  for (TaskId t : order_) order.push_back(p.tasks[t].name);
  json doc = {{"name", p.name}, {"tasks", std::move(tasks)}, {"order", std::move(order)}};
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace sluice
