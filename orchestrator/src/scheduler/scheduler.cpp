/// See scheduler.hpp for the policy and the decisions taken where SPEC §2 is
/// silent. Every entry point ends by starting what can start (pump) and
/// checking whether the run is over (maybe_done).
#include "scheduler/scheduler.hpp"

#include <algorithm>
#include <csignal>
#include <random>
#include <string_view>
#include <thread>

namespace sluice::detail {
namespace {

std::int64_t ms_between(Timers::TimePoint from, Timers::TimePoint to) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

UnitRandom default_random() {
  std::mt19937_64 engine{std::random_device{}()};
  return [engine]() mutable { return std::uniform_real_distribution<double>(0.0, 1.0)(engine); };
}

void count_status(RunFinished& summary, TaskStatus status) {
  switch (status) {
    case TaskStatus::Succeeded: ++summary.succeeded; break;
    case TaskStatus::Failed: ++summary.failed; break;
    case TaskStatus::TimedOut: ++summary.timed_out; break;
    case TaskStatus::Cancelled: ++summary.cancelled; break;
    case TaskStatus::Skipped: ++summary.skipped; break;
    case TaskStatus::UpToDate: ++summary.up_to_date; break;
  }
}

}  // namespace

Scheduler::Scheduler(const Pipeline& pipeline, const Graph& graph, std::vector<TaskId> selected,
                     SchedulerOptions options, TaskRunner& runner, Timers& timers,
                     EventSink on_event)
    : pipeline_(pipeline),
      graph_(graph),
      options_(std::move(options)),
      runner_(runner),
      timers_(timers),
      on_event_(std::move(on_event)),
      pools_(pipeline, timers, [this](int pool) {
        wake_pool(pool);
        pump();
        maybe_done();
      }) {
  if (!options_.random) options_.random = default_random();
  if (options_.max_parallel > 0) {
    max_parallel_ = options_.max_parallel;
  } else if (pipeline_.max_parallel > 0) {
    max_parallel_ = pipeline_.max_parallel;
  } else {
    max_parallel_ = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  }
  free_slots_ = max_parallel_;

  // State only for the selected tasks: running 2,000 tasks of a 100,000-task
  // pipeline must not build (and later walk) state for the other 98,000.
  slot_of_.resize(pipeline_.tasks.size());
  selected_.reserve(selected.size());
  tasks_.reserve(selected.size());
  for (TaskId t : selected) {
    if (t >= slot_of_.size() || slot_of_[t] != 0) continue;
    const Task& task = pipeline_.tasks[t];
    TaskState& s = tasks_.emplace_back();
    slot_of_[t] = static_cast<std::uint32_t>(tasks_.size());
    s.always = task.always;
    s.weight = std::clamp(task.extras().resources.cpus, 1, max_parallel_);
    if (!task.pool().empty()) s.pool = pools_.find(task.pool());
    selected_.push_back(t);
  }
  for (TaskId t : selected_)
    for (TaskId d : graph_.dependencies(t))
      if (find(d)) ++state(t).remaining;
  unfinished_ = selected_.size();
  if (graph_.has_streams()) build_groups();
}

Scheduler::~Scheduler() {
  for (TaskState& s : tasks_) {
    s.timeout_timer.cancel();
    s.kill_timer.cancel();
    cancel_timer(s.retry_timer);
  }
}

void Scheduler::start() {
  if (started_) return;
  started_ = true;
  run_start_ = timers_.now();
  emit(RunStarted{Clock::now(), pipeline_.name, selected_.size()});
  for (TaskId t : selected_)
    if (state(t).remaining == 0 && state(t).state == State::Waiting) become_ready(t);
  // An interrupt that came before start() takes effect now, after RunStarted.
  if (signal_) begin_cancel();
  pump();
  maybe_done();
}

void Scheduler::on_task_started(TaskId task, int pid) {
  TaskState* found = find(task);
  if (!found) return;
  TaskState& s = *found;
  if (s.state != State::Running || s.started_reported) return;
  emit_started(task, pid);
}

void Scheduler::on_task_finished(TaskId task, const AttemptOutcome& outcome) {
  TaskState* found = find(task);
  if (!found || found->state != State::Running) return;
  TaskState& s = *found;
  const Task& spec = pipeline_.tasks[task];
  s.timeout_timer.cancel();
  s.kill_timer.cancel();
  release_slots(task);
  if (outcome.skipped_by_if) {
    // Only the `if` ran: the attempt never started (no TaskStarted), so it is
    // not counted, and the condition's exit code is not the task's.
    --s.attempts;
    finish(task, TaskStatus::Skipped, SkipReason::If, false);
  } else {
    if (!s.started_reported) emit_started(task, 0);
    s.cpu_ms += outcome.cpu_ms;
    s.max_rss_kb = std::max(s.max_rss_kb, outcome.max_rss_kb);
    s.last = outcome;
    finish_attempt(task, outcome);
  }
  if (s.pool >= 0) wake_pool(s.pool);
  if (spec.interactive) wake_pool(pools_.interactive());
  pump();
  maybe_done();
}

void Scheduler::finish_attempt(TaskId task, const AttemptOutcome& outcome) {
  TaskState& s = state(task);
  const Task& spec = pipeline_.tasks[task];
  if (outcome.succeeded()) {
    finish(task, TaskStatus::Succeeded, SkipReason::None, false);
    return;
  }
  // See scheduler.hpp: the user's Ctrl-C, which sluice is about to see too.
  const bool user_interrupt = spec.interactive && outcome.signal == SIGINT && !s.timed_out;
  const bool cancelled = (s.cancel_requested || killing_ || user_interrupt) && !s.timed_out;
  if (cancelled) {
    const bool interrupts_run = user_interrupt && !signal_;
    if (interrupts_run) {
      signal_ = SIGINT;
      sigint_expected_ = true;
      cancelling_ = true;  // before finish(): its dependents are cancelled, not skipped
    }
    finish(task, TaskStatus::Cancelled, SkipReason::None, false);
    if (interrupts_run) begin_cancel();
    return;
  }
  if (may_retry(s) && should_retry(spec.extras().retry, outcome, s.timed_out, s.attempts)) {
    schedule_retry(task, outcome);
    return;
  }
  const TaskStatus status = s.timed_out ? TaskStatus::TimedOut : TaskStatus::Failed;
  const bool ignored = spec.continue_on_error;
  if (!ignored) {
    failed_ = true;
    // Set before finish() releases the dependents, so that in fail-fast
    // they are `cancelled` like every other task that never started.
    if (!options_.keep_going) cancelling_ = true;
  }
  finish(task, status, SkipReason::None, ignored);
  if (!ignored && !options_.keep_going) begin_cancel();
}

void Scheduler::interrupt(int signo) {
  if (done_) return;
  if (!signal_) {
    signal_ = signo;
    if (!started_) return;  // start() applies it
    begin_cancel();
    pump();
    maybe_done();
    return;
  }
  if (signo == SIGINT && sigint_expected_) {
    sigint_expected_ = false;
    return;
  }
  if (signo == SIGINT && !killing_ && started_) {
    kill_all();
    maybe_done();
  }
}

void Scheduler::on_run_stopped() {
  if (stopped_ || done_) return;
  stopped_ = true;
  for (TaskId t : selected_) {
    TaskState& s = state(t);
    s.timeout_timer.pause();
    s.kill_timer.pause();
  }
}

void Scheduler::on_run_continued() {
  if (!stopped_) return;
  stopped_ = false;
  for (TaskId t : selected_) {
    TaskState& s = state(t);
    s.timeout_timer.resume();
    s.kill_timer.resume();
  }
}

void Scheduler::make_ready(TaskId t) {
  state(t).state = State::Ready;
  ready_.push(t, pipeline_.tasks[t].priority);
}

void Scheduler::become_ready(TaskId t) {
  if (state(t).group != kNoGroup) {
    group_member_ready(t);
  } else if (options_.is_up_to_date && options_.is_up_to_date(t)) {
    finish(t, TaskStatus::UpToDate, SkipReason::None, false);
  } else {
    make_ready(t);
  }
}

void Scheduler::pump() {
  if (pumping_ || killing_ || !started_) return;
  pumping_ = true;
  while (!ready_.empty()) {
    const TaskId t = ready_.top();
    const TaskState& s = state(t);
    if (s.state != State::Ready) {  // finished (cancelled) while queued
      ready_.pop();
      continue;
    }
    if (s.group != kNoGroup) {
      if (!admit_group(t)) continue;
      if (groups_[s.group].weight > free_slots_) break;
      ready_.pop();
      start_group(t);
      continue;
    }
    PoolLimit::Block why = PoolLimit::Block::None;
    const int pool = pools_.blocking(s.pool, pipeline_.tasks[t].interactive, why);
    if (pool >= 0) {
      ready_.pop();
      pools_.park(pool, t, pipeline_.tasks[t].priority, why);
      continue;
    }
    if (s.weight > free_slots_) break;  // strict order: see scheduler.hpp
    ready_.pop();
    start_task(t);
  }
  pumping_ = false;
}

/// Gives the best task parked by `pool` back to the ready queue when the
/// pool would admit it now.
void Scheduler::wake_pool(int pool) {
  auto t = pools_.wake(pool, [this](TaskId w) { return state(w).state == State::Ready; });
  if (!t) return;
  const TaskState& s = state(*t);
  ready_.push(*t, s.group != kNoGroup ? groups_[s.group].priority : pipeline_.tasks[*t].priority);
}

void Scheduler::start_task(TaskId t) {
  TaskState& s = state(t);
  const Task& spec = pipeline_.tasks[t];
  s.state = State::Running;
  ++s.attempts;
  if (s.attempts == 1) s.first_start = timers_.now();
  s.cancel_requested = false;
  s.timed_out = false;
  s.started_reported = false;
  free_slots_ -= s.weight;
  ++running_count_;
  pools_.started(s.pool, spec.interactive);
  if (spec.timeout && spec.timeout->count() > 0) {  // 0: no timeout (SPEC §1.2)
    const int attempt = s.attempts;
    s.timeout_timer.start(
        timers_, *spec.timeout, [this, t, attempt] { on_timeout(t, attempt); }, stopped_);
  }
  runner_.start(t, s.attempts);
  // The pool may admit another waiter now, or only after its rate spacing.
  if (s.pool >= 0) wake_pool(s.pool);
}

void Scheduler::emit_started(TaskId t, int pid) {
  TaskState& s = state(t);
  s.started_reported = true;
  emit(TaskStarted{Clock::now(), t, pipeline_.tasks[t].name, s.attempts, pid});
}

void Scheduler::terminate_task(TaskId t) {
  TaskState& s = state(t);
  if (s.kill_timer.active()) return;  // already terminating: TERM was sent, KILL is due
  runner_.terminate(t);
  const int attempt = s.attempts;
  s.kill_timer.start(
      timers_, pipeline_.tasks[t].grace,
      [this, t, attempt] {
        const TaskState& st = state(t);
        if (st.state == State::Running && st.attempts == attempt) runner_.kill(t);
      },
      stopped_);
}

void Scheduler::on_timeout(TaskId t, int attempt) {
  TaskState& s = state(t);
  if (s.state != State::Running || s.attempts != attempt) return;
  s.timed_out = true;
  terminate_task(t);
}

bool Scheduler::may_retry(const TaskState& s) const {
  if (killing_) return false;
  return !cancelling_ || s.always;
}

void Scheduler::schedule_retry(TaskId t, const AttemptOutcome& outcome) {
  TaskState& s = state(t);
  const Task& spec = pipeline_.tasks[t];
  const Duration delay = retry_delay(spec.extras().retry, s.attempts, options_.random);
  s.state = State::RetryWait;
  emit(TaskRetrying{Clock::now(), t, spec.name, s.attempts + 1, delay.count(),
                    failure_reason(outcome, s.timed_out)});
  s.retry_timer = timers_.after(delay, [this, t] {
    TaskState& st = state(t);
    st.retry_timer.reset();
    if (st.state != State::RetryWait) return;
    make_ready(t);
    pump();
    maybe_done();
  });
}

void Scheduler::release_slots(TaskId t) {
  TaskState& s = state(t);
  free_slots_ += s.weight;
  --running_count_;
  pools_.finished(s.pool, pipeline_.tasks[t].interactive);
}

void Scheduler::cancel_timer(std::optional<Timers::TimerId>& id) {
  if (!id) return;
  timers_.cancel(*id);
  id.reset();
}

void Scheduler::finish(TaskId t, TaskStatus status, SkipReason reason, bool ignored) {
  TaskState& s = state(t);
  cancel_timer(s.retry_timer);
  s.state = State::Finished;
  --unfinished_;
  TaskFinished ev;
  ev.ts = Clock::now();
  ev.task = t;
  ev.name = pipeline_.tasks[t].name;
  ev.status = status;
  ev.reason = reason;
  ev.attempts = s.attempts;
  ev.ignored = ignored;
  if (s.attempts > 0) {
    ev.exit_code = s.last.exit_code;
    ev.signal = s.last.signal;
    ev.error = s.last.error;
    ev.duration_ms = ms_between(s.first_start, timers_.now());
    ev.cpu_ms = s.cpu_ms;
    ev.max_rss_kb = s.max_rss_kb;
    ev.bytes_read = s.last.bytes_read;
    ev.bytes_written = s.last.bytes_written;
  }
  count_status(summary_, status);
  emit(ev);
  if (s.group != kNoGroup && !groups_[s.group].over) end_group(t, status, reason);
  const bool satisfied = status == TaskStatus::Succeeded || status == TaskStatus::UpToDate ||
                         (status == TaskStatus::Skipped && reason == SkipReason::If) || ignored;
  release_dependents(t, satisfied);
}

/// Iterative on purpose: skipping a 100,000-task chain must not recurse.
void Scheduler::release_dependents(TaskId t, bool satisfied) {
  release_queue_.emplace_back(t, satisfied);
  if (releasing_) return;
  releasing_ = true;
  while (!release_queue_.empty()) {
    const auto [u, ok] = release_queue_.back();
    release_queue_.pop_back();
    for (TaskId d : graph_.dependents(u)) {
      TaskState* found = find(d);
      if (!found) continue;
      TaskState& ds = *found;
      if (ds.remaining > 0) --ds.remaining;
      if (!ok) ds.dep_failed = true;
      settle_dependent(d);
    }
  }
  releasing_ = false;
}

/// Decides what a waiting task becomes once one of its dependencies is done:
/// still waiting, ready, skipped (dependency_failed) or cancelled.
void Scheduler::settle_dependent(TaskId d) {
  TaskState& s = state(d);
  if (s.state != State::Waiting) return;
  if (killing_) {
    finish(d, TaskStatus::Cancelled, SkipReason::None, false);
  } else if (s.always) {
    if (s.remaining == 0) become_ready(d);
  } else if (cancelling_) {
    finish(d, TaskStatus::Cancelled, SkipReason::None, false);
  } else if (s.dep_failed) {
    finish(d, TaskStatus::Skipped, SkipReason::DependencyFailed, false);
  } else if (s.remaining == 0) {
    become_ready(d);
  }
}

/// Fail-fast or interrupt: TERM (then KILL after grace) to every running task
/// but `always` ones, and `cancelled` for every task that has not started and
/// is not `always`. Runs its walk once per run.
void Scheduler::begin_cancel() {
  cancelling_ = true;
  if (swept_) return;
  swept_ = true;
  for (TaskId t : selected_) {
    TaskState& s = state(t);
    if (s.always) continue;
    switch (s.state) {
      case State::Running:
        s.cancel_requested = true;
        terminate_task(t);
        break;
      case State::Waiting:
      case State::Ready:
      case State::RetryWait:
        finish(t, TaskStatus::Cancelled, SkipReason::None, false);
        break;
      case State::Finished:
        break;
    }
  }
}

/// Second SIGINT: KILL every running task, `always` ones too, and cancel all
/// that has not started. Nothing starts any more.
void Scheduler::kill_all() {
  killing_ = true;
  cancelling_ = true;
  swept_ = true;
  for (TaskId t : selected_) {
    TaskState& s = state(t);
    switch (s.state) {
      case State::Running:
        s.cancel_requested = true;
        s.kill_timer.cancel();
        s.timeout_timer.cancel();
        runner_.kill(t);
        break;
      case State::Waiting:
      case State::Ready:
      case State::RetryWait:
        finish(t, TaskStatus::Cancelled, SkipReason::None, false);
        break;
      case State::Finished:
        break;
    }
  }
}

void Scheduler::maybe_done() {
  if (done_ || !started_ || unfinished_ > 0) return;
  pools_.cancel_timers();
  done_ = true;
  summary_.ts = Clock::now();
  summary_.status = signal_ ? RunStatus::Interrupted
                    : failed_ ? RunStatus::Failed
                              : RunStatus::Succeeded;
  summary_.duration_ms = ms_between(run_start_, timers_.now());
  emit(summary_);
}

}  // namespace sluice::detail
