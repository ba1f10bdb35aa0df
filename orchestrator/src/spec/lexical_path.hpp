/// Lexical path arithmetic for the loader: joining and normalising paths
/// without touching the filesystem (no symlink resolution, no existence
/// checks), so that validating a pipeline never depends on what exists yet.
/// Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>

namespace sluice::detail {

/// `a/./b//c/../d` -> `a/b/d`; keeps a leading `/`; `..` above the root of an
/// absolute path is dropped; an empty result is `.`.
std::string normalize_path(std::string_view path);

/// `path` if absolute, else `base/path`; normalised either way.
std::string join_path(std::string_view base, std::string_view path);

/// The directory part: `a/b.yaml` -> `a`, `b.yaml` -> `.`, `/b` -> `/`.
std::string parent_dir(std::string_view path);

/// The file name without directory and last extension: `a/etl.yaml` -> `etl`.
std::string file_stem(std::string_view path);

/// `path` made absolute against the process's working directory.
std::string absolute_path(std::string_view path);

}  // namespace sluice::detail
