/// Subprocess: one child process with its output captured, from spawn to
/// "nothing of it is left". Owned by the executor's task state machine.
///
/// stdout and stderr go to two pipes (pipe2 O_CLOEXEC; our ends watched in
/// the loop's FdPoller, see PipeReader) read in big chunks into a shared ReadBuffer; raw
/// chunks go to on_output as they come (split lines with LineSplitter).
///
/// When it ends: the exit status (from the pidfd, see ExitWatcher) can come
/// long before EOF when a grandchild holds the pipes (`sh -c 'sleep 300 &
/// echo hi'`). So after the exit we wait at most `drain_grace` for EOF on
/// both pipes; then the task's group and its orphans are SIGKILLed (they
/// would outlive the task anyway) and we read on to EOF, for at most
/// `drain_cap` more (only while reading is not paused: data the consumer did
/// not take yet is never dropped), after which the pipes are closed unread
/// (an escapee we could not attribute still holds them). Finally, always, the
/// group gets SIGKILL and the supervisor sweeps orphans (no process outlives
/// its task), and on_finished reports the status. It may destroy this object.
///
/// Latency: a child's pipe EOFs come a few microseconds before its exit, and
/// each would wake the loop on its own. So at the first EOF we wait for the
/// exit for up to `exit_wait` (ExitWatcher::await_exit), and at the exit we take
/// the EOFs the poller has not reported yet: a short task ends in one wakeup.
///
/// Peak memory: a child's ru_maxrss starts at sluice's own peak (exec keeps
/// the peak of the mm it leaves, and the spawn shares ours), so a value not
/// above sluice's peak at the spawn (plus 1 MiB for the kernel's approximate
/// RSS counters) is only an upper bound: reported as 0, unknown.
///
/// Destroying a running Subprocess SIGKILLs its group, reaps it (blocking,
/// for the short time a SIGKILLed process takes) and sweeps.
/// Loop thread only.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/exit_watcher.hpp"
#include "runtime/loop.hpp"
#include "runtime/pipe_reader.hpp"
#include "runtime/process_supervisor.hpp"
#include "runtime/spawn.hpp"
#include "runtime/timer.hpp"

namespace sluice::detail {

enum class OutputStream : std::uint8_t { Stdout, Stderr };

struct SubprocessOptions {
  /// stdio[1] and stdio[2] are replaced by the pipes when `capture`.
  SpawnRequest spawn;
  bool capture = true;
  /// With `capture`: false leaves stdout as spawn.stdio[1] (a stream edge's
  /// pipe) and captures only stderr.
  bool capture_stdout = true;
  std::chrono::milliseconds drain_grace{250};
  std::chrono::milliseconds drain_cap{2000};
  /// At the first EOF, wait this long for the exit (yielding) instead of
  /// going back to the loop to be woken twice more: worth it only while a
  /// core is free for the exiting child, so the runner sets 0 when the
  /// machine is busy with its tasks.
  std::chrono::microseconds exit_wait{50};
};

class Subprocess {
 public:
  struct Callbacks {
    std::function<void(OutputStream, std::string_view chunk)> on_output;
    std::function<void(const ExitStatus&)> on_finished;
  };

  Subprocess(Loop& loop, ProcessSupervisor& supervisor, ReadBuffer& buffer, Callbacks callbacks);
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  /// Spawns the child. On error nothing runs and no callback will come.
  std::optional<SpawnError> start(SubprocessOptions options);

  int pid() const { return pid_; }
  /// The task's process group (its pid), 0 when it shares sluice's group.
  int pgid() const { return pgid_; }
  const std::string& token() const { return token_; }
  bool exited() const { return exited_; }
  bool finished() const { return finished_; }

  /// SIGTERM then SIGCONT to the group (a stopped process must wake to die).
  void terminate();
  /// SIGKILL to the group.
  void kill();
  /// Job control: SIGSTOP / SIGCONT to the task's own group. A child that
  /// shares sluice's group (interactive) is left alone: the terminal's
  /// SIGTSTP and fg's SIGCONT reach it directly.
  void suspend();
  void resume();
  /// Stops reading stdout for good and closes it: nobody wants it any more,
  /// so the child gets EPIPE/SIGPIPE on its next write.
  void close_stdout();
  /// Backpressure: stop / resume reading both pipes.
  void pause_reading();
  void resume_reading();
  bool paused() const { return paused_; }
  /// The run is being interrupted: output still held back by backpressure
  /// when the drain cap runs out is dropped instead of waited for, so a
  /// consumer that stopped reading cannot keep the run alive.
  void bound_drain() { bounded_drain_ = true; }

 private:
  void on_exit(const ExitStatus& status);
  void on_stream_end(OutputStream stream);
  void on_drain_grace();
  void on_drain_cap();
  /// While paused: ends the streams with nothing left to read. True if
  /// that finished (and may have destroyed) this object.
  bool end_empty_streams();
  void maybe_finish();
  void signal_group(int sig);

  Loop& loop_;
  ProcessSupervisor& supervisor_;
  ReadBuffer& buffer_;
  Callbacks callbacks_;
  SubprocessOptions options_;
  std::unique_ptr<ExitWatcher> watcher_;
  std::unique_ptr<PipeReader> out_;
  std::unique_ptr<PipeReader> err_;
  Timer drain_timer_;
  std::string token_;
  ExitStatus status_;
  int pid_ = 0;
  int pgid_ = 0;
  std::int64_t inherited_rss_kb_ = 0;  ///< see SpawnedChild
  bool started_ = false;
  bool exited_ = false;
  bool finished_ = false;
  bool paused_ = false;
  bool draining_to_cap_ = false;
  bool bounded_drain_ = false;
  bool* alive_ = nullptr;  ///< set in on_exit: cleared if a callback destroys us
};

}  // namespace sluice::detail
