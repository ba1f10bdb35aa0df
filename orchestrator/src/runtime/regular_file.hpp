/// Opening a user's path for reading without blocking on it: a FIFO opened
/// for reading blocks until a writer comes, and a device may never answer,
/// so the path is opened with O_NONBLOCK, checked with fstat, refused unless
/// it is a regular file ("is a directory", "is not a regular file"), and
/// only then made blocking again. Still a system call that a hung mount can
/// stall: call it off the loop thread (FsRequests::blocking). Any thread.
#pragma once

#include <cstdint>
#include <string>

#include "runtime/io_error.hpp"
#include "runtime/unique_fd.hpp"

namespace sluice::detail {

struct OpenedFile {
  UniqueFd fd;            ///< valid when !error
  std::int64_t size = 0;  ///< at open time
  IoError error;          ///< `open "PATH": ...`
};

OpenedFile open_regular_for_reading(const std::string& path);

}  // namespace sluice::detail
