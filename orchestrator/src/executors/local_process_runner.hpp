/// LocalProcessRunner: the TaskRunner for process tasks (`run`, `cmd`) on
/// this machine. One ProcessTask state machine per running task:
///
///   [if (attempt 1 only)] -> spawn action -> output lines -> exit + drain
///   -> check outputs / read $SLUICE_OUTPUT / remove changed outputs -> report
///
/// Environment of a task: sluice's own environ, then Task::env, then the
/// script's SLUICE_V_n values, then the secrets, then SLUICE_OUTPUT, later
/// entries winning, plus the supervisor's SLUICE_PROCESS_TOKEN. SLUICE_OUTPUT
/// names a fresh path per attempt in a private directory made once per runner
/// (mkdtemp, 0700, removed with the runner; and by the run's Watchdog, made
/// with it, should sluice die). The file is NOT created for the
/// task: creating and unlinking a file per attempt cost more than the rest of
/// the spawn on ext4; `>>` creates it, and after the exit a missing file
/// (ENOENT, the common case) means no outputs; what a successful attempt
/// wrote goes to the run's TaskOutputValues. `tasks.X.outputs.KEY`
/// templates are resolved from there when the attempt starts; an unset one
/// fails the attempt like a spawn error (not retried).
///
/// `if`: run with the task's shell, output discarded; exit 0 runs the task,
/// 1-125 reports skipped_by_if, 126/127, a signal or a spawn error fail it.
///
/// Output goes to the listener's on_task_output as batches of whole lines
/// (LineSplitter, line cap options.line_cap), and to the task's
/// `stdout/stderr: {file}` copies (StreamFiles). pause_reading() and
/// resume_reading() apply backpressure (stop reading the pipes) for all
/// tasks or for one.
///
/// `interactive`: the child inherits fds 0-2 and stays in sluice's process
/// group (so the terminal's Ctrl-C and job control reach it, like ninja's
/// console pool); nothing is captured. Stream edges (`stdin: {task: X}`):
/// see stream_links.hpp. Not handled yet: `pty` (runs without one). Owned
/// by the engine; loop thread only.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "executors/stream_links.hpp"
#include "executors/task_output_values.hpp"
#include "executors/task_runner.hpp"
#include "runtime/loop.hpp"
#include "runtime/pipe_reader.hpp"
#include "runtime/process_supervisor.hpp"
#include "runtime/spawn.hpp"
#include "runtime/timer.hpp"
#include "runtime/unique_fd.hpp"
#include "runtime/watchdog.hpp"
#include "sluice/events.hpp"
#include "sluice/pipeline.hpp"

namespace sluice::detail {

struct LocalRunnerOptions {
  std::vector<std::pair<std::string, std::string>> secrets;  ///< name -> value
  /// The soft RLIMIT_NOFILE children get (ProcessGuards::nofile_soft_before).
  std::optional<std::uint64_t> child_nofile_soft;
  /// Children keep SIGPIPE ignored (ProcessGuards::sigpipe_ignored_before);
  /// else they get it at its default, whatever sluice does with it.
  bool child_sigpipe_ignored = false;
  std::string temp_dir;  ///< for $SLUICE_OUTPUT files; empty = $TMPDIR or /tmp
  std::chrono::milliseconds drain_grace{250};
  std::chrono::milliseconds drain_cap{2000};
  std::size_t line_cap = 64 * 1024;
  /// The run's stream edges (producer, consumer), both ends selected.
  std::vector<std::pair<TaskId, TaskId>> stream_edges;
  /// The fd an interactive task gets as its stdout (the engine passes 2
  /// when sluice's stdout carries the event stream).
  int interactive_stdout = 1;
};

class ProcessTask;

class LocalProcessRunner final : public TaskRunner {
 public:
  /// `values`: the run's task outputs, read and written by its tasks;
  /// outlives the runner.
  LocalProcessRunner(Loop& loop, const Pipeline& pipeline, LocalRunnerOptions options,
                     TaskOutputValues& values);
  /// Kills and reaps whatever still runs; no callbacks after this.
  ~LocalProcessRunner() override;

  // TaskRunner (see task_runner.hpp), for processes:
  void start(TaskId task, int attempt) override;
  /// A terminated or killed task's drain is bounded (bound_drain()), so that
  /// a timeout or a cancel ends the task even while its reader stalls.
  void terminate(TaskId task) override;
  void kill(TaskId task) override;
  /// SIGSTOP / SIGCONT to every running task's process group.
  void suspend() override;
  void resume() override;
  /// Stop / resume reading the tasks' pipes (new tasks start paused too).
  void pause_reading() override;
  void resume_reading() override;
  void pause_reading(TaskId task) override;
  void resume_reading(TaskId task) override;
  void bound_drain() override;

  std::size_t running() const { return tasks_.size(); }
  /// The $SLUICE_OUTPUT path for a new attempt; empty with `error` set when
  /// the private directory cannot be made.
  std::string next_output_path(std::string& error);
  /// The private directory, for openat/unlinkat on a basename (a one-name
  /// lookup instead of a whole path's); -1 before next_output_path().
  int output_dir_fd() const { return output_dir_fd_.get(); }
  ProcessSupervisor& supervisor() { return supervisor_; }

 private:
  friend class ProcessTask;
  void task_started(TaskId task, int pid);
  void task_output(TaskId task, StreamKind stream, std::string_view lines);
  void task_finished(TaskId task, AttemptOutcome outcome);
  bool start_watchdog(const std::string& dir, std::string& error);

  Loop& loop_;
  const Pipeline& pipeline_;
  LocalRunnerOptions options_;
  TaskOutputValues& values_;
  /// Made with the private directory, at the first process task; goes
  /// after the supervisor, once every process of the run is gone.
  std::unique_ptr<Watchdog> watchdog_;
  ProcessSupervisor supervisor_;
  ReadBuffer buffer_;
  /// sluice's environ, copied once; a task's additions are merged per spawn.
  std::vector<std::string> base_env_;
  /// /dev/null, opened once: the stdin of every task without one.
  UniqueFd dev_null_;
  std::string output_dir_;  ///< made on first use
  UniqueFd output_dir_fd_;
  std::uint64_t output_counter_ = 0;
  std::unordered_map<TaskId, std::unique_ptr<ProcessTask>> tasks_;
  /// Finished tasks are destroyed on the next loop turn, not inside their
  /// own callbacks.
  std::vector<std::unique_ptr<ProcessTask>> finished_;
  Timer reap_timer_;
  bool paused_ = false;
  bool bounded_drain_ = false;
  /// Signal dispositions children reset, looked up once (see spawn.hpp).
  std::uint64_t reset_signals_ = signals_to_reset(options_.child_sigpipe_ignored);
  /// A stream's producer gets SIGPIPE at its default whatever sluice inherited.
  std::uint64_t producer_reset_signals_ = signals_to_reset(false);
  std::unique_ptr<StreamLinks> links_;  ///< null when the run has no stream edge
  /// While more tasks run than this, nobody spins for a child's exit.
  std::size_t cpus_ = std::max(1u, std::thread::hardware_concurrency());
};

}  // namespace sluice::detail
