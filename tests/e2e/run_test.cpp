// End-to-end tests of `sluice run`: scheduling (limits, pools, priority,
// fail-fast, -k, continue_on_error, always, retries), spawn errors, outputs,
// console formats, dry runs, exit codes and the event stream. The real CLI
// runs real children in a temporary directory per test.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <string>
#include <vector>

#include "e2e/e2e_support.hpp"

namespace {

namespace fs = std::filesystem;
using sluice::e2e::CliTest;
using sluice::e2e::Events;
using sluice::e2e::expect_complete;
using sluice::e2e::slurp;

class Run : public CliTest {};

std::vector<std::string> names(const std::string& prefix, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(prefix + std::to_string(i));
  return out;
}

/// Highest number of tasks between their "+" and "-" markers in a gate log.
int max_concurrent_in_log(const std::string& log) {
  int now = 0, most = 0;
  for (char c : log) {
    if (c == '+') most = std::max(most, ++now);
    if (c == '-') --now;
  }
  return most;
}

/// Highest number of tasks between task_started and task_finished.
int max_concurrent_in_events(const Events& ev) {
  int now = 0, most = 0;
  for (const auto& e : ev.all) {
    if (e["type"] == "task_started") most = std::max(most, ++now);
    if (e["type"] == "task_finished" && e.value("attempts", 1) > 0) --now;
  }
  return most;
}

std::string gate_pipeline(int tasks, int batch, const std::string& extra) {
  std::string y = extra + "tasks:\n";
  for (int i = 0; i < tasks; ++i) {
    y += "  t" + std::to_string(i) + ":\n";
    y += "    cmd: [@CHILD@, gate, gate.log, \"" + std::to_string(batch) + "\", \"" +
         std::to_string(tasks) + "\"]\n";
    if (extra.find("pools") != std::string::npos) y += "    pool: net\n";
  }
  return y;
}

TEST_F(Run, JobsLimitIsNeverExceeded) {
  write("sluice.yaml", gate_pipeline(12, 3, ""));
  auto r = run({"run", "-j", "3", "--events", "events.jsonl"});
  ASSERT_EQ(r.code, 0) << r.err;
  // Each gate holds its slot until its whole batch of 3 has started: the
  // limit is reached, and a scheduler going over it shows a 4th "+".
  EXPECT_EQ(max_concurrent_in_log(slurp(dir_ / "gate.log")), 3) << slurp(dir_ / "gate.log");
  auto ev = events();
  expect_complete(ev, names("t", 12));
  EXPECT_LE(max_concurrent_in_events(ev), 3);
}

TEST_F(Run, PoolSizeIsNeverExceeded) {
  write("sluice.yaml", gate_pipeline(8, 2, "pools: {net: 2}\n"));
  auto r = run({"run", "-j", "8", "--events", "events.jsonl"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(max_concurrent_in_log(slurp(dir_ / "gate.log")), 2) << slurp(dir_ / "gate.log");
  expect_complete(events(), names("t", 8));
}

TEST_F(Run, PriorityThenFileOrderAtOneJob) {
  write("sluice.yaml", R"Y(tasks:
  low: {cmd: [@CHILD@, exit, "0"], priority: -1}
  first: {cmd: [@CHILD@, exit, "0"]}
  high1: {cmd: [@CHILD@, exit, "0"], priority: 5}
  second: {cmd: [@CHILD@, exit, "0"]}
  high2: {cmd: [@CHILD@, exit, "0"], priority: 5}
  top: {cmd: [@CHILD@, exit, "0"], priority: 9, needs: [first]}
)Y");
  auto r = run({"run", "-j", "1", "--events", "events.jsonl"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto ev = events();
  expect_complete(ev, {"low", "first", "high1", "second", "high2", "top"});
  // `top` becomes ready when `first` ends and then outranks `second`.
  EXPECT_EQ(ev.start_order(),
            (std::vector<std::string>{"high1", "high2", "first", "top", "second", "low"}));
}

TEST_F(Run, FailFastCancelsTheRestAndExits1) {
  write("sluice.yaml", R"Y(tasks:
  bad: {cmd: [@CHILD@, exit, "4"], priority: 10}
  dep: {cmd: [@CHILD@, touch, dep.ran], needs: [bad]}
  indep: {cmd: [@CHILD@, touch, indep.ran]}
)Y");
  auto r = run({"run", "-j", "1", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 1) << r.err;
  auto ev = events();
  expect_complete(ev, {"bad", "dep", "indep"});
  EXPECT_EQ(ev.finished("bad")["status"], "failed");
  EXPECT_EQ(ev.finished("bad")["exit_code"], 4);
  EXPECT_EQ(ev.finished("indep")["status"], "cancelled");
  EXPECT_NE(ev.finished("dep")["status"], "succeeded");
  EXPECT_FALSE(fs::exists(dir_ / "indep.ran"));
  EXPECT_FALSE(fs::exists(dir_ / "dep.ran"));
  EXPECT_EQ(ev.all.back()["status"], "failed");
}

TEST_F(Run, KeepGoingSkipsDependentsAndRunsIndependents) {
  write("sluice.yaml", R"Y(tasks:
  bad: {cmd: [@CHILD@, exit, "4"], priority: 10}
  dep: {cmd: [@CHILD@, touch, dep.ran], needs: [bad]}
  depdep: {cmd: [@CHILD@, touch, depdep.ran], needs: [dep]}
  indep: {cmd: [@CHILD@, touch, indep.ran]}
  indep2: {cmd: [@CHILD@, touch, indep2.ran], needs: [indep]}
)Y");
  auto r = run({"run", "-j", "1", "-k", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 1) << r.err;
  auto ev = events();
  expect_complete(ev, {"bad", "dep", "depdep", "indep", "indep2"});
  ASSERT_FALSE(ev.start_order().empty());
  EXPECT_EQ(ev.start_order()[0], "bad");
  for (const char* t : {"dep", "depdep"}) {
    EXPECT_EQ(ev.finished(t)["status"], "skipped") << t;
    EXPECT_EQ(ev.finished(t)["reason"], "dependency_failed") << t;
    EXPECT_TRUE(ev.of("task_started", t).empty()) << t;
  }
  EXPECT_EQ(ev.finished("indep")["status"], "succeeded");
  EXPECT_EQ(ev.finished("indep2")["status"], "succeeded");
  EXPECT_TRUE(fs::exists(dir_ / "indep2.ran"));
  EXPECT_FALSE(fs::exists(dir_ / "dep.ran"));
  auto fin = ev.all.back();
  EXPECT_EQ(fin["status"], "failed");
  EXPECT_EQ(fin["failed"], 1);
  EXPECT_EQ(fin["skipped"], 2);
  EXPECT_EQ(fin["succeeded"], 2);
}

TEST_F(Run, ContinueOnErrorIsIgnoredAndDependentsRun) {
  write("sluice.yaml", R"Y(tasks:
  flaky: {cmd: [@CHILD@, exit, "3"], continue_on_error: true}
  after: {cmd: [@CHILD@, touch, after.ran], needs: [flaky]}
)Y");
  auto r = run({"run", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 0) << r.err;
  auto ev = events();
  expect_complete(ev, {"flaky", "after"});
  auto flaky = ev.finished("flaky");
  EXPECT_EQ(flaky["status"], "failed");
  EXPECT_EQ(flaky["exit_code"], 3);
  EXPECT_EQ(flaky.value("ignored", false), true) << flaky.dump();
  EXPECT_EQ(ev.finished("after")["status"], "succeeded");
  EXPECT_TRUE(fs::exists(dir_ / "after.ran"));
  EXPECT_EQ(ev.all.back()["status"], "succeeded");
}

TEST_F(Run, AlwaysRunsAfterAFailure) {
  write("sluice.yaml", R"Y(tasks:
  bad: {cmd: [@CHILD@, exit, "2"]}
  blocked: {cmd: [@CHILD@, touch, blocked.ran], needs: [bad]}
  cleanup: {cmd: [@CHILD@, touch, cleanup.ran], needs: [bad], always: true}
  final: {cmd: [@CHILD@, touch, final.ran], needs: [blocked, cleanup], always: true}
)Y");
  auto r = run({"run", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 1) << r.err;
  auto ev = events();
  expect_complete(ev, {"bad", "blocked", "cleanup", "final"});
  EXPECT_EQ(ev.finished("cleanup")["status"], "succeeded");
  // `final` needs a task that will never start: it runs all the same.
  EXPECT_EQ(ev.finished("final")["status"], "succeeded");
  EXPECT_TRUE(fs::exists(dir_ / "cleanup.ran"));
  EXPECT_TRUE(fs::exists(dir_ / "final.ran"));
  EXPECT_FALSE(fs::exists(dir_ / "blocked.ran"));
}

TEST_F(Run, AFailingAlwaysTaskFailsTheRun) {
  write("sluice.yaml", R"Y(tasks:
  ok: {cmd: [@CHILD@, exit, "0"]}
  cleanup: {cmd: [@CHILD@, exit, "5"], needs: [ok], always: true}
)Y");
  auto r = run({"run", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 1) << r.err;
  auto ev = events();
  expect_complete(ev, {"ok", "cleanup"});
  EXPECT_EQ(ev.finished("cleanup")["exit_code"], 5);
  EXPECT_EQ(ev.all.back()["status"], "failed");
}

TEST_F(Run, RetriesShowEveryAttempt) {
  write("sluice.yaml", R"Y(tasks:
  flaky:
    cmd: [@CHILD@, exit, "7"]
    retry: {limit: 2, delay: 20ms, backoff: 2}
  second_time_lucky:
    run: "test -e once || { : > once; exit 6; }"
    retry: {limit: 3, delay: 10ms}
  wrong_code:
    cmd: [@CHILD@, exit, "7"]
    retry: {limit: 3, delay: 10ms, on_exit: [5]}
)Y");
  auto r = run({"run", "-k", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 1) << r.err;
  auto ev = events();
  expect_complete(ev, {"flaky", "second_time_lucky", "wrong_code"});

  auto starts = ev.of("task_started", "flaky");
  ASSERT_EQ(starts.size(), 3u);
  auto retries = ev.of("task_retrying", "flaky");
  ASSERT_EQ(retries.size(), 2u);
  EXPECT_EQ(retries[0]["attempt"], 2);
  EXPECT_EQ(retries[0]["delay_ms"], 20);
  EXPECT_EQ(retries[0]["reason"], "exit 7");
  EXPECT_EQ(retries[1]["attempt"], 3);
  EXPECT_EQ(retries[1]["delay_ms"], 40);
  EXPECT_EQ(ev.finished("flaky")["status"], "failed");
  EXPECT_EQ(ev.finished("flaky")["exit_code"], 7);
  // Each retry comes between the attempts it separates.
  std::vector<std::string> seq;
  for (const auto& e : ev.all)
    if (e.value("task", "") == "flaky" && e["type"] != "task_output")
      seq.push_back(e["type"].get<std::string>() + std::to_string(e.value("attempt", 0)));
  EXPECT_EQ(seq, (std::vector<std::string>{"task_started1", "task_retrying2", "task_started2",
                                           "task_retrying3", "task_started3", "task_finished0"}));

  EXPECT_EQ(ev.of("task_started", "second_time_lucky").size(), 2u);
  EXPECT_EQ(ev.finished("second_time_lucky")["status"], "succeeded");
  EXPECT_EQ(ev.of("task_retrying", "second_time_lucky").at(0)["reason"], "exit 6");

  EXPECT_EQ(ev.of("task_started", "wrong_code").size(), 1u);
  EXPECT_EQ(ev.finished("wrong_code")["exit_code"], 7);
}

TEST_F(Run, SpawnErrorsAreToldApartAndNotRetried) {
  write("noexec.sh", "#!/bin/sh\necho should not run\n");
  fs::permissions(dir_ / "noexec.sh", fs::perms::owner_read | fs::perms::owner_write);
  write("sluice.yaml", R"Y(tasks:
  notfound:
    cmd: [sluice-e2e-no-such-command, arg]
    retry: {limit: 2, delay: 10ms}
  noperm:
    cmd: [./noexec.sh]
    retry: {limit: 2, delay: 10ms}
  nodir:
    cmd: [@CHILD@, exit, "0"]
    working_dir: no/such/dir
    retry: {limit: 2, delay: 10ms}
)Y");
  auto r = run({"run", "-k", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 1) << r.err;
  auto ev = events();
  expect_complete(ev, {"notfound", "noperm", "nodir"});
  std::vector<std::string> errors;
  for (const char* t : {"notfound", "noperm", "nodir"}) {
    auto f = ev.finished(t);
    EXPECT_EQ(f["status"], "failed") << t;
    EXPECT_EQ(ev.of("task_started", t).size(), 1u) << t;
    EXPECT_TRUE(ev.of("task_retrying", t).empty()) << t;
    ASSERT_TRUE(f.contains("error") && f["error"].is_string()) << f.dump();
    errors.push_back(f["error"]);
  }
  EXPECT_EQ(errors[0], "command not found: sluice-e2e-no-such-command");
  EXPECT_NE(errors[1].find("permission denied"), std::string::npos) << errors[1];
  EXPECT_NE(errors[1].find("noexec.sh"), std::string::npos) << errors[1];
  EXPECT_NE(errors[2].find("working directory"), std::string::npos) << errors[2];
  EXPECT_NE(errors[2].find("no/such/dir"), std::string::npos) << errors[2];
  EXPECT_EQ(r.out.find("should not run"), std::string::npos);
}

TEST_F(Run, ThousandTasksAtJobs1000) {
  // /bin/true, not the helper: a sanitized helper costs milliseconds to start.
  std::string y = "tasks:\n";
  for (int i = 0; i < 1000; ++i) y += "  t" + std::to_string(i) + ": {cmd: [/bin/true]}\n";
  write("sluice.yaml", y);
  auto r = run({"run", "-j", "1000", "-q", "--output", "quiet", "--events", "events.jsonl"});
  ASSERT_EQ(r.code, 0) << r.err.substr(0, 2000);
  auto ev = events();
  expect_complete(ev, names("t", 1000));
  EXPECT_EQ(ev.all.back()["succeeded"], 1000);
  for (const auto& f : ev.of_type("task_finished")) EXPECT_EQ(f["status"], "succeeded") << f.dump();
}

TEST_F(Run, DryRunPrintsThePlanInOrderAndTouchesNothing) {
  write("sluice.yaml", R"Y(tasks:
  zlast: {cmd: [@CHILD@, touch, zlast.ran], needs: [middle]}
  middle: {run: "@CHILD@ touch middle.ran", needs: [alpha], outputs: [out/middle.txt]}
  alpha: {cmd: [@CHILD@, touch, alpha.ran]}
)Y");
  auto r = run({"run", "-n"});
  EXPECT_EQ(r.code, 0) << r.err;
  auto a = r.out.find("alpha"), m = r.out.find("middle"), z = r.out.find("zlast");
  ASSERT_NE(a, std::string::npos) << r.out;
  ASSERT_NE(m, std::string::npos) << r.out;
  ASSERT_NE(z, std::string::npos) << r.out;
  EXPECT_LT(a, m) << r.out;
  EXPECT_LT(m, z) << r.out;
  std::vector<std::string> left;
  for (const auto& e : fs::directory_iterator(dir_)) {
    auto n = e.path().filename().string();
    if (n != "sluice.yaml" && !n.starts_with(".out") && !n.starts_with(".err")) left.push_back(n);
  }
  EXPECT_TRUE(left.empty()) << "dry run created " << left[0];
}

TEST_F(Run, OutputsReachDependents) {
  write("sluice.yaml", R"Y(tasks:
  a:
    run: |
      echo 'k=hello world "q" $HOME' >> "$SLUICE_OUTPUT"
      echo 'other=2' >> "$SLUICE_OUTPUT"
  b:
    needs: [a]
    cmd: [@CHILD@, print, "${{ tasks.a.outputs.k }}|${{ tasks.a.outputs.other }}\n"]
  c:
    needs: [a]
    run: echo "[${{ tasks.a.outputs.k }}]"
)Y");
  auto r = run({"run", "--events", "events.jsonl"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto ev = events();
  expect_complete(ev, {"a", "b", "c"});
  EXPECT_EQ(ev.output_lines("b"), std::vector<std::string>{"hello world \"q\" $HOME|2"});
  EXPECT_EQ(ev.output_lines("c"), std::vector<std::string>{"[hello world \"q\" $HOME]"});
}

TEST_F(Run, OutputPathTargetRunsItsProducerAndWhatItNeeds) {
  write("sluice.yaml", R"Y(tasks:
  prep: {cmd: [@CHILD@, touch, prep.ran]}
  gen: {cmd: [@CHILD@, touch, out/data.txt], needs: [prep], outputs: [out/data.txt]}
  unrelated: {cmd: [@CHILD@, touch, unrelated.ran]}
  after: {cmd: [@CHILD@, touch, after.ran], needs: [gen]}
)Y");
  auto r = run({"run", "--events", "events.jsonl", "out/data.txt"});
  ASSERT_EQ(r.code, 0) << r.err;
  expect_complete(events(), {"prep", "gen"});
  EXPECT_TRUE(fs::exists(dir_ / "prep.ran"));
  EXPECT_TRUE(fs::exists(dir_ / "out/data.txt"));
  EXPECT_FALSE(fs::exists(dir_ / "unrelated.ran"));
  EXPECT_FALSE(fs::exists(dir_ / "after.ran"));
}

TEST_F(Run, StdoutFileWithoutConsole) {
  write("sluice.yaml", R"Y(tasks:
  a:
    cmd: [@CHILD@, lines, "3"]
    stdout: {file: logs/out.log, console: false}
  b: {cmd: [@CHILD@, print, "visible\n"], needs: [a]}
)Y");
  auto r = run({"run"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(slurp(dir_ / "logs/out.log"), "line 1\nline 2\nline 3\n");
  EXPECT_EQ((r.out + r.err).find("line 1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("b | visible\n"), std::string::npos) << r.out;
}

TEST_F(Run, StdoutFileThatCannotBeOpenedFailsTheTaskBeforeItRuns) {
  // A regular file where a directory should be: fails for root too.
  write("blocker", "not a directory\n");
  write("sluice.yaml", R"Y(tasks:
  a:
    cmd: [@CHILD@, touch, a.ran]
    stdout: {file: blocker/out.log}
    retry: 2
  b: {cmd: [@CHILD@, touch, b.ran], needs: [a]}
)Y");
  auto r = run({"run", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "a.ran")) << "the task ran without its stdout file";
  EXPECT_FALSE(fs::exists(dir_ / "b.ran"));
  EXPECT_NE((r.out + r.err).find("cannot open stdout file "), std::string::npos) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("blocker/out.log: Not a directory"), std::string::npos)
      << r.out << r.err;
  auto ev = events();
  expect_complete(ev, {"a", "b"});
  EXPECT_EQ(ev.finished("a").value("status", ""), "failed");
  EXPECT_NE(ev.finished("a").value("error", "").find("blocker/out.log"), std::string::npos);
  EXPECT_EQ(ev.finished("b").value("status", ""), "cancelled");  // fail-fast
  EXPECT_TRUE(ev.of("task_retrying", "a").empty()) << "a configuration error is not retried";
}

TEST_F(Run, PrefixedConsoleOutputOffATty) {
  write("sluice.yaml", R"Y(tasks:
  a: {cmd: [@CHILD@, lines, "2"]}
  b: {cmd: [@CHILD@, print, "no newline"], needs: [a]}
)Y");
  auto r = run({"run"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("a | line 1\na | line 2\n"), std::string::npos) << r.out;
  // A partial last line is shown at the stream's end.
  EXPECT_NE(r.out.find("b | no newline\n"), std::string::npos) << r.out;
  EXPECT_EQ((r.out + r.err).find('\x1b'), std::string::npos) << "control sequence off a TTY";
}

TEST_F(Run, QuietOutputShowsTheFailedTasksLastLines) {
  write("sluice.yaml", R"Y(tasks:
  ok: {cmd: [@CHILD@, print, "ok-output-xyz\n"], priority: 1}
  bad: {run: "@CHILD@ lines 100; exit 3"}
)Y");
  auto r = run({"run", "-j", "1", "--output", "quiet"});
  EXPECT_EQ(r.code, 1);
  auto all = r.out + r.err;
  EXPECT_EQ(all.find("ok-output-xyz"), std::string::npos) << all;
  EXPECT_NE(all.find("line 100"), std::string::npos) << all;
  EXPECT_EQ(all.find("line 1\n"), std::string::npos) << "not only the last lines:\n" << all;
}

TEST_F(Run, InvalidUtf8ReachesEventsAsReplacementCharacters) {
  write("sluice.yaml", R"Y(tasks:
  bytes: {run: "printf 'a\\377b\\n'"}
)Y");
  auto r = run({"run", "--events", "events.jsonl"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto ev = events();
  expect_complete(ev, {"bytes"});
  EXPECT_EQ(ev.output_lines("bytes"), std::vector<std::string>{"a\xEF\xBF\xBD" "b"});
}

TEST_F(Run, SecretsAreMaskedOnTheConsoleAndInEvents) {
  write("sluice.yaml", R"Y(secrets:
  TOKEN: {env: SLUICE_E2E_SECRET}
tasks:
  leak: {run: "echo \"token=$TOKEN\""}
)Y");
  setenv("SLUICE_E2E_SECRET", "hunter2-e2e", 1);
  auto r = run({"run", "--events", "events.jsonl"});
  unsetenv("SLUICE_E2E_SECRET");
  ASSERT_EQ(r.code, 0) << r.err;
  auto ev = events();
  expect_complete(ev, {"leak"});
  EXPECT_EQ(ev.output_lines("leak"), std::vector<std::string>{"token=***"});
  EXPECT_EQ(slurp(dir_ / "events.jsonl").find("hunter2"), std::string::npos);
  EXPECT_EQ((r.out + r.err).find("hunter2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("leak | token=***"), std::string::npos) << r.out;
}

TEST_F(Run, ExitCodes) {
  write("sluice.yaml", "tasks:\n  a: {cmd: [@CHILD@, exit, \"0\"]}\n");
  auto ok = run({"run", "--events", "events.jsonl"});
  EXPECT_EQ(ok.code, 0) << ok.err;
  expect_complete(events(), {"a"});
  EXPECT_EQ(events().all.back()["status"], "succeeded");

  write("fail.yaml", "tasks:\n  a: {cmd: [@CHILD@, exit, \"9\"]}\n");
  EXPECT_EQ(run({"run", "-f", "fail.yaml"}).code, 1);

  write("invalid.yaml", "tasks:\n  a: {cmd: [@CHILD@, exit, \"0\"], retyr: 2}\n");
  auto invalid = run({"run", "-f", "invalid.yaml"});
  EXPECT_EQ(invalid.code, 2);
  EXPECT_NE(invalid.err.find("retyr"), std::string::npos) << invalid.err;
  EXPECT_EQ(run({"run", "-j", "0"}).code, 2);
  EXPECT_EQ(run({"run", "no-such-task"}).code, 2);

  write("secret.yaml",
        "secrets:\n  TOKEN: {env: SLUICE_E2E_UNSET_VAR}\n"
        "tasks:\n  a: {cmd: [@CHILD@, touch, secret.ran]}\n");
  ASSERT_EQ(getenv("SLUICE_E2E_UNSET_VAR"), nullptr);
  auto secret = run({"run", "-f", "secret.yaml"});
  EXPECT_EQ(secret.code, 3);
  EXPECT_NE(secret.err.find("SLUICE_E2E_UNSET_VAR"), std::string::npos) << secret.err;
  EXPECT_FALSE(fs::exists(dir_ / "secret.ran"));
}

}  // namespace
