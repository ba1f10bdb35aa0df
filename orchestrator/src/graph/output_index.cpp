// Output path -> producer index (see output_index.hpp).
#include "graph/output_index.hpp"

#include <algorithm>
#include <optional>

#include "graph/glob.hpp"
#include "graph/graph_diagnostics.hpp"

namespace sluice::detail {

namespace {

std::size_t count_outputs(const Pipeline& p) {
  std::size_t count = 0;
  for (const Task& t : p.tasks) count += t.outputs.size();
  return count;
}

}  // namespace

OutputIndex::OutputIndex(const Pipeline& p)
    : p_(p), exact_(count_outputs(p), EntryPath{&entries_}) {
  entries_.reserve(count_outputs(p));
  for (TaskId t = 0; t < p.tasks.size(); ++t) {
    const Task& task = p.tasks[t];
    for (std::uint32_t i = 0; i < task.outputs.size(); ++i) {
      entries_.push_back(Entry{task.outputs[i], t});
      const std::uint32_t first = exact_.insert(static_cast<std::uint32_t>(entries_.size() - 1));
      if (first == NameIndex<EntryPath>::kNone) continue;
      entries_.pop_back();
      duplicates_.push_back(duplicate_output(p, t, i, entries_[first].task));
    }
  }
}

void OutputIndex::for_each_producer(std::string_view input,
                                    const std::function<void(TaskId)>& fn) const {
  if (const std::uint32_t e = exact_.find(input); e != NameIndex<EntryPath>::kNone)
    fn(entries_[e].task);
  if (!is_glob(input)) return;
  if (sorted_.empty() && !entries_.empty()) {
    sorted_.reserve(entries_.size());
    for (const auto& [path, t] : entries_) sorted_.emplace_back(path, t);
    std::sort(sorted_.begin(), sorted_.end());
  }
  std::string_view prefix = glob_literal_prefix(input);
  Glob glob(input);
  auto it = std::lower_bound(sorted_.begin(), sorted_.end(), prefix,
                             [](const auto& e, std::string_view v) { return e.first < v; });
  for (; it != sorted_.end() && it->first.starts_with(prefix); ++it)
    if (glob.matches(it->first)) fn(it->second);
}

std::string_view OutputIndex::matching_output(std::string_view input, TaskId producer) const {
  const Task& task = p_.tasks[producer];
  std::optional<Glob> glob;
  if (is_glob(input)) glob.emplace(input);
  for (const auto& o : task.outputs)
    if (o == input || (glob && glob->matches(o))) return o;
  return {};
}

}  // namespace sluice::detail
