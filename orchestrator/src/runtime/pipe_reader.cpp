#include "runtime/pipe_reader.hpp"

#include <unistd.h>

#include <cerrno>

namespace sluice::detail {

PipeReader::PipeReader(Loop& loop, int fd, ReadBuffer& buffer, OnData on_data, OnEnd on_end)
    : poller_(loop.poller()),
      fd_(fd),
      buffer_(buffer),
      on_data_(std::move(on_data)),
      on_end_(std::move(on_end)) {}

PipeReader::~PipeReader() { close(); }

void PipeReader::start() {
  if (ended_ || reading_) return;
  int rc = poller_.add(fd_.get(), this);
  if (rc != 0) {
    end(rc);
    return;
  }
  reading_ = true;
}

void PipeReader::stop() {
  if (ended_ || !reading_) return;
  poller_.remove(fd_.get(), this);
  reading_ = false;
}

void PipeReader::close() {
  if (ended_) return;
  ended_ = true;
  if (reading_) poller_.remove(fd_.get(), this);
  reading_ = false;
  fd_.reset();
}

void PipeReader::end(int status) {
  if (ended_) return;
  close();
  auto fn = std::move(on_end_);
  if (fn) fn(status);  // may destroy this reader
}

void PipeReader::on_ready() {
  ssize_t n = ::read(fd_.get(), buffer_.data(), buffer_.size());
  if (n > 0) {
    if (on_data_) on_data_(std::string_view(buffer_.data(), static_cast<std::size_t>(n)));
  } else if (n == 0) {
    end(0);
  } else if (errno != EINTR && errno != EAGAIN) {
    end(-errno);  // libuv's error codes are -errno on Unix
  }
}

}  // namespace sluice::detail
