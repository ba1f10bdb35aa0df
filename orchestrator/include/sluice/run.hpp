/// Running a pipeline: the library's front door, with the CLI's semantics.
///
///     auto loaded = sluice::load_pipeline_file("etl.yaml");
///     sluice::RunOptions opts;
///     opts.jobs = 4;
///     sluice::RunResult r = sluice::run_pipeline(loaded.pipeline, opts);
///
/// run_pipeline() blocks: it owns its own event loop, runs the tasks, closes
/// every handle and returns once no process of the run is left. `cancel()` on
/// a RunHandle may be called from any thread. Events reach the RunObservers
/// of RunOptions::observers on the thread that called run_pipeline, in order
/// (sluice/observer.hpp).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "sluice/events.hpp"
#include "sluice/observer.hpp"
#include "sluice/pipeline.hpp"

namespace sluice {

class Graph;

namespace detail {
struct RunHandleAccess;
}

enum class OutputMode : std::uint8_t { Prefixed, Grouped, Interleaved, Quiet, None };
enum class ColorMode : std::uint8_t { Auto, Always, Never };

struct RunOptions {
  /// Task names, matrix bases or output paths; empty = the pipeline's
  /// default_targets, or every task when it has none.
  std::vector<std::string> targets;
  std::string cwd;                   ///< for relative output targets; empty = current directory
  int jobs = 0;                      ///< overrides max_parallel when > 0
  /// Threads of the run's pool for hashing and (de)compression; 0 = one per
  /// CPU sluice may run on. Negative: the run does not start (start_error).
  int threads = 0;
  bool keep_going = false;
  bool dry_run = false;              ///< print what would run, in order; touch nothing
  bool force = false;

  /// The console on stdout/stderr. None: the library prints nothing.
  OutputMode output = OutputMode::None;
  ColorMode color = ColorMode::Auto;
  bool quiet = false;       ///< no summary table
  bool verbose = false;
  std::string events_path;  ///< JSON lines; "-" = stdout; empty = none

  /// Watch SIGINT, SIGTERM and SIGHUP while the run lasts and cancel it on
  /// them, as the CLI does (SPEC §2), and forward job control to the tasks'
  /// process groups: on SIGTSTP every task group gets SIGSTOP and sluice
  /// stops itself, on SIGCONT the groups get SIGCONT. A signal ignored when
  /// the run starts is not watched (nohup's SIGHUP, a background job's
  /// SIGINT), as sh and make leave it. Off by default: signals are the
  /// embedding program's business unless it asks.
  bool handle_signals = false;

  /// The soft RLIMIT_NOFILE children get; pass ProcessGuards::nofile_soft_before
  /// after install_process_guards() raised sluice's own. Empty = inherit.
  std::optional<std::uint64_t> child_nofile_soft;
  /// Children keep SIGPIPE ignored; pass ProcessGuards::sigpipe_ignored_before
  /// (the caller had ignored it). Otherwise they get it at its default even
  /// though the guards ignore it in sluice.
  bool child_sigpipe_ignored = false;

  /// Who hears every event, as it happens, on the run's thread, in this
  /// order (after the console and the event stream). Not owned: each must
  /// outlive run_pipeline().
  std::vector<RunObserver*> observers;
};

struct RunResult {
  RunStatus status = RunStatus::Succeeded;
  int signal = 0;  ///< the signal that interrupted the run, when status is Interrupted
  /// A run that could not start (a missing secret, an unknown target, ...):
  /// the reason; status is Failed and no task ran.
  std::string start_error;
  std::vector<Diagnostic> diagnostics;  ///< graph or target errors; no task ran
  /// The first console or event output that could not be written (other
  /// than a console pipe whose reader left, which ends the run by SIGPIPE),
  /// e.g. "cannot write events to /dev/full: No space left on device". The
  /// run went on without that output, and failed.
  std::string output_error;
  RunFinished summary;
};

/// Cancels a run from any thread, as SIGINT would: the first cancel() stops
/// the run (running tasks get TERM, `always` tasks still run), a second one
/// kills everything at once. A handle serves one run at a time, and may
/// serve several in turn. A cancel() before the handle's first run cancels
/// that run as soon as it starts. Once a run on the handle has ended, a
/// cancel() does nothing until the next run starts: it came too late for
/// the run it was meant for, and the next run starts uncancelled.
class RunHandle {
 public:
  void cancel();

 private:
  friend struct detail::RunHandleAccess;
  std::mutex mutex_;
  int pending_ = 0;                  ///< cancels not yet delivered to a run
  bool ended_ = false;               ///< a run ended, none started since
  std::function<void()> wake_;       ///< set by the running run
};

/// Runs `pipeline` to completion (see the file comment). `handle`, when given,
/// may cancel it from another thread.
RunResult run_pipeline(const Pipeline& pipeline, const RunOptions& options,
                       RunHandle* handle = nullptr);

/// The same with the graph the caller already built (and checked) for this
/// pipeline: a 100,000-task plan is then built once, not twice.
RunResult run_pipeline(const Pipeline& pipeline, const Graph& graph, const RunOptions& options,
                       RunHandle* handle = nullptr);

/// Exit status for a finished run, as the CLI uses it: 0, 1, 3, or 128+signal.
int exit_code(const RunResult& r);

}  // namespace sluice
