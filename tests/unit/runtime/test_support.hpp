/// Helpers for runtime tests: run a loop until a condition holds, with a
/// deadline that fails loudly (never a sleep), and small /proc probes.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>

#include "runtime/loop.hpp"
#include "runtime/timer.hpp"
#include "sluice/process_guards.hpp"

namespace sluice::detail::testing {

/// Runs `loop` until `done()` or `limit` passes; returns whether done().
/// `done` is also re-checked every 5 ms, for conditions outside the loop
/// (a process state in /proc).
inline bool run_until(Loop& loop, const std::function<bool()>& done,
                      std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  bool expired = false;
  Timer deadline(loop);
  deadline.start(limit, [&] { expired = true; });
  Timer tick(loop);
  tick.start(std::chrono::milliseconds(5), [] {}, std::chrono::milliseconds(5));
  while (!done() && !expired) loop.run_once(true);
  return done();
}

/// Runs `loop` for `window` at least (used only to show that something does
/// NOT happen within a window, never to wait for something).
inline void run_for(Loop& loop, std::chrono::milliseconds window) {
  bool expired = false;
  Timer t(loop);
  t.start(window, [&] { expired = true; });
  while (!expired) loop.run_once(true);
}

/// The process state letter from /proc/PID/stat, or 0 when it is gone.
inline char proc_state(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');
  if (close == std::string::npos || close + 2 >= text.size()) return 0;
  return text[close + 2];
}

inline bool alive(int pid) {
  char s = proc_state(pid);
  return s != 0 && s != 'Z' && s != 'X';
}

inline std::string wchan(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/wchan");
  std::string s;
  std::getline(in, s);
  return s;
}

inline void install_guards_once() {
  static const ProcessGuards guards = install_process_guards();
  (void)guards;
}

/// Closes the loop at the end of a test and checks nothing leaked.
inline void expect_clean_close(Loop& loop) {
  EXPECT_TRUE(loop.close());
  EXPECT_EQ(loop.leaked_handles(), 0);
}

}  // namespace sluice::detail::testing
