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
/// Handlers for SIGINT/SIGTERM/SIGHUP are not installed here: a run watches
/// those signals on its own loop while it runs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace sluice {

struct ProcessGuards {
  bool subreaper = false;       ///< PR_SET_CHILD_SUBREAPER is on
  bool sigpipe_ignored = false;
  /// The soft RLIMIT_NOFILE before it was raised (give this to children);
  /// empty when it could not be read.
  std::optional<std::uint64_t> nofile_soft_before;
  std::uint64_t nofile_soft_now = 0;
  std::string error;  ///< what failed, if anything (the rest still applied)
};

ProcessGuards install_process_guards();

}  // namespace sluice
