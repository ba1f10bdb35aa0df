/// Loop: owns one uv_loop_t for the lifetime of a run (or of a test).
///
/// Created, run and closed on one thread, the loop thread; every handle
/// wrapper in runtime/ lives on it. Callbacks never let an exception unwind
/// through libuv's C frames: a trampoline hands it to the Loop (capture()),
/// the loop stops, and run() rethrows it on the caller's side of uv_run.
/// Not movable: the uv_loop_t points back at this object.
#pragma once

#include <exception>
#include <memory>

#include <uv.h>

namespace sluice::detail {

class FdPoller;

class Loop {
 public:
  Loop();
  /// Closes the loop when close() was not called (handles still open are
  /// closed first, so nothing leaks even after an error).
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  uv_loop_t* raw() { return &loop_; }
  /// The shared epoll set for child fds (see fd_poller.hpp), made on first use.
  FdPoller& poller();
  /// Runs until nothing is active or stop() is called; rethrows an exception
  /// that escaped a callback.
  void run();
  /// One iteration, blocking for events when `block`; returns whether more
  /// work is pending (uv_run's result).
  bool run_once(bool block = true);
  void stop() { uv_stop(&loop_); }

  /// Runs pending close callbacks, closes every handle still open (counting
  /// them in leaked_handles()), and returns whether uv_loop_close() == 0.
  /// A clean shutdown has leaked_handles() == 0.
  bool close();
  int leaked_handles() const { return leaked_; }
  bool closed() const { return closed_; }

  /// Records an exception thrown inside a callback and stops the loop.
  void capture(std::exception_ptr error);
  static Loop* from(uv_loop_t* loop) { return static_cast<Loop*>(loop->data); }

 private:
  void rethrow_captured();

  uv_loop_t loop_{};
  std::unique_ptr<FdPoller> poller_;  ///< outlives close(): late remove() calls stay safe
  std::exception_ptr error_;
  int leaked_ = 0;
  bool closed_ = false;
};

/// Runs `fn` inside a libuv callback: any exception goes to the loop.
template <typename Fn>
void guarded(uv_loop_t* loop, Fn&& fn) noexcept {
  try {
    fn();
  } catch (...) {
    Loop* owner = Loop::from(loop);
    if (owner) owner->capture(std::current_exception());
  }
}

}  // namespace sluice::detail
