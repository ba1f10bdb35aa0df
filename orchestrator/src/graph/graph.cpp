// Building the DAG (see sluice/graph.hpp): edges into CSR form, topological
// order by Kahn's algorithm, cycles found by an iterative Tarjan, all in
// linear memory and without recursion.
#include "sluice/graph.hpp"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <queue>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "graph/cycles.hpp"
#include "graph/graph_diagnostics.hpp"
#include "graph/output_index.hpp"
#include "graph/stream_groups.hpp"
#include "spec/name_index.hpp"

namespace sluice {

std::span<const TaskId> Graph::dependencies(TaskId t) const {
  return {deps_.data() + dep_offsets_[t], deps_.data() + dep_offsets_[t + 1]};
}

std::span<const TaskId> Graph::consumers(TaskId t) const {
  if (producer_.empty()) return {};
  return {consumers_.data() + consumer_offsets_[t], consumers_.data() + consumer_offsets_[t + 1]};
}

std::span<const TaskId> Graph::dependents(TaskId t) const {
  return {dependents_.data() + dependent_offsets_[t], dependents_.data() + dependent_offsets_[t + 1]};
}

namespace {

/// The task names in order, folded into 64 bits: one pass over the names.
std::uint64_t tasks_digest(const Pipeline& p) {
  std::uint64_t h = p.tasks.size();
  for (const Task& t : p.tasks)
    h = (h ^ std::hash<std::string_view>{}(t.name)) * 0x100000001b3ULL + 0x9e3779b97f4a7c15ULL;
  return h;
}

}  // namespace

bool Graph::built_from(const Pipeline& p) const {
  return size() == p.tasks.size() && tasks_digest_ == tasks_digest(p);
}

/// Builds one Graph; lives for the duration of build_graph only.
class GraphBuilder {
 public:
  explicit GraphBuilder(const Pipeline& p)
      : p_(p), outputs_(p), by_name_(p.tasks.size(), detail::PackedKey{&names_}) {}

  GraphResult build() {
    GraphResult r;
    r.graph.tasks_digest_ = tasks_digest(p_);
    for (auto& d : outputs_.duplicates()) r.diagnostics.push_back(std::move(d));
    index_names();
    build_dependencies(r.graph, r.diagnostics);
    build_dependents(r.graph);
    build_streams(r.graph, r.diagnostics);
    if (!r.graph.has_streams()) {
      if (!order(r.graph)) report_cycles(r.graph, r.diagnostics);
    } else {
      order_with_streams(r.graph, r.diagnostics);
    }
    detail::finish_diagnostics(p_, r.diagnostics);
    return r;
  }

 private:
  void index_names() {
    std::size_t bytes = 0;
    for (const Task& t : p_.tasks) bytes += t.name.size();
    names_.reserve(p_.tasks.size(), bytes);
    for (const Task& t : p_.tasks) names_.push_back(t.name);
    for (TaskId t = 0; t < p_.tasks.size(); ++t) by_name_.insert(t);
  }

  void build_dependencies(Graph& g, std::vector<Diagnostic>& diags) {
    const std::size_t n = p_.tasks.size();
    g.dep_offsets_.assign(n + 1, 0);
    std::vector<TaskId> scratch;
    for (TaskId t = 0; t < n; ++t) {
      const Task& task = p_.tasks[t];
      scratch.clear();
      for (const Need& need : task.needs) {
        const TaskId id = by_name_.find(need.task);
        if (id == kUnknown) {
          diags.push_back(detail::unknown_need(p_, task, need));
          continue;
        }
        scratch.push_back(id);
      }
      for (const std::string& in : task.inputs) {
        outputs_.for_each_producer(in, [&](TaskId producer) {
          // Reading one's own output is an update in place, not an edge.
          if (producer != t) scratch.push_back(producer);
        });
      }
      std::sort(scratch.begin(), scratch.end());
      scratch.erase(std::unique(scratch.begin(), scratch.end()), scratch.end());
      g.deps_.insert(g.deps_.end(), scratch.begin(), scratch.end());
      g.dep_offsets_[t + 1] = static_cast<std::uint32_t>(g.deps_.size());
    }
  }

