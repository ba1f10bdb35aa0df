/// ConsoleOptions: how the console shows a run (SPEC §4), set by the engine
/// from RunOptions or by a test. Plain data.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sluice/run.hpp"

namespace sluice::detail {

struct ConsoleOptions {
  OutputMode mode = OutputMode::Prefixed;  ///< None shows no task output, as Quiet
  ColorMode color = ColorMode::Auto;
  bool no_color_env = false;  ///< NO_COLOR is set and not empty (the CLI reads it)
  bool summary = true;        ///< the table; false with -q/--quiet
  bool verbose = false;       ///< a line per start, success, skip, up-to-date; every row of the table
  bool status_line = true;    ///< only ever drawn on a TTY
  /// Names of the selected tasks: their longest sets the prefix width. When
  /// empty, the width grows with the names seen (alignment may shift).
  std::vector<std::string> task_names;
  std::size_t max_prefix_width = 24;
  std::size_t summary_full_limit = 50;
  std::size_t quiet_tail_lines = 20;
  std::size_t tail_line_max = 1024;  ///< bytes kept of each tail line
  std::size_t grouped_memory_limit = 64 * 1024;  ///< per task (and per held spool), before spooling
  std::size_t replay_chunk = 64 * 1024;
  std::string spool_dir;  ///< "" = $TMPDIR or /tmp
  /// By TaskId: the interactive tasks (empty = none).
  std::vector<bool> interactive;
};

}  // namespace sluice::detail
