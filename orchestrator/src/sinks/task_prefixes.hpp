/// TaskPrefixes: the `NAME | ` (stdout) and `NAME ! ` (stderr) before each
/// line of a task, names padded so the bars align (width: the longest
/// selected name, capped; when no names are given it grows with the names
/// seen), the name in the task's colour when colour is on. Built once per
/// task and width. Also append_prefixed(), the hot path that writes lines
/// with their prefix. Owned by the ConsoleSink, shared with the formatters
/// that prefix lines; loop thread only.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sinks/byte_buffer.hpp"
#include "sluice/events.hpp"

namespace sluice::detail {

class TaskPrefixes {
 public:
  TaskPrefixes(const std::vector<std::string>& names, std::size_t max_width, bool color);

  /// Task `task` is seen (started, or printing) under `name`.
  void note(TaskId task, std::string_view name);
  /// The prefix of `task`'s lines on `stream`, at the current width. The
  /// task must have been noted.
  std::string_view of(TaskId task, StreamKind stream);
  /// Drops what is kept for `task` (it finished).
  void forget(TaskId task);

 private:
  struct Entry {
    std::string name;
    std::string out, err;
    std::size_t width = SIZE_MAX;  ///< the width `out` and `err` were built for
  };

  std::vector<std::unique_ptr<Entry>> entries_;  ///< by TaskId
  bool grow_;
  std::size_t width_ = 0;
  std::size_t max_width_;
  bool color_;
};

/// Appends `lines` (whole lines; a last one without '\n' gets one) with
/// `prefix` before each. A task cannot forge sluice's lines (SPEC §4):
/// control sequences and carriage returns are removed, colours too unless
/// `keep_sgr`; a line that leaves a colour on gets a reset.
void append_prefixed(ByteBuffer& out, std::string_view prefix, std::string_view lines, bool keep_sgr);

}  // namespace sluice::detail
