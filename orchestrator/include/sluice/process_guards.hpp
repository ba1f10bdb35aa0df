/// install_process_guards(): the process-wide settings the CLI wants and a
/// library must not impose on its embedder (SPEC §5). Call it once, early,
/// from the main thread, before starting a run:
///
/// - PR_SET_CHILD_SUBREAPER: processes that escape a task's process group
///   (setsid, double fork) are re-parented to us, so they can be found and
///   killed when their task ends;
/// - SIGPIPE ignored: a closed pipe becomes EPIPE, not sluice's death;
/// - the soft RLIMIT_NOFILE raised to the hard limit (many tasks, many pipes);
///   children get the old soft limit back (pass `nofile_soft_before` to the
///   run; select() users break above 1024).
///
/// - fds 0, 1 and 2 opened on /dev/null when closed (reopen_closed_stdio).
///
/// Handlers for SIGINT/SIGTERM/SIGHUP (and SIGTSTP/SIGCONT for job control)
/// are not installed here: a run watches those signals on its own loop while
/// it runs (RunOptions::handle_signals), except those ignored when it starts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace sluice {

struct ProcessGuards {
  bool subreaper = false;       ///< PR_SET_CHILD_SUBREAPER is on
  bool sigpipe_ignored = false;
  /// SIGPIPE was already ignored before (inherited from the caller): then
  /// children keep it ignored too (pass this to RunOptions::child_sigpipe_ignored).
  bool sigpipe_ignored_before = false;
  /// The soft RLIMIT_NOFILE before it was raised (give this to children);
  /// empty when it could not be read.
  std::optional<std::uint64_t> nofile_soft_before;
  std::uint64_t nofile_soft_now = 0;
  std::string error;  ///< what failed, if anything (the rest still applied)
};

ProcessGuards install_process_guards();

/// Opens /dev/null on each of fds 0, 1 and 2 that is closed (`sluice run
/// 1>&-`), so that no file opened later takes its number: libuv aborts when
/// asked to close fd 0-2, and a pipe or log file on fd 1 would receive what
/// is meant for stdout. Call it first, before anything opens a file (the CLI
/// does, in main); install_process_guards() calls it too. Returns a mask of
/// the fds it opened (bit n = fd n).
int reopen_closed_stdio();

}  // namespace sluice
