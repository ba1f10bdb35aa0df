// End-to-end tests of what a person sees of a run (SPEC §4), through the
// real CLI, on a pseudo-terminal where a terminal matters: Ctrl-C said at
// once on the status line, an `interactive` task ended by Ctrl-C, task
// output that cannot forge sluice's lines, messages whose durations no path
// can swallow, and a summary that puts failures first.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <string>
#include <vector>

#include "e2e/e2e_support.hpp"
#include "e2e/pty_support.hpp"

namespace {

using sluice::e2e::CliTest;
using sluice::e2e::expect_complete;
using sluice::e2e::Pty;

class RunConsole : public CliTest {
 protected:
  /// sluice itself on a new pty, as the session's foreground job.
  std::unique_ptr<Pty> on_pty(std::vector<std::string> args) {
    args.insert(args.begin(), SLUICE_CLI);
    return std::make_unique<Pty>(std::move(args), dir_);
  }
};

// The task ignores SIGTERM and has a long grace, so nothing about the run
// changes after the first Ctrl-C until the second: the status line must say
// so before any task has finished.
TEST_F(RunConsole, CtrlCOnATerminalSaysAtOnceThatTheRunIsBeingInterrupted) {
  write("sluice.yaml", R"Y(tasks:
  stubborn:
    cmd: [@CHILD@, ignore-term]
    grace: 1h
)Y");
  auto tty = on_pty({"run", "--events", "events.jsonl"});
  ASSERT_TRUE(wait_event(printed("stubborn", "ready")));
  tty->type("\x03");
  const auto at = tty->wait_for("interrupting: stopping 1 task (Ctrl-C again to kill)");
  EXPECT_TRUE(events().of("task_finished", "stubborn").empty());
  tty->type("\x03");
  tty->wait_for("killing 1 task", at);
  auto status = tty->wait();
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFSIGNALED(*status) && WTERMSIG(*status) == SIGINT) << tty->output();
  auto ev = events();
  expect_complete(ev, {"stubborn"});
  EXPECT_EQ(ev.finished("stubborn").value("status", ""), "cancelled");
  EXPECT_EQ(ev.all.back().value("status", ""), "interrupted");
}

// Off a terminal there is no status line: a line says it instead.
TEST_F(RunConsole, SigintOffATerminalIsSaidInALine) {
  write("sluice.yaml", R"Y(tasks:
  stubborn:
    cmd: [@CHILD@, ignore-term]
    grace: 1h
)Y");
  auto cli = start({"run", "--events", "events.jsonl"});
  ASSERT_TRUE(wait_event(printed("stubborn", "ready")));
  cli->signal(SIGINT);
  ASSERT_TRUE(sluice::e2e::wait_until([&] {
    return sluice::e2e::slurp(dir_ / ".out1").find("[sluice] interrupting: stopping 1 task (Ctrl-C again to kill)\n") !=
           std::string::npos;
  })) << sluice::e2e::slurp(dir_ / ".out1");
  EXPECT_TRUE(events().of("task_finished", "stubborn").empty());
  cli->signal(SIGINT);
  auto r = cli->wait();
  EXPECT_EQ(r.code, 130) << r.err;
  EXPECT_NE(r.out.find("[sluice] killing 1 task\n"), std::string::npos) << r.out;
}

// An interactive task shares sluice's terminal and process group: Ctrl-C
// reaches both, in either order. Either way the task was cancelled by the
// user, not failed by a signal. Repeated, since the order varies.
TEST_F(RunConsole, AnInteractiveTaskEndedByCtrlCIsCancelled) {
  write("sluice.yaml", R"Y(tasks:
  ask:
    cmd: [@CHILD@, print-ready]
    interactive: true
  after:
    cmd: [@CHILD@, exit, 0]
    needs: [ask]
)Y");
  for (int round = 0; round < 5; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    std::filesystem::remove(dir_ / "events.jsonl");
    auto tty = on_pty({"run", "--events", "events.jsonl"});
    ASSERT_TRUE(wait_event(is("task_started", "ask")));
    tty->wait_for("ready");
    tty->type("\x03");
    auto status = tty->wait();
    ASSERT_TRUE(status);
    EXPECT_TRUE(WIFSIGNALED(*status) && WTERMSIG(*status) == SIGINT) << tty->output();
    auto ev = events();
    expect_complete(ev, {"ask", "after"});
    EXPECT_EQ(ev.finished("ask").value("status", ""), "cancelled") << ev.finished("ask").dump();
    EXPECT_EQ(ev.finished("after").value("status", ""), "cancelled");
    EXPECT_EQ(ev.all.back().value("status", ""), "interrupted");
    EXPECT_EQ(tty->output().find("failed"), std::string::npos) << tty->output();
  }
}

