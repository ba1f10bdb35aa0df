#include "sinks/console_writer.hpp"

#include "sinks/console_text.hpp"
#include "sinks/spool.hpp"

namespace sluice::detail {

ConsoleWriter::ConsoleWriter(ByteOutput& out, Options options,
                             std::function<std::string(std::size_t limit)> status_text)
    : out_(out),
      options_(std::move(options)),
      status_text_(std::move(status_text)),
      tty_(out.is_tty()),
      hold_(options_.spool_memory_limit, options_.spool_dir, options_.replay_chunk) {}

bool ConsoleWriter::status_enabled() const {
  return tty_ && options_.status_line && status_on_ && !closed_ && !hold_.holding();
}

bool ConsoleWriter::status_drawable() const { return status_enabled() && !hold_.active() && at_line_start_; }

void ConsoleWriter::write(const ByteBuffer& bytes) {
  if (bytes.empty()) return;
  out_.write(bytes.view());
  ++writes_;
}

ByteBuffer& ConsoleWriter::begin() {
  frame_.clear();
  if (!hold_.active()) status_.clear(frame_);
  body_start_ = frame_.size();
  return frame_;
}

void ConsoleWriter::end() {
  const std::string_view body = frame_.view().substr(body_start_);
  if (!body.empty()) at_line_start_ = body.back() == '\n';
  if (hold_.active()) {
    if (!body.empty()) {
      hold_.defer(body);
      ++writes_;
    }
    return;
  }
  if (status_enabled() && at_line_start_)
    status_.draw(frame_, status_text_(StatusLine::limit(out_.columns())), out_.columns());
  write(frame_);
}

void ConsoleWriter::refresh() {
  begin();
  end();
}

bool ConsoleWriter::write_direct(std::string_view bytes) {
  if (bytes.empty() || status_.shown() || hold_.active() || status_enabled()) return false;
  out_.write(bytes);
  ++writes_;
  at_line_start_ = bytes.back() == '\n';
  return true;
}

void ConsoleWriter::message(std::string_view text, const char* sgr) {
  ByteBuffer& f = begin();
  std::string line;
  if (!at_line_start_) line += '\n';
  std::string tagged(kTag);
  tagged += text;
  append_colored(line, tagged, sgr, options_.color);
  line += '\n';
  f.append(line);
  end();
}

void ConsoleWriter::replay(std::string header, std::unique_ptr<Spool> spool) {
  if (!spool || spool->size() == 0) return;
  if (!at_line_start_) header.insert(header.begin(), '\n');
  hold_.queue(std::move(header));
  hold_.queue(std::move(spool));
  at_line_start_ = true;  // a spool always ends with '\n'
  ++writes_;
  pump();
}

void ConsoleWriter::tick() {
  if (closed_ || !status_drawable()) return;
  frame_.clear();
  status_.redraw(frame_, status_text_(StatusLine::limit(out_.columns())), out_.columns());
  out_.write(frame_.view());
}

void ConsoleWriter::clear_status() {
  if (closed_) return;
  frame_.clear();
  status_.clear(frame_);
  write(frame_);
}

void ConsoleWriter::take_terminal(TaskId task) {
  if (closed_ || !hold_.hold(task)) return;
  frame_.clear();
  status_.clear(frame_);
  write(frame_);
}

void ConsoleWriter::release_terminal(TaskId task) {
  if (hold_.release(task)) pump();
}

bool ConsoleWriter::backlogged() const { return out_.backlogged() || (hold_.active() && !hold_.holding()); }

void ConsoleWriter::pump() {
  if (hold_.holding()) return;  // an interactive task has the terminal
  while (hold_.active() && !out_.backlogged()) {
    frame_.clear();
    status_.clear(frame_);
    hold_.next(frame_);
    write(frame_);
  }
  if (!hold_.active() && status_enabled() && at_line_start_ && !status_.shown()) refresh();
}

void ConsoleWriter::close() {
  if (closed_) return;
  hold_.release_all();
  closed_ = true;
  frame_.clear();
  status_.clear(frame_);
  write(frame_);
  // The run is over: write what waits even if the output is backlogged.
  while (hold_.active()) {
    frame_.clear();
    hold_.next(frame_);
    write(frame_);
  }
}

}  // namespace sluice::detail
