/// ProcessSupervisor: makes sure no process outlives its task (SPEC §2).
///
/// A task's processes share its process group, so SIGKILL to the group gets
/// them all, except those that left it (setsid, a double fork plus setpgid).
/// With PR_SET_CHILD_SUBREAPER (install_process_guards) such escapees are
/// re-parented to us when their parent dies. The attribution rule, applied by
/// sweep() when a task's process ends:
///
///   a child of ours that is NOT a live task leader we spawned is an orphan
///   of that task when its process group is the task's group, or when its
///   environment holds the task's token (kTokenVariable, a value unique per
///   spawn that every descendant inherits unless it clears its environment).
///
/// Orphans of other tasks (another group, another token) and children the
/// embedder spawned itself (no token) are never touched, so concurrent tasks
/// are safe. An attributed orphan is SIGKILLed (with its own group when it
/// leads one) and reaped BY PID on a 20 ms timer; when one is reaped, the
/// sweep runs again for its token, because its own children were just
/// re-parented to us. We give up on a process after 5 s (stuck in D state).
/// Candidates come from /proc/self/task/<main thread>/children, kept open and
/// re-read with one pread per sweep: the kernel re-parents an orphan to the
/// subreaper's first live thread, which is the main thread unless it exited
/// (pthread_exit from main: such an embedder's orphans are missed). If that
/// file cannot be read, every thread's list is read instead.
///
/// Without the subreaper (an embedder that did not call
/// install_process_guards) escapees are not re-parented to us, so a task's
/// end only kills its group; the run's end (this object's destruction, also
/// after a cancel) then scans /proc once for processes whose environment
/// holds this supervisor's token prefix (every token is `<pid>.<start
/// time>.<n>`) and SIGKILLs them, without waiting: they are not our
/// children. One scan per run, nothing per task.
///
/// When sluice itself dies, the run's Watchdog takes over (see there).
///
/// Known gaps: an escapee that cleared its environment and left the group is
/// not attributable; one that exited before the sweep stays a zombie until
/// sluice exits (reaping an unattributed zombie could steal an embedder's
/// libuv child); without the subreaper, escapees live until the run ends.
/// Loop thread only; one per loop.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "runtime/loop.hpp"
#include "runtime/timer.hpp"
#include "runtime/unique_fd.hpp"
#include "runtime/watchdog.hpp"

namespace sluice::detail {

class ProcessSupervisor {
 public:
  static constexpr const char* kTokenVariable = "SLUICE_PROCESS_TOKEN";

  explicit ProcessSupervisor(Loop& loop);
  /// SIGKILLs and reaps (blocking) every orphan still pending; without the
  /// subreaper, then kill_escapees().
  ~ProcessSupervisor();
  ProcessSupervisor(const ProcessSupervisor&) = delete;
  ProcessSupervisor& operator=(const ProcessSupervisor&) = delete;

  /// A fresh token for one spawn: token_prefix() and a counter.
  std::string new_token();
  /// Shared by every token of this supervisor (of one run).
  const std::string& token_prefix() const { return prefix_; }
  /// SIGKILLs every process, anywhere, whose environment holds one of our
  /// tokens (one /proc scan; not waited for). Returns how many.
  int kill_escapees();
  /// A task's process was spawned; `pgid` is its own group (its pid), or 0
  /// when it shares sluice's.
  void child_started(int pid, int pgid);
  void child_reaped(int pid);
  /// The run's watchdog (see watchdog.hpp): told each task group while its
  /// leader lives, and never taken for an orphan. Null: none.
  void set_watchdog(Watchdog* watchdog) { watchdog_ = watchdog; }

  /// The task's process ended: SIGKILL its group (pgid 0: none) and every
  /// orphan attributed to it; returns how many orphans were found.
  int sweep(int pgid, const std::string& token);
  /// Orphans killed and not yet reaped.
  std::size_t pending() const { return pending_.size(); }
  bool subreaper() const { return subreaper_; }

  /// Our direct children (threads included), from /proc.
  static std::vector<int> list_children();

 private:
  struct Orphan {
    int pid;
    int pgid;
    std::string token;
    std::int64_t deadline_ms;
  };
  int sweep_orphans(int pgid, const std::string& token);
  /// Our children that may be orphans (live leaders not yet filtered out).
  std::vector<int>& orphan_candidates();
  void reap_pending();

  Loop& loop_;
  Timer timer_;
  bool subreaper_ = false;
  std::uint64_t counter_ = 0;
  std::string prefix_;
  int pid_ = 0;
  UniqueFd children_fd_;
  std::string text_;             ///< reused read buffer
  std::vector<int> candidates_;  ///< reused result
  std::unordered_set<int> live_;
  std::vector<Orphan> pending_;
  Watchdog* watchdog_ = nullptr;
};

}  // namespace sluice::detail
