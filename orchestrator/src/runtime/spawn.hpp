/// spawn_child(): starts one process without copying sluice's address space.
///
/// libuv 1.44's uv_spawn forks (14 ms per spawn from a 256 MiB parent, and no
/// rusage) and glibc's posix_spawnp searches the PARENT's PATH and cannot tell
/// a missing working directory from a missing command. So: the parent builds
/// every string and candidate path first (the child may not allocate), blocks
/// all signals, and clone(CLONE_VM | CLONE_VFORK | CLONE_PIDFD)s a child on a
/// small stack. The child, using raw system calls only, in this order:
/// joins its own process group (optional), sets the parent-death signal to
/// SIGKILL (and exits if the parent already died), resets the signal
/// dispositions that must not survive the exec (see signals_to_reset), restores
/// the soft RLIMIT_NOFILE that the guards raised, chdir()s, dup2s the stdio
/// fds, closes every fd >= 3 (an inherited fd 100 would otherwise leak; see
/// close_fds.hpp: a child that cannot close them fails), discards a pending SIGTSTP/SIGTTIN/SIGTTOU (sent to
/// sluice's group before the setpgid: it would stop the child in its new
/// group, where fg's SIGCONT never comes, and sluice with it), unblocks all
/// signals and tries execve on each PATH candidate (PATH from the CHILD's
/// environment) until one is not ENOENT. A failure is written to memory the
/// parent shares (CLONE_VM) and the parent, resumed by CLONE_VFORK only after
/// the exec or the exit, reaps the child and returns the error (reading the
/// file's `#!` line or ELF interpreter when exec said ENOENT for a file that
/// exists).
///
/// The parent-death signal follows the THREAD that spawned the child: spawn
/// from the loop thread, which lives as long as the run. Any thread may call.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "runtime/unique_fd.hpp"

namespace sluice::detail {

/// Signal n is bit n-1.
inline constexpr std::uint64_t kAllSignals = ~std::uint64_t{0};

struct SpawnRequest {
  std::vector<std::string> argv;  ///< argv[0] is looked up in the child's PATH unless it holds '/'
  std::vector<std::string> env;   ///< "NAME=value", the child's whole environment
  /// Optional shared base (e.g. sluice's environ, built once per run): its
  /// entries whose NAME is not set in `env` come first, so a spawn copies no
  /// strings. Must outlive the spawn_child() call.
  const std::vector<std::string>* base_env = nullptr;
  std::string working_dir;        ///< empty: sluice's own
  /// The child's fds 0, 1, 2; -1 = /dev/null. An fd equal to its slot (0 for
  /// stdin, ...) is inherited as is. Not consumed: the caller closes its copies.
  int stdio[3] = {-1, -1, -1};
  bool new_process_group = true;  ///< setpgid(0, 0): the task's group is its pid
  /// The soft RLIMIT_NOFILE to give the child (what it was before the guards
  /// raised ours); empty = inherit ours.
  std::optional<std::uint64_t> nofile_soft_limit;
  /// The signals the child sets back to SIG_DFL before exec (a handler would
  /// run on our memory if one came in between; an ignored one would stay
  /// ignored after exec). Each reset is a system call while we wait for the
  /// child (~11 us for all 62): who spawns many children passes
  /// signals_to_reset(), computed once.
  std::uint64_t reset_signals = kAllSignals;
};

struct SpawnedChild {
  int pid = 0;
  UniqueFd pidfd;  ///< O_CLOEXEC; readable once the child exited
  /// sluice's peak RSS right after the child's exec. The kernel's exec
  /// carries the peak of the mm it leaves (ours: CLONE_VM) into the child's
  /// ru_maxrss, so a child's ru_maxrss up to this value says nothing about
  /// the child itself. One getrusage(RUSAGE_THREAD): ~0.25 us here.
  std::int64_t inherited_max_rss_kb = 0;
};

struct SpawnError {
  int err = 0;          ///< errno of the step that failed
  /// "command not found: fecth", "cannot run 'make': working directory does
  /// not exist: /x", "bad interpreter: ./x.sh: /no/such/sh not found"
  std::string message;
};

using SpawnResult = std::variant<SpawnedChild, SpawnError>;

SpawnResult spawn_child(const SpawnRequest& request);

/// The signals a child sets back to SIG_DFL: those caught now (a handler),
/// those sluice catches while a run watches them (SIGINT, SIGTERM, SIGHUP,
/// SIGTSTP, SIGCONT) unless they are ignored now, SIGCHLD, and SIGPIPE
/// unless `sigpipe_inherited_ignored` (sluice ignores SIGPIPE itself, see
/// install_process_guards; it tells whether the caller had ignored it too).
/// Other ignored signals stay ignored in the child, as exec leaves them
/// (nohup's SIGHUP, a background job's SIGINT). A handler installed after
/// this call, for another signal, is not reset in children spawned with the
/// result.
std::uint64_t signals_to_reset(bool sigpipe_inherited_ignored = false);

/// The exec candidates for `name` under the PATH found in `env` (the default
/// "/usr/local/bin:/usr/bin:/bin" when it has none); `name` itself when it
/// holds a '/'. An empty PATH entry means the working directory, as in sh.
std::vector<std::string> exec_candidates(const std::string& name,
                                         const std::vector<std::string>& env);

}  // namespace sluice::detail
