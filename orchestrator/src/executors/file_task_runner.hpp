/// FileTaskRunner: the TaskRunner for the file actions of SPEC §1.2 (copy,
/// concat, write, hash, compress, decompress). Each attempt is one
/// FileActionRun (actions/file_action.hpp): made and started by start(),
/// reported once through the listener. No process runs: task_started has
/// pid 0, and the outcome carries the bytes the action read and wrote.
///
/// terminate() and kill() (a timeout, Ctrl-C, fail-fast) cancel the action:
/// it stops at its next chunk, removes its temporary file and reports
/// `cancelled`. suspend() (Ctrl-Z) holds every running action before its
/// next step, resume() lets it go on. `write` content that names `${{ tasks.X.outputs.K }}` is
/// resolved from the run's TaskOutputValues when the attempt starts; an
/// unset value fails the attempt like a spawn error (not retried).
/// Backpressure does not apply: the actions print nothing.
/// Declared `outputs` are honoured as for a process task: their parent
/// directories are made first, a success that did not create one fails
/// (`output not created: PATH`), and a failed attempt removes those it
/// changed (the action's own `to` is atomic: never changed by a failure).
/// Owned by the engine; loop thread only.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "executors/declared_outputs.hpp"
#include "executors/task_output_values.hpp"
#include "executors/task_runner.hpp"
#include "runtime/loop.hpp"
#include "runtime/thread_pool.hpp"
#include "runtime/timer.hpp"
#include "sluice/pipeline.hpp"

namespace sluice::detail {

class FileActionRun;
struct FileActionResult;

class FileTaskRunner final : public TaskRunner {
 public:
  /// `pool` and `values` outlive the runner.
  FileTaskRunner(Loop& loop, const Pipeline& pipeline, ThreadPool& pool, TaskOutputValues& values,
                 std::size_t chunk_size = 64 * 1024);
  /// Cancels whatever still runs (temporary files removed), without reports.
  ~FileTaskRunner() override;

  void start(TaskId task, int attempt) override;
  /// Both cancel the action: it has no process to be gentle with.
  void terminate(TaskId task) override;
  void kill(TaskId task) override;
  void suspend() override;
  void resume() override;

  std::size_t running() const { return running_.size(); }

 private:
  void finished(TaskId task, const FileActionResult& result);
  /// Reports `outcome` for `task` on the next loop turn.
  void report_later(TaskId task, AttemptOutcome outcome);
  void collect();

  Loop& loop_;
  const Pipeline& pipeline_;
  ThreadPool& pool_;
  TaskOutputValues& values_;
  std::size_t chunk_size_;
  struct Attempt {
    std::unique_ptr<FileActionRun> action;
    DeclaredOutputs outputs;  ///< as they were when the attempt started
  };
  std::unordered_map<TaskId, Attempt> running_;
  /// Destroyed on the next loop turn, never inside their own callback.
  std::vector<std::unique_ptr<FileActionRun>> finished_;
  std::vector<std::pair<TaskId, AttemptOutcome>> reports_;  ///< failed before starting
  Timer next_turn_;
  bool suspended_ = false;  ///< Ctrl-Z: actions hold before their next step
};

}  // namespace sluice::detail
