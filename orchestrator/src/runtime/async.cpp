#include "runtime/async.hpp"

#include <stdexcept>
#include <string>

namespace sluice::detail {

PostQueue::PostQueue(Loop& loop) : handle_(this) {
  int rc = uv_async_init(loop.raw(), handle_.raw(), &PostQueue::on_async);
  if (rc != 0) throw std::runtime_error(std::string("uv_async_init: ") + uv_strerror(rc));
  handle_.mark_initialized();
}

void PostQueue::post(std::function<void()> fn) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(fn));
  }
  uv_async_send(handle_.raw());
}

void PostQueue::unref() { uv_unref(handle_.handle()); }

void PostQueue::on_async(uv_async_t* raw) {
  PostQueue* self = UvHandle<uv_async_t, PostQueue>::owner_of(raw);
  if (!self) return;
  guarded(raw->loop, [self] { self->drain(); });
}

void PostQueue::drain() {
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(queue_);
  }
  for (auto& fn : batch) fn();
}

}  // namespace sluice::detail
