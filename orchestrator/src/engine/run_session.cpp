// One run, wired together (see run_session.hpp).
#include "engine/run_session.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <stdexcept>

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

detail::OutputMode console_mode(sluice::OutputMode m) {
  switch (m) {
    case sluice::OutputMode::Grouped: return detail::OutputMode::Grouped;
    case sluice::OutputMode::Interleaved: return detail::OutputMode::Interleaved;
    case sluice::OutputMode::Quiet: return detail::OutputMode::Quiet;
    default: return detail::OutputMode::Prefixed;
  }
}

detail::ColorMode console_color(sluice::ColorMode m) {
  switch (m) {
    case sluice::ColorMode::Always: return detail::ColorMode::Always;
    case sluice::ColorMode::Never: return detail::ColorMode::Never;
    default: return detail::ColorMode::Auto;
  }
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
      files_(pipeline) {
  make_sinks();

  LocalRunnerOptions runner_options;
  runner_options.secrets = secrets_.values;
  runner_options.child_nofile_soft = options_.child_nofile_soft;
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
  runner_ = std::make_unique<LocalProcessRunner>(*loop_, pipeline_, std::move(runner_options),
                                                 std::move(hooks));
  runner_->set_listener(this);

  SchedulerOptions sched_options;
  sched_options.max_parallel = options_.jobs;
  sched_options.keep_going = options_.keep_going;
  scheduler_ = std::make_unique<Scheduler>(pipeline_, graph_, selected_, std::move(sched_options),
                                           *runner_, *timers_,
                                           [this](const Event& e) { emit(e); });

  // Watchers that must not keep the loop alive: the run ends when the last
  // task does, whatever is still being watched.
  if (options_.handle_signals) {
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
      // Ignored when we started (nohup, a shell's background job): leave it so.
      if (SignalWatcher::ignored_now(sig)) continue;
      signals_.push_back(std::make_unique<SignalWatcher>(
          *loop_, sig, [this](int signo) { scheduler_->interrupt(signo); }));
      signals_.back()->unref();
    }
    job_control_ = std::make_unique<JobControl>(
        *loop_, [this] { runner_->stop_tasks(); }, [this] { runner_->continue_tasks(); });
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
    events_ = std::make_unique<JsonlEventSink>(*events_out_);
  }
  if (options_.output == sluice::OutputMode::None) return;

  // With the event stream on stdout, everything else goes to stderr (SPEC §4).
  console_out_ = std::make_unique<WriterOutput>(*loop_, events_on_stdout ? STDERR_FILENO
                                                                         : STDOUT_FILENO);
  ConsoleOptions c;
  c.mode = console_mode(options_.output);
  c.color = console_color(options_.color);
  c.no_color_env = no_color_env();
  c.summary = !options_.quiet;
  c.verbose = options_.verbose;
  c.task_names.reserve(selected_.size());
  for (TaskId t : selected_) c.task_names.push_back(pipeline_.tasks[t].name);
  console_ = std::make_unique<ConsoleSink>(*console_out_, std::move(c));
  console_out_->writer().set_on_drained([this] {
    console_->resume();
    update_flow();
  });
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
  // Handle owners go before the loop closes; close() then checks nothing leaked.
  tick_.reset();
  posts_.reset();
  signals_.clear();
  job_control_.reset();
  scheduler_.reset();
  runner_.reset();
  console_.reset();
  console_out_.reset();
  timers_.reset();
  loop_->close();
  return result;
}

void RunSession::deliver_cancels() {
  int n = handle_ ? RunHandleAccess::take(*handle_) : 0;
  for (int i = 0; i < n && scheduler_ && !scheduler_->done(); ++i) scheduler_->interrupt(SIGINT);
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
  const Event& e = *chosen;
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
