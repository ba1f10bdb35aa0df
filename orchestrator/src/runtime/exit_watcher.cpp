#include "runtime/exit_watcher.hpp"

#include <sched.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
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
    : poller_(loop.poller()), pid_(pid), pidfd_(std::move(pidfd)), on_exit_(std::move(on_exit)) {
  int rc = poller_.add(pidfd_.get(), this);
  if (rc != 0) throw std::runtime_error(std::string("watch child exit: ") + std::strerror(-rc));
  watching_ = true;
}

ExitWatcher::~ExitWatcher() {
  if (watching_) poller_.remove(pidfd_.get(), this);
  pidfd_.reset();
}

void ExitWatcher::check() {
  if (exited_) return;
  if (std::optional<ExitStatus> status = reap_child(pid_, false)) report(*status);
}

void ExitWatcher::await_exit(std::chrono::microseconds limit) {
  if (exited_) return;
  auto deadline = std::chrono::steady_clock::now() + limit;
  std::optional<ExitStatus> status;
  while (!(status = reap_child(pid_, false))) {
    if (std::chrono::steady_clock::now() >= deadline) return;
    ::sched_yield();  // the exiting child may be waiting for this CPU
  }
  report(*status);
}

void ExitWatcher::report(const ExitStatus& status) {
  exited_ = true;
  poller_.remove(pidfd_.get(), this);
  watching_ = false;
  auto fn = std::move(on_exit_);
  if (fn) fn(status);  // may destroy this watcher
}

}  // namespace sluice::detail
