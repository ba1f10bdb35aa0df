/// Expands the paths of a file action (`from`, `files`) against the file
/// system when the action starts, with the glob syntax of task `inputs`
/// (graph/glob.hpp), matched one path component at a time:
/// - a path without metacharacters stays as written, existing or not
///   (opening it reports what is wrong);
/// - a glob becomes its matches in byte order; one that matches nothing is
///   an error (`no file matches "src/*.c"`);
/// - `**` as a whole component is zero or more directories; symlinked
///   directories are not entered there (no cycles), elsewhere they are;
/// - a wildcard does not match a leading `.` (hidden files, and the
///   `.NAME.sluice-XXXXXX` temporaries of tasks writing meanwhile), as in the
///   shell; a component written with a leading `.` does;
/// - the last component of a glob matches files only, never directories;
/// - `exclude` (the action's own `to`) is never a glob match, so
///   `hash {files: [dist/*], to: dist/SUMS}` does not hash last run's SUMS.
/// Blocking (it reads directories): run it off the loop thread. Pure
/// otherwise; any thread.
#pragma once

#include <string>
#include <vector>

namespace sluice::detail {

struct PathExpansion {
  std::vector<std::string> paths;
  std::string error;  ///< empty = success
};

PathExpansion expand_paths(const std::vector<std::string>& patterns,
                           const std::string& exclude = {});

}  // namespace sluice::detail
