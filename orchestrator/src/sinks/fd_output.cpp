#include "sinks/fd_output.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "runtime/write_all.hpp"

namespace sluice::detail {

FdOutput::FdOutput(int fd, bool owns) : fd_(fd), owns_(owns), tty_(::isatty(fd) == 1) {}

FdOutput::~FdOutput() {
  if (owns_ && fd_ >= 0) ::close(fd_);
}

std::unique_ptr<FdOutput> FdOutput::open_file(const std::string& path, std::error_code& ec) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    ec = std::error_code(errno, std::generic_category());
    return nullptr;
  }
  ec.clear();
  return std::make_unique<FdOutput>(fd, true);
}

void FdOutput::write(std::string_view bytes) {
  if (error_) return;
  if (int err = write_all(fd_, bytes)) {
    error_ = std::error_code(err, std::generic_category());
    if (on_error_) on_error_(error_);
  }
}

std::size_t FdOutput::columns() const {
  winsize ws{};
  if (tty_ && ::ioctl(fd_, TIOCGWINSZ, &ws) == 0) return ws.ws_col;
  return 0;
}

}  // namespace sluice::detail
