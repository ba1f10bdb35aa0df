/// The seam between scheduling policy and doing the work. The Scheduler
/// decides what starts when and what gets cancelled; a TaskRunner does it
/// (local processes, file actions, Slurm jobs) and reports back to its
/// Listener. The engine drives a run through this interface alone: a new
/// kind of task is a new TaskRunner registered with the DispatchRunner
/// (dispatch_runner.hpp), not a change to the engine. Tests fake it, so
/// policy is tested without processes.
///
/// Everything here is called on the loop thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sluice/events.hpp"
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
  /// Only the `if` ran, and said run: a file task's condition, run by the
  /// process runner for the DispatchRunner, which then starts the action.
  bool condition_passed = false;
  std::int64_t cpu_ms = 0;
  std::int64_t max_rss_kb = 0;  ///< 0: unknown (see runtime/subprocess.hpp)
  /// A file task's bytes read from its inputs and written into its `to`
  /// (unset for process tasks).
  std::optional<std::uint64_t> bytes_read;
  std::optional<std::uint64_t> bytes_written;

  bool succeeded() const {
    return !skipped_by_if && error.empty() && !signal && exit_code && *exit_code == 0;
  }
};

class TaskRunner {
 public:
  /// Who hears back from a runner (the engine, which tells the scheduler
  /// and the sinks).
  class Listener {
   public:
    virtual ~Listener() = default;
    /// The attempt's action is running (pid 0: no process). Not called
    /// when the spawn failed or the `if` skipped the task.
    virtual void on_task_started(TaskId task, int pid) = 0;
    /// One or more whole lines of the task's stdout or stderr (see
    /// TaskOutput); valid during the call only. Never called while reading
    /// is paused for the task.
    virtual void on_task_output(TaskId task, StreamKind stream, std::string_view lines) = 0;
    /// The attempt is over and none of its processes is left.
    virtual void on_task_finished(TaskId task, const AttemptOutcome& outcome) = 0;
  };

  virtual ~TaskRunner() = default;
  /// Where reports go; set before the first start().
  virtual void set_listener(Listener* listener) { listener_ = listener; }

  /// Starts `attempt` (1-based) of a task: its `if` first (first attempt
  /// only), then its action. Calls the listener's on_task_started at most
  /// once and then exactly one on_task_finished, later, never from inside
  /// start() itself.
  virtual void start(TaskId task, int attempt) = 0;
  /// Asks the task to stop: SIGTERM then SIGCONT to its whole process group
  /// (a task without a process stops at its next chunk).
  virtual void terminate(TaskId task) = 0;
  /// Stops the task now: SIGKILL to its process group and any straggler.
  virtual void kill(TaskId task) = 0;

  // The verbs below have one name from the engine down to the process
  // (TaskRunner, ProcessTask, Subprocess). A runner whose tasks print
  // nothing and run no process may keep these defaults.

  /// Job control (Ctrl-Z): every running task stops (SIGSTOP to each task's
  /// process group, which the terminal's signals do not reach) ...
  virtual void suspend() {}
  /// ... and continues (fg, SIGCONT).
  virtual void resume() {}
  /// Backpressure: stop reading the output of every task, running or
  /// started later, until resume_reading() (the sinks are full) ...
  virtual void pause_reading() {}
  virtual void resume_reading() {}
  /// ... or of one task (a stream edge's reader is full).
  virtual void pause_reading(TaskId /*task*/) {}
  virtual void resume_reading(TaskId /*task*/) {}
  /// The run is interrupted: from now on, output of an ended task that is
  /// still held back by backpressure is dropped after the drain cap instead
  /// of waited for, so a reader that stopped reading cannot keep the run
  /// alive. Applies to tasks started later too.
  virtual void bound_drain() {}

 protected:
  Listener* listener_ = nullptr;
};

}  // namespace sluice::detail
