// Diagnostics of the graph layer (see graph_diagnostics.hpp).
#include "graph/graph_diagnostics.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

#include "graph/output_index.hpp"
#include "spec/suggest.hpp"

namespace sluice::detail {

namespace {

const std::string& key_name(const Task& t) { return t.base(); }

std::string task_key(const Task& t, std::string_view field, std::uint32_t index) {
  return "tasks." + key_name(t) + "." + std::string(field) + "[" + std::to_string(index) + "]";
}

std::string file_of(const Pipeline& p, const SourcePos& pos) {
  if (pos.file < p.files.size()) return p.files[pos.file];
  return p.file;
}

// A hop u -> v of a cycle: u depends on v, through a `needs` entry or a file.
struct Hop {
  const Need* need = nullptr;
  std::string_view via;  ///< the output of v that an input of u names
};

Hop explain_hop(const Pipeline& p, TaskId u, TaskId v, const OutputIndex& outputs) {
  Hop hop;
  const Task& from = p.tasks[u];
  for (const Need& n : from.needs) {
    if (n.task == p.tasks[v].name) {
      hop.need = &n;
      return hop;
    }
  }
  for (const std::string& in : from.inputs) {
    hop.via = outputs.matching_output(in, v);
    if (!hop.via.empty()) break;
  }
  return hop;
}

// Beyond this many tasks a cycle's message keeps its two ends only.
constexpr std::size_t kMaxCycleNames = 16;

}  // namespace

std::string display_path(const Pipeline& p, std::string_view path) {
  if (!p.dir.empty() && path.size() > p.dir.size() && path.starts_with(p.dir)) {
    std::size_t cut = p.dir.size();
    if (p.dir.back() == '/') return std::string(path.substr(cut));
    if (path[cut] == '/') return std::string(path.substr(cut + 1));
  }
  return std::string(path);
}

Diagnostic located(const Pipeline& p, const SourcePos& pos, std::string key_path,
                   std::string message) {
  Diagnostic d;
  d.file = file_of(p, pos);
  d.line = static_cast<int>(pos.line);
  d.column = static_cast<int>(pos.column);
  d.path = std::move(key_path);
  d.message = std::move(message);
  return d;
}

Diagnostic duplicate_output(const Pipeline& p, TaskId second, std::uint32_t index, TaskId first) {
  const Task& b = p.tasks[second];
  const Task& a = p.tasks[first];
  const std::string& path = b.outputs[index];
  SourcePos pos = index < b.output_pos.size() ? b.output_pos[index] : b.pos;
  std::string shown = display_path(p, path);
  Diagnostic d = located(p, pos, task_key(b, "outputs", index),
                         second == first ? "output '" + shown + "' is listed twice"
                                         : "output '" + shown + "' is also declared by task '" +
                                               a.name + "'");
  auto it = std::find(a.outputs.begin(), a.outputs.end(), path);
  auto j = static_cast<std::size_t>(it - a.outputs.begin());
  SourcePos first_pos = j < a.output_pos.size() ? a.output_pos[j] : a.pos;
  d.notes.push_back({file_of(p, first_pos), static_cast<int>(first_pos.line),
                     static_cast<int>(first_pos.column),
                     "'" + shown + "' first declared here by task '" + a.name + "'"});
  return d;
}

Diagnostic unknown_need(const Pipeline& p, const Task& task, const Need& need) {
  Diagnostic d = located(p, need.pos, task_key(task, "needs", need.index),
                         "unknown task '" + need.task + "'");
  std::vector<std::string_view> names;
  names.reserve(p.tasks.size());
  for (const Task& t : p.tasks) names.push_back(t.name);
  if (auto best = closest(need.task, names)) d.hint = "did you mean '" + *best + "'?";
  return d;
}

Diagnostic unknown_target(const Pipeline& p, const std::string& target) {
  Diagnostic d;
  d.file = p.file;
  d.message = "unknown target '" + target + "': not a task, a matrix task or a declared output";
  std::vector<std::string_view> names;
  for (const Task& t : p.tasks) {
    if (t.base() != t.name && (names.empty() || names.back() != t.base()))
      names.push_back(t.base());
    names.push_back(t.name);
  }
  if (auto best = closest(target, names)) d.hint = "did you mean '" + *best + "'?";
  return d;
}

Diagnostic cycle_diagnostic(const Pipeline& p, const std::vector<TaskId>& cycle,
                            const OutputIndex& outputs) {
  const std::size_t k = cycle.size();
  std::vector<Hop> hops(k);
  for (std::size_t i = 0; i < k; ++i)
    hops[i] = explain_hop(p, cycle[i], cycle[(i + 1) % k], outputs);

  auto hop_text = [&](std::size_t i) {
    std::string s = " -> " + p.tasks[cycle[(i + 1) % k]].name;
    if (!hops[i].need && !hops[i].via.empty()) s += " (via " + display_path(p, hops[i].via) + ")";
    return s;
  };
  std::string msg = "cycle: " + p.tasks[cycle[0]].name;
  if (k <= kMaxCycleNames) {
    for (std::size_t i = 0; i < k; ++i) msg += hop_text(i);
  } else {
    for (std::size_t i = 0; i < 8; ++i) msg += hop_text(i);
    msg += " -> ... (" + std::to_string(k - 12) + " more)";
    for (std::size_t i = k - 4; i < k; ++i) msg += hop_text(i);
  }

  // Prefer the entry that closes the cycle, then any explicit one.
  std::size_t at = k - 1;
  if (!hops[at].need) {
    for (std::size_t i = 0; i < k; ++i)
      if (hops[i].need) {
        at = i;
        break;
      }
  }
  const Task& owner = p.tasks[cycle[at]];
  if (hops[at].need) {
    return located(p, hops[at].need->pos, task_key(owner, "needs", hops[at].need->index),
                   std::move(msg));
  }
  // Only files join this cycle: report at the output the closing hop reads.
  const Task& producer = p.tasks[cycle[0]];
  for (std::uint32_t j = 0; j < producer.outputs.size(); ++j) {
    if (producer.outputs[j] == hops[at].via && j < producer.output_pos.size())
      return located(p, producer.output_pos[j], task_key(producer, "outputs", j), std::move(msg));
  }
  return located(p, producer.pos, "tasks." + key_name(producer), std::move(msg));
}

void finish_diagnostics(const Pipeline& p, std::vector<Diagnostic>& diags) {
  (void)p;
  if (diags.empty()) return;
  std::set<std::tuple<std::string, int, int, std::string, std::string, std::string>> seen;
  std::vector<Diagnostic> kept;
  kept.reserve(diags.size());
  for (auto& d : diags) {
    if (seen.emplace(d.file, d.line, d.column, d.path, d.message, d.hint).second)
      kept.push_back(std::move(d));
  }
  diags = std::move(kept);

  std::map<std::string, std::map<int, std::vector<Diagnostic*>>> wanted;
  for (auto& d : diags)
    if (d.line > 0 && d.source_line.empty() && !d.file.empty()) wanted[d.file][d.line].push_back(&d);
  for (auto& [file, lines] : wanted) {
    std::ifstream in(file, std::ios::binary);
    if (!in) continue;
    std::string text;
    int number = 0;
    auto next = lines.begin();
    while (next != lines.end() && std::getline(in, text)) {
      if (++number != next->first) continue;
      if (!text.empty() && text.back() == '\r') text.pop_back();
      for (Diagnostic* d : next->second) d->source_line = text;
      ++next;
    }
  }
}

}  // namespace sluice::detail
