#include "runtime/close_fds.hpp"

#include <fcntl.h>

#include "runtime/raw_syscall.hpp"

namespace sluice::detail {
namespace {

SLUICE_CHILD_CODE long close_range_but(int low, int keep) {
  if (keep < low) return raw_syscall(SYS_close_range, low, ~0u, 0);
  long rc = keep > low ? raw_syscall(SYS_close_range, low, keep - 1, 0) : 0;
  return rc == 0 ? raw_syscall(SYS_close_range, keep + 1, ~0u, 0) : rc;
}

/// The fd a /proc/self/fd entry names, or -1 ("." and "..").
SLUICE_CHILD_CODE int fd_of(const char* name) {
  if (*name < '0' || *name > '9') return -1;
  int fd = 0;
  for (; *name >= '0' && *name <= '9'; ++name) fd = fd * 10 + (*name - '0');
  return fd;
}

/// Closing entries already listed does not disturb the listing: the
/// directory is walked by fd number.
SLUICE_CHILD_CODE long close_listed(int low, int keep) {
  long dir = raw_syscall(SYS_openat, AT_FDCWD, reinterpret_cast<long>("/proc/self/fd"),
                         O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return dir;
  long rc = for_each_dir_entry(dir, [&](const char* name) __attribute__((always_inline)) {
    int fd = fd_of(name);
    if (fd >= low && fd != keep && fd != dir) raw_syscall(SYS_close, fd);
  });
  raw_syscall(SYS_close, dir);
  return rc;
}

}  // namespace

SLUICE_CHILD_CODE int close_fds_from(int low, int keep) {
  long rc = close_range_but(low, keep);
  if (rc == 0) return 0;
  long listed = close_listed(low, keep);
  return static_cast<int>(listed == 0 ? 0 : rc);
}

}  // namespace sluice::detail
