/// open_user_file(): opens a path a pipeline names (a task's stdin file, its
/// stdout/stderr copy) on the loop thread without ever blocking it.
///
/// open() of a FIFO waits for the other end, and meanwhile nothing else runs:
/// no task, no timer, no SIGINT/SIGTERM (libuv serves signals from the
/// loop). So the path is opened with O_NONBLOCK (a FIFO then opens at once,
/// or fails with ENXIO for a writer without a reader), its type checked with
/// fstat, and only a regular file or a device is accepted: a FIFO or a
/// socket would later block the loop's writes or give the child a stdin that
/// reads as an early EOF, a directory is no stream. O_NONBLOCK is then
/// cleared, so a child that inherits the fd (stdin) sees an ordinary one.
/// Any thread.
#pragma once

#include <sys/types.h>

#include <string>

#include "runtime/unique_fd.hpp"

namespace sluice::detail {

/// `flags` as for open(2) (O_CLOEXEC and O_NOCTTY are added). On failure the
/// fd is invalid and `error` says why ("No such file or directory", "a FIFO
/// cannot be a task's stream file: use a regular file or a device").
UniqueFd open_user_file(const std::string& path, int flags, mode_t mode, std::string& error);

}  // namespace sluice::detail
