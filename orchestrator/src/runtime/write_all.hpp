/// write_all(): a blocking write of every byte, for the few places that
/// write where blocking is what they want (a task's stdout file, which the
/// page cache absorbs; sluice's own last words on stderr). It retries EINTR
/// and, on a non-blocking fd (one shared with a parent that set O_NONBLOCK),
/// waits with poll() on EAGAIN instead of spinning. Anything the loop must
/// never wait for goes through FdWriter instead. Any thread.
#pragma once

#include <string_view>

namespace sluice::detail {

/// Returns 0 once everything is written, or the errno of the failure
/// (EPIPE, ENOSPC, ...), after which the rest is not written.
int write_all(int fd, std::string_view bytes);

}  // namespace sluice::detail