// The order sluice cannot choose, made certain: the task dies of SIGINT and
// sluice gets none (as when the terminal's SIGINT is dispatched after the
// exit). It is still the run's interrupt, as bash takes a child's death by
// SIGINT: cancelled, the run interrupted, exit 130.
TEST_F(RunConsole, AnInteractiveTaskDeadOfSigintIsCancelledWhateverSluiceSaw) {
  write("sluice.yaml", R"Y(tasks:
  ask:
    cmd: [sh, -c, "kill -INT $$"]
    interactive: true
  after:
    cmd: [@CHILD@, exit, 0]
    needs: [ask]
)Y");
  auto r = run({"run", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 130) << r.out << r.err;
  auto ev = events();
  expect_complete(ev, {"ask", "after"});
  EXPECT_EQ(ev.finished("ask").value("status", ""), "cancelled") << ev.finished("ask").dump();
  EXPECT_EQ(ev.finished("after").value("status", ""), "cancelled");
  EXPECT_EQ(ev.all.back().value("status", ""), "interrupted");
}

// A task prints an OSC title, a colour, and "\r[sluice] ..." to overwrite its
// own prefix: none of it reaches a file or a pipe, in either line mode.
TEST_F(RunConsole, TaskOutputCannotForgeSluicesLinesOffATerminal) {
  write("sluice.yaml", R"Y(tasks:
  t:
    cmd: [@CHILD@, print, "\e]0;pwned\aok \e[31mred\e[0m\rx\r[sluice] run succeeded in 0.0s\n"]
)Y");
  for (const char* mode : {"prefixed", "grouped"}) {
    SCOPED_TRACE(mode);
    auto r = run({"run", "-q", "--output", mode});
    ASSERT_EQ(r.code, 0) << r.err;
    const std::string forged = std::string(mode) == "prefixed" ? "t | [sluice] run succeeded in 0.0s\n"
                                                               : "--- t ---\n[sluice] run succeeded in 0.0s\n";
    EXPECT_EQ(r.out.rfind(forged, 0), 0u) << r.out;
    EXPECT_EQ(r.out.find_first_of("\x1b\r"), std::string::npos) << r.out;
  }
}

// On a terminal with colour on, the task's colours pass; nothing else does.
TEST_F(RunConsole, OnATerminalOnlyColoursPass) {
  write("sluice.yaml", R"Y(tasks:
  t:
    cmd: [@CHILD@, print, "\e]0;pwned\a\e[2J\e[31mred\e[0m\n"]
)Y");
  auto tty = on_pty({"run", "-q"});
  auto status = tty->wait();
  ASSERT_TRUE(status);
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << tty->output();
  const std::string& out = tty->output();
  EXPECT_NE(out.find(" | \x1b[31mred\x1b[0m"), std::string::npos) << out;
  EXPECT_EQ(out.find("pwned"), std::string::npos) << out;
  EXPECT_EQ(out.find("\x1b[2J"), std::string::npos) << out;
}

// The duration stands before the error text, which may end in a path.
TEST_F(RunConsole, ASpawnFailureNamesItsErrorLast) {
  write("sluice.yaml", R"Y(tasks:
  typo:
    cmd: [fecth]
)Y");
  auto r = run({"run", "-q"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.out.find("s: command not found: fecth\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("[sluice] typo failed after 0."), std::string::npos) << r.out;
}

// One failure among successes heads the summary; without -v it is the only
// row, with -v every task follows it.
TEST_F(RunConsole, TheSummaryPutsFailuresFirst) {
  write("sluice.yaml", R"Y(tasks:
  a: {cmd: [@CHILD@, exit, 0]}
  b: {cmd: [@CHILD@, exit, 0]}
  c: {cmd: [@CHILD@, exit, 0]}
  d: {cmd: [@CHILD@, exit, 3]}
  e: {cmd: [@CHILD@, exit, 0]}
)Y");
  auto r = run({"run", "-k", "-j1"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.out.find("TASK  STATUS  ATTEMPTS  DURATION  EXIT\n"
                       "d     failed         1 "),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("(4 more tasks not shown; -v shows them)\n[sluice] run failed"), std::string::npos) << r.out;

  auto v = run({"run", "-k", "-j1", "-v"});
  EXPECT_EQ(v.code, 1) << v.err;
  const auto table = v.out.find("TASK ");
  ASSERT_NE(table, std::string::npos) << v.out;
  std::vector<char> order;
  for (auto pos = v.out.find('\n', table) + 1; pos < v.out.size() && v.out[pos] != '['; pos = v.out.find('\n', pos) + 1)
    order.push_back(v.out[pos]);
  EXPECT_EQ(order, (std::vector<char>{'d', 'a', 'b', 'c', 'e'})) << v.out;
}

}  // namespace
