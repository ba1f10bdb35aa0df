/// Events: the facts of a run, in the order they happened. The scheduler emits
/// each one once, on the loop thread; sinks (console, JSON lines, logs) and
/// embedders receive the same structs. They are past-tense facts and never
/// steer the run.
///
/// String views inside an event point into the emitter's buffers and are only
/// valid during the callback: copy what you keep.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "sluice/pipeline.hpp"

namespace sluice {

using Clock = std::chrono::system_clock;

enum class TaskStatus : std::uint8_t { Succeeded, Failed, TimedOut, Cancelled, Skipped, UpToDate };
enum class SkipReason : std::uint8_t { None, If, DependencyFailed };
enum class RunStatus : std::uint8_t { Succeeded, Failed, Interrupted };
enum class StreamKind : std::uint8_t { Stdout, Stderr };

std::string_view to_string(TaskStatus s);  ///< "succeeded", "timed_out", ...
std::string_view to_string(SkipReason r);  ///< "", "if", "dependency_failed"
std::string_view to_string(RunStatus s);   ///< "succeeded", "failed", "interrupted"
std::string_view to_string(StreamKind s);  ///< "stdout", "stderr"

struct RunStarted {
  Clock::time_point ts;
  std::string_view pipeline;
  std::size_t tasks = 0;  ///< tasks selected for this run
};

struct TaskStarted {
  Clock::time_point ts;
  TaskId task = 0;
  std::string_view name;
  int attempt = 1;
  int pid = 0;  ///< 0 for tasks that run no process
};

/// Output of a task, one or more whole lines, each ending in '\n'. The last
/// line of a stream may lack its '\n' (the stream ended without one), and a
/// line longer than the line cap arrives cut into pieces, each ended by '\n'.
struct TaskOutput {
  Clock::time_point ts;
  TaskId task = 0;
  std::string_view name;
  StreamKind stream = StreamKind::Stdout;
  std::string_view lines;
};

struct TaskRetrying {
  Clock::time_point ts;
  TaskId task = 0;
  std::string_view name;
  int attempt = 2;  ///< the attempt about to start
  std::int64_t delay_ms = 0;
  std::string reason;  ///< "exit 7", "timed out", "signal SIGKILL"
};

struct TaskFinished {
  Clock::time_point ts;
  TaskId task = 0;
  std::string_view name;
  TaskStatus status = TaskStatus::Succeeded;
  SkipReason reason = SkipReason::None;
  std::optional<int> exit_code;
  std::optional<int> signal;
  std::string error;  ///< spawn failure, missing output, ...: empty when none
  int attempts = 0;
  bool ignored = false;  ///< a continue_on_error failure
  std::int64_t duration_ms = 0;
  std::int64_t cpu_ms = 0;
  /// Peak RSS of the task's processes (the max over attempts); 0 when
  /// unknown: no process ran, or its peak was not above sluice's own, which
  /// every child inherits as a floor (the event stream then omits it).
  std::int64_t max_rss_kb = 0;
  /// A file task's bytes read from its inputs and written into its `to`,
  /// in its last attempt (a failed one counts what it moved before it
  /// stopped); unset for process tasks and tasks that never ran.
  std::optional<std::uint64_t> bytes_read;
  std::optional<std::uint64_t> bytes_written;
};

struct RunFinished {
  Clock::time_point ts;
  RunStatus status = RunStatus::Succeeded;
  std::size_t succeeded = 0, failed = 0, timed_out = 0, cancelled = 0, skipped = 0, up_to_date = 0;
  std::int64_t duration_ms = 0;
};

using Event = std::variant<RunStarted, TaskStarted, TaskOutput, TaskRetrying, TaskFinished, RunFinished>;

}  // namespace sluice
