/// A pseudo-terminal for end-to-end tests of what a person at a terminal
/// does: a program started as the leader of a new session whose
/// controlling terminal is the pty's slave (fds 0-2), so that Ctrl-C and
/// Ctrl-Z typed into the master reach its foreground process group as the
/// terminal's SIGINT and SIGTSTP. The test reads everything the program
/// writes (escape sequences included) and waits on it with a deadline.
/// Test-thread only; nothing here sleeps to synchronise.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "e2e/e2e_support.hpp"

namespace sluice::e2e {

class Pty {
 public:
  /// Starts `argv` (argv[0] a path) in `dir` on a new pty of `cols`
  /// columns, with `env` added to the test's environment and every signal
  /// at its default.
  Pty(std::vector<std::string> argv, const fs::path& dir, const std::vector<std::string>& env = {},
      unsigned short cols = 100) {
    master_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master_ < 0 || ::grantpt(master_) != 0 || ::unlockpt(master_) != 0) {
      ADD_FAILURE() << "no pseudo-terminal: " << std::strerror(errno);
      return;
    }
    winsize ws{};
    ws.ws_row = 40;
    ws.ws_col = cols;
    ::ioctl(master_, TIOCSWINSZ, &ws);
    const std::string slave = ::ptsname(master_);

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addchdir_np(&fa, dir.c_str());
    // Opened after setsid and without O_NOCTTY: it becomes the controlling
    // terminal, and the new session's group its foreground group.
    posix_spawn_file_actions_addopen(&fa, 0, slave.c_str(), O_RDWR, 0);
    posix_spawn_file_actions_adddup2(&fa, 0, 1);
    posix_spawn_file_actions_adddup2(&fa, 0, 2);
    std::vector<std::string> env_s;
    for (char** e = environ; *e; ++e) env_s.emplace_back(*e);
    env_s.insert(env_s.end(), env.begin(), env.end());
    std::vector<char*> envp;
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);
    pid_ = spawn_clean(std::move(argv), fa, POSIX_SPAWN_SETSID, envp.data());
  }
  Pty(const Pty&) = delete;
  Pty& operator=(const Pty&) = delete;
  ~Pty() {
    if (pid_ > 0 && !reaped_) {
      // The leader's group; a shell's jobs get the hangup its death brings
      // (SIGHUP, and SIGCONT when stopped), which ends a sluice.
      ::kill(-pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (master_ >= 0) ::close(master_);
  }

  pid_t pid() const { return pid_; }
  /// Everything the program wrote so far, as bytes.
  const std::string& output() const { return out_; }

  /// Types `bytes` at the terminal ("\x03" is Ctrl-C, "\x1a" Ctrl-Z).
  void type(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::write(master_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ADD_FAILURE() << "write to the pty: " << std::strerror(errno);
        return;
      }
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  /// Reads until `text` has been written since byte `from`; fails the test
  /// at the deadline. Returns where it starts, or npos.
  std::size_t wait_for(std::string_view text, std::size_t from = 0,
                       std::chrono::milliseconds limit = kDeadline) {
    std::size_t at = std::string::npos;
    bool ok = read_until([&] { return (at = out_.find(text, from)) != std::string::npos; }, limit);
    EXPECT_TRUE(ok) << "no \"" << text << "\" on the terminal; it shows:\n" << out_;
    return at;
  }

  /// Reads what is written until `done` holds or `limit` passes.
  bool read_until(const std::function<bool()>& done, std::chrono::milliseconds limit = kDeadline) {
    const auto end = Clock::now() + limit;
    for (;;) {
      if (done()) return true;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now());
      if (left.count() <= 0) return false;
      read_some(static_cast<int>(std::min<long>(left.count(), 50)));
    }
  }

  /// Waits for the program to end, reading its output meanwhile; returns
  /// its wait status, or nullopt (a test failure) at the deadline.
  std::optional<int> wait(std::chrono::milliseconds limit = kDeadline) {
    int status = 0;
    bool ended = read_until([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, limit);
    if (!ended) {
      ADD_FAILURE() << "the program on the pty did not end; it shows:\n" << out_;
      return std::nullopt;
    }
    reaped_ = true;
    while (read_some(0)) {
    }
    // A sanitized sluice reports on its stderr, the terminal here.
    for (const char* report : {"runtime error:", "Sanitizer:"})
      EXPECT_EQ(out_.find(report), std::string::npos) << "sanitizer report on the terminal:\n" << out_;
    return status;
  }

 private:
  /// One poll and read; false when nothing more can come now.
  bool read_some(int timeout_ms) {
    pollfd p{master_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    char buf[4096];
    ssize_t n = ::read(master_, buf, sizeof buf);
    if (n <= 0) return false;  // EIO: no process holds the slave any more
    out_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  int master_ = -1;
  pid_t pid_ = -1;
  bool reaped_ = false;
  std::string out_;
};

/// The parent pid of `pid`, from /proc, or 0.
inline pid_t parent_of(pid_t pid) {
  std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
  auto paren = stat.rfind(')');
  if (paren == std::string::npos) return 0;
  std::istringstream rest(stat.substr(paren + 2));
  char state = 0;
  pid_t ppid = 0;
  rest >> state >> ppid;
  return ppid;
}

/// The process state letter from /proc/PID/stat ('T' stopped), or 0 when it is gone.
inline char state_of(pid_t pid) {
  std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
  auto paren = stat.rfind(')');
  return paren == std::string::npos || paren + 2 >= stat.size() ? 0 : stat[paren + 2];
}

}  // namespace sluice::e2e
