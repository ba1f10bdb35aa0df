// One run, wired together (see run_session.hpp).
#include "engine/run_session.hpp"

#include <unistd.h>

#include <csignal>
#include <stdexcept>
#include <string>

#include "engine/console_handoff.hpp"
#include "engine/run_outputs.hpp"
#include "executors/dispatch_runner.hpp"
#include "executors/file_task_runner.hpp"
#include "executors/local_process_runner.hpp"
#include "runtime/async.hpp"
#include "runtime/job_control.hpp"
#include "runtime/loop.hpp"
#include "runtime/signal_watcher.hpp"
#include "runtime/thread_pool.hpp"
#include "runtime/timer.hpp"
#include "scheduler/scheduler.hpp"

namespace sluice::detail {

namespace {
/// How often the run re-asks an observer that is behind (it cannot wake the
/// loop when it catches up).
constexpr std::chrono::milliseconds kFlowPoll{10};
}  // namespace

struct RunHandleAccess {
  static void attach(RunHandle& h, std::function<void()> wake) {
    std::lock_guard lock(h.mutex_);
    h.ended_ = false;
    h.wake_ = std::move(wake);
    if (h.pending_ > 0) h.wake_();
  }
  /// The run ended: cancels not delivered are dropped, and so are those
  /// that come before the next run (see RunHandle).
  static void detach(RunHandle& h) {
    std::lock_guard lock(h.mutex_);
    h.wake_ = nullptr;
    h.pending_ = 0;
    h.ended_ = true;
  }
  static int take(RunHandle& h) {
    std::lock_guard lock(h.mutex_);
    return std::exchange(h.pending_, 0);
  }
};

RunSession::RunSession(const Pipeline& pipeline, const Graph& graph, std::vector<TaskId> selected,
                       const RunOptions& options, const SecretValues& secrets, RunHandle* handle)
    : pipeline_(pipeline),
      graph_(graph),
      selected_(std::move(selected)),
      options_(options),
      handle_(handle),
      loop_(std::make_unique<Loop>()),
      timers_(std::make_unique<LoopTimers>(*loop_)),
      flow_poll_(std::make_unique<Timer>(*loop_)) {
  flow_poll_->unref();
  std::vector<std::string> secret_values;
  for (const auto& kv : secrets.values) secret_values.push_back(kv.second);
  RunOutputs::Hooks hooks;
  hooks.flow_changed = [this] { update_flow(); };
  hooks.cancel_for_broken_pipe = [this] { return cancel_for_broken_pipe(); };
  outputs_ = std::make_unique<RunOutputs>(*loop_, pipeline_, selected_, options_,
                                          std::move(secret_values), std::move(hooks));
  make_runner(secrets);

  SchedulerOptions sched_options;
  sched_options.max_parallel = options_.jobs;
  sched_options.keep_going = options_.keep_going;
  scheduler_ = std::make_unique<Scheduler>(pipeline_, graph_, selected_, std::move(sched_options),
                                           *runner_, *timers_, [this](const Event& e) { emit(e); });
  watch_signals();
  if (handle_) {
    posts_ = std::make_unique<PostQueue>(*loop_);
    posts_->unref();
  }
}

RunSession::~RunSession() {
  if (handle_) RunHandleAccess::detach(*handle_);
}

void RunSession::make_runner(const SecretValues& secrets) {
  LocalRunnerOptions local;
  local.secrets = secrets.values;
  local.child_nofile_soft = options_.child_nofile_soft;
  // stdout is the event stream: an interactive task writes to the terminal
  // through stderr instead, where the console is.
  if (options_.events_path == "-") local.interactive_stdout = STDERR_FILENO;
  local.child_sigpipe_ignored = options_.child_sigpipe_ignored;
  if (graph_.has_streams()) {
    std::vector<char> chosen(pipeline_.tasks.size(), 0);
    for (TaskId t : selected_) chosen[t] = 1;
    for (TaskId t : selected_)
      if (TaskId from = graph_.producer(t); from != Graph::kNoTask && chosen[from])
        local.stream_edges.emplace_back(from, t);
  }

  auto runners = std::make_unique<DispatchRunner>(*loop_, pipeline_);
  runners->add(std::make_unique<LocalProcessRunner>(*loop_, pipeline_, std::move(local), values_),
               {ActionKind::Run, ActionKind::Cmd});
  // Threads start on demand: a run without file tasks starts none.
  pool_ = std::make_unique<ThreadPool>(*loop_, static_cast<unsigned>(options_.threads));
  runners->add(std::make_unique<FileTaskRunner>(*loop_, pipeline_, *pool_, values_),
               {ActionKind::Copy, ActionKind::Concat, ActionKind::Write, ActionKind::Hash,
                ActionKind::Compress, ActionKind::Decompress});
  runners_ = std::move(runners);
  runner_ = std::make_unique<ConsoleHandoff>(*runners_, pipeline_, outputs_->console());
  runner_->set_listener(this);
}

// Watchers that must not keep the loop alive: the run ends when the last
// task does, whatever is still being watched.
void RunSession::watch_signals() {
  if (!options_.handle_signals) return;
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    // Ignored when we started (nohup, a shell's background job): leave it so.
    if (SignalWatcher::ignored_now(sig)) continue;
    signals_.push_back(
        std::make_unique<SignalWatcher>(*loop_, sig, [this](int signo) { interrupt(signo); }));
    signals_.back()->unref();
  }
  // Only running time counts toward timeouts: the clocks stop with the run.
  job_control_ = std::make_unique<JobControl>(
      *loop_,
      [this] {
        scheduler_->on_run_stopped();
        runner_->suspend();
      },
      [this] {
        runner_->resume();
        scheduler_->on_run_continued();
      });
}

