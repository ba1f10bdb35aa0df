/// WriterOutput: the sinks' ByteOutput over the runtime's FdWriter, so a
/// slow terminal, a full pipe or a stalled reader of the console or of the
/// event stream makes its sink report "backlogged" (and the engine stop
/// reading task pipes) instead of blocking the loop or growing memory.
/// It may own its fd (an events file it opened). Loop thread only.
#pragma once

#include <sys/ioctl.h>
#include <unistd.h>

#include "runtime/fd_writer.hpp"
#include "runtime/unique_fd.hpp"
#include "sinks/byte_output.hpp"

namespace sluice::detail {

class WriterOutput final : public ByteOutput {
 public:
  /// Writes to `fd`, which the caller keeps open longer than this.
  WriterOutput(Loop& loop, int fd) : writer_(loop, fd), fd_(fd), tty_(::isatty(fd) == 1) {}
  /// Writes to `fd` and closes it at the end.
  WriterOutput(Loop& loop, UniqueFd fd) : owned_(std::move(fd)), writer_(loop, owned_.get()),
                                          fd_(owned_.get()), tty_(::isatty(fd_) == 1) {}

  void write(std::string_view bytes) override { writer_.write(bytes); }
  bool backlogged() const override { return writer_.full(); }
  bool is_tty() const override { return tty_; }
  std::size_t columns() const override {
    winsize ws{};
    if (tty_ && ::ioctl(fd_, TIOCGWINSZ, &ws) == 0) return ws.ws_col;
    return 0;
  }
  FdWriter& writer() { return writer_; }

 private:
  UniqueFd owned_;  ///< before writer_: closed after the writer let go of it
  FdWriter writer_;
  int fd_;
  bool tty_;
};

}  // namespace sluice::detail
