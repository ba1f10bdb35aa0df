// One run, wired together (see run_session.hpp).
#include "engine/run_session.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <system_error>

#include "engine/writer_output.hpp"
#include "executors/local_process_runner.hpp"
#include "executors/uv_timers.hpp"
#include "runtime/async.hpp"
#include "runtime/job_control.hpp"
#include "runtime/loop.hpp"
#include "runtime/signal_watcher.hpp"
#include "runtime/timer.hpp"
#include "scheduler/scheduler.hpp"
#include "sinks/console_sink.hpp"
#include "sinks/fd_output.hpp"
#include "sinks/jsonl_event_sink.hpp"

namespace sluice::detail {

namespace {
/// How long an interrupted run's console may hold its end for a reader
/// that stopped reading (as long as a task's drain cap).
constexpr std::chrono::milliseconds kConsoleGiveUp{2000};
}  // namespace

struct RunHandleAccess {
  static void attach(RunHandle& h, std::function<void()> wake) {
    std::lock_guard lock(h.mutex_);
    h.wake_ = std::move(wake);
    if (h.pending_ > 0) h.wake_();
  }
  static void detach(RunHandle& h) {
    std::lock_guard lock(h.mutex_);
    h.wake_ = nullptr;
  }
  static int take(RunHandle& h) {
    std::lock_guard lock(h.mutex_);
    return std::exchange(h.pending_, 0);
  }
};

namespace {

/// The runner as the scheduler drives it, with one step first: an
/// interactive task gets the console before its process exists, so that
/// nothing sluice writes (the status line's erasure included) lands after
/// the task's first bytes, such as a password prompt.
class ConsoleHandoff final : public TaskRunner {
 public:
  ConsoleHandoff(TaskRunner& runner, const Pipeline& pipeline, ConsoleSink* console)
      : runner_(runner), pipeline_(pipeline), console_(console) {}
  void start(TaskId task, int attempt) override {
    if (console_ && pipeline_.tasks[task].interactive) console_->take_terminal(task);
    runner_.start(task, attempt);
  }
  void terminate(TaskId task) override { runner_.terminate(task); }
  void kill(TaskId task) override { runner_.kill(task); }

 private:
  TaskRunner& runner_;
  const Pipeline& pipeline_;
  ConsoleSink* console_;
};

std::string failure_text(const std::string& what, int err) {
  return "cannot write " + what + ": " + std::generic_category().message(err);
}

bool no_color_env() {
  const char* v = std::getenv("NO_COLOR");
  return v && *v;
}

}  // namespace

RunSession::RunSession(const Pipeline& pipeline, const Graph& graph, std::vector<TaskId> selected,
                       const RunOptions& options, SecretValues secrets, RunHandle* handle)
    : pipeline_(pipeline),
      graph_(graph),
      selected_(std::move(selected)),
      options_(options),
      secrets_(std::move(secrets)),
      masker_([this] {
        std::vector<std::string> values;
        for (const auto& kv : secrets_.values) values.push_back(kv.second);
        return values;
      }()),
      handle_(handle),
      loop_(std::make_unique<Loop>()),
      timers_(std::make_unique<UvTimers>(*loop_)),
      files_(pipeline),
      react_(std::make_unique<Timer>(*loop_)),
      give_up_(std::make_unique<Timer>(*loop_)) {
  react_->unref();  // a run that ends first applies failures in run()
  give_up_->unref();
  make_sinks();

  LocalRunnerOptions runner_options;
  runner_options.secrets = secrets_.values;
  runner_options.child_nofile_soft = options_.child_nofile_soft;
  // stdout is the event stream: an interactive task writes to the terminal
  // through stderr instead, where the console is.
  if (options_.events_path == "-") runner_options.interactive_stdout = STDERR_FILENO;
  runner_options.child_sigpipe_ignored = options_.child_sigpipe_ignored;
  LocalRunnerHooks hooks;
  hooks.on_output = [this](TaskId t, StreamKind s, std::string_view lines) { on_output(t, s, lines); };
  hooks.lookup_output = [this](const std::string& task,
                               const std::string& key) -> std::optional<std::string> {
    auto t = task_outputs_.find(task);
    if (t == task_outputs_.end()) return std::nullopt;
    auto k = t->second.find(key);
    if (k == t->second.end()) return std::nullopt;
    return k->second;
  };
  hooks.on_task_outputs = [this](TaskId t, std::vector<std::pair<std::string, std::string>> kv) {
    auto& map = task_outputs_[pipeline_.tasks[t].name];
    for (auto& [k, v] : kv) map[k] = std::move(v);
  };
  hooks.open_outputs = [this](TaskId t, int attempt) { return files_.open(t, attempt); };
  hooks.finish_outputs = [this](TaskId t) { return files_.finish(t); };
  runner_ = std::make_unique<LocalProcessRunner>(*loop_, pipeline_, std::move(runner_options),
                                                 std::move(hooks));
  runner_->set_listener(this);

  SchedulerOptions sched_options;
  sched_options.max_parallel = options_.jobs;
  sched_options.keep_going = options_.keep_going;
  handoff_ = std::make_unique<ConsoleHandoff>(*runner_, pipeline_, console_.get());
  scheduler_ = std::make_unique<Scheduler>(pipeline_, graph_, selected_, std::move(sched_options),
                                           *handoff_, *timers_,
                                           [this](const Event& e) { emit(e); });

  // Watchers that must not keep the loop alive: the run ends when the last
  // task does, whatever is still being watched.
  if (options_.handle_signals) {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
      // Ignored when we started (nohup, a shell's background job): leave it so.
      if (SignalWatcher::ignored_now(sig)) continue;
      signals_.push_back(std::make_unique<SignalWatcher>(
          *loop_, sig, [this](int signo) { interrupt(signo); }));
      signals_.back()->unref();
    }
    // Only running time counts toward timeouts: the clocks stop with the run.
    job_control_ = std::make_unique<JobControl>(
        *loop_,
        [this] {
          scheduler_->on_run_stopped();
          runner_->stop_tasks();
        },
        [this] {
          runner_->continue_tasks();
          scheduler_->on_run_continued();
        });
  }
  if (handle_) {
    posts_ = std::make_unique<PostQueue>(*loop_);
    posts_->unref();
  }
}

