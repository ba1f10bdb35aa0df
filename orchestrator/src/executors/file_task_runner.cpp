// File actions as tasks (see file_task_runner.hpp).
#include "executors/file_task_runner.hpp"

#include <utility>

#include "actions/file_action.hpp"

namespace sluice::detail {

FileTaskRunner::FileTaskRunner(Loop& loop, const Pipeline& pipeline, ThreadPool& pool,
                               TaskOutputValues& values, std::size_t chunk_size)
    : loop_(loop),
      pipeline_(pipeline),
      pool_(pool),
      values_(values),
      chunk_size_(chunk_size),
      next_turn_(loop) {}

// Destroying an action that has not reported cancels it silently.
FileTaskRunner::~FileTaskRunner() = default;

void FileTaskRunner::start(TaskId task, int /*attempt*/) {
  const Task& spec = pipeline_.tasks[task];
  FileActionContext ctx{loop_, pool_, spec.working_dir, chunk_size_, {}};
  const Template& content = spec.extras().file.content;
  if (spec.action == ActionKind::Write && !content.is_literal()) {
    std::string error;
    auto text = values_.resolve(content, error);
    if (!text) {
      AttemptOutcome outcome;
      outcome.error = std::move(error);
      outcome.spawn_failed = true;  // not retried: the value will not appear
      return report_later(task, std::move(outcome));
    }
    ctx.resolve = [text = std::move(*text)](const Template&) { return text; };
  }
  DeclaredOutputs outputs(spec.outputs);
  if (std::string error = outputs.create_parents(); !error.empty()) {
    AttemptOutcome outcome;
    outcome.error = std::move(error);
    return report_later(task, std::move(outcome));
  }
  auto action = make_file_action(spec, std::move(ctx), [this, task](const FileActionResult& r) {
    finished(task, r);
  });
  if (!action) {
    AttemptOutcome outcome;
    outcome.error = "not a file task";
    outcome.spawn_failed = true;
    return report_later(task, std::move(outcome));
  }
  FileActionRun& run = *action;
  running_.insert_or_assign(task, Attempt{std::move(action), std::move(outputs)});
  run.start();
  if (suspended_) run.suspend();  // started while the run is stopped: holds at its first step
  if (listener_) listener_->on_task_started(task, 0);
}

void FileTaskRunner::terminate(TaskId task) {
  if (auto it = running_.find(task); it != running_.end()) it->second.action->cancel();
}

void FileTaskRunner::kill(TaskId task) { terminate(task); }

void FileTaskRunner::suspend() {
  suspended_ = true;
  for (auto& [task, attempt] : running_) attempt.action->suspend();
}

void FileTaskRunner::resume() {
  suspended_ = false;
  for (auto& [task, attempt] : running_) attempt.action->resume();
}

void FileTaskRunner::finished(TaskId task, const FileActionResult& result) {
  AttemptOutcome outcome;
  if (result.error.empty())
    outcome.exit_code = 0;
  else
    outcome.error = result.error;
  outcome.bytes_read = result.bytes_read;
  outcome.bytes_written = result.bytes_written;
  if (auto it = running_.find(task); it != running_.end()) {
    const DeclaredOutputs& outputs = it->second.outputs;
    if (outcome.succeeded()) {
      if (auto missing = outputs.first_missing()) outcome.error = "output not created: " + *missing;
    }
    if (!outcome.succeeded()) outputs.remove_changed();
    finished_.push_back(std::move(it->second.action));
    running_.erase(it);
    if (!next_turn_.active()) next_turn_.start(std::chrono::milliseconds(0), [this] { collect(); });
  }
  if (listener_) listener_->on_task_finished(task, outcome);
}

void FileTaskRunner::report_later(TaskId task, AttemptOutcome outcome) {
  reports_.emplace_back(task, std::move(outcome));
  if (!next_turn_.active()) next_turn_.start(std::chrono::milliseconds(0), [this] { collect(); });
}

void FileTaskRunner::collect() {
  finished_.clear();
  auto reports = std::move(reports_);
  reports_.clear();
  for (auto& [task, outcome] : reports)
    if (listener_) listener_->on_task_finished(task, outcome);
}

}  // namespace sluice::detail
