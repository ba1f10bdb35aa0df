/// JobControl: Ctrl-Z and fg for a run whose tasks have process groups of
/// their own, so that the terminal's SIGTSTP never reaches them (make's
/// children share its group and stop with it; ours would run on).
///
/// On SIGTSTP: `suspend` (the owner sends SIGSTOP to every task group),
/// then sluice stops itself by raising SIGTSTP with its default action, so a
/// shell sees it stop like any job, and the kernel discards the stop, as for
/// any process, when sluice's group is orphaned (nobody could continue it).
/// Once sluice runs again: `resume`. A SIGCONT that sluice did not
/// ask for (`kill -CONT`, `fg` after a SIGSTOP) continues the tasks too.
///
/// The stop waits until the loop has dispatched every signal already
/// received (a uv_check handle, plus a look at libuv's signal pipe): a
/// SIGCONT that came right after the SIGTSTP, both queued while the loop was
/// busy, cancels it, since a stop after its own continue would last until
/// the next fg. A SIGCONT landing in the microseconds between that look and
/// the stop is lost, as in any program that stops itself on SIGTSTP (vim,
/// less); the next fg continues the run. A signal ignored at construction is
/// not watched. Timers keep counting on the monotonic clock while stopped.
/// Owned by the run; loop thread only.
#pragma once

#include <functional>
#include <memory>

#include "runtime/handle.hpp"
#include "runtime/loop.hpp"
#include "runtime/signal_watcher.hpp"

namespace sluice::detail {

class JobControl {
 public:
  JobControl(Loop& loop, std::function<void()> suspend, std::function<void()> resume);
  JobControl(const JobControl&) = delete;
  JobControl& operator=(const JobControl&) = delete;
  ~JobControl();

 private:
  static void on_check(uv_check_t* raw);
  void stop_when_quiet();
  /// Whether libuv has signals in its pipe that the loop has not dispatched.
  bool signals_queued();

  Loop& loop_;
  std::function<void()> suspend_;
  std::function<void()> resume_;
  std::unique_ptr<SignalWatcher> tstp_;
  std::unique_ptr<SignalWatcher> cont_;
  UvHandle<uv_check_t, JobControl> check_;
  bool stop_wanted_ = false;
};

}  // namespace sluice::detail
