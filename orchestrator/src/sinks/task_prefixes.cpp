#include "sinks/task_prefixes.hpp"

#include <algorithm>
#include <cstring>

#include "sinks/console_text.hpp"
#include "sinks/terminal_filter.hpp"

namespace sluice::detail {

TaskPrefixes::TaskPrefixes(const std::vector<std::string>& names, std::size_t max_width, bool color)
    : grow_(names.empty()), max_width_(max_width), color_(color) {
  for (const auto& n : names) width_ = std::max(width_, text_width(n));
  width_ = std::min(width_, max_width_);
}

void TaskPrefixes::note(TaskId task, std::string_view name) {
  if (task >= entries_.size()) entries_.resize(static_cast<std::size_t>(task) + 1);
  auto& slot = entries_[task];
  if (slot) return;
  slot = std::make_unique<Entry>();
  slot->name = std::string(name);
  if (grow_) width_ = std::max(width_, std::min(text_width(name), max_width_));
}

std::string_view TaskPrefixes::of(TaskId task, StreamKind stream) {
  Entry& e = *entries_[task];
  if (e.width != width_) {
    e.width = width_;
    std::string head;
    append_colored(head, e.name, task_color(task), color_);
    pad_to(head, text_width(e.name), width_);
    e.out = head + " | ";
    e.err = head + " ";
    append_colored(e.err, "!", kRed, color_);
    e.err += " ";
  }
  return stream == StreamKind::Stderr ? e.err : e.out;
}

void TaskPrefixes::forget(TaskId task) {
  if (task < entries_.size()) entries_[task].reset();
}

void append_prefixed(ByteBuffer& out, std::string_view prefix, std::string_view lines, bool keep_sgr) {
  const char* p = lines.data();
  const char* end = p + lines.size();
  const std::size_t plen = prefix.size();
  if (!needs_neutralising(lines)) {
    // The hot path: a memchr and two memcpys per line into one buffer.
    while (p < end) {
      const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
      const char* stop = nl ? nl + 1 : end;
      const std::size_t len = static_cast<std::size_t>(stop - p);
      char* d = out.reserve_tail(plen + len + 1);
      std::memcpy(d, prefix.data(), plen);
      std::memcpy(d + plen, p, len);
      std::size_t n = plen + len;
      if (!nl) d[n++] = '\n';
      out.commit(n);
      p = stop;
    }
    return;
  }
  bool had_escape = false;
  while (p < end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    const char* stop = nl ? nl : end;
    std::string_view line(p, static_cast<std::size_t>(stop - p));
    out.append(prefix);
    if (needs_neutralising(line)) {
      const std::size_t from = out.size();
      append_neutralised(out, line, keep_sgr);
      had_escape = had_escape || std::memchr(out.data() + from, '\x1b', out.size() - from) != nullptr;
    } else {
      out.append(line);
    }
    out.push_back('\n');
    p = nl ? nl + 1 : end;
  }
  // A task that sets a colour and never resets it must not paint the status
  // line or the next task's lines.
  if (had_escape) {
    out.pop_back();  // the reset goes before the last '\n', so the frame still ends a line
    out.append(kReset);
    out.push_back('\n');
  }
}

}  // namespace sluice::detail
