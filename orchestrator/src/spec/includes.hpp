/// Includes: the main file and, depth first, every file it includes (SPEC
/// §1.1), one Unit each, with the nodes of its top-level keys found and its
/// `tasks` map queued in include order. A cycle is reported with its chain;
/// a file included a second time is read once. One load, one thread.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "spec/field_reader.hpp"

namespace sluice::detail {

class Includes {
 public:
  /// `files` gets each file's display name (Pipeline::files).
  Includes(Units& units, FieldReader& reader, std::vector<std::string>& files,
           const LoadOptions& options)
      : units_(units), r_(reader), files_(files), options_(options) {}

  /// Parses `text` (the file `abs_path`, shown as `display`) and what it
  /// includes; `parent` is the including unit, -1 for the main file.
  void load(std::string display, std::string abs_path, std::string text, int parent);

  /// The non-empty `tasks` maps, in include order.
  const std::vector<std::pair<std::uint32_t, NodeId>>& task_blocks() const { return task_blocks_; }

 private:
  void read_include(std::uint32_t u, NodeId list);

  Units& units_;
  FieldReader& r_;
  std::vector<std::string>& files_;
  const LoadOptions& options_;
  std::vector<std::string> stack_;        // absolute paths of the files being read
  std::vector<std::string> stack_names_;  // their display names
  std::vector<std::pair<std::uint32_t, NodeId>> task_blocks_;
};

}  // namespace sluice::detail
