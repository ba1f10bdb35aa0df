/// ConsoleSink: what a person sees of a run (SPEC §4). Owned by the engine or
/// the CLI, fed on the loop thread, writing through a ByteOutput.
///
/// Modes:
/// - prefixed: every line as `NAME | line` (stdout) or `NAME ! line`
///   (stderr), names padded so the bars align (width = longest selected
///   name, capped), a task's colour from a fixed palette by TaskId. A batch
///   becomes one buffer and one write; a last line without '\n' gets one.
/// - grouped: a task's output (stdout and stderr, unmarked, like make -O)
///   printed in one block under a `--- NAME ---` header when it finishes;
///   spooled to a temporary file past a small memory buffer and replayed in
///   chunks while the output is not backlogged (see Sink::resume).
/// - interleaved: the raw bytes as they come.
/// - quiet: no task output; a failed or timed-out task shows its last lines.
///
/// sluice's own lines start with `[sluice] `: one per failure, timeout,
/// retry and cancellation of a started task (with verbose, also per start,
/// success, skip and up-to-date), one when the run is interrupted (off a
/// TTY), then a summary table (unless disabled) and the result line. The
/// table lists failed and timed-out tasks first; without verbose, a run that
/// had any shows only them, and other runs show every task up to
/// `summary_full_limit` tasks. Durations stand where a path cannot extend
/// them: `x failed after 0.0s: command not found: fecth`.
///
/// On a TTY: a status line `[done/total] running: a, b  12.3s` kept at the
/// bottom (cleared before any other bytes and redrawn after them in the same
/// write, drawn only at the start of a line); once the run is interrupted it
/// reads `interrupting: stopping 3 tasks (Ctrl-C again to kill)`.
/// A task cannot forge sluice's lines: its output in prefixed, grouped and
/// quiet mode passes through append_neutralised (terminal_filter.hpp), which
/// keeps colour sequences only when our colour is on. Interleaved output is
/// the tasks' raw bytes off a TTY, and filtered likewise on one. Off a TTY
/// sluice writes no control sequence of its own, except colours when forced
/// with --color=always.
///
/// While an interactive task runs (it has the terminal to itself, like
/// ninja's console pool) the status line is off and everything else the
/// sink would write is held back in spools (memory up to
/// grouped_memory_limit each, then a temporary file), in order; it is
/// printed when that task's attempt ends (with verbose, its own "started"
/// line too). Held output does not count as backlogged: the other tasks
/// keep running.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sinks/byte_buffer.hpp"
#include "sinks/byte_output.hpp"
#include "sinks/sink.hpp"

namespace sluice::detail {

class Spool;

enum class OutputMode : std::uint8_t { Prefixed, Grouped, Interleaved, Quiet };
enum class ColorMode : std::uint8_t { Auto, Always, Never };

std::optional<OutputMode> parse_output_mode(std::string_view s);
std::optional<ColorMode> parse_color_mode(std::string_view s);

/// `always` wins over NO_COLOR (an explicit flag beats the environment);
/// `auto` means a TTY and no NO_COLOR.
bool decide_color(ColorMode mode, bool no_color_env, bool is_tty);

struct ConsoleOptions {
  OutputMode mode = OutputMode::Prefixed;
  ColorMode color = ColorMode::Auto;
  bool no_color_env = false;  ///< NO_COLOR is set and not empty (the CLI reads it)
  bool summary = true;        ///< the table; false with -q/--quiet
  bool verbose = false;       ///< a line per start, success, skip, up-to-date
  bool status_line = true;    ///< only ever drawn on a TTY
  /// Names of the selected tasks: their longest sets the prefix width. When
  /// empty, the width grows with the names seen (alignment may shift).
  std::vector<std::string> task_names;
  std::size_t max_prefix_width = 24;
  std::size_t summary_full_limit = 50;
  std::size_t quiet_tail_lines = 20;
  std::size_t tail_line_max = 1024;  ///< bytes kept of each tail line
  std::size_t grouped_memory_limit = 64 * 1024;  ///< per task, before spooling
  std::size_t replay_chunk = 64 * 1024;
  std::string spool_dir;  ///< "" = $TMPDIR or /tmp
  /// By TaskId: the interactive tasks (empty = none).
  std::vector<bool> interactive;
};

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

  bool color() const { return color_; }
  /// Bytes of grouped output held in memory across tasks (tests, metrics).
  std::size_t grouped_memory_bytes() const;

 private:
  struct TaskState;
  struct Row;
  struct Pending;

  void on(const RunStarted& e);
  void on(const TaskStarted& e);
  void on(const TaskOutput& e);
  void on(const TaskRetrying& e);
  void on(const TaskFinished& e);
  void on(const RunFinished& e);

  TaskState& state(TaskId id, std::string_view name);
  void refresh_prefixes(TaskState& t, TaskId id);
  void append_lines(ByteBuffer& out, std::string_view prefix, std::string_view lines);
  void keep_tail(TaskState& t, StreamKind stream, std::string_view lines);
  void spool_output(TaskState& t, TaskId id, std::string_view lines);
  void queue_replay(TaskState& t);
  void print_tail(TaskState& t, TaskId id);
  bool is_interactive(TaskId id) const;
  Pending open_spool() const;
  void release(TaskId id);
  void defer(std::string_view body);

  void message(std::string_view text, const char* sgr = nullptr);
  void begin_frame();
  void end_frame();
  void pump();
  void status_text(std::string& out, Clock::time_point now) const;
  bool status_enabled() const;
  void write_summary(const RunFinished& e);
  std::string interrupt_text() const;

  ByteOutput& out_;
  ConsoleOptions opt_;
  bool tty_;
  bool color_;
  std::size_t width_ = 0;
  std::vector<std::unique_ptr<TaskState>> tasks_;  // by TaskId, while running
  std::vector<TaskId> running_;                      // start order
  std::vector<Row> rows_;
  std::deque<Pending> pending_;  // grouped replays and what waits behind them
  std::vector<TaskId> holders_;  // interactive tasks running: hold output back
  std::vector<std::string> problems_;
  ByteBuffer frame_;
  ByteBuffer spool_buf_;
  std::size_t body_start_ = 0;
  std::string scratch_;
  bool run_started_ = false;
  bool run_finished_ = false;
  bool closed_ = false;
  bool status_shown_ = false;
  bool at_line_start_ = true;
  std::size_t total_ = 0;
  std::size_t done_ = 0;
  int interrupt_stage_ = 0;  ///< 0 running, 1 interrupting, 2 killing
  int interrupt_signal_ = 0;
  Clock::time_point run_start_{};
  Clock::time_point last_ts_{};
};

}  // namespace sluice::detail