RunResult RunSession::run() {
  if (handle_) {
    RunHandleAccess::attach(*handle_, [this] { posts_->post([this] { deliver_cancels(); }); });
  }
  scheduler_->start();
  loop_->run();

  RunResult result;
  if (!scheduler_->done()) {
    // The loop ran dry with tasks unfinished: a bug, never a silent success.
    throw std::logic_error("event loop ended before the run finished");
  }
  result.status = scheduler_->result();
  result.summary = scheduler_->summary();
  result.signal = scheduler_->interrupt_signal().value_or(0);

  if (handle_) RunHandleAccess::detach(*handle_);
  outputs_->finish(result);
  // Handle owners go before the loop closes; close() then checks nothing leaked.
  posts_.reset();
  signals_.clear();
  job_control_.reset();
  flow_poll_.reset();
  scheduler_.reset();
  runner_.reset();
  runners_.reset();
  pool_.reset();
  outputs_.reset();
  timers_.reset();
  // A handle still open here, or a loop libuv will not close, is a bug of
  // ours (ARCHITECTURE: the loop closes cleanly at the end of every run):
  // say so rather than end as if all were well.
  bool closed = loop_->close();
  if (!closed || loop_->leaked_handles() > 0) {
    throw std::logic_error("the event loop did not close cleanly (" +
                           std::to_string(loop_->leaked_handles()) + " handle(s) left open)");
  }
  return result;
}

// An interrupted run must end even when a consumer stopped reading: the
// tasks' held-back output is then dropped after the drain cap.
void RunSession::interrupt(int signo) {
  runner_->bound_drain();
  scheduler_->interrupt(signo);
  // Said at once, not when the tasks have ended (SPEC §4).
  if (auto signal = scheduler_->interrupt_signal())
    outputs_->interrupting(*signal, scheduler_->killing());
}

bool RunSession::cancel_for_broken_pipe() {
  if (!scheduler_ || scheduler_->done() || scheduler_->interrupt_signal()) return false;
  interrupt(SIGPIPE);
  return true;
}

void RunSession::deliver_cancels() {
  int n = handle_ ? RunHandleAccess::take(*handle_) : 0;
  for (int i = 0; i < n && scheduler_ && !scheduler_->done(); ++i) interrupt(SIGINT);
}

void RunSession::on_task_started(TaskId task, int pid) { scheduler_->on_task_started(task, pid); }

void RunSession::on_task_output(TaskId task, StreamKind stream, std::string_view lines) {
  outputs_->task_output(task, stream, lines);
  update_flow();
}

void RunSession::on_task_finished(TaskId task, const AttemptOutcome& outcome) {
  scheduler_->on_task_finished(task, outcome);
}

void RunSession::emit(const Event& event) {
  outputs_->emit(event);
  update_flow();
}

void RunSession::update_flow() {
  if (!runner_ || !outputs_) return;
  const bool full = outputs_->backlogged();
  if (full != paused_) {
    paused_ = full;
    if (full) {
      runner_->pause_reading();
    } else {
      runner_->resume_reading();
    }
  }
  // A writer says when it drained; an observer cannot: ask it again soon.
  if (full && !options_.observers.empty() && flow_poll_ && !flow_poll_->active())
    flow_poll_->start(kFlowPoll, [this] { update_flow(); });
}

}  // namespace sluice::detail