RunSession::~RunSession() {
  if (handle_) RunHandleAccess::detach(*handle_);
}

void RunSession::make_sinks() {
  bool events_on_stdout = options_.events_path == "-";
  events_on_stdout_ = events_on_stdout;
  if (!options_.events_path.empty()) {
    if (events_on_stdout) {
      events_out_ = std::make_unique<FdOutput>(STDOUT_FILENO);
    } else {
      std::error_code ec;
      events_out_ = FdOutput::open_file(options_.events_path, ec);
      if (!events_out_) {
        throw std::runtime_error("cannot open events file " + options_.events_path + ": " +
                                 ec.message());
      }
    }
    events_failure_.what = "events to " + (events_on_stdout ? "stdout" : options_.events_path);
    events_out_->set_on_error([this](std::error_code ec) { output_failed(events_failure_, ec.value()); });
    events_ = std::make_unique<JsonlEventSink>(*events_out_);
  }
  if (options_.output == sluice::OutputMode::None) return;

  // With the event stream on stdout, everything else goes to stderr (SPEC §4).
  console_out_ = std::make_unique<WriterOutput>(*loop_, events_on_stdout ? STDERR_FILENO
                                                                         : STDOUT_FILENO);
  ConsoleOptions c;
  c.mode = options_.output;
  c.color = options_.color;
  c.no_color_env = no_color_env();
  c.summary = !options_.quiet;
  c.verbose = options_.verbose;
  c.task_names.reserve(selected_.size());
  for (TaskId t : selected_) {
    c.task_names.push_back(pipeline_.tasks[t].name);
    if (pipeline_.tasks[t].interactive) {
      c.interactive.resize(pipeline_.tasks.size());
      c.interactive[t] = true;
    }
  }
  console_ = std::make_unique<ConsoleSink>(*console_out_, std::move(c));
  console_out_->writer().set_on_drained([this] {
    console_->resume();
    update_flow();
  });
  console_failure_.what = events_on_stdout ? "to stderr" : "to stdout";
  console_out_->writer().set_on_error([this](int err) { output_failed(console_failure_, err); });
  if (console_out_->is_tty()) {
    tick_ = std::make_unique<Timer>(*loop_);
    tick_->start(
        std::chrono::milliseconds(200), [this] { console_->tick(Clock::now()); },
        std::chrono::milliseconds(200));
    tick_->unref();
  }
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
  if (console_) console_->close();
  if (events_) events_->close();
  apply_output_failures(result);
  // Handle owners go before the loop closes; close() then checks nothing leaked.
  tick_.reset();
  react_.reset();
  give_up_.reset();
  posts_.reset();
  signals_.clear();
  job_control_.reset();
  scheduler_.reset();
  handoff_.reset();
  runner_.reset();
  console_.reset();
  console_out_.reset();
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
  runner_->bound_drains();
  scheduler_->interrupt(signo);
  // Said at once, not when the tasks have ended (SPEC §4).
  if (console_ && scheduler_->interrupt_signal())
    console_->interrupting(*scheduler_->interrupt_signal(), scheduler_->killing());
}

void RunSession::deliver_cancels() {
  int n = handle_ ? RunHandleAccess::take(*handle_) : 0;
  for (int i = 0; i < n && scheduler_ && !scheduler_->done(); ++i) interrupt(SIGINT);
}

void RunSession::on_task_started(TaskId task, int pid) { scheduler_->on_task_started(task, pid); }

