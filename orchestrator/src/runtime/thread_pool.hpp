/// ThreadPool: sluice's own threads for CPU-bound and blocking work (hashing,
/// compression, later the embedder's `call`), so that such work neither runs
/// on the loop thread nor takes libuv's four fs threads (and never touches
/// the process-global UV_THREADPOOL_SIZE).
///
/// submit() (loop thread) queues `work` for a pool thread and returns a
/// PoolJob, the submitter's handle. When the work has run, `done` is posted
/// back to the loop thread through the pool's one uv_async (sends coalesce;
/// the loop drains every finished job per wake-up). The loop thread takes the
/// pool's lock only to hand work over or collect it, never to wait for a
/// thread. The uv_async keeps the loop alive exactly while jobs are
/// outstanding.
///
/// Strands: jobs submitted with the same non-null `strand` key run one at a
/// time, in the order submitted (their `done`s come in that order too). A
/// stream's next job can then be queued while its current one runs, and the
/// thread that finishes one goes straight on to the next, without waiting
/// for the loop thread to wake (on a loaded machine, each wake-up waits for
/// a CPU). The key is any address the submitter owns, e.g. its state.
///
/// Cancellation: PoolJob::cancel() (or destroying the PoolJob) requests stop
/// on the std::stop_token the work receives, which long work polls between
/// steps; work that has not started is then dropped and `done` hears
/// Outcome::Dropped. Destroying the PoolJob also forgets `done`: it is never
/// called, so an owner may die with work in flight. Whatever the work
/// touches must therefore be owned by the work itself (captured by value or
/// by shared_ptr), never borrowed from the owner.
///
/// Destruction (loop thread): requests stop on every job, drops the queued
/// ones, joins the threads, and calls no `done` at all: destroy the pool
/// after its clients (and never from inside a `done`). The work's captures
/// are destroyed on the pool thread, before `done` runs. An exception thrown
/// by work is rethrown on the loop thread where its `done` would run (so
/// Loop::run() reports it).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <thread>
#include <vector>

#include "runtime/handle.hpp"
#include "runtime/loop.hpp"

namespace sluice::detail {

class ThreadPool;

class PoolJob {
 public:
  enum class Outcome : unsigned char {
    Finished,  ///< the work ran to its end (it may have stopped early on a stop request)
    Dropped,   ///< the work never ran: cancelled before a thread took it
  };
  struct Cell;

  PoolJob() = default;
  ~PoolJob() { reset(); }
  PoolJob(PoolJob&& other) noexcept = default;
  PoolJob& operator=(PoolJob&& other) noexcept {
    if (this != &other) {
      reset();
      cell_ = std::move(other.cell_);
    }
    return *this;
  }
  PoolJob(const PoolJob&) = delete;
  PoolJob& operator=(const PoolJob&) = delete;

  /// Requests stop; `done` still runs, soon (Dropped when the work had not
  /// started: it leaves the queue at once).
  void cancel();
  /// Cancels and forgets `done`: it will not be called.
  void reset();
  /// True from submit() until `done` ran (or reset()).
  bool pending() const;

 private:
  friend class ThreadPool;
  explicit PoolJob(std::shared_ptr<Cell> cell) : cell_(std::move(cell)) {}
  std::shared_ptr<Cell> cell_;
};

class ThreadPool {
 public:
  using Work = std::function<void(std::stop_token)>;
  using Done = std::function<void(PoolJob::Outcome)>;

  /// `threads` = 0: one per CPU this process may run on. Threads start on
  /// demand, up to that many.
  explicit ThreadPool(Loop& loop, unsigned threads = 0);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  /// Loop thread: runs `work` on a pool thread, then `done` on the loop
  /// thread; after the strand's earlier jobs when `strand` is not null.
  [[nodiscard]] PoolJob submit(Work work, Done done, const void* strand = nullptr);
  unsigned size() const { return size_; }
  /// Jobs submitted whose `done` has not been delivered yet (loop thread).
  std::size_t outstanding() const { return outstanding_; }

  /// CPUs this process may run on (sched_getaffinity), at least 1.
  static unsigned cpu_count();

 private:
  friend class PoolJob;
  using CellPtr = std::shared_ptr<PoolJob::Cell>;

  void run_thread();
  /// Pool lock held: the first queued job no running job's strand holds back.
  std::deque<CellPtr>::iterator runnable_locked();
  /// Any thread, pool lock held: hands a finished or dropped cell to the loop.
  void post_locked(CellPtr cell);
  void cancel(const CellPtr& cell);
  static void on_async(uv_async_t* raw);
  void deliver();

  UvHandle<uv_async_t, ThreadPool> async_;
  unsigned size_;
  std::size_t outstanding_ = 0;  ///< loop thread only
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<CellPtr> queue_;      ///< not started
  std::vector<CellPtr> running_;   ///< on a thread now
  std::vector<CellPtr> finished_;  ///< ran or dropped, `done` not yet delivered
  unsigned idle_ = 0;
  bool closing_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace sluice::detail
