/// Reading a pipeline file (or standard input) whole, under a size cap: a
/// pipe or a growing file is read only up to the cap, never without end.
#pragma once

#include <cstddef>
#include <string>

namespace sluice::detail {

/// Reads all of `fd` (from where it stands) into `out`; false with `err`
/// set on a read error, a directory, or more than `max_bytes` bytes.
bool read_fd(int fd, std::size_t max_bytes, std::string& out, std::string& err);

/// read_fd() of the file at `path`.
bool read_whole_file(const std::string& path, std::size_t max_bytes, std::string& out,
                     std::string& err);

}  // namespace sluice::detail
