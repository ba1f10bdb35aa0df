// End-to-end tests of time as a run counts it (SPEC §1.2 `timeout`): a run
// stopped with Ctrl-Z and continued with `fg` does not time its tasks out
// for the time it sat stopped (under a real shell on a pseudo-terminal),
// `timeout: 0` switches a default off, and a reported duration is never
// shorter than the timeout that ended the task.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <thread>

#include "e2e/e2e_support.hpp"
#include "e2e/pty_support.hpp"

namespace {

namespace fs = std::filesystem;
using sluice::e2e::CliTest;
using sluice::e2e::expect_complete;
using sluice::e2e::parent_of;
using sluice::e2e::Pty;
using sluice::e2e::state_of;
using sluice::e2e::wait_until;

class RunTime : public CliTest {};

// Ctrl-Z, five seconds stopped, then `fg`, in bash on a pty: sluice's group
// is a job of the shell, so the kernel really stops it (an orphaned group's
// stop would be discarded). The task waits for a file the test writes once
// the run runs again, so its running time is only what the machine needs to
// pass a signal and a file along, far under the 4 s timeout, while the stop
// lasts longer than the timeout: counting it would time the task out at fg.
TEST_F(RunTime, CtrlZAndFgDoNotCountTheStoppedTimeTowardATimeout) {
  if (!fs::exists("/bin/bash")) GTEST_SKIP() << "no /bin/bash";
  write("sluice.yaml", R"Y(tasks:
  slow:
    cmd: [@CHILD@, wait-file, go]
    timeout: 4s
)Y");
  Pty shell({"/bin/bash", "--norc", "--noprofile", "-i"}, dir_, {"PS1=$ ", "HISTFILE=/dev/null"});
  shell.type(std::string(SLUICE_CLI) + " run --events events.jsonl\n");
  auto started = wait_event(is("task_started", "slow"));
  ASSERT_TRUE(started);
  const pid_t task = (*started)["pid"].get<pid_t>();
  const pid_t sluice = parent_of(task);
  ASSERT_GT(sluice, 0);

  shell.type("\x1a");  // Ctrl-Z
  ASSERT_TRUE(wait_until([&] { return state_of(sluice) == 'T' && state_of(task) == 'T'; }))
      << "sluice " << state_of(sluice) << ", task " << state_of(task) << "\n" << shell.output();
  const std::size_t mark = shell.output().size();
  // The stimulus, not a synchronisation: the run stays stopped longer than
  // the task's timeout.
  std::this_thread::sleep_for(std::chrono::seconds(5));
  shell.type("fg; echo FG-EXIT-$?\n");
  ASSERT_TRUE(wait_until([&] { return state_of(sluice) != 'T' && state_of(task) != 'T'; }));
  write("go", "");
  shell.wait_for("FG-EXIT-0", mark);

  auto ev = events();
  expect_complete(ev, {"slow"});
  EXPECT_EQ(ev.finished("slow").value("status", ""), "succeeded") << ev.finished("slow").dump();
  shell.type("exit\n");
  shell.wait();
}

// SPEC §1.2: `timeout: 0` means no timeout, so a task can switch a default
// off. The other task keeps the default and times out; only then may the
// first one end, so it has outlived the default.
TEST_F(RunTime, TimeoutZeroSwitchesADefaultOff) {
  write("sluice.yaml", R"Y(defaults:
  timeout: 1s
tasks:
  unbounded:
    cmd: [@CHILD@, wait-file, go]
    timeout: 0
  bounded:
    cmd: [@CHILD@, wait-file, never]
)Y");
  auto cli = start({"run", "-k", "--events", "events.jsonl"});
  auto timed_out = wait_event([](const sluice::e2e::json& e) {
    return e.value("type", "") == "task_finished" && e.value("task", "") == "bounded";
  });
  ASSERT_TRUE(timed_out);
  EXPECT_EQ(timed_out->value("status", ""), "timed_out");
  EXPECT_TRUE(events().of("task_finished", "unbounded").empty());
  write("go", "");
  auto r = cli->wait();
  EXPECT_EQ(r.code, 1) << r.err;
  auto ev = events();
  expect_complete(ev, {"unbounded", "bounded"});
  EXPECT_EQ(ev.finished("unbounded").value("status", ""), "succeeded");
}

// Durations are rounded, not cut: a task ended by `timeout: 1s` is reported
// after at least 1.0s, never 0.9s, in the console and in the events.
TEST_F(RunTime, ATimedOutTaskIsReportedAfterAtLeastItsTimeout) {
  write("sluice.yaml", R"Y(tasks:
  t:
    cmd: [@CHILD@, wait-file, never]
    timeout: 1s
)Y");
  auto r = run({"run", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 1) << r.err;
  const std::string said = "[sluice] t timed out after ";
  const auto at = r.out.find(said);
  ASSERT_NE(at, std::string::npos) << r.out;
  const std::string tail = r.out.substr(at + said.size(), r.out.find('\n', at) - at - said.size());
  double seconds = 0;
  int used = 0;
  ASSERT_EQ(std::sscanf(tail.c_str(), "%lfs%n", &seconds, &used), 1) << r.out;
  EXPECT_EQ(static_cast<std::size_t>(used), tail.size()) << r.out;  // "1.0s", nothing after
  EXPECT_GE(seconds, 1.0) << r.out;
  EXPECT_GE(events().finished("t").value("duration_ms", 0), 1000);
}

}  // namespace
