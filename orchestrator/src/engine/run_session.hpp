/// RunSession: one run of a pipeline, start to finish. It owns the loop and
/// everything on it (timers, the process runner, the scheduler, the sinks,
/// the signal watchers) and wires them together:
///
///   Scheduler --start/terminate/kill--> LocalProcessRunner --processes-->
///   runner --started/finished--> Scheduler --events--> sinks + embedder
///   runner --output lines--> sinks (flow control: a backlogged sink pauses
///   the pipes, the writer's drain resumes them)
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
class ByteOutput;
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
  void deliver_cancels();

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
  std::unique_ptr<ByteOutput> events_out_;
  std::unique_ptr<ConsoleSink> console_;
  std::unique_ptr<JsonlEventSink> events_;
  StreamFiles files_;
  std::unordered_map<std::string, std::unordered_map<std::string, std::string>> task_outputs_;
  std::unique_ptr<LocalProcessRunner> runner_;
  std::unique_ptr<Scheduler> scheduler_;
  std::vector<std::unique_ptr<SignalWatcher>> signals_;
  std::unique_ptr<JobControl> job_control_;  ///< Ctrl-Z / fg reach the task groups
  std::unique_ptr<PostQueue> posts_;
  std::unique_ptr<Timer> tick_;
  bool paused_ = false;
};

}  // namespace sluice::detail
