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
  r.set_listener(listener_);
  for (ActionKind kind : kinds) by_kind_[index(kind)] = &r;
  runners_.push_back(std::move(runner));
  return r;
}

void DispatchRunner::set_listener(Listener* listener) {
  listener_ = listener;
  for (auto& r : runners_) r->set_listener(listener);
}

TaskRunner* DispatchRunner::runner_of(TaskId task) const {
  return task < pipeline_.tasks.size() ? runner_for(pipeline_.tasks[task].action) : nullptr;
}

void DispatchRunner::start(TaskId task, int attempt) {
  if (TaskRunner* r = runner_of(task)) {
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
  if (TaskRunner* r = runner_of(task)) r->terminate(task);
}

void DispatchRunner::kill(TaskId task) {
  if (TaskRunner* r = runner_of(task)) r->kill(task);
}

void DispatchRunner::pause_reading(TaskId task) {
  if (TaskRunner* r = runner_of(task)) r->pause_reading(task);
}

void DispatchRunner::resume_reading(TaskId task) {
  if (TaskRunner* r = runner_of(task)) r->resume_reading(task);
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

}  // namespace sluice::detail
