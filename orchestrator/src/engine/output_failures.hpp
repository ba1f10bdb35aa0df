/// OutputFailures: what a run does when one of its outputs (the console, the
/// event stream) cannot be written. The policy, in one place:
///
/// - EPIPE on the console, or on the event stream when it is stdout, means
///   the reader of sluice's stdout left: the run is cancelled as by a
///   signal, SIGPIPE, and the result says so (RunResult::signal), as a Unix
///   filter dies on a closed pipe (`make | head`). That EPIPE is no error
///   and is not reported.
/// - Any other write error (EIO, ENOSPC, EPIPE of an events FIFO) is
///   reported once, that output is dropped, and the run goes on and ends
///   failed (RunResult::output_error), even if every task succeeded.
/// - A failed output never keeps the task pipes paused (its writer is never
///   full again).
///
/// The failure is recorded inside the failed write, where dropping the sink
/// or stopping the run would pull them from under their callers; the
/// reaction comes on the next loop turn. Owned by RunOutputs; loop thread.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>

#include "runtime/loop.hpp"
#include "runtime/timer.hpp"
#include "sluice/run.hpp"

namespace sluice::detail {

class OutputFailures {
 public:
  enum class Output : std::uint8_t { Console, Events };
  struct Hooks {
    /// The output failed: it shows nothing more.
    std::function<void(Output)> drop;
    /// Says a failure, once: "cannot write events to /dev/full: No space
    /// left on device".
    std::function<void(const std::string& text)> report;
    /// The reader of sluice's stdout left: cancel the run.
    std::function<void()> broken_pipe;
  };

  OutputFailures(Loop& loop, Hooks hooks);

  /// Names an output for messages ("to stdout", "events to ev.jsonl") and
  /// says whether it is sluice's stdout.
  void describe(Output output, std::string what, bool on_stdout);
  /// Called inside the failed write; the first error of an output counts.
  void failed(Output output, int err);
  bool failed(Output output) const { return at(output).err != 0; }
  bool any() const { return failed(Output::Console) || failed(Output::Events); }
  /// The reader of sluice's stdout left (see the file comment).
  bool broken_pipe() const;

  /// The status a finished run has, its outputs considered: a success with
  /// a failed output failed, or was interrupted by SIGPIPE.
  RunStatus status(RunStatus run) const;
  /// At the end: reports what was not reported yet (the last writes' failures)
  /// and sets the result's status, signal and output_error.
  void apply(RunResult& result);

 private:
  struct State {
    std::string what;
    int err = 0;
    bool on_stdout = false;
    bool reported = false;
  };
  State& at(Output o) { return outputs_[static_cast<std::size_t>(o)]; }
  const State& at(Output o) const { return outputs_[static_cast<std::size_t>(o)]; }
  void react();
  void report(State& s);

  Hooks hooks_;
  std::array<State, 2> outputs_;
  Timer react_;
};

}  // namespace sluice::detail
