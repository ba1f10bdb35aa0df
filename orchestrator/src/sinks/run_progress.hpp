/// RunProgress: what the status line says about a run: the tasks done of
/// the total, the running ones by name in start order (as many as fit, then
/// `+3 more`), the time since the run started, and, once it is interrupted,
/// that it is (SPEC §4: `interrupting: stopping 3 tasks (Ctrl-C again to
/// kill)`). Fed by the ConsoleSink; loop thread only.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/events.hpp"

namespace sluice::detail {

class RunProgress {
 public:
  void run_started(Clock::time_point ts, std::size_t tasks);
  void task_started(TaskId task, std::string_view name);
  /// Counts `task` done; returns whether it was running.
  bool task_finished(TaskId task);
  /// The run is being interrupted by `signo`, or with `killing` every task
  /// is being killed; false when that was already known.
  bool interrupting(int signo, bool killing);

  /// "interrupting: stopping 3 tasks (Ctrl-C again to kill)", "killing 3 tasks".
  std::string interrupt_text() const;
  /// The status line at `now`, at most `limit` columns when names can be
  /// left out (the caller cuts what is still too wide).
  std::string describe(Clock::time_point now, std::size_t limit) const;

 private:
  struct Running {
    TaskId task;
    std::string name;
  };
  std::vector<Running> running_;  ///< in start order
  std::size_t total_ = 0;
  std::size_t done_ = 0;
  Clock::time_point start_{};
  int stage_ = 0;  ///< 0 running, 1 interrupting, 2 killing
  int signal_ = 0;
};

}  // namespace sluice::detail
