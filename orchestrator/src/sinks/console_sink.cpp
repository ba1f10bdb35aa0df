// The console's parts, composed (see console_sink.hpp).
#include "sinks/console_sink.hpp"

#include <algorithm>

#include "sinks/console_messages.hpp"
#include "sinks/console_text.hpp"

namespace sluice::detail {
namespace {

ConsoleWriter::Options writer_options(const ConsoleOptions& o, bool tty) {
  ConsoleWriter::Options w;
  w.status_line = o.status_line;
  w.color = decide_color(o.color, o.no_color_env, tty);
  w.spool_memory_limit = o.grouped_memory_limit;
  w.spool_dir = o.spool_dir;
  w.replay_chunk = o.replay_chunk;
  return w;
}

}  // namespace

ConsoleSink::ConsoleSink(ByteOutput& out, ConsoleOptions options)
    : opt_(std::move(options)),
      writer_(out, writer_options(opt_, out.is_tty()),
              [this](std::size_t limit) { return progress_.describe(last_ts_, limit); }),
      prefixes_(opt_.task_names, opt_.max_prefix_width, writer_.color()),
      formatter_(make_output_formatter(opt_, writer_, prefixes_)) {}

ConsoleSink::~ConsoleSink() = default;

void ConsoleSink::on_event(const Event& event) {
  if (writer_.closed()) return;
  std::visit([this](const auto& e) { on(e); }, event);
}

bool ConsoleSink::backlogged() const { return writer_.backlogged(); }

void ConsoleSink::resume() { writer_.pump(); }

std::size_t ConsoleSink::grouped_memory_bytes() const {
  return formatter_->memory_bytes() + writer_.held_memory_bytes();
}

void ConsoleSink::on(const RunStarted& e) {
  last_ts_ = e.ts;
  progress_.run_started(e.ts, e.tasks);
  writer_.show_status(true);
  if (opt_.verbose) {
    writer_.message(run_started_line(e));
  } else {
    writer_.refresh();  // draws the status line on a TTY
  }
}

void ConsoleSink::on(const TaskStarted& e) {
  last_ts_ = e.ts;
  if (is_interactive(e.task)) take_terminal(e.task);  // when the engine did not already
  prefixes_.note(e.task, e.name);
  progress_.task_started(e.task, e.name);
  if (opt_.verbose) {
    writer_.message(started_line(e));
  } else {
    writer_.refresh();
  }
}

void ConsoleSink::on(const TaskOutput& e) {
  if (e.lines.empty()) return;
  last_ts_ = e.ts;
  formatter_->output(e);
}

void ConsoleSink::on(const TaskRetrying& e) {
  last_ts_ = e.ts;
  writer_.release_terminal(e.task);  // the attempt is over: the terminal is ours until the next
  const ConsoleLine line = retrying_line(e);
  writer_.message(line.text, line.sgr);
}

void ConsoleSink::on(const TaskFinished& e) {
  last_ts_ = e.ts;
  const bool was_running = progress_.task_finished(e.task);
  const std::size_t writes = writer_.writes();
  writer_.release_terminal(e.task);  // after the count: the status line it brings back is current
  table_.add(e);
  formatter_->finishing(e);
  if (auto line = finished_line(e, was_running, opt_.verbose)) writer_.message(line->text, line->sgr);
  formatter_->finished(e);
  prefixes_.forget(e.task);
  if (writer_.writes() == writes) writer_.refresh();  // the status line's count changed
}

void ConsoleSink::on(const RunFinished& e) {
  last_ts_ = e.ts;
  run_over_ = true;
  writer_.show_status(false);
  ByteBuffer& frame = writer_.begin();
  std::string text;
  if (!writer_.at_line_start()) text += '\n';
  if (opt_.summary) text += table_.render(opt_.verbose, opt_.summary_full_limit, writer_.color());
  text += result_lines(e, problems_, writer_.color());
  frame.append(text);
  writer_.end();
}

bool ConsoleSink::is_interactive(TaskId id) const {
  return id < opt_.interactive.size() && opt_.interactive[id];
}

void ConsoleSink::take_terminal(TaskId id) { writer_.take_terminal(id); }

void ConsoleSink::interrupting(int signo, bool killing) {
  if (writer_.closed() || run_over_ || !progress_.interrupting(signo, killing)) return;
  if (writer_.status_drawable()) {
    writer_.refresh();  // the status line says it at once
  } else {
    writer_.message(progress_.interrupt_text(), kYellow);
  }
}

void ConsoleSink::add_problem(std::string text) { problems_.push_back(std::move(text)); }

void ConsoleSink::clear_status() { writer_.clear_status(); }

void ConsoleSink::tick(Clock::time_point now) {
  if (writer_.closed()) return;
  last_ts_ = std::max(last_ts_, now);
  writer_.tick();
}

void ConsoleSink::close() {
  if (writer_.closed()) return;
  formatter_->close();
  writer_.close();
}

}  // namespace sluice::detail
