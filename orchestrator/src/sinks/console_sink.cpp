#include "sinks/console_sink.hpp"

#include <algorithm>
#include <csignal>
#include <cstring>

#include "sinks/format.hpp"
#include "sinks/spool.hpp"
#include "sinks/terminal_filter.hpp"

namespace sluice::detail {
namespace {

constexpr std::string_view kClearLine = "\r\x1b[K";
constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kTag = "[sluice] ";
// Task colours: no red (it means failure here) and no black/white, which
// vanish on one background or the other.
constexpr const char* kPalette[] = {"36", "32", "33", "34", "35", "96", "92", "93", "94", "95"};
constexpr const char* kRed = "31";
constexpr const char* kGreen = "32";
constexpr const char* kYellow = "33";
constexpr const char* kDim = "2";

// Terminal columns of UTF-8 text, counting each code point as one.
std::size_t text_width(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

void pad_to(std::string& s, std::size_t used, std::size_t width) {
  if (used < width) s.append(width - used, ' ');
}

void append_colored(std::string& s, std::string_view text, const char* sgr, bool color) {
  if (color && sgr) {
    s += "\x1b[";
    s += sgr;
    s += 'm';
    s += text;
    s += kReset;
  } else {
    s += text;
  }
}

std::string status_label(TaskStatus st, SkipReason reason, bool ignored) {
  std::string s(to_string(st));
  if (st == TaskStatus::Skipped && reason != SkipReason::None) s += " (" + std::string(to_string(reason)) + ")";
  if (ignored) s += " (ignored)";
  return s;
}

const char* status_color(TaskStatus st) {
  switch (st) {
    case TaskStatus::Succeeded: return kGreen;
    case TaskStatus::Failed:
    case TaskStatus::TimedOut: return kRed;
    case TaskStatus::Cancelled: return kYellow;
    case TaskStatus::Skipped:
    case TaskStatus::UpToDate: return kDim;
  }
  return nullptr;
}

}  // namespace

std::optional<OutputMode> parse_output_mode(std::string_view s) {
  if (s == "prefixed") return OutputMode::Prefixed;
  if (s == "grouped") return OutputMode::Grouped;
  if (s == "interleaved") return OutputMode::Interleaved;
  if (s == "quiet") return OutputMode::Quiet;
  return std::nullopt;
}

std::optional<ColorMode> parse_color_mode(std::string_view s) {
  if (s == "auto") return ColorMode::Auto;
  if (s == "always") return ColorMode::Always;
  if (s == "never") return ColorMode::Never;
  return std::nullopt;
}

bool decide_color(ColorMode mode, bool no_color_env, bool is_tty) {
  switch (mode) {
    case ColorMode::Always: return true;
    case ColorMode::Never: return false;
    case ColorMode::Auto: return is_tty && !no_color_env;
  }
  return false;
}

struct ConsoleSink::TaskState {
  std::string name;
  std::string prefix_out, prefix_err;
  std::size_t prefix_width = SIZE_MAX;
  std::unique_ptr<Spool> spool;
  bool spool_failed = false;
  // Quiet mode: ring of the last lines, each led by '|' or '!' (the stream).
  std::vector<std::string> tail;
  std::size_t tail_next = 0;
  std::size_t tail_count = 0;
};

struct ConsoleSink::Row {
  TaskId id = 0;
  std::string name;
  TaskStatus status = TaskStatus::Succeeded;
  SkipReason reason = SkipReason::None;
  bool ignored = false;
  int attempts = 0;
  std::int64_t duration_ms = 0;
  std::string exit;
};

/// Text waiting behind a grouped replay, or a spool being replayed. An open
/// spool still takes what an interactive task holds back.
struct ConsoleSink::Pending {
  std::string text;
  std::unique_ptr<Spool> spool;
  bool open = false;
};

ConsoleSink::ConsoleSink(ByteOutput& out, ConsoleOptions options)
    : out_(out),
      opt_(std::move(options)),
      tty_(out.is_tty()),
      color_(decide_color(opt_.color, opt_.no_color_env, tty_)) {
  for (const auto& n : opt_.task_names) width_ = std::max(width_, text_width(n));
  width_ = std::min(width_, opt_.max_prefix_width);
  opt_.quiet_tail_lines = std::max<std::size_t>(opt_.quiet_tail_lines, 1);
  opt_.replay_chunk = std::max<std::size_t>(opt_.replay_chunk, 1);
}

ConsoleSink::~ConsoleSink() = default;

void ConsoleSink::on_event(const Event& event) {
  if (closed_) return;
  std::visit([this](const auto& e) { on(e); }, event);
}

bool ConsoleSink::backlogged() const {
  return out_.backlogged() || (!pending_.empty() && holders_.empty());
}

void ConsoleSink::resume() { pump(); }

std::size_t ConsoleSink::grouped_memory_bytes() const {
  std::size_t n = 0;
  for (const auto& t : tasks_)
    if (t && t->spool) n += t->spool->memory_bytes();
  for (const auto& p : pending_)
    if (p.spool) n += p.spool->memory_bytes();
  return n;
}

// ---- events ----------------------------------------------------------------

void ConsoleSink::on(const RunStarted& e) {
  run_started_ = true;
  run_start_ = e.ts;
  last_ts_ = e.ts;
  total_ = e.tasks;
  if (opt_.verbose) {
    message("running " + std::string(e.pipeline) + ": " + std::to_string(e.tasks) + " task" +
            (e.tasks == 1 ? "" : "s"));
  } else {
    begin_frame();
    end_frame();  // draws the status line on a TTY
  }
}

void ConsoleSink::on(const TaskStarted& e) {
  last_ts_ = e.ts;
  if (is_interactive(e.task)) take_terminal(e.task);  // when the engine did not already
  state(e.task, e.name);  // the status line shows its name
  if (std::find(running_.begin(), running_.end(), e.task) == running_.end()) running_.push_back(e.task);
  if (opt_.verbose) {
    std::string m = std::string(e.name) + " started";
    if (e.attempt > 1) m += " (attempt " + std::to_string(e.attempt) + ")";
    message(m);
  } else {
    begin_frame();
    end_frame();
  }
}

void ConsoleSink::on(const TaskOutput& e) {
  if (e.lines.empty()) return;
  last_ts_ = e.ts;
  switch (opt_.mode) {
    case OutputMode::Interleaved: {
      // Raw bytes by definition; on a terminal they are filtered all the
      // same, or a task could draw over the status line.
      if (!tty_ && !status_shown_ && pending_.empty() && !status_enabled()) {
        out_.write(e.lines);  // the raw path: no copy at all
        at_line_start_ = e.lines.back() == '\n';
        return;
      }
      begin_frame();
      if (tty_) append_neutralised(frame_, e.lines, color_);
      else frame_.append(e.lines);
      end_frame();
      return;
    }
    case OutputMode::Prefixed: {
      TaskState& t = state(e.task, e.name);
      refresh_prefixes(t, e.task);
      begin_frame();
      if (!at_line_start_) frame_.push_back('\n');
      append_lines(frame_, e.stream == StreamKind::Stderr ? t.prefix_err : t.prefix_out, e.lines);
      end_frame();
      return;
    }
    case OutputMode::Grouped: {
      TaskState& t = state(e.task, e.name);
      if (t.spool_failed) {
        refresh_prefixes(t, e.task);
        begin_frame();
        if (!at_line_start_) frame_.push_back('\n');
        append_lines(frame_, e.stream == StreamKind::Stderr ? t.prefix_err : t.prefix_out, e.lines);
        end_frame();
      } else {
        spool_output(t, e.task, e.lines);
      }
      return;
    }
    case OutputMode::Quiet: {
      keep_tail(state(e.task, e.name), e.stream, e.lines);
      return;
    }
  }
}

void ConsoleSink::on(const TaskRetrying& e) {
  last_ts_ = e.ts;
  release(e.task);  // the attempt is over: the terminal is ours until the next
  // The reason last: it may be a path or a command's error text.
  std::string m = std::string(e.name) + ": retrying in " + format_duration(e.delay_ms) + " (attempt " +
                  std::to_string(e.attempt) + "): " + e.reason;
  message(m, kYellow);
}

void ConsoleSink::on(const TaskFinished& e) {
  last_ts_ = e.ts;
  ++done_;
  bool was_running = std::find(running_.begin(), running_.end(), e.task) != running_.end();
  std::erase(running_, e.task);
  release(e.task);  // after the count: the status line it brings back is current

  Row row;
  row.id = e.task;
  row.name = std::string(e.name);
  row.status = e.status;
  row.reason = e.reason;
  row.ignored = e.ignored;
  row.attempts = e.attempts;
  row.duration_ms = e.duration_ms;
  row.exit = format_exit(e);
  rows_.push_back(std::move(row));

  TaskState* t = e.task < tasks_.size() ? tasks_[e.task].get() : nullptr;
  if (t && opt_.mode == OutputMode::Grouped) queue_replay(*t);

  std::string m(e.name);
  const char* sgr = nullptr;
  bool show = true;
  std::string how = format_exit(e);
  switch (e.status) {
    case TaskStatus::Failed:
      sgr = e.ignored ? kYellow : kRed;
      m += " failed";
      if (e.error.empty() && !how.empty()) m += " (" + how + ")";
      m += " after " + format_duration(e.duration_ms);
      if (e.attempts > 1) m += " and " + std::to_string(e.attempts) + " attempts";
      if (e.ignored) m += " (ignored: continue_on_error)";
      // The error last: it may end in a path, which the duration must not extend.
      if (!e.error.empty()) m += ": " + e.error;
      break;
    case TaskStatus::TimedOut:
      sgr = kRed;
      m += " timed out after " + format_duration(e.duration_ms);
      if (e.attempts > 1) m += " and " + std::to_string(e.attempts) + " attempts";
      break;
    case TaskStatus::Cancelled:
      sgr = kYellow;
      m += " cancelled after " + format_duration(e.duration_ms);
      show = was_running || opt_.verbose;
      break;
    case TaskStatus::Succeeded:
      m += " succeeded in " + format_duration(e.duration_ms);
      show = opt_.verbose;
      break;
    case TaskStatus::UpToDate:
      m += " up to date";
      show = opt_.verbose;
      break;
    case TaskStatus::Skipped:
      m += " skipped";
      if (e.reason != SkipReason::None) m += " (" + std::string(to_string(e.reason)) + ")";
      show = opt_.verbose;
      break;
  }
  if (show) {
    message(m, sgr);
  }
  if (t && opt_.mode == OutputMode::Quiet &&
      (e.status == TaskStatus::Failed || e.status == TaskStatus::TimedOut))
    print_tail(*t, e.task);
  if (!show && !(t && opt_.mode == OutputMode::Quiet)) {
    begin_frame();
    end_frame();  // the status line's count changed
  }
  if (e.task < tasks_.size()) tasks_[e.task].reset();
}

void ConsoleSink::on(const RunFinished& e) {
  last_ts_ = e.ts;
  run_finished_ = true;
  write_summary(e);
}

// ---- per task ----------------------------------------------------------------

ConsoleSink::TaskState& ConsoleSink::state(TaskId id, std::string_view name) {
  if (id >= tasks_.size()) tasks_.resize(static_cast<std::size_t>(id) + 1);
  auto& slot = tasks_[id];
  if (!slot) {
    slot = std::make_unique<TaskState>();
    slot->name = std::string(name);
    if (opt_.task_names.empty())
      width_ = std::max(width_, std::min(text_width(name), opt_.max_prefix_width));
  }
  return *slot;
}

void ConsoleSink::refresh_prefixes(TaskState& t, TaskId id) {
  if (t.prefix_width == width_) return;
  t.prefix_width = width_;
  std::string head;
  append_colored(head, t.name, kPalette[id % std::size(kPalette)], color_);
  pad_to(head, text_width(t.name), width_);
  t.prefix_out = head + " | ";
  t.prefix_err = head + " ";
  append_colored(t.prefix_err, "!", kRed, color_);
  t.prefix_err += " ";
}

void ConsoleSink::append_lines(ByteBuffer& out, std::string_view prefix, std::string_view lines) {
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
  // A task cannot forge sluice's lines (SPEC §4): control sequences and
  // carriage returns go, colours stay only when ours are on.
  bool had_escape = false;
  while (p < end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    const char* stop = nl ? nl : end;
    std::string_view line(p, static_cast<std::size_t>(stop - p));
    out.append(prefix);
    if (needs_neutralising(line)) {
      const std::size_t from = out.size();
      append_neutralised(out, line, color_);
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

void ConsoleSink::keep_tail(TaskState& t, StreamKind stream, std::string_view lines) {
  std::string_view body = lines;
  if (body.back() == '\n') body.remove_suffix(1);
  // Only the batch's last N lines can survive: find where they start from
  // the end instead of copying every line of a large batch into the ring.
  const std::size_t keep = opt_.quiet_tail_lines;
  const char* b = body.data();
  std::size_t end = body.size();
  std::size_t first = 0;
  for (std::size_t found = 0; found < keep; ++found) {
    const char* nl = static_cast<const char*>(::memrchr(b, '\n', end));
    if (!nl) {
      first = 0;
      break;
    }
    first = static_cast<std::size_t>(nl - b) + 1;
    end = static_cast<std::size_t>(nl - b);
  }
  std::string_view rest = body.substr(first);
  const char marker = stream == StreamKind::Stderr ? '!' : '|';
  while (true) {
    std::size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    if (t.tail.size() < keep) t.tail.emplace_back();
    std::string& slot = t.tail[t.tail_next];
    slot.assign(1, marker);
    slot.append(line.substr(0, opt_.tail_line_max));
    t.tail_next = (t.tail_next + 1) % keep;
    t.tail_count = std::min(t.tail_count + 1, keep);
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
}

void ConsoleSink::spool_output(TaskState& t, TaskId id, std::string_view lines) {
  if (!t.spool) t.spool = std::make_unique<Spool>(opt_.grouped_memory_limit, opt_.spool_dir);
  std::string_view bytes = lines;
  const bool filter = needs_neutralising(lines);
  if (filter || lines.back() != '\n') {
    spool_buf_.clear();
    if (filter) append_neutralised(spool_buf_, lines, color_);
    else spool_buf_.append(lines);
    if (spool_buf_.empty() || spool_buf_.view().back() != '\n') spool_buf_.push_back('\n');
    bytes = spool_buf_.view();
  }
  if (t.spool->append(bytes)) return;
  // The spool cannot grow (disk full, no temp dir): print what it holds and
  // this batch now, and the rest of this task's output live, prefixed.
  t.spool_failed = true;
  message("cannot spool the output of " + t.name + " (" + t.spool->error().message() +
              "): printing it as it comes",
          kYellow);
  queue_replay(t);
  refresh_prefixes(t, id);
  begin_frame();
  append_lines(frame_, t.prefix_out, lines);
  end_frame();
}

void ConsoleSink::queue_replay(TaskState& t) {
  if (!t.spool) return;
  std::unique_ptr<Spool> spool = std::move(t.spool);
  if (spool->size() == 0) return;
  std::string header = "--- ";
  header += t.name;
  header += " ---\n";
  if (!at_line_start_) header.insert(header.begin(), '\n');
  pending_.push_back(Pending{std::move(header), nullptr});
  pending_.push_back(Pending{{}, std::move(spool)});
  at_line_start_ = true;  // a spool always ends with '\n'
  pump();
}

void ConsoleSink::print_tail(TaskState& t, TaskId id) {
  if (t.tail_count == 0) return;
  refresh_prefixes(t, id);
  const std::size_t n = opt_.quiet_tail_lines;
  begin_frame();
  if (!at_line_start_) frame_.push_back('\n');
  for (std::size_t i = 0; i < t.tail_count; ++i) {
    const std::string& line = t.tail[(t.tail_next + n - t.tail_count + i) % n];
    const std::string& prefix = line[0] == '!' ? t.prefix_err : t.prefix_out;
    if (line.size() == 1) {  // an empty line
      frame_.append(prefix);
      frame_.push_back('\n');
    } else {
      append_lines(frame_, prefix, std::string_view(line).substr(1));
    }
  }
  end_frame();
}

// ---- interactive tasks ---------------------------------------------------------

bool ConsoleSink::is_interactive(TaskId id) const {
  return id < opt_.interactive.size() && opt_.interactive[id];
}

void ConsoleSink::take_terminal(TaskId id) {
  if (closed_ || std::find(holders_.begin(), holders_.end(), id) != holders_.end()) return;
  holders_.push_back(id);
  if (holders_.size() > 1) return;
  if (status_shown_) {
    out_.write(kClearLine);
    status_shown_ = false;
  }
  // A non-empty queue routes every later frame into defer() and keeps the
  // status line and pump() off, as during a grouped replay.
  pending_.push_back(open_spool());
}

ConsoleSink::Pending ConsoleSink::open_spool() const {
  return Pending{{}, std::make_unique<Spool>(opt_.grouped_memory_limit, opt_.spool_dir), true};
}

void ConsoleSink::release(TaskId id) {
  auto it = std::find(holders_.begin(), holders_.end(), id);
  if (it == holders_.end()) return;
  holders_.erase(it);
  if (!holders_.empty()) return;
  for (auto& p : pending_) p.open = false;
  pump();
}

void ConsoleSink::defer(std::string_view body) {
  if (!holders_.empty()) {
    if (!pending_.back().open) pending_.push_back(open_spool());
    if (pending_.back().spool->append(body)) return;
    // No spool (disk full): keep it in memory rather than lose it.
  }
  pending_.push_back(Pending{std::string(body), nullptr});
}

// ---- writing -------------------------------------------------------------------

bool ConsoleSink::status_enabled() const {
  return tty_ && opt_.status_line && run_started_ && !run_finished_ && !closed_ && holders_.empty();
}

void ConsoleSink::begin_frame() {
  frame_.clear();
  if (status_shown_ && pending_.empty()) {
    frame_.append(kClearLine);
    status_shown_ = false;
  }
  body_start_ = frame_.size();
}

void ConsoleSink::end_frame() {
  std::string_view body = frame_.view().substr(body_start_);
  if (!body.empty()) at_line_start_ = body.back() == '\n';
  if (!pending_.empty()) {
    if (!body.empty()) defer(body);
    return;
  }
  if (status_enabled() && at_line_start_) {
    scratch_.clear();
    status_text(scratch_, last_ts_);
    frame_.append(scratch_);
    frame_.append("\x1b[K");
    status_shown_ = true;
  }
  if (!frame_.empty()) out_.write(frame_.view());
}

void ConsoleSink::message(std::string_view text, const char* sgr) {
  begin_frame();
  scratch_.clear();
  if (!at_line_start_) scratch_ += '\n';
  std::string line(kTag);
  line += text;
  append_colored(scratch_, line, sgr, color_);
  scratch_ += '\n';
  frame_.append(scratch_);
  end_frame();
}

void ConsoleSink::pump() {
  if (!holders_.empty()) return;  // an interactive task has the terminal
  while (!pending_.empty() && !out_.backlogged()) {
    Pending& p = pending_.front();
    frame_.clear();
    if (status_shown_) {
      frame_.append(kClearLine);
      status_shown_ = false;
    }
    bool done = true;
    if (p.spool) {
      done = !p.spool->read_chunk(frame_, opt_.replay_chunk);
    } else {
      frame_.append(p.text);
    }
    if (!frame_.empty()) out_.write(frame_.view());
    if (done) pending_.pop_front();
  }
  if (pending_.empty() && status_enabled() && at_line_start_ && !status_shown_) {
    begin_frame();
    end_frame();
  }
}

std::string ConsoleSink::interrupt_text() const {
  const std::size_t n = running_.size();
  const std::string tasks = std::to_string(n) + (n == 1 ? " task" : " tasks");
  if (interrupt_stage_ > 1) return "killing " + tasks;
  std::string t = "interrupting";
  if (interrupt_signal_ != SIGINT) t += " (" + signal_name(interrupt_signal_) + ")";
  if (n > 0) t += ": stopping " + tasks;
  if (interrupt_signal_ == SIGINT) t += " (Ctrl-C again to kill)";
  return t;
}

void ConsoleSink::interrupting(int signo, bool killing) {
  const int stage = killing ? 2 : 1;
  if (closed_ || run_finished_ || stage <= interrupt_stage_) return;
  interrupt_stage_ = stage;
  interrupt_signal_ = signo;
  if (status_enabled() && pending_.empty() && at_line_start_) {
    begin_frame();
    end_frame();  // the status line says it at once
  } else {
    message(interrupt_text(), kYellow);
  }
}

void ConsoleSink::add_problem(std::string text) { problems_.push_back(std::move(text)); }

void ConsoleSink::clear_status() {
  if (closed_ || !status_shown_) return;
  out_.write(kClearLine);
  status_shown_ = false;
}

void ConsoleSink::tick(Clock::time_point now) {
  if (closed_ || !status_enabled() || !pending_.empty() || !at_line_start_) return;
  last_ts_ = std::max(last_ts_, now);
  frame_.clear();
  frame_.push_back('\r');
  scratch_.clear();
  status_text(scratch_, last_ts_);
  frame_.append(scratch_);
  frame_.append("\x1b[K");
  status_shown_ = true;
  out_.write(frame_.view());
}

void ConsoleSink::status_text(std::string& s, Clock::time_point now) const {
  std::size_t cols = out_.columns();
  if (cols == 0) cols = 80;
  const std::size_t limit = cols > 1 ? cols - 1 : 1;  // the last column would wrap on some terminals
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - run_start_).count();
  std::string head = "[" + std::to_string(done_) + "/" + std::to_string(total_) + "]";
  std::string tail = "  " + format_duration(elapsed);
  s = head;
  if (interrupt_stage_ > 0) {
    s += ' ';
    s += interrupt_text();
  } else if (!running_.empty()) {
    std::string names = " running: ";
    std::size_t shown = 0;
    for (TaskId id : running_) {
      const TaskState* t = id < tasks_.size() ? tasks_[id].get() : nullptr;
      std::string_view name = t ? std::string_view(t->name) : std::string_view("?");
      std::string more = ", +" + std::to_string(running_.size() - shown - 1) + " more";
      std::size_t need = text_width(head) + text_width(names) + (shown ? 2 : 0) + text_width(name) +
                         (shown + 1 < running_.size() ? more.size() : 0) + tail.size();
      if (need > limit) break;
      if (shown) names += ", ";
      names += name;
      ++shown;
    }
    if (shown < running_.size()) names += (shown ? ", +" : "+") + std::to_string(running_.size() - shown) + " more";
    s += names;
  }
  s += tail;
  // Cut at a code point boundary if even the shortest form is too wide.
  if (text_width(s) > limit) {
    std::size_t w = 0, i = 0;
    for (; i < s.size(); ++i) {
      if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && ++w > limit) break;
    }
    s.resize(i);
  }
}

void ConsoleSink::write_summary(const RunFinished& e) {
  begin_frame();
  std::string text;
  if (!at_line_start_) text += '\n';
  if (opt_.summary && !rows_.empty()) {
    // Failures first, so one is not buried among many successes; without
    // -v a run that had one shows only its failures.
    auto failed = [](const Row& r) { return r.status == TaskStatus::Failed || r.status == TaskStatus::TimedOut; };
    std::sort(rows_.begin(), rows_.end(), [&](const Row& a, const Row& b) {
      return failed(a) != failed(b) ? failed(a) : a.id < b.id;
    });
    const bool any_failed = failed(rows_.front());
    std::vector<const Row*> shown;
    for (const Row& r : rows_) {
      if (opt_.verbose) {
        shown.push_back(&r);
      } else if ((any_failed ? failed(r) : rows_.size() <= opt_.summary_full_limit) &&
                 shown.size() < opt_.summary_full_limit) {
        shown.push_back(&r);
      }
    }
    if (!shown.empty()) {
      std::size_t name_w = 4, status_w = 6;
      for (const Row* r : shown) {
        name_w = std::max(name_w, text_width(r->name));
        status_w = std::max(status_w, status_label(r->status, r->reason, r->ignored).size());
      }
      std::string line = "TASK";
      pad_to(line, 4, name_w + 2);
      line += "STATUS";
      pad_to(line, name_w + 2 + 6, name_w + 2 + status_w + 2);
      line += "ATTEMPTS  DURATION  EXIT\n";
      text += line;
      for (const Row* r : shown) {
        line = r->name;
        pad_to(line, text_width(r->name), name_w + 2);
        std::string st = status_label(r->status, r->reason, r->ignored);
        append_colored(line, st, status_color(r->status), color_);
        line.append(status_w + 2 - st.size(), ' ');
        std::string att = std::to_string(r->attempts);
        line.append(att.size() < 8 ? 8 - att.size() : 0, ' ');
        line += att;
        std::string dur = r->status == TaskStatus::Skipped || r->status == TaskStatus::UpToDate
                              ? "-"
                              : format_duration(r->duration_ms);
        line.append(2 + (dur.size() < 8 ? 8 - dur.size() : 0), ' ');
        line += dur;
        line += "  ";
        std::string ex = r->exit;
        if (ex.rfind("exit ", 0) == 0) ex = ex.substr(5);
        line += ex.empty() ? "-" : ex;
        line += '\n';
        text += line;
      }
      if (shown.size() < rows_.size())
        text += "(" + std::to_string(rows_.size() - shown.size()) + " more tasks not shown; -v shows them)\n";
    }
  }
  std::string result = std::string(kTag) + "run " + std::string(to_string(e.status)) +
                       (e.status == RunStatus::Interrupted ? " after " : " in ") + format_duration(e.duration_ms);
  std::string counts;
  auto add = [&counts](std::size_t n, const char* what) {
    if (n == 0) return;
    counts += counts.empty() ? ": " : ", ";
    counts += std::to_string(n) + " " + what;
  };
  add(e.succeeded, "succeeded");
  add(e.failed, "failed");
  add(e.timed_out, "timed out");
  add(e.cancelled, "cancelled");
  add(e.skipped, "skipped");
  add(e.up_to_date, "up to date");
  if (counts.empty()) counts = ": no tasks";
  for (const std::string& p : problems_) {
    append_colored(text, std::string(kTag) + p, kRed, color_);
    text += '\n';
  }
  const char* sgr = e.status == RunStatus::Succeeded ? kGreen : e.status == RunStatus::Failed ? kRed : kYellow;
  append_colored(text, result + counts, sgr, color_);
  text += '\n';
  frame_.append(text);
  end_frame();
}

void ConsoleSink::close() {
  if (closed_) return;
  // Output of tasks that never finished (the run was torn down) is still the
  // user's: print it rather than drop it.
  if (opt_.mode == OutputMode::Grouped)
    for (auto& t : tasks_)
      if (t && t->spool) queue_replay(*t);
  holders_.clear();
  closed_ = true;
  frame_.clear();
  if (status_shown_) {
    frame_.append(kClearLine);
    status_shown_ = false;
  }
  if (!frame_.empty()) out_.write(frame_.view());
  // The run is over: write what waits even if the output is backlogged.
  while (!pending_.empty()) {
    Pending& p = pending_.front();
    frame_.clear();
    bool more = p.spool ? p.spool->read_chunk(frame_, opt_.replay_chunk) : (frame_.append(p.text), false);
    if (!frame_.empty()) out_.write(frame_.view());
    if (!more) pending_.pop_front();
  }
}

}  // namespace sluice::detail