  // Stream edges (`stdin: {task:}`); a name the loader did not resolve (a
  // pipeline built in code) is reported like an unknown need.
  void build_streams(Graph& g, std::vector<Diagnostic>& diags) {
    const std::size_t n = p_.tasks.size();
    for (TaskId t = 0; t < n; ++t) {
      const StdinSpec& in = p_.tasks[t].extras().stdin_spec;
      if (in.kind != StdinSpec::Kind::Task) continue;
      const TaskId from = by_name_.find(in.path);
      if (from == kUnknown || from == t) {
        diags.push_back(detail::located(p_, in.pos, "tasks." + p_.tasks[t].base() + ".stdin.task",
                                        from == t ? "a task cannot read its own output"
                                                  : "unknown task '" + in.path + "'"));
        continue;
      }
      if (g.producer_.empty()) g.producer_.assign(n, Graph::kNoTask);
      g.producer_[t] = from;
    }
    if (g.producer_.empty()) return;
    g.consumer_offsets_.assign(n + 1, 0);
    for (TaskId t = 0; t < n; ++t)
      if (g.producer_[t] != Graph::kNoTask) ++g.consumer_offsets_[g.producer_[t] + 1];
    for (std::size_t i = 0; i < n; ++i) g.consumer_offsets_[i + 1] += g.consumer_offsets_[i];
    g.consumers_.resize(g.consumer_offsets_[n]);
    std::vector<std::uint32_t> fill(g.consumer_offsets_.begin(), g.consumer_offsets_.end() - 1);
    for (TaskId t = 0; t < n; ++t)
      if (g.producer_[t] != Graph::kNoTask) g.consumers_[fill[g.producer_[t]]++] = t;
  }

  void order_with_streams(Graph& g, std::vector<Diagnostic>& diags) {
    std::vector<TaskId> leader = detail::stream_leaders(p_, g.producer_, diags);
    if (detail::order_groups(p_, g, leader, g.order_, diags)) return;
    const std::size_t before = diags.size();
    report_cycles(g, diags);
    if (diags.size() != before) return;
    // No cycle of needs alone: it goes through a group. Name its tasks at
    // the stream edge of the first one that could not be ordered.
    std::vector<char> done(g.size(), 0);
    for (TaskId t : g.order_) done[t] = 1;
    std::string names;
    int listed = 0;
    TaskId at = Graph::kNoTask;
    for (TaskId t = 0; t < g.size(); ++t) {
      if (done[t]) continue;
      if (at == Graph::kNoTask && g.producer_[t] != Graph::kNoTask) at = t;
      if (listed++ < 6) names += (names.empty() ? "'" : ", '") + p_.tasks[t].name + "'";
    }
    if (listed > 6) names += ", ...";
    if (at == Graph::kNoTask) return;
    diags.push_back(detail::located(
        p_, p_.tasks[at].extras().stdin_spec.pos, "tasks." + p_.tasks[at].base() + ".stdin.task",
        "cycle of needs and stream edges: " + names +
            " wait for each other (tasks joined by a stream start together)"));
  }

  // Visiting tasks in increasing id order appends each dependent in file order.
  static void build_dependents(Graph& g) {
    const std::size_t n = g.size();
    g.dependent_offsets_.assign(n + 1, 0);
    for (TaskId d : g.deps_) ++g.dependent_offsets_[d + 1];
    for (std::size_t i = 0; i < n; ++i) g.dependent_offsets_[i + 1] += g.dependent_offsets_[i];
    g.dependents_.resize(g.deps_.size());
    std::vector<std::uint32_t> fill(g.dependent_offsets_.begin(), g.dependent_offsets_.end() - 1);
    for (TaskId t = 0; t < n; ++t)
      for (TaskId d : g.dependencies(t)) g.dependents_[fill[d]++] = t;
  }

