/// `default_targets:` (SPEC §1.1): what a bare `sluice run` runs. Read from
/// the main file while its tree lives, checked once every task and output is
/// known, and kept in Pipeline::default_targets as task names, matrix bases
/// or absolute output paths, so that the run resolves them whatever its cwd.
/// An included file's list is ignored (as its `name`). One load, one thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "spec/expander.hpp"
#include "spec/field_reader.hpp"

namespace sluice::detail {

class DefaultTargets {
 public:
  /// Reads the list of the main file (unit 0), each entry templated like a
  /// path.
  void read(FieldReader& r, Expander& x, const Unit& main);
  /// Keeps each entry that names a task, a matrix base or a declared output
  /// (relative to `dir`, the main file's directory) in p.default_targets;
  /// reports the others.
  void check(FieldReader& r, Pipeline& p, const std::string& dir);

 private:
  struct Target {
    std::string text;  ///< expanded
    SourcePos pos;
    std::uint32_t index;
  };
  std::vector<Target> targets_;
};

}  // namespace sluice::detail
