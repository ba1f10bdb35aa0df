#include "runtime/spawn.hpp"

#include <elf.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string_view>

#include "runtime/close_fds.hpp"
#include "runtime/raw_syscall.hpp"

namespace sluice::detail {
namespace {

enum class Stage : int { None, Group, DeathSignal, Rlimit, Chdir, Stdio, CloseFds, Exec };

/// Shared with the child through CLONE_VM; everything is ready-made.
struct ChildArgs {
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  char* const* candidates = nullptr;
  const char* working_dir = nullptr;
  int stdio[3] = {-1, -1, -1};
  bool new_group = true;
  std::uint64_t reset_signals = kAllSignals;
  bool set_nofile = false;
  std::uint64_t nofile_soft = 0;
  pid_t parent = 0;
  // Written by the child.
  volatile int stage = 0;
  volatile int err = 0;
};

struct KernelRlimit {
  std::uint64_t cur;
  std::uint64_t max;
};

constexpr std::size_t kChildStack = 64 * 1024;

constexpr std::uint64_t bit(int sig) { return std::uint64_t{1} << (sig - 1); }
constexpr std::uint64_t kJobStopSignals = bit(SIGTSTP) | bit(SIGTTIN) | bit(SIGTTOU);

/// Runs in the vfork-style child: shares our memory and our thread's TLS,
/// so it only makes raw system calls (no malloc, no locks, no sanitizer
/// interceptors) and never returns into our frames.
__attribute__((no_sanitize("address", "undefined", "thread"), noinline, noreturn))
void child_fail(ChildArgs* a, Stage stage) {
  a->err = errno;
  a->stage = static_cast<int>(stage);
  for (;;) syscall(SYS_exit_group, 127);
}

__attribute__((no_sanitize("address", "undefined", "thread"), noinline))
int child_main(void* raw) {
  auto* a = static_cast<ChildArgs*>(raw);
  if (a->new_group && syscall(SYS_setpgid, 0, 0) != 0) child_fail(a, Stage::Group);
  if (syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) child_fail(a, Stage::DeathSignal);
  // The parent may have died before the line above: then nobody would kill us.
  if (syscall(SYS_getppid) != a->parent) syscall(SYS_exit_group, 127);
  KernelSigaction dfl{};
  dfl.handler = SIG_DFL;
  for (std::uint64_t left = a->reset_signals; left != 0; left &= left - 1) {
    int sig = __builtin_ctzll(left) + 1;
    if (sig != SIGKILL && sig != SIGSTOP)
      syscall(SYS_rt_sigaction, sig, &dfl, nullptr, sizeof(std::uint64_t));
  }
  if (a->set_nofile) {
    KernelRlimit lim{};
    if (syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, nullptr, &lim) == 0) {
      lim.cur = a->nofile_soft < lim.max ? a->nofile_soft : lim.max;
      if (syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, &lim, nullptr) != 0) child_fail(a, Stage::Rlimit);
    }
  }
  if (a->working_dir && syscall(SYS_chdir, a->working_dir) != 0) child_fail(a, Stage::Chdir);
  for (int slot = 0; slot < 3; ++slot) {
    int src = a->stdio[slot];
    long rc = src == slot ? syscall(SYS_fcntl, slot, F_SETFD, 0) : syscall(SYS_dup3, src, slot, 0);
    if (rc < 0) child_fail(a, Stage::Stdio);
  }
  if (int rc = close_fds_from(3); rc != 0) {
    errno = -rc;
    child_fail(a, Stage::CloseFds);
  }
  // A stop signal sent to sluice's group before our setpgid is pending here
  // (everything is blocked): unblocked, it would stop us in our new group,
  // where fg's SIGCONT never comes, with sluice waiting for our exec. Setting
  // a pending signal's action to SIG_IGN discards it; then restore the action.
  std::uint64_t pending = 0;
  syscall(SYS_rt_sigpending, &pending, sizeof pending);
  for (std::uint64_t left = pending & kJobStopSignals; left != 0; left &= left - 1) {
    int sig = __builtin_ctzll(left) + 1;
    KernelSigaction ign{}, old{};
    ign.handler = SIG_IGN;
    syscall(SYS_rt_sigaction, sig, &ign, &old, sizeof(std::uint64_t));
    syscall(SYS_rt_sigaction, sig, &old, nullptr, sizeof(std::uint64_t));
  }
  std::uint64_t none = 0;
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, nullptr, sizeof none);
  bool denied = false;
  int last = ENOENT;
  for (char* const* c = a->candidates; *c; ++c) {
    syscall(SYS_execve, *c, a->argv, a->envp);
    last = errno;
    if (last == EACCES) {
      denied = true;
    } else if (last != ENOENT && last != ENOTDIR && last != ESTALE) {
      break;
    }
  }
  errno = (last == ENOENT || last == ENOTDIR || last == ESTALE) && denied ? EACCES : last;
  child_fail(a, Stage::Exec);
  return 127;
}

