/// ByteOutput: where a sink's bytes go. The sinks never touch libuv: the
/// engine implements this over the runtime's asynchronous fd writer, the CLI
/// and the event-file sink may use the blocking FdOutput (fd_output.hpp), and
/// tests use StringOutput. Called on the loop thread only.
///
/// Contract: write() takes the bytes (copying them if it cannot write them
/// at once) and never fails loudly; backlogged() is true while the writer
/// holds more than its high-water mark, and a sink reports that upward so
/// the engine stops reading the task pipes that feed it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace sluice::detail {

class ByteOutput {
 public:
  virtual ~ByteOutput() = default;
  virtual void write(std::string_view bytes) = 0;
  /// True while queued bytes exceed the writer's high-water mark.
  virtual bool backlogged() const = 0;
  /// A terminal: status line, colours in auto mode, control-sequence filter.
  virtual bool is_tty() const = 0;
  /// Terminal width in columns; 0 when unknown (the sink assumes 80).
  virtual std::size_t columns() const { return 0; }
};

/// Collects everything written into a string. For tests, and for callers
/// that want the rendered text (a "tty" flag simulates a terminal).
class StringOutput final : public ByteOutput {
 public:
  explicit StringOutput(bool tty = false, std::size_t columns = 0) : tty_(tty), columns_(columns) {}
  void write(std::string_view bytes) override {
    text_.append(bytes);
    ++writes_;
  }
  bool backlogged() const override { return backlogged_; }
  bool is_tty() const override { return tty_; }
  std::size_t columns() const override { return columns_; }

  const std::string& text() const { return text_; }
  std::string take() { return std::exchange(text_, {}); }
  std::size_t writes() const { return writes_; }
  void set_backlogged(bool b) { backlogged_ = b; }

 private:
  std::string text_;
  std::size_t writes_ = 0;
  bool tty_;
  std::size_t columns_;
  bool backlogged_ = false;
};

}  // namespace sluice::detail
