/// FdWriter: writes to a file descriptor we do not own (sluice's stdout, a
/// log file) from the loop thread without ever blocking the loop on a full
/// pipe or a slow terminal, with a bounded queue and flow control.
///
/// How it avoids blocking (the trap: setting O_NONBLOCK on an inherited
/// stdout changes the open file description the calling shell and every
/// sibling share):
/// - regular files and other unpollable fds (/dev/null) are written inline:
///   the page cache absorbs them;
/// - pipes, FIFOs and terminals are reopened through /proc/self/fd/N, which
///   gives a NEW open file description that we alone make non-blocking;
///   EAGAIN then parks the rest in the queue and a uv_poll waits for POLLOUT;
/// - sockets (journald's stdout) get a blocking send(MSG_NOSIGNAL): polling
///   them would make the shared socket non-blocking;
/// - when reopening fails (and the fd is not already non-blocking), writes
///   are inline and may block: uv_poll_init would make the shared
///   description non-blocking, which is worse.
///
/// write() copies the bytes and returns false once queued() >= the
/// high-water mark: the producer should pause (PipeReader::stop) until
/// on_drained, which fires when the queue empties after having been full.
/// A write error (EPIPE when the reader left) drops the queue and every
/// later write, and is reported once through on_error; if the writer was
/// full, on_drained follows, so a producer paused on it never stays paused
/// (a failed writer is never full). Both may run inside write(): owners
/// that react by writing again should defer that. Loop thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>

#include "runtime/handle.hpp"
#include "runtime/loop.hpp"
#include "runtime/unique_fd.hpp"

namespace sluice::detail {

class FdWriter {
 public:
  enum class Mode : std::uint8_t { Inline, NonBlocking, Socket };

  FdWriter(Loop& loop, int fd, std::size_t high_water = 4u << 20);
  FdWriter(const FdWriter&) = delete;
  FdWriter& operator=(const FdWriter&) = delete;

  /// Queues `bytes`; returns whether the producer may go on.
  bool write(std::string_view bytes);
  std::size_t queued() const { return queued_; }
  bool full() const { return queued_ >= high_water_; }
  Mode mode() const { return mode_; }
  int error() const { return error_; }

  /// Drops what is queued and every later write, reporting nothing: for an
  /// owner that stops waiting for a reader (the end of an interrupted run).
  void abandon();

  void set_on_drained(std::function<void()> fn) { on_drained_ = std::move(fn); }
  void set_on_error(std::function<void(int err)> fn) { on_error_ = std::move(fn); }

 private:
  static void on_poll(uv_poll_t* raw, int status, int events);
  /// Writes as much of the queue as the fd takes; returns false on EAGAIN.
  bool flush();
  /// One write() of at most `len` bytes; returns bytes written, 0 on EAGAIN,
  /// -1 on error (error_ set).
  ssize_t write_some(const char* data, std::size_t len);
  void want_poll(bool on);
  void fail(int err);
  void drop_queue();

  Loop& loop_;
  int fd_;
  UniqueFd reopened_;
  Mode mode_ = Mode::Inline;
  std::size_t high_water_;
  std::deque<std::string> queue_;
  std::size_t head_offset_ = 0;  ///< bytes of queue_.front() already written
  std::size_t queued_ = 0;
  bool was_full_ = false;
  bool polling_ = false;
  int error_ = 0;
  UvHandle<uv_poll_t, FdWriter> poll_;
  std::function<void()> on_drained_;
  std::function<void(int)> on_error_;
};

}  // namespace sluice::detail