std::vector<char*> c_strings(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (const auto& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

std::string_view env_name(const std::string& entry) {
  std::string_view e(entry);
  return e.substr(0, e.find('='));
}

/// base entries not overridden by `env`, then `env`: what the child gets.
std::vector<char*> merged_env(const SpawnRequest& req) {
  std::vector<char*> out;
  if (!req.base_env) return c_strings(req.env);
  out.reserve(req.base_env->size() + req.env.size() + 1);
  for (const auto& b : *req.base_env) {
    std::string_view name = env_name(b);
    bool overridden = false;
    for (const auto& e : req.env) {
      if (e.size() > name.size() && e[name.size()] == '=' && e.compare(0, name.size(), name) == 0) {
        overridden = true;
        break;
      }
    }
    if (!overridden) out.push_back(const_cast<char*>(b.c_str()));
  }
  for (const auto& e : req.env) out.push_back(const_cast<char*>(e.c_str()));
  out.push_back(nullptr);
  return out;
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

/// `path` as the child resolved it: after its chdir.
std::string as_child_sees(const std::string& path, const SpawnRequest& req) {
  if (path.empty() || path[0] == '/' || req.working_dir.empty()) return path;
  return req.working_dir + "/" + path;
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

/// The PT_INTERP of an ELF file of this machine's byte order, or "".
template <typename Ehdr, typename Phdr>
std::string elf_interpreter(int fd) {
  Ehdr eh{};
  if (::pread(fd, &eh, sizeof eh, 0) != static_cast<ssize_t>(sizeof eh)) return {};
  if (eh.e_phentsize != sizeof(Phdr)) return {};
  for (unsigned i = 0; i < eh.e_phnum && i < 256; ++i) {
    Phdr ph{};
    off_t at = static_cast<off_t>(eh.e_phoff + i * sizeof(Phdr));
    if (::pread(fd, &ph, sizeof ph, at) != static_cast<ssize_t>(sizeof ph)) return {};
    if (ph.p_type != PT_INTERP) continue;
    char buf[4096] = {};
    std::size_t len = ph.p_filesz < sizeof buf - 1 ? static_cast<std::size_t>(ph.p_filesz) : sizeof buf - 1;
    if (::pread(fd, buf, len, static_cast<off_t>(ph.p_offset)) != static_cast<ssize_t>(len)) return {};
    return std::string(buf);  // up to its NUL
  }
  return {};
}

/// Why execve said ENOENT for `shown` although the file exists: its `#!`
/// interpreter or its ELF loader is missing. Read only after a failure.
std::string missing_interpreter(const std::string& shown, const std::string& path,
                                const SpawnRequest& req) {
  std::string generic = "cannot run " + shown + ": exec reports no such file, yet it exists";
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return generic;
  char head[256] = {};
  ssize_t n = ::pread(fd.get(), head, sizeof head - 1, 0);
  if (n >= 2 && head[0] == '#' && head[1] == '!') {
    std::string_view line(head + 2, static_cast<std::size_t>(n - 2));
    line = line.substr(0, line.find('\n'));
    std::size_t start = line.find_first_not_of(" \t");
    if (start == std::string_view::npos) return generic;
    std::string interp(line.substr(start, line.find_first_of(" \t", start) - start));
    if (!exists(as_child_sees(interp, req))) return "bad interpreter: " + shown + ": " + interp + " not found";
    return generic;
  }
  if (n >= SELFMAG && std::memcmp(head, ELFMAG, SELFMAG) == 0) {
    std::string interp = head[EI_CLASS] == ELFCLASS64 ? elf_interpreter<Elf64_Ehdr, Elf64_Phdr>(fd.get())
                                                      : elf_interpreter<Elf32_Ehdr, Elf32_Phdr>(fd.get());
    if (!interp.empty() && !exists(interp))
      return "bad ELF interpreter: " + shown + ": " + interp + " not found";
  }
  return generic;
}

std::string not_found(const std::string& name, const std::vector<std::string>& candidates,
                      const SpawnRequest& req) {
  for (const auto& c : candidates) {
    std::string path = as_child_sees(c, req);
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return missing_interpreter(c, path, req);
  }
  return name.find('/') == std::string::npos ? "command not found: " + name : "no such file: " + name;
}

std::string describe(Stage stage, int err, const SpawnRequest& req,
                     const std::vector<std::string>& candidates) {
  const std::string& name = req.argv.empty() ? std::string() : req.argv[0];
  const std::string cannot_run = "cannot run '" + name + "': ";
  switch (stage) {
    case Stage::Chdir:
      if (err == ENOENT) return cannot_run + "working directory does not exist: " + req.working_dir;
      if (err == ENOTDIR) return cannot_run + "working directory is not a directory: " + req.working_dir;
      return cannot_run + "cannot enter working directory " + req.working_dir + ": " + std::strerror(err);
    case Stage::Exec:
      if (err == ENOENT) return not_found(name, candidates, req);
      if (err == EACCES) return "permission denied: " + name;
      if (err == ENOEXEC) return "exec format error: " + name;
      return "spawn " + quoted(name) + ": " + std::strerror(err);
    case Stage::Group:
      return "spawn " + quoted(name) + ": setpgid: " + std::strerror(err);
    case Stage::DeathSignal:
      return "spawn " + quoted(name) + ": prctl(PR_SET_PDEATHSIG): " + std::strerror(err);
    case Stage::Rlimit:
      return "spawn " + quoted(name) + ": setrlimit(RLIMIT_NOFILE): " + std::strerror(err);
    case Stage::Stdio:
      return "spawn " + quoted(name) + ": dup2: " + std::strerror(err);
    case Stage::CloseFds:
      return "spawn " + quoted(name) + ": cannot close the fds it must not inherit: " + std::strerror(err);
    case Stage::None:
      break;
  }
  return "spawn " + quoted(name) + ": " + std::strerror(err);
}

}  // namespace

std::vector<std::string> exec_candidates(const std::string& name,
                                         const std::vector<std::string>& env) {
  if (name.find('/') != std::string::npos) return {name};
  std::string path = "/usr/local/bin:/usr/bin:/bin";
  for (const auto& entry : env)
    if (entry.compare(0, 5, "PATH=") == 0) path = entry.substr(5);
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    std::size_t colon = path.find(':', start);
    std::string dir = path.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    out.push_back(dir.empty() ? name : dir + (dir.back() == '/' ? "" : "/") + name);
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return out;
}

std::uint64_t signals_to_reset(bool sigpipe_inherited_ignored) {
  std::uint64_t out = bit(SIGCHLD);
  if (!sigpipe_inherited_ignored) out |= bit(SIGPIPE);
  for (int sig = 1; sig <= 64; ++sig) {
    struct sigaction now {};
    if (::sigaction(sig, nullptr, &now) != 0 || sig == SIGPIPE || sig == SIGCHLD) continue;
    // An ignored signal stays ignored across exec, as sh and make leave it:
    // it was ignored when the run started (nohup's SIGHUP), or by the embedder.
    if (now.sa_handler == SIG_IGN) continue;
    if (now.sa_handler != SIG_DFL) out |= bit(sig);
  }
  // Caught later, while the run watches them (a handler is not inherited
  // through exec, but it would run on our memory before the exec).
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGTSTP, SIGCONT}) {
    struct sigaction now {};
    if (::sigaction(sig, nullptr, &now) == 0 && now.sa_handler != SIG_IGN) out |= bit(sig);
  }
  return out;
}

SpawnResult spawn_child(const SpawnRequest& req) {
  if (req.argv.empty() || req.argv[0].empty()) return SpawnError{EINVAL, "spawn: empty command"};
  std::vector<char*> envp = merged_env(req);
  std::vector<std::string> candidates;
  if (req.argv[0].find('/') != std::string::npos) {
    candidates.push_back(req.argv[0]);
  } else {
    // PATH as the child will see it.
    std::vector<std::string> path_env;
    for (char* const* e = envp.data(); *e; ++e)
      if (std::strncmp(*e, "PATH=", 5) == 0) path_env.assign(1, *e);
    candidates = exec_candidates(req.argv[0], path_env);
  }
  std::vector<char*> argv = c_strings(req.argv);
  std::vector<char*> cands = c_strings(candidates);

  // The child's stdio sources must not sit in slots 0-2 that an earlier dup2
  // would overwrite; move such fds up first (an fd in its own slot is inherited).
  UniqueFd dev_null;
  UniqueFd moved[3];
  ChildArgs args;
  for (int slot = 0; slot < 3; ++slot) {
    int fd = req.stdio[slot];
    if (fd < 0) {
      if (!dev_null.valid()) {
        dev_null.reset(::open("/dev/null", O_RDWR | O_CLOEXEC));
        if (!dev_null.valid()) return SpawnError{errno, std::string("open /dev/null: ") + std::strerror(errno)};
      }
      fd = dev_null.get();
    }
    if (fd < 3 && fd != slot) {
      moved[slot].reset(::fcntl(fd, F_DUPFD_CLOEXEC, 3));
      if (!moved[slot].valid()) return SpawnError{errno, std::string("dup: ") + std::strerror(errno)};
      fd = moved[slot].get();
    }
    args.stdio[slot] = fd;
  }
  args.argv = argv.data();
  args.envp = envp.data();
  args.candidates = cands.data();
  args.working_dir = req.working_dir.empty() ? nullptr : req.working_dir.c_str();
  args.new_group = req.new_process_group;
  args.set_nofile = req.nofile_soft_limit.has_value();
  args.nofile_soft = req.nofile_soft_limit.value_or(0);
  args.reset_signals = req.reset_signals;
  args.parent = ::getpid();

  std::unique_ptr<char[]> stack(new char[kChildStack]);
  char* stack_top = stack.get() + kChildStack;
  stack_top -= reinterpret_cast<std::uintptr_t>(stack_top) % 64;

  // With every signal blocked no handler of ours can run on the child's
  // borrowed memory before it resets the dispositions.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int pidfd = -1;
  pid_t pid = ::clone(&child_main, stack_top, CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD, &args,
                      &pidfd);
  int clone_err = errno;
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (pid < 0)
    return SpawnError{clone_err, "spawn " + quoted(req.argv[0]) + ": clone: " + std::strerror(clone_err)};
  UniqueFd pidfd_owner(pidfd);
  if (args.stage != static_cast<int>(Stage::None)) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return SpawnError{args.err, describe(static_cast<Stage>(args.stage), args.err, req, candidates)};
  }
  // The same maximum as RUSAGE_SELF (the process's and the mm's peak), a
  // third of the cost: it does not walk the threads.
  struct rusage usage {};
  ::getrusage(RUSAGE_THREAD, &usage);
  return SpawnedChild{pid, std::move(pidfd_owner), usage.ru_maxrss};
}

}  // namespace sluice::detail
