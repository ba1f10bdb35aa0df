#include "runtime/pipe_reader.hpp"

#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>

namespace sluice::detail {

PipeReader::PipeReader(Loop& loop, int fd, ReadBuffer& buffer, OnData on_data, OnEnd on_end)
    : poller_(loop.poller()),
      fd_(fd),
      buffer_(buffer),
      on_data_(std::move(on_data)),
      on_end_(std::move(on_end)) {}

PipeReader::~PipeReader() {
  if (alive_) *alive_ = false;
  close();
}

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
  // The first read cannot block (readiness). While reads come back as full
  // as a pipe gets (a fast writer), read on with RWF_NOWAIT, which acts as
  // O_NONBLOCK for this call only: fewer wakeups without changing the fd's
  // flags, and no extra read for the usual few-lines task.
  constexpr ssize_t kPipeFull = 64 * 1024;
  constexpr int kMaxReads = 16;
  bool alive = true;
  alive_ = &alive;
  for (int i = 0; i < kMaxReads; ++i) {
    ssize_t n;
    if (i == 0) {
      n = ::read(fd_.get(), buffer_.data(), buffer_.size());
    } else {
      iovec iov{buffer_.data(), buffer_.size()};
      n = ::preadv2(fd_.get(), &iov, 1, -1, RWF_NOWAIT);
    }
    if (n > 0) {
      if (on_data_) on_data_(std::string_view(buffer_.data(), static_cast<std::size_t>(n)));
      if (!alive) return;  // on_data destroyed us
      if (n < kPipeFull || !reading_) break;
      continue;
    }
    if (n == 0) {
      end(0);  // may destroy us
      if (!alive) return;
      break;
    }
    // EAGAIN: drained; EOPNOTSUPP/EINVAL: no RWF_NOWAIT on this kernel.
    if (i == 0 && errno != EINTR && errno != EAGAIN) {
      end(-errno);  // libuv's error codes are -errno on Unix
      if (!alive) return;
    }
    break;
  }
  alive_ = nullptr;
}

}  // namespace sluice::detail
