/// SummaryTable: the table at the end of a run (SPEC §4): task, status,
/// attempts, duration, exit. Failed and timed-out tasks come first, so one
/// failure is not buried among many successes; without verbose a run that
/// had any shows only them, other runs every task up to a limit. Also the
/// result line that ends the run's output. Owned by the ConsoleSink; loop
/// thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sluice/events.hpp"

namespace sluice::detail {

class SummaryTable {
 public:
  void add(const TaskFinished& e);
  /// The table, each line ending in '\n'; "" when no row is shown. `limit`:
  /// at most this many rows without `verbose`, and a run without failures
  /// that has more tasks shows none.
  std::string render(bool verbose, std::size_t limit, bool color);

 private:
  struct Row {
    TaskId id = 0;
    std::string name;
    TaskStatus status = TaskStatus::Succeeded;
    SkipReason reason = SkipReason::None;
    bool ignored = false;
    int attempts = 0;
    std::int64_t duration_ms = 0;
    std::string exit;
  };
  std::vector<Row> rows_;
};

/// "[sluice] run failed in 1m10s: 1 succeeded, 2 failed", after a line for
/// each of `problems` (outputs that failed, ...), each ending in '\n'.
std::string result_lines(const RunFinished& e, const std::vector<std::string>& problems, bool color);

}  // namespace sluice::detail
