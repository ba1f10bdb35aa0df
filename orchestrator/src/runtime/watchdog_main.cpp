// The watchdog's body (see watchdog.hpp). It runs beside sluice in sluice's
// memory, so everything here is SLUICE_CHILD_CODE making raw system calls:
// no libc, no errno, no allocation, no sanitizer instrumentation.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>

#include <cstdint>
#include <ctime>

#include "runtime/close_fds.hpp"
#include "runtime/raw_syscall.hpp"
#include "runtime/watchdog.hpp"

namespace sluice::detail {
namespace {

constexpr long kScanPauseNs = 10'000'000;  ///< between two scans that found someone
constexpr long kGiveUpSeconds = 10;        ///< a process stuck in D state never dies

SLUICE_CHILD_CODE long now_seconds() {
  struct timespec ts;
  raw_syscall(SYS_clock_gettime, CLOCK_MONOTONIC, reinterpret_cast<long>(&ts));
  return ts.tv_sec;
}

/// A /proc entry's pid, or 0.
SLUICE_CHILD_CODE int pid_of(const char* name) {
  int pid = 0;
  for (; *name; ++name) {
    if (*name < '0' || *name > '9') return 0;
    pid = pid * 10 + (*name - '0');
  }
  return pid;
}

/// "/proc/<pid>/environ" into `out` (at least 32 bytes).
SLUICE_CHILD_CODE void environ_path(int pid, char* out) {
  char digits[12];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + pid % 10);
    pid /= 10;
  } while (pid > 0);
  const char* head = "/proc/";
  const char* tail = "/environ";
  char* p = out;
  while (*head) *p++ = *head++;
  while (n > 0) *p++ = digits[--n];
  while (*tail) *p++ = *tail++;
  *p = '\0';
}

/// Whether an entry of `pid`'s environment starts with the token (a zombie's
/// environment reads as empty: it is dead already).
SLUICE_CHILD_CODE bool carries_token(int pid, const WatchdogState* s) {
  char path[32];
  environ_path(pid, path);
  long fd = raw_syscall(SYS_openat, AT_FDCWD, reinterpret_cast<long>(path), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char buf[4096];
  int matched = 0;  // of the current entry; -1: this entry does not match
  bool found = false;
  for (long total = 0; !found && total < (1L << 20);) {
    long n = raw_syscall(SYS_read, fd, reinterpret_cast<long>(buf), sizeof buf);
    if (n <= 0) break;
    total += n;
    for (long i = 0; i < n && !found; ++i) {
      if (buf[i] == '\0') {
        matched = 0;
      } else if (matched >= 0) {
        matched = buf[i] == s->token[matched] ? matched + 1 : -1;
        found = matched == s->token_len;
      }
    }
  }
  raw_syscall(SYS_close, fd);
  return found;
}

/// SIGKILLs every recorded group, then every process carrying the token (and
/// the group it leads, if any); returns how many of the latter were found.
SLUICE_CHILD_CODE int kill_once(const WatchdogState* s, int self) {
  for (int i = 0; i < WatchdogState::kGroupSlots; ++i) {
    int pgid = __atomic_load_n(&s->groups[i], __ATOMIC_RELAXED);
    if (pgid > 0) raw_syscall(SYS_kill, -pgid, SIGKILL);
  }
  long dir = raw_syscall(SYS_openat, AT_FDCWD, reinterpret_cast<long>("/proc"),
                         O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return 0;
  int found = 0;
  for_each_dir_entry(dir, [&](const char* name) __attribute__((always_inline)) {
    int pid = pid_of(name);
    if (pid <= 1 || pid == self || pid == s->sluice_pid || !carries_token(pid, s)) return;
    // ESRCH unless it leads a group, which then is the one it made.
    raw_syscall(SYS_kill, -pid, SIGKILL);
    raw_syscall(SYS_kill, pid, SIGKILL);
    ++found;
  });
  raw_syscall(SYS_close, dir);
  return found;
}

/// Empties the run's temporary directory (the $SLUICE_OUTPUT files; a
/// directory a task made there, if empty) and removes it.
SLUICE_CHILD_CODE void remove_temp_dir(const WatchdogState* s) {
  if (__atomic_load_n(&s->dir_len, __ATOMIC_ACQUIRE) <= 0) return;
  long dir = raw_syscall(SYS_openat, AT_FDCWD, reinterpret_cast<long>(s->dir),
                         O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (dir >= 0) {
    for_each_dir_entry(dir, [&](const char* name) __attribute__((always_inline)) {
      if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) return;
      if (raw_syscall(SYS_unlinkat, dir, reinterpret_cast<long>(name), 0) != 0)
        raw_syscall(SYS_unlinkat, dir, reinterpret_cast<long>(name), AT_REMOVEDIR);
    });
    raw_syscall(SYS_close, dir);
  }
  raw_syscall(SYS_rmdir, reinterpret_cast<long>(s->dir));
}

/// Out of sluice's session and deaf to every signal it can ignore.
SLUICE_CHILD_CODE void detach(const WatchdogState* s) {
  raw_syscall(SYS_setsid);
  KernelSigaction ignore{};
  ignore.handler = SIG_IGN;
  for (int sig = 1; sig <= 64; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP)
      raw_syscall(SYS_rt_sigaction, sig, reinterpret_cast<long>(&ignore), 0, sizeof(std::uint64_t));
  }
  std::uint64_t none = 0;  // what was pending is discarded, being ignored
  raw_syscall(SYS_rt_sigprocmask, SIG_SETMASK, reinterpret_cast<long>(&none), 0, sizeof none);
  close_fds_from(0, s->read_fd);
  raw_syscall(SYS_chdir, reinterpret_cast<long>("/"));
  raw_syscall(SYS_prctl, PR_SET_NAME, reinterpret_cast<long>("sluice-watchdog"));
}

}  // namespace

SLUICE_CHILD_CODE int watchdog_main(void* raw) {
  const auto* s = static_cast<const WatchdogState*>(raw);
  detach(s);
  char byte;
  long n;
  do {
    n = raw_syscall(SYS_read, s->read_fd, reinterpret_cast<long>(&byte), 1);
    if (n > 0 && __atomic_load_n(&s->goodbye, __ATOMIC_ACQUIRE)) return 0;
  } while (n > 0 || n == -EINTR);
  // EOF: sluice closed its end, or died. An error other than EINTR cannot
  // come from a socket we hold; never act on one.
  if (n != 0 || __atomic_load_n(&s->goodbye, __ATOMIC_ACQUIRE)) return 0;
  const int self = static_cast<int>(raw_syscall(SYS_getpid));
  const long give_up = now_seconds() + kGiveUpSeconds;
  while (kill_once(s, self) > 0 && now_seconds() < give_up) {
    struct timespec pause = {0, kScanPauseNs};
    raw_syscall(SYS_nanosleep, reinterpret_cast<long>(&pause), 0);
  }
  remove_temp_dir(s);
  return 0;
}

}  // namespace sluice::detail
