/// Scheduler: the policy of one run (SPEC §2). It decides which selected task
/// starts when (dependencies, priority, file order, `max_parallel` slots,
/// pools, the one-at-a-time interactive pool), when an attempt is retried,
/// timed out or cancelled, and emits every run event except TaskOutput.
/// It does no work itself: a TaskRunner starts and signals tasks and reports
/// back through on_task_started / on_task_finished; time comes from Timers.
/// Tests drive both by hand.
///
/// Owned by the run (the engine); every method is called on the loop thread,
/// and runner and timer callbacks must come on that thread too. The Pipeline,
/// Graph, runner and timers must outlive it.
///
/// Cost: O(selected tasks + their edges) for the whole run and 4 bytes per
/// pipeline task, plus O(log n) per start (a ready heap and
/// remaining-dependency counters; nothing rescans all tasks per event). Cancelling the run walks the unfinished tasks once.
///
/// Decisions where SPEC §2 is silent:
/// - `resources.cpus` above max_parallel is clamped to max_parallel, so the
///   task can still run (alone).
/// - Slots are strict priority order: when the best ready task needs more free
///   slots than there are, nothing behind it starts (no backfilling), so a
///   wide task is not starved by narrow ones. A task blocked by its pool steps
///   aside into that pool's queue and does not block others.
/// - A task cancelled while running that still exits 0 is `succeeded`.
/// - A non-always task waiting for a retry when the run is cancelled is
///   `cancelled` (with its attempts and last outcome).
/// - Only a second SIGINT escalates to killing everything; a repeated SIGTERM
///   or SIGHUP changes nothing.
/// - `up_to_date` is the engine's decision (SchedulerOptions::is_up_to_date,
///   asked when a task's dependencies are done); `-B` is simply no predicate.
/// - Every attempt gets one TaskStarted: the runner reports it through
///   on_task_started (pid 0 for tasks without a process); an attempt that
///   finishes without it (a spawn failure) gets one with pid 0 first, except
///   an attempt skipped by its `if`: only its condition ran, so it is not
///   counted in TaskFinished::attempts (0 when it was the first).
/// - `timeout: 0` arms no timer (no timeout). While the run is stopped
///   (on_run_stopped) timeouts and grace periods do not count; retry delays
///   and pool rates keep wall time.
/// - An `interactive` task that dies of SIGINT was ended by the user's
///   Ctrl-C (it shares sluice's process group and terminal, so sluice got the
///   same SIGINT, which may be dispatched after the exit): it is `cancelled`
///   and the run is interrupted by SIGINT, as bash takes a child's death by
///   SIGINT; the next SIGINT is taken as that same keypress, not a second.
///
/// Stream groups (the selected tasks joined by stream edges, SPEC §2): a
/// member whose own dependencies are done waits, Ready, for the others; the
/// group then enters the ready queue as one entry (its smallest TaskId, at
/// its members' highest priority) and starts all at once, taking the sum of
/// its members' slots capped at max_parallel (so at -j 1 a pair runs alone
/// and completes). It waits until each of its members' pools has room for
/// all its members in that pool, capped at the pool's size (so a pair in a
/// pool of 1 still runs, alone in the pool). A member that
/// ends without starting (skipped, cancelled) ends the whole group the same
/// way: half a stream never runs. Members are never `up_to_date` (their
/// input is live). Tasks without stream edges take none of this path.
///
/// Roadmap hook: releasing a task's dependents (release_dependents) is a
/// step of its own, today taken by finish(); a service will take it when it
/// becomes ready and finish later.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "executors/task_runner.hpp"
#include "runtime/timers.hpp"
#include "scheduler/pausable_timer.hpp"
#include "scheduler/pool_set.hpp"
#include "scheduler/ready_queue.hpp"
#include "scheduler/retry_backoff.hpp"
#include "sluice/events.hpp"
#include "sluice/graph.hpp"
#include "sluice/pipeline.hpp"

