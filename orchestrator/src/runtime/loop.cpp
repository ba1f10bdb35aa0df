#include "runtime/loop.hpp"

#include "runtime/fd_poller.hpp"

#include <stdexcept>
#include <string>
#include <utility>

namespace sluice::detail {

Loop::Loop() {
  int rc = uv_loop_init(&loop_);
  if (rc != 0) throw std::runtime_error(std::string("uv_loop_init: ") + uv_strerror(rc));
  loop_.data = this;
}

Loop::~Loop() {
  if (!closed_) close();
}

FdPoller& Loop::poller() {
  if (!poller_) poller_ = std::make_unique<FdPoller>(*this);
  return *poller_;
}

void Loop::run() {
  uv_run(&loop_, UV_RUN_DEFAULT);
  rethrow_captured();
}

bool Loop::run_once(bool block) {
  bool more = uv_run(&loop_, block ? UV_RUN_ONCE : UV_RUN_NOWAIT) != 0;
  rethrow_captured();
  return more;
}

void Loop::capture(std::exception_ptr error) {
  if (!error_) error_ = std::move(error);
  uv_stop(&loop_);
}

void Loop::rethrow_captured() {
  if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
}

bool Loop::close() {
  if (closed_) return true;
  // Ours, not a leak: its clients are gone (or remove() on the still-open set).
  if (poller_) poller_->close_handle();
  // Close callbacks of handles closed by their owners run on the next turn.
  uv_run(&loop_, UV_RUN_NOWAIT);
  uv_walk(
      &loop_,
      [](uv_handle_t* handle, void* arg) {
        if (uv_is_closing(handle)) return;
        ++*static_cast<int*>(arg);
        // A leaked wrapper's cell is not freed here: its owner is still
        // alive and will free it. Only the loop's bookkeeping is finished.
        uv_close(handle, nullptr);
      },
      &leaked_);
  uv_run(&loop_, UV_RUN_DEFAULT);
  closed_ = uv_loop_close(&loop_) == 0;
  error_ = nullptr;
  return closed_;
}

}  // namespace sluice::detail
