// The watchdog, sluice's side (see watchdog.hpp).
#include "runtime/watchdog.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>

#include "runtime/raw_syscall.hpp"

namespace sluice::detail {
namespace {

constexpr std::size_t kStack = 64 * 1024;

std::size_t page_size() { return static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)); }

std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

unsigned slot_of(int pgid) { return static_cast<unsigned>(pgid) % WatchdogState::kGroupSlots; }

}  // namespace

std::unique_ptr<Watchdog> Watchdog::start(const std::string& token_prefix, std::string& error) {
  if (!kRawSyscalls) return nullptr;
  std::string token = "SLUICE_PROCESS_TOKEN=" + token_prefix;
  if (token.size() > WatchdogState::kTokenMax) {
    error = "cannot start the watchdog: token too long";
    return nullptr;
  }
  // [state][guard page][stack]: a stack overflow faults on the guard.
  const std::size_t page = page_size();
  const std::size_t state_size = round_up(sizeof(WatchdogState), page);
  const std::size_t mapped = state_size + page + kStack;
  void* mem = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) {
    error = std::string("cannot start the watchdog: mmap: ") + std::strerror(errno);
    return nullptr;
  }
  char* base = static_cast<char*>(mem);
  ::mprotect(base + state_size, page, PROT_NONE);
  auto* state = new (mem) WatchdogState;
  std::memcpy(state->token, token.data(), token.size());
  state->token_len = static_cast<int>(token.size());
  state->sluice_pid = ::getpid();

  // A socket pair rather than a pipe: the goodbye is sent with MSG_NOSIGNAL
  // (an embedder that does not ignore SIGPIPE must not die of a dead
  // watchdog), and read() sees EOF alike.
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    error = std::string("cannot start the watchdog: socketpair: ") + std::strerror(errno);
    ::munmap(mem, mapped);
    return nullptr;
  }
  state->read_fd = fds[0];
  // Blocked until the watchdog has ignored them: no handler of ours may run
  // on its stack.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  long pid = sluice_raw_clone_vm(CLONE_VM | SIGCHLD, base + mapped, &watchdog_main, state);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  ::close(fds[0]);
  if (pid < 0) {
    error = std::string("cannot start the watchdog: clone: ") + std::strerror(static_cast<int>(-pid));
    ::close(fds[1]);
    ::munmap(mem, mapped);
    return nullptr;
  }
  return std::unique_ptr<Watchdog>(new Watchdog(state, mapped, static_cast<int>(pid), fds[1]));
}

Watchdog::~Watchdog() {
  __atomic_store_n(&state_->goodbye, 1, __ATOMIC_RELEASE);
  // A byte as well as the close: a child the embedder forked without exec
  // may hold a copy of our end, and then EOF would never come.
  (void)::send(write_fd_, "G", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
  ::close(write_fd_);
  // It is waiting in read(): it sees the byte and the goodbye, and exits at
  // once. ECHILD (someone else reaped it) also means it is gone, so its
  // stack may go.
  while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
  ::munmap(state_, mapped_);
}

void Watchdog::add_group(int pgid) {
  if (pgid <= 0) return;
  for (unsigned i = slot_of(pgid), n = 0; n < WatchdogState::kGroupSlots; ++n) {
    int& slot = state_->groups[(i + n) % WatchdogState::kGroupSlots];
    if (__atomic_load_n(&slot, __ATOMIC_RELAXED) <= 0) {
      __atomic_store_n(&slot, pgid, __ATOMIC_RELAXED);
      return;
    }
  }
  // Full (16,384 live task groups): the /proc scan by token still finds them.
}

void Watchdog::remove_group(int pgid) {
  if (pgid <= 0) return;
  for (unsigned i = slot_of(pgid), n = 0; n < WatchdogState::kGroupSlots; ++n) {
    int& slot = state_->groups[(i + n) % WatchdogState::kGroupSlots];
    int v = __atomic_load_n(&slot, __ATOMIC_RELAXED);
    if (v == pgid) {
      __atomic_store_n(&slot, -1, __ATOMIC_RELAXED);
      return;
    }
    if (v == 0) return;  // never recorded
  }
}

bool Watchdog::set_temp_dir(const std::string& path) {
  if (path.empty() || path.size() >= WatchdogState::kPathMax) return false;
  std::memcpy(state_->dir, path.data(), path.size());
  state_->dir[path.size()] = '\0';
  __atomic_store_n(&state_->dir_len, static_cast<int>(path.size()), __ATOMIC_RELEASE);
  return true;
}

}  // namespace sluice::detail
