/// ProcessTask: one attempt of one process task, as a small state machine
/// (If -> Action -> Done) with one entry point per event. Owned by
/// LocalProcessRunner, which it reports to. Loop thread only.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "executors/declared_outputs.hpp"
#include "executors/stream_files.hpp"
#include "executors/stream_tee.hpp"
#include "executors/task_runner.hpp"
#include "runtime/line_splitter.hpp"
#include "runtime/subprocess.hpp"
#include "runtime/timer.hpp"
#include "runtime/unique_fd.hpp"

namespace sluice::detail {

class LocalProcessRunner;

class ProcessTask {
 public:
  ProcessTask(LocalProcessRunner& runner, TaskId id, int attempt);
  ~ProcessTask();
  ProcessTask(const ProcessTask&) = delete;
  ProcessTask& operator=(const ProcessTask&) = delete;

  void start();
  void terminate();
  void kill();
  /// Job control: SIGSTOP / SIGCONT to the running process's group.
  /// (These verbs are TaskRunner's, see task_runner.hpp.)
  void suspend();
  void resume();
  void pause_reading();
  void resume_reading();
  void bound_drain();

 private:
  enum class Phase : std::uint8_t { Idle, If, Action, Done };

  void start_action();
  void on_if_finished(const ExitStatus& status);
  void on_action_finished(const ExitStatus& status);
  /// The action's output is on its files: declared outputs and $SLUICE_OUTPUT.
  void check_outputs(AttemptOutcome out);
  void on_output(OutputStream stream, std::string_view chunk);
  /// Whole lines of the action: to the stream files, then the listener.
  void emit_lines(StreamKind stream, std::string_view lines);
  /// Reports on the next loop turn (never from inside start()).
  void finish_later(AttemptOutcome outcome);
  void finish(AttemptOutcome outcome);
  /// spawn.env/base_env for a script's values (`script` may be null).
  bool build_env(const Script* script, SpawnRequest& spawn, std::string& error) const;
  /// Reads and removes the $SLUICE_OUTPUT file; empty when none was written.
  std::string take_output_file();
  /// output_file_'s basename, in the runner's output directory.
  const char* output_name() const;
  std::unique_ptr<Subprocess> make_subprocess();
  /// sluice stops the task: a tee drops what is pending; an outcome held
  /// for its delivery is reported now.
  void abandon_tee();
  /// A stream edge's ends (stream_links.hpp): false after failing the attempt.
  bool connect_streams(SubprocessOptions& opts, AttemptOutcome& fail);
  /// Reading the child's pipes stops while the sinks, the tee or the stream files are full.
  void apply_reading();
  /// A producer ended by SIGPIPE (its readers left) succeeded, as in a shell
  /// pipeline without pipefail; `sh -c` reports it as exit 128+13.
  void forgive_sigpipe(AttemptOutcome& out) const;

  LocalProcessRunner& runner_;
  const Task& task_;
  TaskId id_;
  int attempt_;
  Phase phase_ = Phase::Idle;
  DeclaredOutputs outputs_;
  StreamFiles streams_;  ///< the `stdout/stderr: {file}` copies of the action
  std::string output_file_;
  bool output_consumed_ = false;  ///< read and unlinked, or never created
  UniqueFd stdin_fd_;
  UniqueFd stdout_fd_;  ///< a plain stream edge's write end, until the spawn
  bool producer_ = false;  ///< some task of the run reads this one's stdout
  bool watch_stdout_ = true;  ///< its stdout lines go to the console and files
  std::unique_ptr<StreamTee> tee_;  ///< relays stdout to several consumers
  bool tee_blocked_ = false;
  /// The outcome while the tee delivers the last bytes (reported after).
  std::optional<AttemptOutcome> delivering_;
  std::unique_ptr<Subprocess> proc_;
  std::unique_ptr<Subprocess> if_proc_;  ///< the finished `if` process
  LineSplitter out_lines_, err_lines_;
  Timer defer_;
  Timer tee_timer_;  ///< closes stdout once no consumer is left
  bool signalled_ = false;  ///< terminate/kill was asked: a failure for outputs' sake
  bool paused_ = false;
  bool files_full_ = false;
  bool bounded_drain_ = false;
};

}  // namespace sluice::detail
