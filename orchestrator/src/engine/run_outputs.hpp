/// RunOutputs: every consumer of one run's events behind one entry point,
/// built from RunOptions:
///
///   events --> MaskingSink --> SinkFanOut --> ConsoleSink   (WriterOutput on stdout, or stderr)
///                                        +--> JsonlEventSink (WriterOutput on the events file or stdout)
///                                        +--> ObserverSink   (each RunObserver)
///
/// (later sinks, such as log files, the report or the web page, are added
/// to the fan-out the same way). Every writer is non-blocking: a reader
/// that falls behind makes its sink backlogged(), which the engine answers
/// by pausing the task pipes; the loop, its timers and signals go on. A
/// write that fails goes to OutputFailures (output_failures.hpp).
///
/// Owned by the run, destroyed before its loop closes; loop thread only.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/output_failures.hpp"
#include "engine/writer_output.hpp"
#include "runtime/loop.hpp"
#include "runtime/timer.hpp"
#include "sinks/console_sink.hpp"
#include "sinks/jsonl_event_sink.hpp"
#include "sinks/masking_sink.hpp"
#include "sinks/sink.hpp"
#include "sluice/run.hpp"

namespace sluice::detail {

class RunOutputs {
 public:
  struct Hooks {
    /// A writer drained or an output failed: backlogged() may have changed.
    std::function<void()> flow_changed;
    /// The reader of sluice's stdout left: cancel the run as by SIGPIPE.
    /// Returns false when there was nothing to cancel (the run is over or
    /// already interrupted).
    std::function<bool()> cancel_for_broken_pipe;
  };

  /// Opens the events file: throws std::runtime_error when it cannot.
  RunOutputs(Loop& loop, const Pipeline& pipeline, const std::vector<TaskId>& selected,
             const RunOptions& options, std::vector<std::string> secrets, Hooks hooks);
  ~RunOutputs();
  RunOutputs(const RunOutputs&) = delete;
  RunOutputs& operator=(const RunOutputs&) = delete;

  /// An event of the scheduler.
  void emit(const Event& event);
  /// Lines of a task's output, as its runner delivered them.
  void task_output(TaskId task, StreamKind stream, std::string_view lines);
  /// Some sink cannot take more: stop reading task output.
  bool backlogged() const { return chain_->backlogged(); }
  /// The console, for the engine's calls that are not events; may be null.
  ConsoleSink* console() const { return console_; }
  /// The run is being interrupted by `signo` (said at once, SPEC §4).
  void interrupting(int signo, bool killing);
  /// The run is over: flushes and closes every sink, and applies what
  /// failed to `result`.
  void finish(RunResult& result);

 private:
  std::unique_ptr<Sink> make_events(const RunOptions& options);
  std::unique_ptr<Sink> make_console(const std::vector<TaskId>& selected,
                                     const RunOptions& options);
  void drop(OutputFailures::Output output);
  void report(const std::string& text);
  void broken_pipe();
  void drained();

  Loop& loop_;
  const Pipeline& pipeline_;
  Hooks hooks_;
  OutputFailures failures_;
  // Writers before the sinks that write to them: destroyed after them.
  std::unique_ptr<WriterOutput> console_out_;
  std::unique_ptr<WriterOutput> events_out_;
  SinkFanOut fan_out_;
  ConsoleSink* console_ = nullptr;       ///< in fan_out_
  JsonlEventSink* events_ = nullptr;     ///< in fan_out_; null once dropped
  std::unique_ptr<MaskingSink> chain_;   ///< the entry: masking, then fan_out_
  std::unique_ptr<Timer> tick_;          ///< the status line's clock (TTY)
  std::unique_ptr<Timer> give_up_;       ///< an interrupted run waits this long for readers
};

}  // namespace sluice::detail
