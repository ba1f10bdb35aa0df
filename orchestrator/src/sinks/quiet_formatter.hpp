/// QuietFormatter (`--output quiet`): no task output, except that a failed
/// or timed-out task shows its last lines (prefixed) after sluice's line
/// about it. Keeps a ring of the last `quiet_tail_lines` lines per running
/// task, each cut to `tail_line_max` bytes. Loop thread only.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "sinks/output_formatter.hpp"

namespace sluice::detail {

class QuietFormatter final : public OutputFormatter {
 public:
  QuietFormatter(ConsoleWriter& writer, TaskPrefixes& prefixes, std::size_t tail_lines, std::size_t line_max);
  void output(const TaskOutput& e) override;
  void finished(const TaskFinished& e) override;

 private:
  /// The last lines, each led by '|' or '!' (its stream).
  struct Tail {
    std::vector<std::string> lines;
    std::size_t next = 0;
    std::size_t count = 0;
  };
  void print(TaskId task, const Tail& tail);

  ConsoleWriter& writer_;
  TaskPrefixes& prefixes_;
  std::size_t keep_;
  std::size_t line_max_;
  std::vector<std::unique_ptr<Tail>> tails_;  ///< by TaskId, while running
};

}  // namespace sluice::detail