namespace sluice::detail {

struct SchedulerOptions {
  /// Slots for running tasks; 0 = the pipeline's max_parallel, and when that
  /// is 0 too, the number of CPUs.
  int max_parallel = 0;
  bool keep_going = false;
  /// Jitter source, uniform in [0, 1]; empty = a seeded std::mt19937_64.
  UnitRandom random;
  /// Asked once per task, when its dependencies are done and it would become
  /// ready (so a dependency that just ran is already finished): true makes it
  /// `up_to_date` without taking a slot. Empty = never (as `-B` wants).
  std::function<bool(TaskId)> is_up_to_date;
};

using EventSink = std::function<void(const Event&)>;

class Scheduler {
 public:
  /// `selected`: the tasks to run, dependencies first (Graph::select's
  /// order); dependencies outside it are taken as satisfied.
  Scheduler(const Pipeline& pipeline, const Graph& graph, std::vector<TaskId> selected,
            SchedulerOptions options, TaskRunner& runner, Timers& timers, EventSink on_event);
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  /// Emits RunStarted and starts what can start. Call once.
  void start();
  /// The runner started the current attempt of `task`; `pid` 0 = no process.
  void on_task_started(TaskId task, int pid);
  /// The current attempt of `task` is over and none of its processes is left.
  void on_task_finished(TaskId task, const AttemptOutcome& outcome);
  /// SIGINT, SIGTERM or SIGHUP arrived: cancel the run (running tasks get
  /// TERM, then KILL after their grace; `always` tasks still run). A second
  /// SIGINT kills everything at once, `always` tasks too.
  void interrupt(int signo);
  /// The run is stopped (Ctrl-Z: every task group got SIGSTOP): timeouts
  /// and grace periods stop counting until on_run_continued(). Repeats and
  /// a continue without a stop are no-ops.
  void on_run_stopped();
  void on_run_continued();

  /// RunFinished has been emitted: no task runs and no timer of ours is left.
  bool done() const { return done_; }
  RunStatus result() const { return summary_.status; }
  /// The RunFinished event, complete once done().
  const RunFinished& summary() const { return summary_; }
  /// The first signal passed to interrupt(), if any (for exit code 128+n).
  std::optional<int> interrupt_signal() const { return signal_; }
  /// A second SIGINT came: every task is being killed.
  bool killing() const { return killing_; }
  int max_parallel() const { return max_parallel_; }
  int running() const { return running_count_; }

 private:
  enum class State : std::uint8_t { Waiting, Ready, Running, RetryWait, Finished };
  static constexpr std::uint32_t kNoGroup = ~std::uint32_t{0};
  /// Tasks joined by stream edges: they start together (see the file comment).
  struct Group {
    std::vector<TaskId> members;  ///< ascending; members[0] stands for the group when queued
    int weight = 0;               ///< slots of the whole group (members' weights add up to it)
    int priority = 0;             ///< the members' highest
    std::size_t ready = 0;        ///< members whose own dependencies are done
    bool over = false;            ///< started, or ended before starting
  };
  struct TaskState {
    State state = State::Waiting;
    bool always = false;
    bool dep_failed = false;       ///< a dependency finished without satisfying it
    bool cancel_requested = false; ///< we sent TERM to the current attempt
    bool timed_out = false;        ///< the current attempt hit its timeout
    bool started_reported = false; ///< TaskStarted emitted for the current attempt
    int weight = 1;                ///< slots taken
    int pool = -1;                 ///< its pool's number in pools_, or -1
    std::uint32_t group = kNoGroup;  ///< index into groups_ (stream edges)
    std::uint32_t remaining = 0;   ///< selected dependencies not finished yet
    int attempts = 0;
    Timers::TimePoint first_start{};
    std::int64_t cpu_ms = 0;
    std::int64_t max_rss_kb = 0;
    AttemptOutcome last;
    PausableTimer timeout_timer;  ///< counts running time only
    PausableTimer kill_timer;     ///< the grace after TERM, likewise
    std::optional<Timers::TimerId> retry_timer;
  };

