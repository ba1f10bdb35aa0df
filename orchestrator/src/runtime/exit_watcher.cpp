#include "runtime/exit_watcher.hpp"

#include <sys/resource.h>
#include <sys/wait.h>

#include <cerrno>
#include <stdexcept>
#include <string>

namespace sluice::detail {

std::optional<ExitStatus> reap_child(int pid, bool block) {
  int status = 0;
  struct rusage usage {};
  pid_t got;
  do {
    got = ::wait4(pid, &status, block ? 0 : WNOHANG, &usage);
  } while (got < 0 && errno == EINTR);
  if (got == 0) return std::nullopt;
  ExitStatus out;
  if (got < 0) return out;  // ECHILD: reaped elsewhere; the status is lost
  if (WIFEXITED(status)) out.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) out.signal = WTERMSIG(status);
  auto ms = [](const timeval& tv) {
    return static_cast<std::int64_t>(tv.tv_sec) * 1000 + tv.tv_usec / 1000;
  };
  out.cpu_ms = ms(usage.ru_utime) + ms(usage.ru_stime);
  out.max_rss_kb = usage.ru_maxrss;
  return out;
}

ExitWatcher::ExitWatcher(Loop& loop, int pid, UniqueFd pidfd,
                         std::function<void(const ExitStatus&)> on_exit)
    : pid_(pid), pidfd_(std::move(pidfd)), poll_(this), on_exit_(std::move(on_exit)) {
  int rc = uv_poll_init(loop.raw(), poll_.raw(), pidfd_.get());
  if (rc != 0) throw std::runtime_error(std::string("watch child exit: ") + uv_strerror(rc));
  poll_.mark_initialized();
  rc = uv_poll_start(poll_.raw(), UV_READABLE, &ExitWatcher::on_poll);
  if (rc != 0) throw std::runtime_error(std::string("watch child exit: ") + uv_strerror(rc));
}

ExitWatcher::~ExitWatcher() {
  // uv_close stops the epoll watch at once, so the pidfd may close after it.
  poll_.reset();
  pidfd_.reset();
}

void ExitWatcher::on_poll(uv_poll_t* raw, int, int) {
  ExitWatcher* self = UvHandle<uv_poll_t, ExitWatcher>::owner_of(raw);
  if (!self) return;
  guarded(raw->loop, [self] { self->check(); });
}

void ExitWatcher::check() {
  if (exited_) return;
  std::optional<ExitStatus> status = reap_child(pid_, false);
  if (!status) return;
  exited_ = true;
  uv_poll_stop(poll_.raw());
  auto fn = std::move(on_exit_);
  if (fn) fn(*status);  // may destroy this watcher
}

}  // namespace sluice::detail
