/// PostQueue: how other threads hand work to the loop thread. post() may be
/// called from any thread; it appends to a locked queue and wakes the loop
/// with uv_async_send. Sends coalesce, so the loop side drains the WHOLE
/// queue on every wake-up. Construction, destruction and unref() happen on the
/// loop thread; posts after destruction are a bug of the poster.
#pragma once

#include <functional>
#include <mutex>
#include <vector>

#include "runtime/handle.hpp"
#include "runtime/loop.hpp"

namespace sluice::detail {

class PostQueue {
 public:
  explicit PostQueue(Loop& loop);
  PostQueue(const PostQueue&) = delete;
  PostQueue& operator=(const PostQueue&) = delete;

  /// Any thread: runs `fn` on the loop thread soon, in posting order.
  void post(std::function<void()> fn);
  /// Loop thread: lets the loop end while nothing else is active.
  void unref();

 private:
  static void on_async(uv_async_t* raw);
  void drain();

  UvHandle<uv_async_t, PostQueue> handle_;
  std::mutex mutex_;
  std::vector<std::function<void()>> queue_;
};

}  // namespace sluice::detail
