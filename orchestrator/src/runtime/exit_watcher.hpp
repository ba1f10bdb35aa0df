/// ExitWatcher: learns that one child exited, with its status and rusage.
///
/// Watches the child's pidfd in the loop's FdPoller; when it turns readable, reaps
/// exactly that pid with wait4(pid, WNOHANG) — never waitpid(-1), which would
/// steal libuv's children — and reports the exit code or signal with CPU time
/// (user + system) and peak RSS. If someone else reaped the child (ECHILD),
/// it still reports, with neither code nor signal, so nothing waits forever.
/// Destroying a watcher before the exit leaves the child unreaped: the owner
/// kills and reaps it (see Subprocess). Loop thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

#include "runtime/fd_poller.hpp"
#include "runtime/loop.hpp"
#include "runtime/unique_fd.hpp"

namespace sluice::detail {

struct ExitStatus {
  std::optional<int> exit_code;
  std::optional<int> signal;
  std::int64_t cpu_ms = 0;
  /// Peak RSS of the child and its reaped descendants; 0 when unknown
  /// (Subprocess clears a value the child inherited from sluice).
  std::int64_t max_rss_kb = 0;
};

/// Reaps `pid` if it has exited (WNOHANG unless `block`); nullopt while it runs.
std::optional<ExitStatus> reap_child(int pid, bool block);

class ExitWatcher : private FdPoller::Client {
 public:
  ExitWatcher(Loop& loop, int pid, UniqueFd pidfd, std::function<void(const ExitStatus&)> on_exit);
  ExitWatcher(const ExitWatcher&) = delete;
  ExitWatcher& operator=(const ExitWatcher&) = delete;
  ~ExitWatcher();

  int pid() const { return pid_; }
  bool exited() const { return exited_; }

  /// Polls for the exit for at most `limit`, yielding the CPU in between,
  /// and reports it as the pidfd would. For when the exit is known to be
  /// microseconds away: cheaper than sleeping in the loop and being woken
  /// again. The report may destroy this watcher.
  void await_exit(std::chrono::microseconds limit);

 private:
  void on_ready() override { check(); }
  void check();
  void report(const ExitStatus& status);

  FdPoller& poller_;
  int pid_;
  UniqueFd pidfd_;
  bool watching_ = false;
  std::function<void(const ExitStatus&)> on_exit_;
  bool exited_ = false;
};

}  // namespace sluice::detail
