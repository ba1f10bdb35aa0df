#include "sinks/quiet_formatter.hpp"

#include <algorithm>
#include <cstring>

#include "sinks/console_writer.hpp"
#include "sinks/task_prefixes.hpp"

namespace sluice::detail {

QuietFormatter::QuietFormatter(ConsoleWriter& writer, TaskPrefixes& prefixes, std::size_t tail_lines,
                               std::size_t line_max)
    : writer_(writer), prefixes_(prefixes), keep_(std::max<std::size_t>(tail_lines, 1)), line_max_(line_max) {}

void QuietFormatter::output(const TaskOutput& e) {
  prefixes_.note(e.task, e.name);
  if (e.task >= tails_.size()) tails_.resize(static_cast<std::size_t>(e.task) + 1);
  if (!tails_[e.task]) tails_[e.task] = std::make_unique<Tail>();
  Tail& t = *tails_[e.task];

  std::string_view body = e.lines;
  if (body.back() == '\n') body.remove_suffix(1);
  // Only the batch's last lines can survive: find where they start from
  // the end instead of copying every line of a large batch into the ring.
  const char* b = body.data();
  std::size_t end = body.size();
  std::size_t first = 0;
  for (std::size_t found = 0; found < keep_; ++found) {
    const char* nl = static_cast<const char*>(::memrchr(b, '\n', end));
    if (!nl) {
      first = 0;
      break;
    }
    first = static_cast<std::size_t>(nl - b) + 1;
    end = static_cast<std::size_t>(nl - b);
  }
  std::string_view rest = body.substr(first);
  const char marker = e.stream == StreamKind::Stderr ? '!' : '|';
  while (true) {
    const std::size_t nl = rest.find('\n');
    const std::string_view line = rest.substr(0, nl);
    if (t.lines.size() < keep_) t.lines.emplace_back();
    std::string& slot = t.lines[t.next];
    slot.assign(1, marker);
    slot.append(line.substr(0, line_max_));
    t.next = (t.next + 1) % keep_;
    t.count = std::min(t.count + 1, keep_);
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
}

void QuietFormatter::finished(const TaskFinished& e) {
  if (e.task >= tails_.size() || !tails_[e.task]) return;
  std::unique_ptr<Tail> tail = std::move(tails_[e.task]);
  if (e.status == TaskStatus::Failed || e.status == TaskStatus::TimedOut) print(e.task, *tail);
}

void QuietFormatter::print(TaskId task, const Tail& tail) {
  if (tail.count == 0) return;
  ByteBuffer& frame = writer_.begin();
  if (!writer_.at_line_start()) frame.push_back('\n');
  for (std::size_t i = 0; i < tail.count; ++i) {
    const std::string& line = tail.lines[(tail.next + keep_ - tail.count + i) % keep_];
    const std::string_view prefix = prefixes_.of(task, line[0] == '!' ? StreamKind::Stderr : StreamKind::Stdout);
    if (line.size() == 1) {  // an empty line
      frame.append(prefix);
      frame.push_back('\n');
    } else {
      append_prefixed(frame, prefix, std::string_view(line).substr(1), writer_.color());
    }
  }
  writer_.end();
}

}  // namespace sluice::detail
