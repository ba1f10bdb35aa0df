/// ConsoleHandoff: the run's TaskRunner as the scheduler drives it, with one
/// step first: an interactive task gets the console before its process
/// exists, so that nothing sluice writes (the status line's erasure
/// included) lands after the task's first bytes, such as a password prompt.
/// Everything else goes straight through. Owned by the run; loop thread.
#pragma once

#include "executors/task_runner.hpp"
#include "sinks/console_sink.hpp"
#include "sluice/pipeline.hpp"

namespace sluice::detail {

class ConsoleHandoff final : public TaskRunner {
 public:
  /// `console` may be null (no console): then this only forwards.
  ConsoleHandoff(TaskRunner& runner, const Pipeline& pipeline, ConsoleSink* console)
      : runner_(runner), pipeline_(pipeline), console_(console) {}

  void set_listener(Listener* listener) override { runner_.set_listener(listener); }
  void start(TaskId task, int attempt) override {
    if (console_ && pipeline_.tasks[task].interactive) console_->take_terminal(task);
    runner_.start(task, attempt);
  }
  void terminate(TaskId task) override { runner_.terminate(task); }
  void kill(TaskId task) override { runner_.kill(task); }
  void suspend() override { runner_.suspend(); }
  void resume() override { runner_.resume(); }
  void pause_reading() override { runner_.pause_reading(); }
  void resume_reading() override { runner_.resume_reading(); }
  void pause_reading(TaskId task) override { runner_.pause_reading(task); }
  void resume_reading(TaskId task) override { runner_.resume_reading(task); }
  void bound_drain() override { runner_.bound_drain(); }

 private:
  TaskRunner& runner_;
  const Pipeline& pipeline_;
  ConsoleSink* console_;
};

}  // namespace sluice::detail
