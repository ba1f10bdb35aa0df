/// PipeReader: reads one pipe end (a child's stdout or stderr) on the loop,
/// in large chunks, with start/stop for backpressure.
///
/// The fd is watched in the loop's FdPoller (one epoll add, one remove) and
/// may stay blocking: every read is preadv2(RWF_NOWAIT), so a stale
/// readiness report never blocks the loop, and the fd's flags (shared with
/// nobody, but a system call to change) stay as they are. Reads land in a
/// ReadBuffer that may be shared by every reader of a loop: one read at a
/// time, handed to on_data before the next, so a chunk is valid only during
/// on_data. on_end comes once, with
/// 0 at EOF or a negative libuv error; the pipe is then closed. Loop thread only.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <string_view>

#include "runtime/fd_poller.hpp"
#include "runtime/loop.hpp"
#include "runtime/unique_fd.hpp"

namespace sluice::detail {

/// The landing zone for reads: 1 MiB by default (a relay reading 1 MiB at a
/// time with memchr beat `cat` on 1 GiB of short lines). It also holds the
/// readers' budget for enlarged pipes: a fast writer's pipe grows to 1 MiB
/// (fewer wakeups on both sides), at most `growth_slots` at a time, because
/// that memory is the kernel's and, for root, unlimited.
class ReadBuffer {
 public:
  explicit ReadBuffer(std::size_t size = 1u << 20, int growth_slots = 8)
      : data_(new char[size]), size_(size), growth_slots_(growth_slots) {}
  char* data() { return data_.get(); }
  std::size_t size() const { return size_; }
  bool take_growth_slot() { return growth_slots_ > 0 ? (--growth_slots_, true) : false; }
  void give_back_growth_slot() { ++growth_slots_; }

 private:
  std::unique_ptr<char[]> data_;
  std::size_t size_;
  int growth_slots_;
};

class PipeReader : private FdPoller::Client {
 public:
  using OnData = std::function<void(std::string_view chunk)>;
  using OnEnd = std::function<void(int status)>;

  /// Takes ownership of `fd` (blocking or not; its flags are left alone).
  PipeReader(Loop& loop, int fd, ReadBuffer& buffer, OnData on_data, OnEnd on_end);
  PipeReader(const PipeReader&) = delete;
  PipeReader& operator=(const PipeReader&) = delete;
  ~PipeReader();

  /// Starts or resumes reading; a no-op once ended.
  void start();
  /// Stops reading: the child blocks once the pipe is full (backpressure).
  void stop();
  bool reading() const { return reading_; }
  bool ended() const { return ended_; }
  /// Ends the stream now without waiting for EOF (on_end is not called).
  void close();
  /// While reading: takes what is there now, data or EOF, without blocking
  /// and without waiting for the poller to report it. Callbacks may run and
  /// may destroy this reader.
  void read_ready();
  /// While stopped: ends the stream (on_end runs) when there is nothing
  /// left to read and no writer left, which takes no data past the
  /// backpressure. A paused task that exited still finishes on time.
  /// Callbacks may destroy this reader.
  void end_if_empty();

 private:
  void on_ready() override { read_some(); }
  void read_some();
  /// One read that never blocks; -1 with errno as read(2).
  ssize_t read_now();
  void grow();
  void end(int status);

  FdPoller& poller_;
  UniqueFd fd_;
  ReadBuffer& buffer_;
  OnData on_data_;
  OnEnd on_end_;
  bool reading_ = false;
  bool ended_ = false;
  bool nonblocking_ = false;  ///< O_NONBLOCK set (only where RWF_NOWAIT is missing)
  bool grow_tried_ = false;
  bool grown_ = false;  ///< holds one of the buffer's growth slots
  bool* alive_ = nullptr;  ///< set during on_ready: cleared if a callback destroys us
};

}  // namespace sluice::detail
