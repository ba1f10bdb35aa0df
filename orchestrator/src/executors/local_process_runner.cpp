#include "executors/local_process_runner.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "executors/process_task.hpp"

extern "C" char** environ;

namespace sluice::detail {

LocalProcessRunner::LocalProcessRunner(Loop& loop, const Pipeline& pipeline,
                                       LocalRunnerOptions options, TaskOutputValues& values)
    : loop_(loop),
      pipeline_(pipeline),
      options_(std::move(options)),
      values_(values),
      supervisor_(loop),
      reap_timer_(loop) {
  for (char** e = environ; e && *e; ++e) base_env_.emplace_back(*e);
  // A failure leaves it invalid: spawn_child then opens /dev/null itself.
  dev_null_.reset(::open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!options_.stream_edges.empty())
    links_ = std::make_unique<StreamLinks>(pipeline_, std::move(options_.stream_edges));
}

LocalProcessRunner::~LocalProcessRunner() {
  tasks_.clear();
  finished_.clear();
  output_dir_fd_.reset();
  if (!output_dir_.empty() && ::rmdir(output_dir_.c_str()) != 0) {
    // A killed task's straggler may have written its file after the unlink.
    std::error_code ec;
    std::filesystem::remove_all(output_dir_, ec);
  }
}

std::string LocalProcessRunner::next_output_path(std::string& error) {
  if (output_dir_.empty()) {
    std::string base = options_.temp_dir;
    if (base.empty()) {
      const char* t = ::getenv("TMPDIR");
      base = t && *t ? t : "/tmp";
    }
    std::string dir = base + "/sluice-run-XXXXXX";
    if (!::mkdtemp(dir.data())) {
      error = "cannot create a directory for $SLUICE_OUTPUT in " + base + ": " + std::strerror(errno);
      return {};
    }
    output_dir_fd_.reset(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!output_dir_fd_.valid()) {
      error = "cannot open " + dir + ": " + std::strerror(errno);
      ::rmdir(dir.c_str());
      return {};
    }
    if (!start_watchdog(dir, error)) {
      output_dir_fd_.reset();
      ::rmdir(dir.c_str());
      return {};
    }
    output_dir_ = std::move(dir);
  }
  return output_dir_ + "/output-" + std::to_string(++output_counter_);
}

bool LocalProcessRunner::start_watchdog(const std::string& dir, std::string& error) {
  watchdog_ = Watchdog::start(supervisor_.token_prefix(), error);
  if (!error.empty()) return false;
  if (watchdog_) {
    // It works from "/": a relative $TMPDIR must not become another directory.
    std::error_code ec;
    watchdog_->set_temp_dir(std::filesystem::absolute(dir, ec).string());
    supervisor_.set_watchdog(watchdog_.get());
  }
  return true;
}

void LocalProcessRunner::start(TaskId task, int attempt) {
  auto t = std::make_unique<ProcessTask>(*this, task, attempt);
  ProcessTask* raw = t.get();
  tasks_[task] = std::move(t);
  if (paused_) raw->pause_reading();
  if (bounded_drain_) raw->bound_drain();
  raw->start();
}

void LocalProcessRunner::terminate(TaskId task) {
  if (auto it = tasks_.find(task); it != tasks_.end()) it->second->terminate();
}

void LocalProcessRunner::kill(TaskId task) {
  if (auto it = tasks_.find(task); it != tasks_.end()) it->second->kill();
}

void LocalProcessRunner::bound_drain() {
  bounded_drain_ = true;
  for (auto& [id, t] : tasks_) t->bound_drain();
}

void LocalProcessRunner::suspend() {
  for (auto& [id, t] : tasks_) t->suspend();
}

void LocalProcessRunner::resume() {
  for (auto& [id, t] : tasks_) t->resume();
}

void LocalProcessRunner::pause_reading() {
  paused_ = true;
  for (auto& [id, t] : tasks_) t->pause_reading();
}

void LocalProcessRunner::resume_reading() {
  paused_ = false;
  for (auto& [id, t] : tasks_) t->resume_reading();
}

void LocalProcessRunner::pause_reading(TaskId task) {
  if (auto it = tasks_.find(task); it != tasks_.end()) it->second->pause_reading();
}

void LocalProcessRunner::resume_reading(TaskId task) {
  if (auto it = tasks_.find(task); it != tasks_.end()) it->second->resume_reading();
}

void LocalProcessRunner::task_started(TaskId task, int pid) {
  if (listener_) listener_->on_task_started(task, pid);
}

void LocalProcessRunner::task_output(TaskId task, StreamKind stream, std::string_view lines) {
  if (listener_) listener_->on_task_output(task, stream, lines);
}

void LocalProcessRunner::task_finished(TaskId task, AttemptOutcome outcome) {
  if (links_) links_->release(task);  // an end it never took: the other side sees EOF/EPIPE
  if (auto it = tasks_.find(task); it != tasks_.end()) {
    finished_.push_back(std::move(it->second));
    tasks_.erase(it);
    if (!reap_timer_.active()) reap_timer_.start(std::chrono::milliseconds(0), [this] { finished_.clear(); });
  }
  if (listener_) listener_->on_task_finished(task, outcome);
}

}  // namespace sluice::detail
