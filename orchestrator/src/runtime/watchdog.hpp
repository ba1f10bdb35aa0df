/// Watchdog: a small process per run that takes the run's tasks down when
/// sluice dies without cleaning up (SIGKILL, a crash), escapees included, and removes the run's temporary directory.
///
/// PR_SET_PDEATHSIG reaches only a task's first process: after a SIGKILL of
/// sluice, `sh -c 'sleep 100; echo x'` dies but its sleep runs on, and so do
/// setsid and double-fork escapees. So at the first process task of a run,
/// sluice starts a watchdog that holds one end of a socket pair whose other
/// end only sluice holds (close-on-exec; every spawned child closes all fds
/// >= 3). It blocks in read(). The kernel closes sluice's end when sluice
/// dies, however it dies: EOF. A clean end of the run first sets a goodbye
/// flag, then sends a byte (MSG_NOSIGNAL) and closes its end; the watchdog
/// exits at once and is reaped by pid (a few tens of microseconds: it is
/// already waiting in read). EOF without the
/// goodbye: it SIGKILLs every recorded task group (add_group: each task's
/// group while its leader is unreaped, so the number cannot have been reused)
/// and every process whose environment holds the run's
/// SLUICE_PROCESS_TOKEN prefix (one /proc scan: escapees that left the
/// group), with their groups, scanning again every 10 ms until a scan finds
/// nobody (at most 10 s: a process stuck in D state), then empties and
/// removes the temporary directory, and exits.
///
/// How it runs: `clone(CLONE_VM)` on a stack of its own, not fork() (which
/// copies page tables: 14 ms from a 256 MiB parent, and more memory charged)
/// nor the exec of a helper binary (which an embedder would have to install
/// and we would have to find). Sharing our memory, it reads the group table
/// and the directory name as sluice leaves them, with no message per task;
/// it makes raw system calls only (raw_syscall.hpp: no errno, no allocation,
/// no sanitizer runtime), starts with every signal blocked, then ignores
/// every signal it can, leaves sluice's session (setsid: a terminal's Ctrl-C,
/// Ctrl-Z or hangup, and `kill -- -PGID` or `timeout -s KILL` aimed at
/// sluice's job, never reach it), closes every fd but its socket and chdirs to
/// "/" (it must not keep a copy of the state lock, a task's pipe or a mount
/// busy).
///
/// Known gaps: a process that cleared its environment *and* left its group
/// cannot be found (as for ProcessSupervisor). The OOM killer kills every
/// process that shares the victim's memory, so an OOM kill of sluice takes
/// the watchdog too (then only PR_SET_PDEATHSIG acts). A child an embedder
/// forked without exec keeps sluice's end open: then a death of sluice is
/// not seen until that child exits too. Not started where raw system calls are not written (other than
/// x86-64 and arm64). Loop thread only (any one thread).
#pragma once

#include <memory>
#include <string>

namespace sluice::detail {

struct WatchdogState;

class Watchdog {
 public:
  /// Starts the watchdog of a run whose processes carry
  /// `SLUICE_PROCESS_TOKEN=<token_prefix>...`. nullptr with `error` set when
  /// it cannot be started; nullptr with no error where it is not supported.
  static std::unique_ptr<Watchdog> start(const std::string& token_prefix, std::string& error);
  /// Says goodbye and reaps it.
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  int pid() const { return pid_; }
  /// A task's process group (its leader's pid), recorded until remove_group.
  void add_group(int pgid);
  void remove_group(int pgid);
  /// The run's temporary directory, removed after a death; once. Returns
  /// false when the path is too long to record.
  bool set_temp_dir(const std::string& path);

 private:
  Watchdog(WatchdogState* state, std::size_t mapped, int pid, int write_fd)
      : state_(state), mapped_(mapped), pid_(pid), write_fd_(write_fd) {}

  WatchdogState* state_;
  std::size_t mapped_;
  int pid_;
  int write_fd_;
};

/// What the watchdog and sluice share: written by sluice, read by the
/// watchdog after sluice died. Integers are accessed with __atomic builtins.
struct WatchdogState {
  static constexpr int kGroupSlots = 16384;  ///< 0 free, -1 freed, > 0 a pgid
  static constexpr int kTokenMax = 256;
  static constexpr int kPathMax = 4096;
  int read_fd = -1;
  int sluice_pid = 0;
  int token_len = 0;
  int goodbye = 0;
  int dir_len = 0;
  char token[kTokenMax];  ///< "SLUICE_PROCESS_TOKEN=<prefix>", no NUL
  char dir[kPathMax];
  int groups[kGroupSlots];
};

/// The watchdog's body, run in the clone (watchdog_main.cpp).
int watchdog_main(void* state);

}  // namespace sluice::detail
