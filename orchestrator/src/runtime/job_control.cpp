#include "runtime/job_control.hpp"

#include <poll.h>
#include <signal.h>

#include <stdexcept>
#include <string>

namespace sluice::detail {
namespace {

/// Stops this process as the default action of SIGTSTP would; returns once
/// it runs again (or at once, when the kernel discards the stop).
void stop_self() {
  struct sigaction dfl {}, old {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  if (::sigaction(SIGTSTP, &dfl, &old) != 0) {
    ::raise(SIGSTOP);
    return;
  }
  ::raise(SIGTSTP);
  ::sigaction(SIGTSTP, &old, nullptr);  // libuv's handler again
}

}  // namespace

JobControl::JobControl(Loop& loop, std::function<void()> suspend, std::function<void()> resume)
    : loop_(loop),
      suspend_(std::move(suspend)),
      resume_(std::move(resume)),
      check_(this) {
  int rc = uv_check_init(loop.raw(), check_.raw());
  if (rc != 0) throw std::runtime_error(std::string("uv_check_init: ") + uv_strerror(rc));
  check_.mark_initialized();
  if (!SignalWatcher::ignored_now(SIGTSTP)) {
    tstp_ = std::make_unique<SignalWatcher>(loop, SIGTSTP, [this](int) {
      stop_wanted_ = true;
      uv_check_start(check_.raw(), &JobControl::on_check);
    });
    tstp_->unref();
  }
  if (!SignalWatcher::ignored_now(SIGCONT)) {
    cont_ = std::make_unique<SignalWatcher>(loop, SIGCONT, [this](int) {
      stop_wanted_ = false;
      if (resume_) resume_();
    });
    cont_->unref();
  }
}

JobControl::~JobControl() {
  if (check_) uv_check_stop(check_.raw());
}

void JobControl::on_check(uv_check_t* raw) {
  JobControl* self = UvHandle<uv_check_t, JobControl>::owner_of(raw);
  if (!self) return;
  guarded(raw->loop, [self] { self->stop_when_quiet(); });
}

bool JobControl::signals_queued() {
  // libuv 1.44 keeps the read end in the loop struct (uv/unix.h).
  pollfd p{loop_.raw()->signal_pipefd[0], POLLIN, 0};
  return p.fd >= 0 && ::poll(&p, 1, 0) > 0;
}

void JobControl::stop_when_quiet() {
  if (stop_wanted_ && signals_queued()) return;  // dispatched next turn; checked again then
  uv_check_stop(check_.raw());
  if (!stop_wanted_) return;  // a SIGCONT came after the SIGTSTP
  stop_wanted_ = false;
  if (suspend_) suspend_();
  stop_self();
  if (resume_) resume_();
}

}  // namespace sluice::detail
