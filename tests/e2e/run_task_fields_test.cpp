// End-to-end tests of task fields as a run sees them: a task output passed
// through a dependent's `env`, a task skipped by its `if` (no attempt, in the
// events and in the summary), stdin, and the open-file limit a task gets.
// The real CLI in a temporary directory.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <string>
#include <vector>

#include "e2e/e2e_support.hpp"

namespace {

using sluice::e2e::CliTest;
using sluice::e2e::expect_complete;

class RunTaskFields : public CliTest {};

TEST_F(RunTaskFields, ATaskOutputReachesADependentThroughItsEnv) {
  write("sluice.yaml",
        "tasks:\n"
        "  produce:\n"
        "    run: echo 'url=http://x/a b' >> \"$SLUICE_OUTPUT\"\n"
        "  consume:\n"
        "    needs: [produce]\n"
        "    env: {URL: \"got ${{ tasks.produce.outputs.url }}\"}\n"
        "    cmd: [printf, \"%s|%s\\n\", \"${{ env.URL }}\"]\n"
        "  shell:\n"
        "    needs: [produce]\n"
        "    env: {URL: \"${{ tasks.produce.outputs.url }}\"}\n"
        "    run: printf '%s\\n' \"$URL\"\n");
  auto r = run({"run", "--events", "events.jsonl", "-q"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto ev = events();
  expect_complete(ev, {"produce", "consume", "shell"});
  EXPECT_EQ(ev.output_lines("consume"), std::vector<std::string>{"got http://x/a b|"});
  EXPECT_EQ(ev.output_lines("shell"), std::vector<std::string>{"http://x/a b"});
}

TEST_F(RunTaskFields, ATaskSkippedByItsIfHasNoAttempt) {
  write("sluice.yaml",
        "tasks:\n"
        "  gated:\n"
        "    if: exit 1\n"
        "    cmd: [/bin/true]\n"
        "  after:\n"
        "    needs: [gated]\n"
        "    cmd: [/bin/true]\n");
  auto r = run({"run", "--events", "events.jsonl"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto ev = events();
  expect_complete(ev, {"gated", "after"});
  EXPECT_TRUE(ev.of("task_started", "gated").empty());
  auto f = ev.finished("gated");
  EXPECT_EQ(f.value("status", ""), "skipped");
  EXPECT_EQ(f.value("reason", ""), "if");
  EXPECT_EQ(f.value("attempts", -1), 0);
  EXPECT_FALSE(f.contains("exit_code")) << f.dump();
  EXPECT_NE(r.out.find("\ngated  skipped (if)         0         -  -\n"), std::string::npos)
      << r.out;
}

}  // namespace

TEST_F(RunTaskFields, StdinIsNullByDefaultTextWhenGivenAndAFileStreamedIn) {
  write("data/in.txt", "from the file\nsecond line\n");
  write("sluice.yaml",
        "tasks:\n"
        "  none: {cmd: [@CHILD@, echo-stdin]}\n"
        "  text: {cmd: [@CHILD@, echo-stdin], stdin: \"literal text\\n\"}\n"
        "  file: {cmd: [@CHILD@, echo-stdin], stdin: {file: in.txt}, working_dir: data}\n");
  auto r = run({"run", "--events", "events.jsonl", "-q"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto ev = events();
  expect_complete(ev, {"none", "text", "file"});
  EXPECT_TRUE(ev.output_lines("none").empty());
  EXPECT_EQ(ev.output_lines("text"), std::vector<std::string>{"literal text"});
  EXPECT_EQ(ev.output_lines("file"), (std::vector<std::string>{"from the file", "second line"}));
}

TEST_F(RunTaskFields, TasksGetTheOpenFileLimitSluiceWasGivenNotItsRaisedOne) {
  // sluice raises its own soft RLIMIT_NOFILE to the hard limit; a task sees
  // the soft limit sluice started with, as it would under make.
  struct rlimit lim {};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &lim), 0);
  struct rlimit lowered = lim;  // sluice is started with a soft limit below the hard one
  lowered.rlim_cur = std::min<rlim_t>(lim.rlim_max / 2, 512);
  ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &lowered), 0);
  write("sluice.yaml",
        "tasks:\n  limit: {run: \"ulimit -n; grep 'Max open files' /proc/$PPID/limits\"}\n");
  auto r = run({"run", "--events", "events.jsonl", "-q"});
  ::setrlimit(RLIMIT_NOFILE, &lim);
  ASSERT_EQ(r.code, 0) << r.err;
  auto lines = events().output_lines("limit");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], std::to_string(lowered.rlim_cur));  // the task's
  // sluice's own (the task's parent): raised to the hard limit.
  const std::string hard = lim.rlim_max == RLIM_INFINITY ? "unlimited" : std::to_string(lim.rlim_max);
  EXPECT_NE(lines[1].find(" " + hard + " "), std::string::npos) << lines[1];
  EXPECT_EQ(lines[1].find(" " + std::to_string(lowered.rlim_cur) + " "), std::string::npos)
      << lines[1];
}

// A line of $SLUICE_OUTPUT that is neither KEY=VALUE nor KEY<<DELIMITER used
// to be dropped: the dependent then failed on an unset output, far from the
// mistake. Now the writer fails, naming the line.
TEST_F(RunTaskFields, ABadSluiceOutputLineFailsItsTaskNamingTheLine) {
  write("sluice.yaml",
        "tasks:\n"
        "  produce:\n"
        "    run: |\n"
        "      echo 'ok=1' >> \"$SLUICE_OUTPUT\"\n"
        "      echo 'url = http://x' >> \"$SLUICE_OUTPUT\"\n"
        "  consume:\n"
        "    needs: [produce]\n"
        "    cmd: [echo, \"${{ tasks.produce.outputs.ok }}\"]\n");
  auto r = run({"run", "--events", "events.jsonl", "-k"});
  EXPECT_EQ(r.code, 1) << r.err;
  auto ev = events();
  expect_complete(ev, {"produce", "consume"});
  auto f = ev.finished("produce");
  EXPECT_EQ(f.value("status", ""), "failed") << f.dump();
  EXPECT_EQ(f.value("error", ""),
            "$SLUICE_OUTPUT line 2: invalid key 'url ' (a key is letters, digits, '_' and '-') in "
            "'url = http://x'")
      << f.dump();
  EXPECT_EQ(ev.finished("consume").value("reason", ""), "dependency_failed");
  EXPECT_NE((r.out + r.err).find("$SLUICE_OUTPUT line 2"), std::string::npos) << r.out << r.err;
}
