/// DispatchRunner: the TaskRunner the engine drives. It owns one runner per
/// kind of work and sends each task to the runner registered for its action
/// kind (`run` and `cmd` to LocalProcessRunner; file actions and `call`
/// each to a runner of their own as they are built):
///
///     DispatchRunner runners(loop, pipeline);
///     runners.add(std::make_unique<LocalProcessRunner>(...), {ActionKind::Run, ActionKind::Cmd});
///     runners.add(std::make_unique<FileTaskRunner>(...), {ActionKind::Copy, ...});
///
/// Per-task verbs (start, terminate, kill, pause/resume_reading of one
/// task) go to the task's runner; verbs for every task (suspend, resume,
/// pause/resume_reading, bound_drain) go to each runner once. A task whose
/// kind has no runner fails its attempt, on the next loop turn, with
/// "call tasks are not supported yet" (not retried): a guard for a kind
/// the loader accepts before its runner exists. Runners report through
/// this runner (its Relay) to its listener.
///
/// A task of another kind with an `if` has its condition run first by the
/// runner of `run` tasks (it knows shells and processes): the condition
/// reports `condition_passed`, and only then does the task's own runner
/// start it; a condition that skips or fails is reported as the task's.
/// Owned by the engine; loop thread only.
#pragma once

#include <array>
#include <initializer_list>
#include <memory>
#include <unordered_set>
#include <vector>

#include "executors/task_runner.hpp"
#include "runtime/loop.hpp"
#include "runtime/timer.hpp"
#include "sluice/pipeline.hpp"

namespace sluice::detail {

class DispatchRunner final : public TaskRunner {
 public:
  DispatchRunner(Loop& loop, const Pipeline& pipeline);
  ~DispatchRunner() override;

  /// Registers `runner` for tasks of `kinds` (a kind registered before goes
  /// to the new runner) and returns it. Call before the first start().
  TaskRunner& add(std::unique_ptr<TaskRunner> runner, std::initializer_list<ActionKind> kinds);
  /// The runner for tasks of `kind`, or nullptr.
  TaskRunner* runner_for(ActionKind kind) const { return by_kind_[index(kind)]; }

  /// Hears every runner's reports (through the Relay), registered now or later.
  void set_listener(Listener* listener) override;

  // To the task's runner:
  void start(TaskId task, int attempt) override;
  void terminate(TaskId task) override;
  void kill(TaskId task) override;
  void pause_reading(TaskId task) override;
  void resume_reading(TaskId task) override;

  // To every runner, once:
  void suspend() override;
  void resume() override;
  void pause_reading() override;
  void resume_reading() override;
  void bound_drain() override;

 private:
  static constexpr std::size_t kKinds = static_cast<std::size_t>(ActionKind::Call) + 1;
  static std::size_t index(ActionKind kind) { return static_cast<std::size_t>(kind); }
  TaskRunner* runner_of(TaskId task) const;
  /// Where the task's verbs go now: the condition's runner while its `if` runs.
  TaskRunner* current_runner(TaskId task) const;
  void fail_unsupported();
  void condition_or_attempt_finished(TaskId task, const AttemptOutcome& outcome);

  /// The runners' listener: passes reports on, except a passed condition.
  class Relay final : public Listener {
   public:
    explicit Relay(DispatchRunner& d) : d_(d) {}
    void on_task_started(TaskId task, int pid) override;
    void on_task_output(TaskId task, StreamKind stream, std::string_view lines) override;
    void on_task_finished(TaskId task, const AttemptOutcome& outcome) override;

   private:
    DispatchRunner& d_;
  };

  const Pipeline& pipeline_;
  std::vector<std::unique_ptr<TaskRunner>> runners_;
  std::array<TaskRunner*, kKinds> by_kind_{};
  std::vector<TaskId> unsupported_;  ///< started, to be failed on the next turn
  std::unordered_set<TaskId> conditions_;  ///< tasks whose `if` runs on the process runner
  Relay relay_{*this};
  Timer defer_;
};

}  // namespace sluice::detail
