/// Event builders and a tiny terminal emulator shared by the sink tests.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "sinks/console_options.hpp"
#include "sluice/events.hpp"

namespace sluice::detail::test {

/// Console options for `mode`, the selected task names `names`.
inline ConsoleOptions opts(OutputMode mode, std::vector<std::string> names = {}) {
  ConsoleOptions o;
  o.mode = mode;
  o.task_names = std::move(names);
  return o;
}

/// 2026-11-21T10:00:00.000Z plus `ms`.
inline Clock::time_point at(std::int64_t ms = 0) {
  return Clock::time_point(std::chrono::seconds(1795255200)) + std::chrono::milliseconds(ms);
}

inline RunStarted run_started(std::size_t tasks, std::int64_t ms = 0) {
  return RunStarted{at(ms), "etl", tasks};
}
inline TaskStarted started(TaskId id, std::string_view name, std::int64_t ms = 0, int attempt = 1) {
  return TaskStarted{at(ms), id, name, attempt, 4242};
}
inline TaskOutput output(TaskId id, std::string_view name, std::string_view lines,
                         StreamKind s = StreamKind::Stdout, std::int64_t ms = 0) {
  return TaskOutput{at(ms), id, name, s, lines};
}
inline TaskFinished finished(TaskId id, std::string_view name, TaskStatus st, std::optional<int> exit = 0,
                             std::int64_t duration = 812, std::int64_t ms = 0) {
  TaskFinished f;
  f.ts = at(ms);
  f.task = id;
  f.name = name;
  f.status = st;
  f.exit_code = exit;
  f.attempts = 1;
  f.duration_ms = duration;
  f.cpu_ms = 40;
  f.max_rss_kb = 5120;
  return f;
}

/// What a terminal would show: handles '\r', '\n', ESC [ K (erase to end of
/// line) and drops SGR. Returns the committed lines; `current` gets what is
/// on the last, unfinished line. Any other control sequence fails the parse
/// (returned as a line "<<bad escape>>").
inline std::vector<std::string> emulate(std::string_view s, std::string* current = nullptr) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t col = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\r') {
      col = 0;
    } else if (c == '\n') {
      lines.push_back(line);
      line.clear();
      col = 0;
    } else if (c == '\x1b') {
      std::size_t j = i + 1;
      if (j >= s.size() || s[j] != '[') {
        lines.push_back("<<bad escape>>");
        continue;
      }
      ++j;
      while (j < s.size() && ((s[j] >= '0' && s[j] <= '9') || s[j] == ';')) ++j;
      if (j < s.size() && s[j] == 'K') line.resize(col);
      else if (j >= s.size() || s[j] != 'm') lines.push_back("<<bad escape>>");
      i = j;
    } else {
      if (col < line.size()) line[col] = c;
      else line.push_back(c);
      ++col;
    }
  }
  if (current) *current = line;
  return lines;
}

}  // namespace sluice::detail::test
