#include "runtime/pipe_reader.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>

namespace sluice::detail {
namespace {

constexpr int kGrownPipe = 1 << 20;

}  // namespace

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
  if (grown_) buffer_.give_back_growth_slot();
  grown_ = false;
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

void PipeReader::read_ready() {
  if (reading_) read_some();
}

void PipeReader::end_if_empty() {
  if (ended_ || reading_) return;
  // A pipe reports POLLIN while it holds data and POLLHUP once every writer
  // has closed it: HUP alone is an EOF with nothing unread before it.
  pollfd p{fd_.get(), POLLIN, 0};
  if (::poll(&p, 1, 0) == 1 && (p.revents & POLLHUP) && !(p.revents & POLLIN)) end(0);
}

ssize_t PipeReader::read_now() {
  // Never a blocking read: a readiness report can be stale (read_ready() took
  // the data earlier in the same poller batch), and a blocking read would
  // then wait for whoever else holds the write end, e.g. the task's
  // grandchild, for as long as it lives. RWF_NOWAIT is O_NONBLOCK for one
  // call, without a system call to change the fd's flags.
  if (!nonblocking_) {
    iovec iov{buffer_.data(), buffer_.size()};
    ssize_t n = ::preadv2(fd_.get(), &iov, 1, -1, RWF_NOWAIT);
    if (n >= 0 || (errno != EOPNOTSUPP && errno != EINVAL)) return n;
    // A kernel without RWF_NOWAIT for pipes: our end goes non-blocking once.
    int flags = ::fcntl(fd_.get(), F_GETFL);
    if (flags < 0 || ::fcntl(fd_.get(), F_SETFL, flags | O_NONBLOCK) != 0) return -1;
    nonblocking_ = true;
  }
  return ::read(fd_.get(), buffer_.data(), buffer_.size());
}

void PipeReader::grow() {
  // A writer that fills the pipe: best effort (capped by
  // /proc/sys/fs/pipe-max-size and the user's pipe quota). Short tasks never
  // get here, so they pay nothing.
  grow_tried_ = true;
  if (!buffer_.take_growth_slot()) return;
  grown_ = ::fcntl(fd_.get(), F_SETPIPE_SZ, kGrownPipe) >= kGrownPipe;
  if (!grown_) buffer_.give_back_growth_slot();
}

void PipeReader::read_some() {
  // While reads come back as full as a pipe gets (a fast writer), read on:
  // fewer wakeups, and no extra read for the usual few-lines task.
  constexpr ssize_t kPipeFull = 64 * 1024;
  constexpr int kMaxReads = 16;
  bool alive = true;
  alive_ = &alive;
  for (int i = 0; i < kMaxReads; ++i) {
    ssize_t n = read_now();
    if (n > 0) {
      if (on_data_) on_data_(std::string_view(buffer_.data(), static_cast<std::size_t>(n)));
      if (!alive) return;  // on_data destroyed us
      if (n < kPipeFull || !reading_) break;
      if (!grow_tried_) grow();
      continue;
    }
    if (n == 0) {
      end(0);  // may destroy us
      if (!alive) return;
      break;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN) {
      end(-errno);  // libuv's error codes are -errno on Unix
      if (!alive) return;
    }
    break;  // EAGAIN: drained (or the readiness was stale)
  }
  alive_ = nullptr;
}

}  // namespace sluice::detail
