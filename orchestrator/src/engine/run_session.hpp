/// RunSession: one run of a pipeline, start to finish. It owns the loop and
/// everything on it and wires the parts together; the parts hold the policy:
///
///   Scheduler --start/terminate/kill--> ConsoleHandoff --> DispatchRunner --> LocalProcessRunner, ...
///   runners --started/finished--> Scheduler --events--> RunOutputs (sinks)
///   runners --output lines--> RunOutputs (sinks)
///   RunOutputs backlogged --> runners pause_reading; a writer drained --> resume_reading
///   signals, RunHandle::cancel --> Scheduler::interrupt; Ctrl-Z / fg --> suspend / resume
///
/// run() blocks until every task has finished and none of their processes is
/// left, then closes every handle. Created and run on one thread.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "engine/secrets.hpp"
#include "executors/task_output_values.hpp"
#include "executors/task_runner.hpp"
#include "sluice/graph.hpp"
#include "sluice/run.hpp"

namespace sluice::detail {

class Loop;
class LoopTimers;
class RunOutputs;
class TaskRunner;
class Scheduler;
class SignalWatcher;
class JobControl;
class PostQueue;
class ThreadPool;
class Timer;

class RunSession final : public TaskRunner::Listener {
 public:
  /// Throws std::runtime_error when an output cannot be opened (nothing
  /// has started then).
  RunSession(const Pipeline& pipeline, const Graph& graph, std::vector<TaskId> selected,
             const RunOptions& options, const SecretValues& secrets, RunHandle* handle);
  ~RunSession() override;
  RunSession(const RunSession&) = delete;
  RunSession& operator=(const RunSession&) = delete;

  RunResult run();

  void on_task_started(TaskId task, int pid) override;
  void on_task_output(TaskId task, StreamKind stream, std::string_view lines) override;
  void on_task_finished(TaskId task, const AttemptOutcome& outcome) override;

 private:
  void make_runner(const SecretValues& secrets);
  void watch_signals();
  void emit(const Event& event);
  /// Pauses or resumes reading task output as the sinks can take it.
  void update_flow();
  void interrupt(int signo);
  bool cancel_for_broken_pipe();
  void deliver_cancels();

  const Pipeline& pipeline_;
  const Graph& graph_;
  std::vector<TaskId> selected_;
  const RunOptions& options_;
  RunHandle* handle_;

  // The loop first: it is destroyed last, after every handle owner below.
  std::unique_ptr<Loop> loop_;
  std::unique_ptr<LoopTimers> timers_;
  std::unique_ptr<RunOutputs> outputs_;
  TaskOutputValues values_;             ///< $SLUICE_OUTPUT values, for the runners
  std::unique_ptr<ThreadPool> pool_;    ///< CPU work of file tasks; after the runners go
  std::unique_ptr<TaskRunner> runners_;  ///< the DispatchRunner and its runners
  std::unique_ptr<TaskRunner> runner_;   ///< runners_ as the run drives it (ConsoleHandoff)
  std::unique_ptr<Scheduler> scheduler_;
  std::vector<std::unique_ptr<SignalWatcher>> signals_;
  std::unique_ptr<JobControl> job_control_;  ///< Ctrl-Z / fg reach the task groups
  std::unique_ptr<PostQueue> posts_;
  std::unique_ptr<Timer> flow_poll_;  ///< re-asks observers that are behind
  bool paused_ = false;
};

}  // namespace sluice::detail
