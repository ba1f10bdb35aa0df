// spawn_child() where the kernel refuses close_range (a kernel before 5.9,
// a container's seccomp profile): the child must still close what it must
// not inherit, or fail the spawn, never run on with the fds. Each test runs
// in a forked process that installs a seccomp filter (irreversible, so never
// in the test process itself) and reports through its exit status.
#include "runtime/spawn.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <string>
#include <vector>

namespace sluice::detail {
namespace {

const std::string kChild = SLUICE_TEST_CHILD;

/// Makes each of `calls` fail with `err` in this process and its children.
bool refuse_syscalls(const std::vector<int>& calls, int err) {
  std::vector<sock_filter> prog;
  prog.push_back(BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)));
  for (int nr : calls) {
    prog.push_back(BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<unsigned>(nr), 0, 1));
    prog.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (static_cast<unsigned>(err) & 0xffff)));
  }
  prog.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
  sock_fprog fprog{static_cast<unsigned short>(prog.size()), prog.data()};
  return ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
         ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) == 0;
}

/// Runs `body` in a forked process; returns its exit status (or 200 + signal).
template <typename Body>
int in_child(Body body) {
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(body());
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 200 + WTERMSIG(status);
}

/// An inherited fd 100 (not close-on-exec), as a careless parent leaves one.
bool stray_fd_100() {
  int null = ::open("/dev/null", O_RDONLY);
  return null >= 0 && ::dup2(null, 100) == 100 && ::close(null) == 0;
}

TEST(Spawn, WithoutCloseRangeTheChildStillSeesOnlyFdsZeroToTwo) {
  int status = in_child([] {
    if (!refuse_syscalls({SYS_close_range}, ENOSYS) || !stray_fd_100()) return 10;
    if (::syscall(SYS_close_range, 3u, 3u, 0u) == 0 || errno != ENOSYS) return 11;  // the premise
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) return 12;
    SpawnRequest req;
    req.argv = {kChild, "list-fds"};
    req.stdio[1] = out[1];
    SpawnResult r = spawn_child(req);
    ::close(out[1]);
    if (!std::holds_alternative<SpawnedChild>(r)) return 13;
    std::string text;
    char buf[256];
    for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(n));
    ::waitpid(std::get<SpawnedChild>(r).pid, nullptr, 0);
    return text == "0\n1\n2\n" ? 0 : 14;
  });
  EXPECT_EQ(status, 0);
}

TEST(Spawn, AChildThatCannotCloseItsFdsFailsTheSpawnAndSaysSo) {
  int status = in_child([] {
    // No close_range, no listing of /proc/self/fd: no way to close them.
    if (!refuse_syscalls({SYS_close_range, SYS_getdents64}, EPERM) || !stray_fd_100()) return 10;
    SpawnRequest req;
    req.argv = {kChild, "exit", "0"};
    SpawnResult r = spawn_child(req);
    auto* err = std::get_if<SpawnError>(&r);
    if (!err) return 13;
    std::string want = "spawn \"" + kChild + "\": cannot close the fds it must not inherit: " +
                       "Operation not permitted";
    return err->message == want && err->err == EPERM ? 0 : 14;
  });
  EXPECT_EQ(status, 0);
}

}  // namespace
}  // namespace sluice::detail
