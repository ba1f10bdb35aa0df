#include "actions/pread_source.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace sluice::detail {

PreadSource::PreadSource(SharedFd fd, std::string path, std::size_t chunk)
    : fd_(std::move(fd)), path_(std::move(path)), buffer_(std::max<std::size_t>(chunk, 1)) {
  // Advice only: a file system that ignores it reads as it would anyway.
  ::posix_fadvise(fd_->get(), 0, 0, POSIX_FADV_SEQUENTIAL);
}

bool PreadSource::next(std::string_view& chunk) {
  ssize_t n;
  do {
    n = ::pread(fd_->get(), buffer_.data(), buffer_.capacity(), static_cast<off_t>(offset_));
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    error_ = IoError::from(errno, "read", path_);
    return false;
  }
  offset_ += static_cast<std::uint64_t>(n);
  chunk = {buffer_.data(), static_cast<std::size_t>(n)};
  return true;
}

}  // namespace sluice::detail
