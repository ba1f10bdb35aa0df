/// OutputIndex maps declared output paths to the task that declares them, to
/// turn a task's `inputs` into implicit edges. Exact paths are a hash lookup;
/// a glob is matched only against the outputs that share its literal prefix
/// (a range of a sorted list, built on the first glob), so the common case
/// stays linear. Also finds outputs declared by two tasks. The hash index is
/// flat (spec/name_index.hpp): 100,000 outputs cost no node each.
/// Owned by one GraphBuilder or select call; refers into the Pipeline.
#pragma once

#include <functional>
#include <string_view>
#include <utility>
#include <vector>

#include "sluice/diagnostic.hpp"
#include "sluice/pipeline.hpp"
#include "spec/name_index.hpp"

namespace sluice::detail {

class OutputIndex {
 public:
  explicit OutputIndex(const Pipeline& p);

  /// Calls `fn(producer)` for every task declaring an output that `input`
  /// names (exactly, or as a glob). A producer may be reported twice.
  void for_each_producer(std::string_view input, const std::function<void(TaskId)>& fn) const;

  /// The first output of `producer` that `input` names, or empty.
  std::string_view matching_output(std::string_view input, TaskId producer) const;

  /// `tasks.b.outputs[0]: output 'x' is also declared by task 'a'`, one per
  /// second declaration; moved out once.
  std::vector<Diagnostic> duplicates() { return std::move(duplicates_); }

 private:
  /// An output path and the first task that declares it.
  struct Entry {
    std::string_view path;
    TaskId task;
  };
  struct EntryPath {
    const std::vector<Entry>* entries;
    std::string_view operator()(std::uint32_t i) const { return (*entries)[i].path; }
  };
  const Pipeline& p_;
  std::vector<Entry> entries_;  ///< each path once, first declaration, file order
  NameIndex<EntryPath> exact_;  ///< path -> index in entries_
  mutable std::vector<std::pair<std::string_view, TaskId>> sorted_;  ///< built on first glob
  std::vector<Diagnostic> duplicates_;
};

}  // namespace sluice::detail
