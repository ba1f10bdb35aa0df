#include "runtime/thread_pool.hpp"

#include <sched.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace sluice::detail {

struct PoolJob::Cell {
  ThreadPool* pool = nullptr;  ///< loop thread; null once delivered or the pool is gone
  ThreadPool::Work work;       ///< moved out by whoever runs or drops it (pool lock)
  ThreadPool::Done done;       ///< loop thread only
  std::stop_source stop;
  const void* strand = nullptr;  ///< jobs with the same key run one at a time
  // Written under the pool lock before the cell is posted; read on the loop
  // thread after it took the cell from finished_ under that lock.
  Outcome outcome = Outcome::Finished;
  std::exception_ptr error;
  bool queued = true;  ///< pool lock
};

void PoolJob::cancel() {
  if (cell_ && cell_->pool) cell_->pool->cancel(cell_);
}

void PoolJob::reset() {
  if (!cell_) return;
  cancel();
  cell_->done = nullptr;
  cell_.reset();
}

bool PoolJob::pending() const {
  return cell_ && cell_->pool;
}

ThreadPool::ThreadPool(Loop& loop, unsigned threads)
    : async_(this), size_(threads != 0 ? threads : cpu_count()) {
  int rc = uv_async_init(loop.raw(), async_.raw(), &ThreadPool::on_async);
  if (rc != 0) throw std::runtime_error(std::string("uv_async_init: ") + uv_strerror(rc));
  async_.mark_initialized();
  uv_unref(async_.handle());  // referenced only while jobs are outstanding
}

ThreadPool::~ThreadPool() {
  std::deque<CellPtr> dropped;
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    dropped.swap(queue_);
    for (auto& cell : running_) cell->stop.request_stop();
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
  // No `done` runs from here on; handles that outlive us see pending() false.
  for (auto& cell : dropped) cell->pool = nullptr;
  for (auto& cell : finished_) cell->pool = nullptr;
}

unsigned ThreadPool::cpu_count() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
    return static_cast<unsigned>(CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

PoolJob ThreadPool::submit(Work work, Done done, const void* strand) {
  auto cell = std::make_shared<PoolJob::Cell>();
  cell->pool = this;
  cell->strand = strand;
  cell->work = std::move(work);
  cell->done = std::move(done);
  if (outstanding_++ == 0) uv_ref(async_.handle());
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(cell);
    if (queue_.size() > idle_ && threads_.size() < size_)
      threads_.emplace_back([this] { run_thread(); });
  }
  wake_.notify_one();
  return PoolJob(std::move(cell));
}

std::deque<ThreadPool::CellPtr>::iterator ThreadPool::runnable_locked() {
  return std::find_if(queue_.begin(), queue_.end(), [this](const CellPtr& queued) {
    return !queued->strand ||
           std::none_of(running_.begin(), running_.end(),
                        [&](const CellPtr& r) { return r->strand == queued->strand; });
  });
}

void ThreadPool::run_thread() {
  std::unique_lock lock(mutex_);
  for (;;) {
    ++idle_;
    // A job held back by its strand waits for the thread running that
    // strand, which looks again when it is done (below).
    wake_.wait(lock, [this] { return closing_ || runnable_locked() != queue_.end(); });
    --idle_;
    if (closing_) return;
    auto next = runnable_locked();
    CellPtr cell = std::move(*next);
    queue_.erase(next);
    cell->queued = false;
    running_.push_back(cell);
    Work work = std::move(cell->work);
    lock.unlock();

    std::exception_ptr error;
    try {
      work(cell->stop.get_token());
    } catch (...) {
      error = std::current_exception();
    }
    work = nullptr;  // its captures die here, before `done` runs

    lock.lock();
    running_.erase(std::find(running_.begin(), running_.end(), cell));
    cell->error = error;
    const void* strand = cell->strand;
    post_locked(std::move(cell));
    // This thread takes the first runnable job next; if the strand's next
    // job is not that one, another thread may take it now.
    if (strand && idle_ != 0 && queue_.size() > 1) wake_.notify_one();
  }
}

void ThreadPool::post_locked(CellPtr cell) {
  finished_.push_back(std::move(cell));
  uv_async_send(async_.raw());
}

void ThreadPool::cancel(const CellPtr& cell) {
  cell->stop.request_stop();
  Work dropped;
  {
    std::lock_guard lock(mutex_);
    if (!cell->queued) return;
    queue_.erase(std::find(queue_.begin(), queue_.end(), cell));
    cell->queued = false;
    cell->outcome = PoolJob::Outcome::Dropped;
    dropped = std::move(cell->work);
    post_locked(cell);
  }
}

void ThreadPool::on_async(uv_async_t* raw) {
  if (ThreadPool* self = UvHandle<uv_async_t, ThreadPool>::owner_of(raw)) self->deliver();
}

void ThreadPool::deliver() {
  std::vector<CellPtr> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(finished_);
  }
  uv_loop_t* loop = async_.raw()->loop;
  for (auto& cell : batch) {
    --outstanding_;
    cell->pool = nullptr;
    Done done = std::move(cell->done);
    if (!done) continue;
    guarded(loop, [&] {
      if (cell->error) std::rethrow_exception(cell->error);
      done(cell->outcome);
    });
  }
  if (outstanding_ == 0) uv_unref(async_.handle());
}

}  // namespace sluice::detail