  // Kahn's algorithm; the min-heap keeps ties in file order. False on a cycle.
  static bool order(Graph& g) {
    const std::size_t n = g.size();
    // Files mostly list a task after everything it needs; then the heap
    // would yield exactly file order, so it is skipped.
    bool file_order = true;
    for (TaskId t = 0; t < n && file_order; ++t)
      for (TaskId d : g.dependencies(t)) file_order = file_order && d < t;
    if (file_order) {
      g.order_.resize(n);
      for (TaskId t = 0; t < n; ++t) g.order_[t] = t;
      return true;
    }
    std::vector<std::uint32_t> waiting(n);
    std::priority_queue<TaskId, std::vector<TaskId>, std::greater<>> ready;
    for (TaskId t = 0; t < n; ++t) {
      waiting[t] = static_cast<std::uint32_t>(g.dependencies(t).size());
      if (waiting[t] == 0) ready.push(t);
    }
    g.order_.reserve(n);
    while (!ready.empty()) {
      TaskId t = ready.top();
      ready.pop();
      g.order_.push_back(t);
      for (TaskId d : g.dependents(t))
        if (--waiting[d] == 0) ready.push(d);
    }
    return g.order_.size() == n;
  }

  void report_cycles(const Graph& g, std::vector<Diagnostic>& diags) {
    std::vector<char> done(g.size(), 0);
    for (TaskId t : g.order_) done[t] = 1;
    detail::Components comps = detail::strongly_connected(g, done);
    for (std::uint32_t c = 0; c < comps.cyclic.size(); ++c) {
      std::vector<TaskId> cycle = detail::shortest_cycle(g, comps, c);
      if (!cycle.empty()) diags.push_back(detail::cycle_diagnostic(p_, cycle, outputs_));
    }
  }

  using NameIndex = detail::NameIndex<detail::PackedKey>;
  static constexpr TaskId kUnknown = NameIndex::kNone;

  const Pipeline& p_;
  detail::OutputIndex outputs_;
  detail::PackedNames names_;  ///< task names, dense: lookups stay in cache
  NameIndex by_name_;
};

GraphResult build_graph(const Pipeline& p) { return GraphBuilder(p).build(); }

std::vector<TaskId> Graph::select(const Pipeline& p, const std::vector<std::string>& targets,
                                  const std::string& cwd, std::vector<Diagnostic>& errors) const {
  std::unordered_map<std::string_view, TaskId> by_name;
  std::unordered_map<std::string_view, std::vector<TaskId>> by_base;
  std::unordered_map<std::string_view, TaskId> by_output;
  for (TaskId t = 0; t < p.tasks.size(); ++t) {
    const Task& task = p.tasks[t];
    by_name.emplace(task.name, t);
    if (task.base() != task.name) by_base[task.base()].push_back(t);
    for (const auto& o : task.outputs) by_output.emplace(o, t);
  }

  std::vector<char> chosen(size(), 0);
  std::vector<TaskId> stack;
  auto choose = [&](TaskId t) {
    if (!chosen[t]) {
      chosen[t] = 1;
      stack.push_back(t);
    }
  };
  for (const std::string& target : targets) {
    if (auto it = by_name.find(target); it != by_name.end()) {
      choose(it->second);
      continue;
    }
    if (auto it = by_base.find(target); it != by_base.end()) {
      for (TaskId t : it->second) choose(t);
      continue;
    }
    std::filesystem::path path(target);
    if (path.is_relative()) path = std::filesystem::path(cwd) / path;
    std::string normal = path.lexically_normal().string();
    if (auto it = by_output.find(normal); it != by_output.end()) {
      choose(it->second);
      continue;
    }
    errors.push_back(detail::unknown_target(p, target));
  }
  while (!stack.empty()) {
    TaskId t = stack.back();
    stack.pop_back();
    for (TaskId d : dependencies(t)) choose(d);
    if (producer(t) != kNoTask) choose(producer(t));
  }
  std::vector<TaskId> out;
  for (TaskId t : order_)
    if (chosen[t]) out.push_back(t);
  return out;
}

}  // namespace sluice
