// What the loader refuses beyond the format's shape: settings this build
// cannot run yet, the expansion budget, and values that would stand in shell
// arithmetic without being integers. Exact texts, as the other loader tests.
#include <gtest/gtest.h>

#include <string>

#include "spec/arithmetic_value.hpp"
#include "spec/not_built_yet.hpp"
#include "unit/spec/loader_test_util.hpp"

namespace sluice {
namespace {

using test::headlines;
using test::load_errors;

TEST(NotBuiltYet, EachRowIsRefusedWhereItIsWrittenAndOnlyWhenAskedFor) {
  EXPECT_EQ(load_errors("defaults: {pty: true}\n"
                        "tasks:\n"
                        "  a: {run: x}\n"
                        "  b: {run: x, pty: false, executor: local, stdin: {file: f}}\n"
                        "  c: {run: x}\n"),
            "p.yaml:1:12: defaults.pty: not supported yet: running a task under a pseudo-terminal\n");
  EXPECT_EQ(load_errors("tasks:\n  a: {call: f}\n"),
            "p.yaml:2:7: tasks.a.call: not supported yet: call tasks\n");
  // `call` is the one action not built: the file actions run.
  std::size_t actions = 0;
  for (const auto& row : detail::not_built_yet()) actions += detail::is_action(row.field) ? 1 : 0;
  EXPECT_EQ(actions, 1u);
}

TEST(NotBuiltYet, ATaskReadingItselfIsAnErrorOfItsOwn) {
  EXPECT_EQ(test::load_errors_with_not_built("tasks:\n  a: {run: x, stdin: {task: a}}\n"),
            "p.yaml:2:29: tasks.a.stdin.task: 'a' is this task itself: a task cannot read its own "
            "output\n");
}

TEST(ExpansionBudget, StopsAtTheFirstExpansionPastIt) {
  LoadOptions o;
  o.max_expanded_bytes = 1000;
  const std::string big(300, 'x');
  // Four tasks of 300+ bytes: the fourth passes 1000.
  EXPECT_EQ(load_errors("vars: {big: " + big + "}\n"
                        "tasks:\n"
                        "  t:\n"
                        "    matrix: {i: [1, 2, 3, 4, 5, 6]}\n"
                        "    cmd: [echo, \"${{ vars.big }}\"]\n",
                        o),
            "p.yaml:5:18: tasks.t.cmd[1]: the pipeline expands to more than 0 MiB of text (vars "
            "and matrix values in every task), the limit\n");
  // Text copied into every task counts too, not only templates.
  EXPECT_EQ(load_errors("tasks:\n"
                        "  t:\n"
                        "    matrix: {i: [1, 2, 3, 4, 5, 6]}\n"
                        "    cmd: [echo]\n"
                        "    description: " + big + "\n",
                        o),
            "p.yaml:2:3: tasks.t: the pipeline expands to more than 0 MiB of text (vars and matrix "
            "values in every task), the limit\n");
}

TEST(ExpansionBudget, AVarHoldsAtMostOneMiB) {
  std::string refs;
  for (int i = 0; i < 3; ++i) refs += "${{ vars.half }}";
  EXPECT_EQ(load_errors("vars:\n  half: " + std::string(500000, 'x') + "\n  big: \"" + refs +
                        "\"\ntasks:\n  a: {run: x}\n"),
            "p.yaml:3:41: vars.big: value is more than 1 MiB once expanded\n");
}

TEST(ShellArithmetic, IntegersOnly) {
  for (const char* good : {"0", "42", "-7", "+3", "0x1F", "007"})
    EXPECT_TRUE(detail::is_shell_integer(good)) << good;
  for (const char* bad : {"", "-", "1.5", "a[$(id)]", "x", "0x", "1 ", " 1", "1e3", "2#101"})
    EXPECT_FALSE(detail::is_shell_integer(bad)) << bad;
}

TEST(ShellArithmetic, KnownValuesAreCheckedAtLoadTime) {
  LoadOptions o;
  o.set = {{"n", "a[$(id)]"}};
  EXPECT_EQ(load_errors("vars: {n: 1, m: 2}\n"
                        "env: {E: x}\n"
                        "tasks:\n"
                        "  a:\n"
                        "    matrix: {k: [1, two]}\n"
                        "    run: echo $(( ${{ vars.n }} + ${{ vars.m }} + ${{ matrix.k }} )) ${{ vars.n }}\n"
                        "    if: test $(( ${{ env.E }} )) = 0\n",
                        o),
            "p.yaml:6:19: tasks.a.run: 'vars.n' (set by --set) stands in shell arithmetic, where "
            "the shell evaluates its text as an expression: it must be an integer, got 'a[$(id)]'\n"
            "p.yaml:6:51: tasks.a.run: 'matrix.k' stands in shell arithmetic, where the shell "
            "evaluates its text as an expression: it must be an integer, got 'two'\n"
            "p.yaml:7:18: tasks.a.if: 'env.E' stands in shell arithmetic, where the shell "
            "evaluates its text as an expression: it must be an integer, got 'x'\n");
}

TEST(ShellArithmetic, TaskOutputsAreLeftForTheExecutorToCheck) {
  auto r = load_pipeline_string(
      "tasks:\n"
      "  a: {run: x}\n"
      "  b:\n"
      "    needs: [a]\n"
      "    env: {N: \"${{ tasks.a.outputs.n }}\"}\n"
      "    run: echo ${{ tasks.a.outputs.n }} $(( ${{ tasks.a.outputs.n }} + ${{ env.N }} ))\n",
      "p.yaml");
  ASSERT_TRUE(r.ok()) << headlines(r);
  const Task& b = r.pipeline.tasks[1];
  EXPECT_EQ(b.extras().arithmetic_values,
            (std::vector<std::pair<std::string, std::string>>{{"SLUICE_V_2", "tasks.a.outputs.n"},
                                                              {"SLUICE_V_3", "env.N"}}));
}

TEST(ShellArithmetic, TheMessageShowsTheStartOfALongValue) {
  EXPECT_EQ(detail::arithmetic_value_error("vars.v", std::string(58, 'a') + "\xC3\xA9zzz"),
            "'vars.v' stands in shell arithmetic, where the shell evaluates its text as an "
            "expression: it must be an integer, got '" +
                std::string(58, 'a') + "\xC3\xA9...'");
}

}  // namespace
}  // namespace sluice
