/// WriterOutput: the sinks' ByteOutput over the runtime's FdWriter, so a
/// slow terminal or a full pipe on sluice's stdout makes the console sink
/// report "backlogged" (and the engine stop reading task pipes) instead of
/// blocking the loop or growing memory. Loop thread only.
#pragma once

#include <sys/ioctl.h>
#include <unistd.h>

#include "runtime/fd_writer.hpp"
#include "sinks/byte_output.hpp"

namespace sluice::detail {

class WriterOutput final : public ByteOutput {
 public:
  WriterOutput(Loop& loop, int fd) : writer_(loop, fd), fd_(fd), tty_(::isatty(fd) == 1) {}

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
  FdWriter writer_;
  int fd_;
  bool tty_;
};

}  // namespace sluice::detail