  /// The state of `t`, or nullptr when it is not selected.
  TaskState* find(TaskId t) {
    return t < slot_of_.size() && slot_of_[t] != 0 ? &tasks_[slot_of_[t] - 1] : nullptr;
  }
  /// The state of a selected task.
  TaskState& state(TaskId t) { return tasks_[slot_of_[t] - 1]; }
  const TaskState& state(TaskId t) const { return tasks_[slot_of_[t] - 1]; }

  void make_ready(TaskId t);
  // Stream groups (stream_groups.cpp).
  void build_groups();
  void group_member_ready(TaskId t);
  /// `first` (a queued group) may start: false when a member's pool blocks
  /// it (the group is then parked in that pool).
  bool admit_group(TaskId first);
  void start_group(TaskId first);
  /// `t` ended without its group starting: its unstarted mates end alike.
  void end_group(TaskId t, TaskStatus status, SkipReason reason);
  /// Dependencies done: up_to_date, or into the ready queue.
  void become_ready(TaskId t);
  void pump();
  void wake_pool(int pool);
  void start_task(TaskId t);
  void emit_started(TaskId t, int pid);
  void terminate_task(TaskId t);
  void on_timeout(TaskId t, int attempt);
  /// An attempt that ran is over: succeeded, cancelled, retried or failed.
  void finish_attempt(TaskId t, const AttemptOutcome& outcome);
  void schedule_retry(TaskId t, const AttemptOutcome& outcome);
  void release_slots(TaskId t);
  void cancel_timer(std::optional<Timers::TimerId>& id);
  bool may_retry(const TaskState& s) const;
  /// Emits TaskFinished and releases dependents (transitively, no recursion).
  void finish(TaskId t, TaskStatus status, SkipReason reason, bool ignored);
  void release_dependents(TaskId t, bool satisfied);
  void settle_dependent(TaskId d);
  void begin_cancel();
  void kill_all();
  void maybe_done();
  void emit(const Event& e) {
    if (on_event_) on_event_(e);
  }

  const Pipeline& pipeline_;
  const Graph& graph_;
  std::vector<TaskId> selected_;
  SchedulerOptions options_;
  TaskRunner& runner_;
  Timers& timers_;
  EventSink on_event_;
  PoolSet pools_;

  /// Per selected task, in selection order; never grows after the
  /// constructor, so references into it stay valid.
  std::vector<TaskState> tasks_;
  /// TaskId -> index into tasks_ plus one; 0 = not selected. Four bytes per
  /// pipeline task instead of a whole TaskState.
  std::vector<std::uint32_t> slot_of_;
  ReadyQueue ready_;
  std::vector<Group> groups_;
  /// Tasks finished whose dependents are still to be released (the
  /// transitive skip/cancel walk without recursion).
  std::vector<std::pair<TaskId, bool>> release_queue_;
  bool releasing_ = false;
  bool pumping_ = false;

  int max_parallel_ = 1;
  int free_slots_ = 1;
  int running_count_ = 0;
  std::size_t unfinished_ = 0;

  bool started_ = false;
  bool cancelling_ = false;  ///< fail-fast or interrupt: nothing but `always` starts
  bool swept_ = false;       ///< the unstarted tasks have been cancelled once
  bool killing_ = false;     ///< second SIGINT: nothing starts, everything is killed
  /// An interactive task died of SIGINT before sluice's own SIGINT (the same
  /// Ctrl-C) was dispatched: that one is this interrupt, not a second.
  bool sigint_expected_ = false;
  bool stopped_ = false;     ///< Ctrl-Z: the timeout clocks are paused
  bool failed_ = false;
  bool done_ = false;
  std::optional<int> signal_;
  Timers::TimePoint run_start_{};
  RunFinished summary_;
};

}  // namespace sluice::detail
