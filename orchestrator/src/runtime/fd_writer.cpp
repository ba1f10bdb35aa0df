#include "runtime/fd_writer.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

namespace sluice::detail {

FdWriter::FdWriter(Loop& loop, int fd, std::size_t high_water)
    : loop_(loop), fd_(fd), high_water_(high_water ? high_water : 1) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)) {
    mode_ = Mode::Inline;
    return;
  }
  if (S_ISSOCK(st.st_mode)) {
    // Blocking send: uv_poll_init would make the shared socket non-blocking.
    mode_ = Mode::Socket;
    return;
  }
  {
    std::string path = "/proc/self/fd/" + std::to_string(fd);
    int flags = ::fcntl(fd, F_GETFL);
    int access = (flags & O_ACCMODE) == O_RDWR ? O_RDWR : O_WRONLY;
    int again = ::open(path.c_str(), access | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (again >= 0) {
      reopened_.reset(again);
      fd_ = again;
      mode_ = Mode::NonBlocking;
    } else if (flags >= 0 && (flags & O_NONBLOCK)) {
      mode_ = Mode::NonBlocking;  // already non-blocking: someone chose it
    } else {
      // uv_poll_init would make the SHARED description non-blocking: write
      // inline (blocking) instead.
      mode_ = Mode::Inline;
      return;
    }
  }
  // uv_poll_init fails (EPERM) for fds epoll cannot watch.
  poll_ = UvHandle<uv_poll_t, FdWriter>(this);
  if (uv_poll_init(loop.raw(), poll_.raw(), fd_) != 0) {
    poll_.reset();
    mode_ = Mode::Inline;
    return;
  }
  poll_.mark_initialized();
}

bool FdWriter::write(std::string_view bytes) {
  if (error_ != 0 || bytes.empty()) return !full();
  if (queue_.empty()) {
    // Fast path: straight to the fd, queue only what it does not take.
    while (!bytes.empty()) {
      ssize_t n = write_some(bytes.data(), bytes.size());
      if (n < 0) return true;
      if (n == 0) break;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    if (bytes.empty()) return true;
  }
  queue_.emplace_back(bytes);
  queued_ += bytes.size();
  if (full()) was_full_ = true;
  want_poll(true);
  return !full();
}

ssize_t FdWriter::write_some(const char* data, std::size_t len) {
  for (;;) {
    ssize_t n;
    if (mode_ == Mode::Socket) {
      n = ::send(fd_, data, len, MSG_NOSIGNAL);
    } else {
      n = ::write(fd_, data, len);
    }
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
    fail(errno);
    return -1;
  }
}

bool FdWriter::flush() {
  while (!queue_.empty()) {
    std::string& head = queue_.front();
    ssize_t n = write_some(head.data() + head_offset_, head.size() - head_offset_);
    if (n < 0) return true;
    if (n == 0) return false;
    head_offset_ += static_cast<std::size_t>(n);
    queued_ -= static_cast<std::size_t>(n);
    if (head_offset_ == head.size()) {
      queue_.pop_front();
      head_offset_ = 0;
    }
  }
  return true;
}

void FdWriter::want_poll(bool on) {
  if (mode_ != Mode::NonBlocking) {
    // Unpollable: the write blocks here, which for files is what we want.
    while (!queue_.empty() && error_ == 0) {
      std::string& head = queue_.front();
      ssize_t n = write_some(head.data() + head_offset_, head.size() - head_offset_);
      if (n < 0) return;
      head_offset_ += static_cast<std::size_t>(n);
      queued_ -= static_cast<std::size_t>(n);
      if (head_offset_ == head.size()) {
        queue_.pop_front();
        head_offset_ = 0;
      }
    }
    if (was_full_) {
      was_full_ = false;
      if (on_drained_) on_drained_();
    }
    return;
  }
  if (on == polling_) return;
  polling_ = on;
  if (on)
    uv_poll_start(poll_.raw(), UV_WRITABLE, &FdWriter::on_poll);
  else
    uv_poll_stop(poll_.raw());
}

void FdWriter::abandon() {
  if (error_ != 0) return;
  error_ = ECANCELED;  // later writes are dropped, as after a failure
  drop_queue();
  if (was_full_) {
    was_full_ = false;
    if (on_drained_) on_drained_();
  }
}

void FdWriter::drop_queue() {
  queue_.clear();
  queued_ = 0;
  head_offset_ = 0;
  if (polling_) {
    polling_ = false;
    uv_poll_stop(poll_.raw());
  }
}

void FdWriter::fail(int err) {
  if (error_ != 0) return;
  error_ = err;
  drop_queue();
  if (on_error_) on_error_(err);
  if (was_full_) {
    was_full_ = false;
    if (on_drained_) on_drained_();
  }
}

void FdWriter::on_poll(uv_poll_t* raw, int status, int) {
  FdWriter* self = UvHandle<uv_poll_t, FdWriter>::owner_of(raw);
  if (!self) return;
  guarded(raw->loop, [self, status] {
    if (status < 0) {
      // libuv reports POLLERR as UV_EBADF and stops the handle: a write
      // tells the real error (EPIPE when the reader left).
      self->polling_ = false;
      self->flush();
      self->fail(-status);  // a no-op when the write already failed
      return;
    }
    if (!self->flush() || self->error_ != 0) return;
    self->want_poll(false);
    if (self->was_full_) {
      self->was_full_ = false;
      if (self->on_drained_) self->on_drained_();
    }
  });
}

}  // namespace sluice::detail
