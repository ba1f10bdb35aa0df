#include "sluice/process_guards.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sluice {

int reopen_closed_stdio() {
  int opened = 0;
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) >= 0 || errno != EBADF) continue;
    // The lowest free fd: the lower ones are open by now.
    int got = ::open("/dev/null", O_RDWR);
    if (got == fd) {
      opened |= 1 << fd;
    } else if (got >= 0) {
      ::close(got);
    }
  }
  return opened;
}

ProcessGuards install_process_guards() {
  reopen_closed_stdio();
  ProcessGuards out;
  auto note = [&out](const char* what) {
    if (!out.error.empty()) out.error += "; ";
    out.error += std::string(what) + ": " + std::strerror(errno);
  };
  if (::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    out.subreaper = true;
  else
    note("prctl(PR_SET_CHILD_SUBREAPER)");
  struct sigaction ignore {}, before {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  if (::sigaction(SIGPIPE, &ignore, &before) == 0) {
    out.sigpipe_ignored = true;
    out.sigpipe_ignored_before = before.sa_handler == SIG_IGN;
  } else {
    note("sigaction(SIGPIPE)");
  }
  struct rlimit lim {};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0) {
    out.nofile_soft_before = lim.rlim_cur;
    out.nofile_soft_now = lim.rlim_cur;
    if (lim.rlim_cur < lim.rlim_max) {
      rlimit raised = lim;
      raised.rlim_cur = lim.rlim_max;
      if (::setrlimit(RLIMIT_NOFILE, &raised) == 0)
        out.nofile_soft_now = raised.rlim_cur;
      else
        note("setrlimit(RLIMIT_NOFILE)");
    }
  } else {
    note("getrlimit(RLIMIT_NOFILE)");
  }
  return out;
}

}  // namespace sluice
