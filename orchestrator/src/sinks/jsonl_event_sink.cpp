#include "sinks/jsonl_event_sink.hpp"

#include <charconv>
#include <cstring>

#include "sinks/json_escape.hpp"

namespace sluice::detail {

void JsonlEventSink::on_event(const Event& event) {
  std::string_view text = render(event);
  if (!text.empty()) out_.write(text);
}

std::string_view JsonlEventSink::render(const Event& event) {
  buf_.clear();
  std::visit([this](const auto& e) { add(e); }, event);
  return buf_.view();
}

void JsonlEventSink::begin(Clock::time_point ts, std::string_view type) {
  buf_.append("{\"ts\":\"");
  ts_.append(buf_, ts);
  buf_.append("\",\"type\":\"");
  buf_.append(type);
  buf_.push_back('"');
}

void JsonlEventSink::field(std::string_view key) {
  buf_.append(",\"");
  buf_.append(key);  // keys are ours: plain ASCII, no escaping needed
  buf_.append("\":");
}

void JsonlEventSink::str(std::string_view key, std::string_view value) {
  field(key);
  append_json_string(buf_, value);
}

void JsonlEventSink::num(std::string_view key, std::int64_t value) {
  field(key);
  char* d = buf_.reserve_tail(24);
  auto res = std::to_chars(d, d + 24, value);
  buf_.commit(static_cast<std::size_t>(res.ptr - d));
}

void JsonlEventSink::end() { buf_.append("}\n"); }

void JsonlEventSink::add(const RunStarted& e) {
  begin(e.ts, "run_started");
  str("pipeline", e.pipeline);
  num("tasks", static_cast<std::int64_t>(e.tasks));
  end();
}

void JsonlEventSink::add(const TaskStarted& e) {
  begin(e.ts, "task_started");
  str("task", e.name);
  num("attempt", e.attempt);
  if (e.pid != 0) num("pid", e.pid);
  end();
}

void JsonlEventSink::add(const TaskOutput& e) {
  std::string_view rest = e.lines;
  if (rest.empty()) return;
  if (rest.back() == '\n') rest.remove_suffix(1);
  const std::string_view stream = to_string(e.stream);
  // Everything but `line` is the same for each line of the batch.
  std::size_t head_start = buf_.size();
  begin(e.ts, "task_output");
  str("task", e.name);
  str("stream", stream);
  field("line");
  std::size_t head_len = buf_.size() - head_start;
  bool first = true;
  while (true) {
    std::size_t nl = rest.find('\n');
    if (!first) {
      // Copy the head from its first copy; reserve first, since it may move.
      char* d = buf_.reserve_tail(head_len);
      std::memcpy(d, buf_.data() + head_start, head_len);
      buf_.commit(head_len);
    }
    first = false;
    append_json_string(buf_, rest.substr(0, nl));
    end();
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
}

void JsonlEventSink::add(const TaskRetrying& e) {
  begin(e.ts, "task_retrying");
  str("task", e.name);
  num("attempt", e.attempt);
  num("delay_ms", e.delay_ms);
  str("reason", e.reason);
  end();
}

void JsonlEventSink::add(const TaskFinished& e) {
  begin(e.ts, "task_finished");
  str("task", e.name);
  str("status", to_string(e.status));
  if (e.status == TaskStatus::Skipped && e.reason != SkipReason::None) str("reason", to_string(e.reason));
  if (e.exit_code) num("exit_code", *e.exit_code);
  if (e.signal) num("signal", *e.signal);
  if (!e.error.empty()) str("error", e.error);
  if (e.ignored) {
    field("ignored");
    buf_.append("true");
  }
  num("attempts", e.attempts);
  num("duration_ms", e.duration_ms);
  num("cpu_ms", e.cpu_ms);
  if (e.max_rss_kb > 0) num("max_rss_kb", e.max_rss_kb);  // 0: unknown
  if (e.bytes_read) num("bytes_read", static_cast<std::int64_t>(*e.bytes_read));
  if (e.bytes_written) num("bytes_written", static_cast<std::int64_t>(*e.bytes_written));
  end();
}

void JsonlEventSink::add(const RunFinished& e) {
  begin(e.ts, "run_finished");
  str("status", to_string(e.status));
  num("succeeded", static_cast<std::int64_t>(e.succeeded));
  num("failed", static_cast<std::int64_t>(e.failed));
  num("timed_out", static_cast<std::int64_t>(e.timed_out));
  num("cancelled", static_cast<std::int64_t>(e.cancelled));
  num("skipped", static_cast<std::int64_t>(e.skipped));
  num("up_to_date", static_cast<std::int64_t>(e.up_to_date));
  num("duration_ms", e.duration_ms);
  end();
}

}  // namespace sluice::detail
