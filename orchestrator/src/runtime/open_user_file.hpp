/// Opening a path a pipeline names without ever blocking on what it is.
///
/// open() of a FIFO waits for the other end, and a device may never answer;
/// on the loop thread nothing else would run meanwhile: no task, no timer, no
/// SIGINT/SIGTERM (libuv serves signals from the loop). So the path is
/// opened with O_NONBLOCK (a FIFO then opens at once, or fails with ENXIO for
/// a writer without a reader), its type checked with fstat, and only then is
/// O_NONBLOCK cleared, so a child that inherits the fd (stdin) sees an
/// ordinary one. Still a system call that a hung mount can stall. Any thread.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "runtime/io_error.hpp"
#include "runtime/unique_fd.hpp"

namespace sluice::detail {

/// A task's stream file (its stdin file, its stdout/stderr copy): a regular
/// file or a device; a FIFO or a socket would later block the loop's writes
/// or give the child a stdin that reads as an early EOF, a directory is no
/// stream. `flags` as for open(2) (O_CLOEXEC and O_NOCTTY are added). On
/// failure the fd is invalid and `error` says why ("No such file or
/// directory", "a FIFO cannot be a task's stream file: use a regular file or
/// a device").
UniqueFd open_user_file(const std::string& path, int flags, mode_t mode, std::string& error);

struct OpenedFile {
  UniqueFd fd;            ///< valid when !error
  std::int64_t size = 0;  ///< at open time
  IoError error;          ///< `open "PATH": ...`
};

/// A file action's input: a regular file only ("is a directory", "is not a
/// regular file"), read front to back. Call it off the loop thread
/// (FsRequests::blocking).
OpenedFile open_regular_for_reading(const std::string& path);

}  // namespace sluice::detail
