/// close_fds_from(): closes every fd from `low` up, but `keep`, in a child
/// that shares our memory (raw system calls only, see raw_syscall.hpp).
///
/// close_range() does it in one call, but a kernel before 5.9 says ENOSYS and
/// some container seccomp profiles say EPERM; then each fd listed in
/// /proc/self/fd is closed on its own (the child's own table: it has no
/// CLONE_FILES). Returns 0, or -errno when neither way worked: the caller
/// must fail then, never run on with inherited fds it did not mean to pass
/// (an fd 100 that sluice inherited, a pipe of another task).
#pragma once

namespace sluice::detail {

/// `keep` < 0: keep none.
int close_fds_from(int low, int keep = -1);

}  // namespace sluice::detail
