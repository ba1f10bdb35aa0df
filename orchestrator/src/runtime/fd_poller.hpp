/// FdPoller: one epoll set of our own, watched through a single uv_poll, for
/// the many short-lived fds of child processes (pidfds, output pipes).
///
/// Why not one uv_poll / uv_pipe per fd: libuv 1.44 spends four system calls
/// in uv_poll_init (an epoll add/remove probe, FIONBIO, a stray remove) and
/// two in uv_pipe_open (F_GETFL, FIONBIO), plus a remove when the handle
/// closes; with 2,000 one-millisecond tasks that was a quarter of sluice's
/// own system calls. Here a watch is one EPOLL_CTL_ADD and one
/// EPOLL_CTL_DEL, level-triggered, and nothing changes the fd's flags: the
/// first read after a readiness report never blocks a pipe's only reader
/// (see PipeReader for reading on).
///
/// Clients are removed explicitly before their fd closes (an fd duplicated
/// into a forked process would otherwise stay registered, pointing at a dead
/// client); a client removed while a batch of events is being dispatched is
/// not called for the rest of that batch. The uv_poll is unreferenced while
/// nothing is watched, so an idle poller never keeps the loop alive.
/// Owned by the Loop (Loop::poller()); loop thread only.
#pragma once

#include <sys/epoll.h>

#include "runtime/handle.hpp"
#include "runtime/unique_fd.hpp"

namespace sluice::detail {

class Loop;

class FdPoller {
 public:
  class Client {
   public:
    /// The fd is readable (data, EOF, or an error a read will report).
    virtual void on_ready() = 0;

   protected:
    virtual ~Client() = default;
  };

  explicit FdPoller(Loop& loop);
  FdPoller(const FdPoller&) = delete;
  FdPoller& operator=(const FdPoller&) = delete;

  /// Watches `fd` for input; returns 0 or -errno.
  int add(int fd, Client* client);
  /// Stops watching `fd` (before it is closed).
  void remove(int fd, Client* client);
  /// Closes the uv_poll (Loop::close); add() fails afterwards.
  void close_handle();

 private:
  static void on_poll(uv_poll_t* raw, int status, int events);
  void dispatch();

  Loop& loop_;
  UniqueFd epoll_fd_;
  UvHandle<uv_poll_t, FdPoller> poll_;
  int watched_ = 0;
  epoll_event batch_[64];
  int batch_size_ = 0;
  int batch_next_ = 0;
};

}  // namespace sluice::detail
