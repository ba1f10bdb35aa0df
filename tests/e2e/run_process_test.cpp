// End-to-end tests of `sluice run` and the processes it starts: no process of
// a run outlives it (fail-fast, timeouts, signals, setsid escapees, pipe
// holders), signals end sluice with their own status, and children see only
// fds 0-2. Every process of a run carries a per-test marker in its
// environment, so /proc shows what is left.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <string>
#include <vector>

#include "e2e/e2e_support.hpp"

namespace {

namespace fs = std::filesystem;
using sluice::e2e::CliTest;
using sluice::e2e::expect_complete;
using sluice::e2e::leftover_processes;
using sluice::e2e::live_pids_with_env;
using sluice::e2e::pid_alive;
using sluice::e2e::slurp;
using sluice::e2e::wait_until;

class RunProcesses : public CliTest {
 protected:
  /// Waits for a pid file written by `test_child spawn-tree` and returns the
  /// grandchild's pid (0 at the deadline, with a failure).
  pid_t wait_pid_file(const std::string& name) {
    bool ok = wait_until([&] { return fs::exists(dir_ / name); });
    EXPECT_TRUE(ok) << name << " never appeared";
    return ok ? static_cast<pid_t>(std::stol(slurp(dir_ / name))) : 0;
  }
};

TEST_F(RunProcesses, FailFastKillsGrandchildren) {
  write("sluice.yaml", R"Y(env:
  @MARKER@
tasks:
  tree: {cmd: [@CHILD@, spawn-tree, tree.pid]}
  shell_tree: {run: "@CHILD@ spawn-tree shell_tree.pid"}
  stubborn: {cmd: [@CHILD@, spawn-tree, stubborn.pid, ignore-term], grace: 200ms}
  bad:
    run: "@CHILD@ wait-file tree.pid && @CHILD@ wait-file shell_tree.pid && @CHILD@ wait-file stubborn.pid && exit 1"
  never: {cmd: [@CHILD@, touch, never.ran], needs: [tree]}
)Y");
  auto r = run({"run", "-j", "4", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 1) << r.err;
  auto ev = events();
  expect_complete(ev, {"tree", "shell_tree", "stubborn", "bad", "never"});
  EXPECT_EQ(ev.finished("bad")["status"], "failed");
  for (const char* t : {"tree", "shell_tree", "stubborn", "never"})
    EXPECT_EQ(ev.finished(t)["status"], "cancelled") << t;
  EXPECT_FALSE(fs::exists(dir_ / "never.ran"));
  EXPECT_EQ(leftover_processes(marker_), "");
  for (const char* f : {"tree.pid", "shell_tree.pid", "stubborn.pid"})
    EXPECT_FALSE(pid_alive(static_cast<pid_t>(std::stol(slurp(dir_ / f))))) << f;
}

TEST_F(RunProcesses, TimeoutKillsATermIgnoringTreeAfterGrace) {
  write("sluice.yaml", R"Y(env:
  @MARKER@
tasks:
  slow:
    cmd: [@CHILD@, spawn-tree, slow.pid, ignore-term]
    timeout: 1s
    grace: 200ms
)Y");
  auto r = run({"run", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 1) << r.err;
  auto ev = events();
  expect_complete(ev, {"slow"});
  EXPECT_EQ(ev.finished("slow")["status"], "timed_out");
  EXPECT_EQ(ev.all.back()["timed_out"], 1);
  // The timeout is long enough for the tree to exist, else this test is void.
  ASSERT_TRUE(fs::exists(dir_ / "slow.pid"));
  EXPECT_EQ(leftover_processes(marker_), "");
  EXPECT_FALSE(pid_alive(static_cast<pid_t>(std::stol(slurp(dir_ / "slow.pid")))));
}

TEST_F(RunProcesses, SigintCancelsRunsAlwaysAndDiesBySigint) {
  write("sluice.yaml", R"Y(env:
  @MARKER@
tasks:
  long: {cmd: [@CHILD@, spawn-tree, long.pid]}
  other: {run: "@CHILD@ spawn-tree other.pid"}
  next: {cmd: [@CHILD@, touch, next.ran], needs: [long]}
  cleanup: {cmd: [@CHILD@, touch, cleanup.ran], needs: [long], always: true}
)Y");
  auto cli = start({"run", "-k", "--events", "events.jsonl"});
  pid_t gc = wait_pid_file("long.pid");
  wait_pid_file("other.pid");
  // The scan sees the run's processes while they live: both children, their
  // grandchildren and the shell.
  EXPECT_GE(live_pids_with_env(marker_).size(), 4u);
  cli->signal(SIGINT);
  auto r = cli->wait();
  EXPECT_TRUE(r.signaled) << "exit " << r.code << "\n" << r.err;
  EXPECT_EQ(r.signal, SIGINT);
  EXPECT_EQ(r.code, 130);
  auto ev = events();
  expect_complete(ev, {"long", "other", "next", "cleanup"});
  EXPECT_EQ(ev.finished("long")["status"], "cancelled");
  EXPECT_EQ(ev.finished("other")["status"], "cancelled");
  EXPECT_EQ(ev.finished("next")["status"], "cancelled");
  EXPECT_EQ(ev.finished("cleanup")["status"], "succeeded");
  EXPECT_TRUE(fs::exists(dir_ / "cleanup.ran"));
  EXPECT_FALSE(fs::exists(dir_ / "next.ran"));
  EXPECT_EQ(ev.all.back()["status"], "interrupted");
  EXPECT_EQ(leftover_processes(marker_), "");
  EXPECT_FALSE(pid_alive(gc));
}

TEST_F(RunProcesses, SigtermDiesBySigtermWithNothingLeft) {
  write("sluice.yaml", R"Y(env:
  @MARKER@
tasks:
  long: {cmd: [@CHILD@, spawn-tree, long.pid, ignore-term], grace: 200ms}
)Y");
  auto cli = start({"run", "--events", "events.jsonl"});
  wait_pid_file("long.pid");
  cli->signal(SIGTERM);
  auto r = cli->wait();
  EXPECT_TRUE(r.signaled) << "exit " << r.code << "\n" << r.err;
  EXPECT_EQ(r.signal, SIGTERM);
  EXPECT_EQ(r.code, 143);
  auto ev = events();
  expect_complete(ev, {"long"});
  EXPECT_EQ(ev.finished("long")["status"], "cancelled");
  EXPECT_EQ(ev.all.back()["status"], "interrupted");
  EXPECT_EQ(leftover_processes(marker_), "");
}

TEST_F(RunProcesses, SighupDiesBySighup) {
  write("sluice.yaml", R"Y(env:
  @MARKER@
tasks:
  long: {cmd: [@CHILD@, spawn-tree, long.pid]}
)Y");
  auto cli = start({"run", "--events", "events.jsonl"});
  wait_pid_file("long.pid");
  cli->signal(SIGHUP);
  auto r = cli->wait();
  EXPECT_TRUE(r.signaled) << "exit " << r.code << "\n" << r.err;
  EXPECT_EQ(r.code, 129);
  expect_complete(events(), {"long"});
  EXPECT_EQ(events().all.back()["status"], "interrupted");
  EXPECT_EQ(leftover_processes(marker_), "");
}

TEST_F(RunProcesses, SecondSigintKillsAlwaysTasksToo) {
  write("sluice.yaml", R"Y(env:
  @MARKER@
tasks:
  long: {cmd: [@CHILD@, spawn-tree, long.pid]}
  cleanup:
    cmd: [@CHILD@, spawn-tree, cleanup.pid, ignore-term]
    needs: [long]
    always: true
    grace: 30s
)Y");
  auto cli = start({"run", "--events", "events.jsonl"});
  wait_pid_file("long.pid");
  cli->signal(SIGINT);
  // The first Ctrl-C lets the cleanup start; the second one must not wait
  // for its 30 s grace: it kills.
  wait_pid_file("cleanup.pid");
  cli->signal(SIGINT);
  auto r = cli->wait();
  EXPECT_TRUE(r.signaled) << "exit " << r.code << "\n" << r.err;
  EXPECT_EQ(r.signal, SIGINT);
  auto ev = events();
  expect_complete(ev, {"long", "cleanup"});
  EXPECT_EQ(ev.finished("cleanup")["status"], "cancelled");
  EXPECT_EQ(ev.all.back()["status"], "interrupted");
  EXPECT_EQ(leftover_processes(marker_), "");
}

TEST_F(RunProcesses, SetsidEscapeeIsKilledWhenItsTaskEnds) {
  write("sluice.yaml", R"Y(env:
  @MARKER@
tasks:
  esc:
    run: |
      @CHILD@ setsid-escape > esc.pid
      echo "pid=$(cat esc.pid)" >> "$SLUICE_OUTPUT"
  check:
    needs: [esc]
    cmd: [@CHILD@, wait-gone, "${{ tasks.esc.outputs.pid }}"]
)Y");
  auto r = run({"run", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 0) << r.err;
  auto ev = events();
  expect_complete(ev, {"esc", "check"});
  EXPECT_EQ(ev.finished("esc")["status"], "succeeded");
  // `check` runs after `esc` ended and before the run ends: it sees the
  // escapee gone, or fails after 10 s.
  EXPECT_EQ(ev.finished("check")["status"], "succeeded") << ev.finished("check").dump();
  EXPECT_EQ(leftover_processes(marker_), "");
}

TEST_F(RunProcesses, GrandchildHoldingThePipeDoesNotHangTheRun) {
  write("sluice.yaml", R"Y(env:
  @MARKER@
tasks:
  bg: {run: "sleep 300 & echo done"}
  next: {cmd: [@CHILD@, print, "next ran\n"], needs: [bg]}
)Y");
  auto r = run({"run", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 0) << r.err;
  auto ev = events();
  expect_complete(ev, {"bg", "next"});
  EXPECT_EQ(ev.output_lines("bg"), std::vector<std::string>{"done"});
  EXPECT_EQ(ev.output_lines("next"), std::vector<std::string>{"next ran"});
  EXPECT_EQ(leftover_processes(marker_), "");
}

TEST_F(RunProcesses, ChildSeesOnlyStdioEvenWhenSluiceInheritedMore) {
  write("sluice.yaml", R"Y(tasks:
  fds: {cmd: [@CHILD@, list-fds]}
  shell_fds: {run: "@CHILD@ list-fds"}
  parent: {run: "test -e /proc/$PPID/fd/100 && echo sluice has fd 100"}
)Y");
  sluice::e2e::RunOptions opts;
  opts.extra_fd = 100;
  opts.extra_fd_file = dir_ / "sluice.yaml";
  auto r = run({"run", "--events", "events.jsonl"}, opts);
  ASSERT_EQ(r.code, 0) << r.err;
  auto ev = events();
  expect_complete(ev, {"fds", "shell_fds", "parent"});
  // The premise: sluice itself holds fd 100.
  EXPECT_EQ(ev.output_lines("parent"), std::vector<std::string>{"sluice has fd 100"});
  for (const char* t : {"fds", "shell_fds"}) {
    auto lines = ev.output_lines(t);
    std::sort(lines.begin(), lines.end());
    EXPECT_EQ(lines, (std::vector<std::string>{"0", "1", "2"})) << t;
  }
}

}  // namespace
