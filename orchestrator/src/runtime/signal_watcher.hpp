/// SignalWatcher: a uv_signal_t calling back on the loop thread for one
/// signal (SIGINT, SIGTERM, SIGHUP for the engine). libuv installs the
/// process-wide handler while a watcher is active and sets SIG_DFL (not the
/// previous disposition) when the last one stops: so do not watch a signal
/// that is ignored (ignored_now()), or it is no longer ignored after the run.
/// Loop thread only.
#pragma once

#include <functional>

#include "runtime/handle.hpp"
#include "runtime/loop.hpp"

namespace sluice::detail {

class SignalWatcher {
 public:
  /// Starts watching `signum` at once; throws when libuv refuses.
  SignalWatcher(Loop& loop, int signum, std::function<void(int)> on_signal);
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  /// Whether `signum` is ignored (SIG_IGN) in this process now.
  static bool ignored_now(int signum);

  void stop();
  /// Lets the loop end while only this watcher is active.
  void unref();

 private:
  static void on_signal(uv_signal_t* raw, int signum);
  UvHandle<uv_signal_t, SignalWatcher> handle_;
  std::function<void(int)> fn_;
};

}  // namespace sluice::detail
