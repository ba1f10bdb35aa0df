// End-to-end tests of task fields as a run sees them: a task output passed
// through a dependent's `env`, and a task skipped by its `if` (no attempt,
// in the events and in the summary). The real CLI in a temporary directory.
#include <gtest/gtest.h>

#include <string>

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
