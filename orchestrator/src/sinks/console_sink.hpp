/// ConsoleSink: what a person sees of a run (SPEC §4). Owned by the engine
/// or the CLI, fed on the loop thread, writing through a ByteOutput. It is
/// the composition of the console's parts:
///
/// - an OutputFormatter for the `--output` mode: prefixed (`NAME | line`,
///   `NAME ! line` for stderr), grouped (a block per task when it ends, like
///   make -O), interleaved (raw bytes) or quiet (a failed task's last lines);
/// - sluice's own `[sluice] ` lines (console_messages.hpp): one per failure,
///   timeout, retry and cancellation of a started task (with verbose, also
///   per start, success, skip and up-to-date), one when the run is
///   interrupted where there is no status line;
/// - on a TTY, the status line (status_line.hpp) saying what RunProgress
///   knows: `[done/total] running: a, b  12.3s`, or after Ctrl-C
///   `interrupting: stopping 3 tasks (Ctrl-C again to kill)`;
/// - the hold-back (hold_back.hpp): while an interactive task runs (it has
///   the terminal to itself, like ninja's console pool) the status line is
///   off and everything else is held in spools, in order, and printed when
///   that task's attempt ends; held output does not count as backlogged, so
///   the other tasks keep running. Grouped blocks replay through it too;
/// - at the end the SummaryTable (failures first) and the result line.
///
/// A task cannot forge sluice's lines: its output in prefixed, grouped and
/// quiet mode loses control sequences and carriage returns, colours too
/// unless our colour is on (terminal_filter.hpp). Off a TTY sluice writes
/// no control sequence of its own, except colours forced with
/// --color=always.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "sinks/byte_output.hpp"
#include "sinks/console_options.hpp"
#include "sinks/console_writer.hpp"
#include "sinks/output_formatter.hpp"
#include "sinks/run_progress.hpp"
#include "sinks/sink.hpp"
#include "sinks/summary_table.hpp"
#include "sinks/task_prefixes.hpp"

namespace sluice::detail {

class ConsoleSink final : public Sink {
 public:
  ConsoleSink(ByteOutput& out, ConsoleOptions options);
  ~ConsoleSink() override;
  ConsoleSink(const ConsoleSink&) = delete;
  ConsoleSink& operator=(const ConsoleSink&) = delete;

  void on_event(const Event& event) override;
  /// The output is backlogged, or a grouped block is still being replayed.
  bool backlogged() const override;
  /// Replays pending grouped output while the output takes it.
  void resume() override;
  /// Writes whatever is still pending (also spools of unfinished tasks) and
  /// clears the status line. Idempotent.
  void close() override;

  /// Redraws the status line with the time elapsed at `now` (TTY only). The
  /// engine calls it from a timer, e.g. every 200 ms.
  void tick(Clock::time_point now);

  /// Interactive task `id` is about to start: the status line goes and
  /// everything else is held back until its attempt ends (TaskRetrying or
  /// TaskFinished). The engine calls it before the spawn, so that none of
  /// our bytes land after the task's first ones; TaskStarted of an
  /// interactive task does it too, for callers that did not.
  void take_terminal(TaskId id);

  /// The run is being interrupted by `signo` (SIGINT, SIGTERM, ...), or
  /// with `killing`, every task is being killed (a second Ctrl-C). Said at
  /// once, before the tasks end (SPEC §4): on the status line, or where
  /// there is none, in a `[sluice]` line. The engine calls it on each
  /// interrupt; only a new stage is shown.
  void interrupting(int signo, bool killing);

  /// A problem of the run that is no task's (an output that could not be
  /// written): a `[sluice]` line of the summary, before the result line.
  void add_problem(std::string text);
  /// Takes the status line off the terminal (the next frame or tick draws
  /// it again), so that a line written there through another fd does not
  /// land on it.
  void clear_status();

  bool color() const { return writer_.color(); }
  /// Bytes of task output held in memory across tasks (tests, metrics).
  std::size_t grouped_memory_bytes() const;

 private:
  void on(const RunStarted& e);
  void on(const TaskStarted& e);
  void on(const TaskOutput& e);
  void on(const TaskRetrying& e);
  void on(const TaskFinished& e);
  void on(const RunFinished& e);
  bool is_interactive(TaskId id) const;

  ConsoleOptions opt_;
  RunProgress progress_;
  Clock::time_point last_ts_{};  ///< the latest event's time: the status line's "now"
  ConsoleWriter writer_;
  TaskPrefixes prefixes_;
  std::unique_ptr<OutputFormatter> formatter_;
  SummaryTable table_;
  std::vector<std::string> problems_;
  bool run_over_ = false;
};

}  // namespace sluice::detail
