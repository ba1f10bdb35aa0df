#include "runtime/signal_watcher.hpp"

#include <signal.h>

#include <stdexcept>
#include <string>

namespace sluice::detail {

SignalWatcher::SignalWatcher(Loop& loop, int signum, std::function<void(int)> on_signal)
    : handle_(this), fn_(std::move(on_signal)) {
  int rc = uv_signal_init(loop.raw(), handle_.raw());
  if (rc != 0) throw std::runtime_error(std::string("uv_signal_init: ") + uv_strerror(rc));
  handle_.mark_initialized();
  rc = uv_signal_start(handle_.raw(), &SignalWatcher::on_signal, signum);
  if (rc != 0)
    throw std::runtime_error("watch signal " + std::to_string(signum) + ": " + uv_strerror(rc));
}

bool SignalWatcher::ignored_now(int signum) {
  struct sigaction now {};
  return ::sigaction(signum, nullptr, &now) == 0 && now.sa_handler == SIG_IGN;
}

void SignalWatcher::stop() { uv_signal_stop(handle_.raw()); }

void SignalWatcher::unref() { uv_unref(handle_.handle()); }

void SignalWatcher::on_signal(uv_signal_t* raw, int signum) {
  SignalWatcher* self = UvHandle<uv_signal_t, SignalWatcher>::owner_of(raw);
  if (!self) return;
  guarded(raw->loop, [self, signum] {
    if (self->fn_) self->fn_(signum);
  });
}

}  // namespace sluice::detail
