/// RunSession: one run of a pipeline, start to finish. It owns the loop and
/// everything on it (timers, the process runner, the scheduler, the sinks,
/// the signal watchers) and wires them together:
///
///   Scheduler --start/terminate/kill--> (console handoff) LocalProcessRunner --processes-->
///   runner --started/finished--> Scheduler --events--> sinks + embedder
///   runner --output lines--> sinks (flow control: a backlogged sink pauses
///   the pipes, the writer's drain resumes them)
///
/// A sink whose output fails is never left holding the pipes paused. When
/// the console (or the event stream on stdout) meets EPIPE, its reader left:
/// the run is cancelled as by a signal, SIGPIPE, and the result says so
/// (RunResult::signal), as a Unix filter dies on a closed pipe. Any other
/// write error is reported once on stderr (when there is a console), that
/// sink is dropped, the run goes on and fails (RunResult::output_error).
///
/// run() blocks until every task has finished and none of their processes is
/// left, then closes every handle. Created and run on one thread.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/secrets.hpp"
#include "engine/stream_files.hpp"
#include "executors/task_runner.hpp"
#include "sinks/secret_masker.hpp"
#include "sluice/graph.hpp"
#include "sluice/run.hpp"

namespace sluice::detail {

class Loop;
class UvTimers;
class LocalProcessRunner;
class Scheduler;
class ConsoleSink;
class JsonlEventSink;
class FdOutput;
class WriterOutput;
class SignalWatcher;
class JobControl;
class PostQueue;
class Timer;

class RunSession final : public TaskRunner::Listener {
 public:
  RunSession(const Pipeline& pipeline, const Graph& graph, std::vector<TaskId> selected,
             const RunOptions& options, SecretValues secrets, RunHandle* handle);
  ~RunSession() override;
  RunSession(const RunSession&) = delete;
  RunSession& operator=(const RunSession&) = delete;

  RunResult run();

  void on_task_started(TaskId task, int pid) override;
  void on_task_finished(TaskId task, const AttemptOutcome& outcome) override;

 private:
  void make_sinks();
  void emit(const Event& e);
  void on_output(TaskId task, StreamKind stream, std::string_view lines);
  void update_flow();
  void interrupt(int signo);
  void deliver_cancels();

  /// One output that may fail: what to call it in a message, its errno.
  struct OutputFailure {
    std::string what;  ///< "to stdout", "events to /dev/full"
    int err = 0;
    bool reported = false;
  };
  /// Called inside the failed write: records, and reacts on the next loop turn.
  void output_failed(OutputFailure& f, int err);
  void react_to_output_failures();
  void report(OutputFailure& f);
  /// The console's reader (or the stdout event stream's) left.
  bool broken_pipe() const;
  void apply_output_failures(RunResult& result);

  const Pipeline& pipeline_;
  const Graph& graph_;
  std::vector<TaskId> selected_;
  const RunOptions& options_;
  SecretValues secrets_;
  SecretMasker masker_;  ///< secret values become *** before any sink sees them
  RunHandle* handle_;

  // The loop first: it is destroyed last, after every handle owner below.
  std::unique_ptr<Loop> loop_;
  std::unique_ptr<UvTimers> timers_;
  std::unique_ptr<WriterOutput> console_out_;
  std::unique_ptr<FdOutput> events_out_;
  std::unique_ptr<ConsoleSink> console_;
  std::unique_ptr<JsonlEventSink> events_;
  StreamFiles files_;
  std::unordered_map<std::string, std::unordered_map<std::string, std::string>> task_outputs_;
  std::unique_ptr<LocalProcessRunner> runner_;
  std::unique_ptr<TaskRunner> handoff_;  ///< runner_ as the scheduler drives it
  std::unique_ptr<Scheduler> scheduler_;
  std::vector<std::unique_ptr<SignalWatcher>> signals_;
  std::unique_ptr<JobControl> job_control_;  ///< Ctrl-Z / fg reach the task groups
  std::unique_ptr<PostQueue> posts_;
  std::unique_ptr<Timer> tick_;
  std::unique_ptr<Timer> react_;
  std::unique_ptr<Timer> give_up_;  ///< an interrupted run's console waits this long at most
  OutputFailure console_failure_;
  OutputFailure events_failure_;
  bool events_on_stdout_ = false;
  bool paused_ = false;
};

}  // namespace sluice::detail
