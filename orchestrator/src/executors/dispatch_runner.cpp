// Tasks to runners by action kind (see dispatch_runner.hpp).
#include "executors/dispatch_runner.hpp"

#include <string>

namespace sluice::detail {
namespace {

const char* kind_name(ActionKind kind) {
  switch (kind) {
    case ActionKind::Run: return "run";
    case ActionKind::Cmd: return "cmd";
    case ActionKind::Copy: return "copy";
    case ActionKind::Concat: return "concat";
    case ActionKind::Write: return "write";
    case ActionKind::Hash: return "hash";
    case ActionKind::Compress: return "compress";
    case ActionKind::Decompress: return "decompress";
    case ActionKind::Call: return "call";
  }
  return "unknown";
}

}  // namespace

DispatchRunner::DispatchRunner(Loop& loop, const Pipeline& pipeline)
    : pipeline_(pipeline), defer_(loop) {}

DispatchRunner::~DispatchRunner() = default;

TaskRunner& DispatchRunner::add(std::unique_ptr<TaskRunner> runner,
                                std::initializer_list<ActionKind> kinds) {
  TaskRunner& r = *runner;
  r.set_listener(&relay_);
  for (ActionKind kind : kinds) by_kind_[index(kind)] = &r;
  runners_.push_back(std::move(runner));
  return r;
}

void DispatchRunner::set_listener(Listener* listener) { listener_ = listener; }

TaskRunner* DispatchRunner::runner_of(TaskId task) const {
  return task < pipeline_.tasks.size() ? runner_for(pipeline_.tasks[task].action) : nullptr;
}

TaskRunner* DispatchRunner::current_runner(TaskId task) const {
  return conditions_.contains(task) ? runner_for(ActionKind::Run) : runner_of(task);
}

void DispatchRunner::start(TaskId task, int attempt) {
  TaskRunner* r = runner_of(task);
  TaskRunner* shell = runner_for(ActionKind::Run);
  if (r && r != shell && shell && attempt == 1 && pipeline_.tasks[task].extras().if_cmd) {
    conditions_.insert(task);
    shell->start(task, attempt);
    return;
  }
  if (r) {
    r->start(task, attempt);
    return;
  }
  // Reported on the next turn, never from inside start() (TaskRunner's rule).
  unsupported_.push_back(task);
  if (!defer_.active()) defer_.start(std::chrono::milliseconds(0), [this] { fail_unsupported(); });
}

void DispatchRunner::fail_unsupported() {
  std::vector<TaskId> tasks = std::move(unsupported_);
  unsupported_.clear();
  for (TaskId task : tasks) {
    AttemptOutcome outcome;
    outcome.spawn_failed = true;  // not retried: nothing would change
    outcome.error = task < pipeline_.tasks.size()
                        ? std::string(kind_name(pipeline_.tasks[task].action)) +
                              " tasks are not supported yet"
                        : "no such task";
    if (listener_) listener_->on_task_finished(task, outcome);
  }
}

void DispatchRunner::terminate(TaskId task) {
  if (TaskRunner* r = current_runner(task)) r->terminate(task);
}

void DispatchRunner::kill(TaskId task) {
  if (TaskRunner* r = current_runner(task)) r->kill(task);
}

void DispatchRunner::pause_reading(TaskId task) {
  if (TaskRunner* r = current_runner(task)) r->pause_reading(task);
}

void DispatchRunner::resume_reading(TaskId task) {
  if (TaskRunner* r = current_runner(task)) r->resume_reading(task);
}

void DispatchRunner::suspend() {
  for (auto& r : runners_) r->suspend();
}

void DispatchRunner::resume() {
  for (auto& r : runners_) r->resume();
}

void DispatchRunner::pause_reading() {
  for (auto& r : runners_) r->pause_reading();
}

void DispatchRunner::resume_reading() {
  for (auto& r : runners_) r->resume_reading();
}

void DispatchRunner::bound_drain() {
  for (auto& r : runners_) r->bound_drain();
}

void DispatchRunner::Relay::on_task_started(TaskId task, int pid) {
  if (d_.listener_) d_.listener_->on_task_started(task, pid);
}

void DispatchRunner::Relay::on_task_output(TaskId task, StreamKind stream, std::string_view lines) {
  if (d_.listener_) d_.listener_->on_task_output(task, stream, lines);
}

void DispatchRunner::Relay::on_task_finished(TaskId task, const AttemptOutcome& outcome) {
  d_.condition_or_attempt_finished(task, outcome);
}

void DispatchRunner::condition_or_attempt_finished(TaskId task, const AttemptOutcome& outcome) {
  if (conditions_.erase(task) != 0 && outcome.condition_passed) {
    if (TaskRunner* r = runner_of(task)) r->start(task, 1);
    return;
  }
  if (listener_) listener_->on_task_finished(task, outcome);
}

}  // namespace sluice::detail
