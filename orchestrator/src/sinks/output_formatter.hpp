/// OutputFormatter: how one `--output` mode shows the tasks' output (SPEC
/// §4), one implementation per mode: prefixed, grouped, interleaved, quiet.
/// The ConsoleSink feeds it, around its own lines; the formatter writes
/// through the ConsoleWriter. Loop thread only.
#pragma once

#include <cstddef>
#include <memory>

#include "sinks/console_options.hpp"
#include "sluice/events.hpp"

namespace sluice::detail {

class ConsoleWriter;
class TaskPrefixes;

class OutputFormatter {
 public:
  virtual ~OutputFormatter() = default;
  /// One or more whole lines of a task (never empty).
  virtual void output(const TaskOutput& e) = 0;
  /// A task finished; called before sluice's line about it (grouped prints
  /// the task's block here, as make -O does).
  virtual void finishing(const TaskFinished&) {}
  /// ... and after it (quiet shows a failed task's last lines here).
  virtual void finished(const TaskFinished&) {}
  /// The run is torn down: show what is still kept (grouped: the blocks of
  /// tasks that never finished).
  virtual void close() {}
  /// Bytes of task output kept in memory (tests, metrics).
  virtual std::size_t memory_bytes() const { return 0; }
};

/// The formatter of `options.mode` (None shows nothing, as Quiet), writing
/// through `writer` with `prefixes`, both kept alive by the caller.
std::unique_ptr<OutputFormatter> make_output_formatter(const ConsoleOptions& options, ConsoleWriter& writer,
                                                       TaskPrefixes& prefixes);

}  // namespace sluice::detail
