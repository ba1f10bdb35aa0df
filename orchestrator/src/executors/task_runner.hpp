/// The seam between scheduling policy and doing the work. The Scheduler
/// decides what starts when and what gets cancelled; a TaskRunner does it
/// (local processes, file actions, Slurm jobs) and reports back. Tests fake
/// both the runner and the clock, so policy is tested without processes.
///
/// Everything here is called on the loop thread only.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "sluice/pipeline.hpp"

namespace sluice::detail {

/// What one attempt of a task came to.
struct AttemptOutcome {
  std::optional<int> exit_code;  ///< set when the process exited
  std::optional<int> signal;     ///< set when it was killed by a signal
  /// A failure before or around the process: spawn errors ("command not
  /// found: fecth"), a declared output not created, an I/O error of a file
  /// task. Non-empty means failed, whatever exit_code says.
  std::string error;
  bool spawn_failed = false;    ///< not retried (command not found, permission denied, ...)
  bool skipped_by_if = false;   ///< the `if` command exited 1-125: the task is skipped
  std::int64_t cpu_ms = 0;
  std::int64_t max_rss_kb = 0;  ///< 0: unknown (see runtime/subprocess.hpp)

  bool succeeded() const {
    return !skipped_by_if && error.empty() && !signal && exit_code && *exit_code == 0;
  }
};

class TaskRunner {
 public:
  /// Who hears back from a runner (the scheduler, through the engine).
  class Listener {
   public:
    virtual ~Listener() = default;
    /// The attempt's action process is running (pid 0: no process). Not
    /// called when the spawn failed or the `if` skipped the task.
    virtual void on_task_started(TaskId task, int pid) = 0;
    /// The attempt is over and none of its processes is left.
    virtual void on_task_finished(TaskId task, const AttemptOutcome& outcome) = 0;
  };

  virtual ~TaskRunner() = default;
  /// Where start/finish reports go; set before the first start().
  void set_listener(Listener* listener) { listener_ = listener; }
  /// Starts `attempt` (1-based) of a task: its `if` first (first attempt
  /// only), then its action. Calls the listener's on_task_started at most
  /// once (when the action's process started) and then exactly one
  /// on_task_finished, later, never from inside start() itself.
  virtual void start(TaskId task, int attempt) = 0;
  /// SIGTERM then SIGCONT to the task's whole process group (a no-op for
  /// tasks that run no process, which stop at their next chunk instead).
  virtual void terminate(TaskId task) = 0;
  /// SIGKILL to the task's process group and any straggler it left.
  virtual void kill(TaskId task) = 0;

 protected:
  Listener* listener_ = nullptr;
};

/// Monotonic time and one-shot timers, so tests can drive time by hand.
class Timers {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  using TimerId = std::uint64_t;
  virtual ~Timers() = default;
  virtual TimePoint now() const = 0;
  virtual TimerId after(Duration delay, std::function<void()> fn) = 0;
  virtual void cancel(TimerId id) = 0;
};

}  // namespace sluice::detail