void RunSession::on_task_finished(TaskId task, const AttemptOutcome& outcome) {
  scheduler_->on_task_finished(task, outcome);
}

void RunSession::emit(const Event& event) {
  // Error texts and retry reasons can quote a command line: mask them too.
  Event masked_copy;
  const Event* chosen = &event;
  if (!masker_.empty()) {
    if (const auto* f = std::get_if<TaskFinished>(&event); f && !f->error.empty()) {
      TaskFinished m = *f;
      m.error = masker_.masked(m.error);
      masked_copy = std::move(m);
      chosen = &masked_copy;
    } else if (const auto* r = std::get_if<TaskRetrying>(&event)) {
      TaskRetrying m = *r;
      m.reason = masker_.masked(m.reason);
      masked_copy = std::move(m);
      chosen = &masked_copy;
    }
  }
  if (const auto* f = std::get_if<RunFinished>(chosen);
      f && f->status == RunStatus::Succeeded && (console_failure_.err || events_failure_.err)) {
    RunFinished m = *f;  // an output failed: the run did not fully succeed
    m.status = broken_pipe() ? RunStatus::Interrupted : RunStatus::Failed;
    masked_copy = m;
    chosen = &masked_copy;
  }
  const Event& e = *chosen;
  if (const auto* f = std::get_if<RunFinished>(&e); f && f->status == RunStatus::Interrupted) {
    // A reader that stopped reading must not keep an interrupted run alive:
    // what it has not taken after the drain cap is dropped.
    give_up_->start(kConsoleGiveUp, [this] { console_out_->writer().abandon(); });
  }
  if (console_) console_->on_event(e);
  if (events_) events_->on_event(e);
  if (options_.on_event) options_.on_event(e);
  if (const auto* f = std::get_if<TaskFinished>(&e)) files_.close(f->task);
}

void RunSession::on_output(TaskId task, StreamKind stream, std::string_view lines) {
  const Task& t = pipeline_.tasks[task];
  files_.write(task, stream, lines);  // the task's own data: unmasked
  TaskOutput out{Clock::now(), task, t.name, stream, masker_.mask(lines)};
  const StreamSpec& spec = stream == StreamKind::Stdout ? t.extras().stdout_spec : t.extras().stderr_spec;
  if (console_ && spec.console) console_->on_event(out);
  if (events_) events_->on_event(out);
  if (options_.on_event) options_.on_event(out);
  update_flow();
}

void RunSession::output_failed(OutputFailure& f, int err) {
  if (f.err != 0) return;
  f.err = err;
  // Inside the sink's write: stopping the run or dropping the sink now would
  // pull them from under their own callers.
  if (react_ && !react_->active()) react_->start(std::chrono::milliseconds(0), [this] {
    react_to_output_failures();
  });
}

bool RunSession::broken_pipe() const {
  return console_failure_.err == EPIPE || (events_on_stdout_ && events_failure_.err == EPIPE);
}

void RunSession::react_to_output_failures() {
  // A failed sink shows nothing more: closing it lets go of what it held
  // back (grouped replays), so it can never keep the pipes paused.
  if (console_failure_.err && console_) console_->close();
  if (events_failure_.err) events_.reset();
  report(console_failure_);
  report(events_failure_);
  if (broken_pipe() && scheduler_ && !scheduler_->done() && !scheduler_->interrupt_signal()) {
    // Only the event stream broke: the console on stderr can still say why.
    if (console_ && !console_failure_.err) console_->add_problem("stdout was closed by its reader: run cancelled");
    interrupt(SIGPIPE);
  }
  update_flow();
}

void RunSession::report(OutputFailure& f) {
  if (f.err == 0 || f.reported) return;
  f.reported = true;
  if (f.err == EPIPE && broken_pipe()) return;  // not an error: the reader is done
  std::string text = failure_text(f.what, f.err);
  if (console_) {
    console_->add_problem(text);  // the summary says why the run failed
    console_->clear_status();
    FdOutput(STDERR_FILENO).write("sluice: " + text + "\n");
  }
}

void RunSession::apply_output_failures(RunResult& result) {
  report(console_failure_);  // failures of the last writes, after the loop
  report(events_failure_);
  if (broken_pipe()) {
    result.status = RunStatus::Interrupted;
    if (result.signal == 0) result.signal = SIGPIPE;
  } else {
    for (const OutputFailure* f : {&console_failure_, &events_failure_}) {
      if (f->err == 0) continue;
      if (result.output_error.empty())
        result.output_error = failure_text(f->what, f->err);
      if (result.status == RunStatus::Succeeded) result.status = RunStatus::Failed;
    }
  }
  result.summary.status = result.status;
}

void RunSession::update_flow() {
  bool full = console_ && console_->backlogged();
  if (full == paused_ || !runner_) return;
  paused_ = full;
  if (full) {
    runner_->pause_reading();
  } else {
    runner_->resume_reading();
  }
}

}  // namespace sluice::detail
