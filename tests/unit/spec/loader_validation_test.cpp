// Validation of pipeline files: every class of error, with its exact text
// (SPEC §1.4), and the rule that all errors of a file are reported.
#include <gtest/gtest.h>

#include <algorithm>

#include "unit/spec/loader_test_util.hpp"

namespace sluice {
namespace {

using test::load_errors;
using test::load_errors_with_not_built;

TEST(LoaderValidation, UnknownTaskKeySuggestsTheClosest) {
  EXPECT_EQ(load_errors("tasks:\n  a:\n    run: x\n    timout: 5s\n"),
            "p.yaml:4:5: tasks.a.timout: unknown key 'timout' (did you mean 'timeout'?)\n");
}

TEST(LoaderValidation, UnknownTopLevelKeyAndXKeysIgnored) {
  EXPECT_EQ(load_errors("x-common: &c {a: 1}\nvar:\n  a: 1\ntasks:\n  a: {run: x}\n"),
            "p.yaml:2:1: var: unknown key 'var' (did you mean 'vars'?)\n");
}

TEST(LoaderValidation, WrongTypes) {
  EXPECT_EQ(load_errors("tasks:\n"
                        "  a:\n"
                        "    cmd: echo\n"
                        "    always: yes\n"
                        "    priority: \"3\"\n"
                        "    pty: \"true\"\n"
                        "    retry: yes\n"),
            "p.yaml:3:10: tasks.a.cmd: expected a list of strings, got 'echo'\n"
            "p.yaml:4:13: tasks.a.always: expected a boolean (true or false), got 'yes'\n"
            "p.yaml:5:15: tasks.a.priority: expected an integer, got the string '3'\n"
            "p.yaml:6:10: tasks.a.pty: expected a boolean (true or false), got the string 'true'\n"
            "p.yaml:7:12: tasks.a.retry: expected an integer from 0 to 1000000, got 'yes'\n");
}

TEST(LoaderValidation, RangeChecks) {
  EXPECT_EQ(load_errors("max_parallel: 0\n"
                        "pools: {net: 0, api: {size: 2, rate: fast}}\n"
                        "tasks:\n"
                        "  a: {run: x, resources: {cpus: 0}, retry: {limit: 1, on_exit: [256]}}\n"),
            "p.yaml:1:15: max_parallel: expected an integer >= 1, got 0\n"
            "p.yaml:2:14: pools.net: expected an integer >= 1, got 0\n"
            "p.yaml:2:38: pools.api.rate: invalid rate 'fast': expected a rate like 10/s or 10/m\n"
            "p.yaml:4:33: tasks.a.resources.cpus: expected an integer >= 1, got 0\n"
            "p.yaml:4:65: tasks.a.retry.on_exit[0]: expected an integer from 0 to 255, got 256\n");
}

TEST(LoaderValidation, BadDuration) {
  EXPECT_EQ(
      load_errors(
          "tasks:\n  a:\n    run: x\n    timeout: 10x\n    retry: {limit: 2, delay: soon}\n"),
      "p.yaml:4:14: tasks.a.timeout: invalid duration '10x': expected a duration like 250ms, 30s, "
      "5m "
      "or 1h30m\n"
      "p.yaml:5:30: tasks.a.retry.delay: invalid duration 'soon': expected a duration like 250ms, "
      "30s, 5m or 1h30m\n");
}

TEST(LoaderValidation, UnknownTaskInNeeds) {
  EXPECT_EQ(load_errors("tasks:\n  fetch: {run: x}\n  count:\n    run: y\n    needs: [fetc]\n"),
            "p.yaml:5:13: tasks.count.needs[0]: unknown task 'fetc' (did you mean 'fetch'?)\n");
}

TEST(LoaderValidation, MissingAndDoubleAction) {
  EXPECT_EQ(
      load_errors("tasks:\n  a:\n    description: nothing\n  b:\n    run: x\n    cmd: [y]\n"),
      "p.yaml:2:3: tasks.a: missing action: one of run, cmd, copy, concat, write, hash, compress, "
      "decompress, call\n"
      "p.yaml:6:5: tasks.b.cmd: a task has exactly one action: 'run' and 'cmd' both given\n");
}

TEST(LoaderValidation, MissingTasksIsReportedAtTheRoot) {
  EXPECT_EQ(load_errors("name: x\n"), "p.yaml:1:1: missing required key 'tasks'\n");
}

TEST(LoaderValidation, MissingRequiredSubKeyAtItsParent) {
  EXPECT_EQ(load_errors_with_not_built("tasks:\n  a:\n    copy: {from: a}\n"),
            "p.yaml:3:11: tasks.a.copy: missing required key 'to'\n");
}

TEST(LoaderValidation, BadTemplateReferenceWithColumn) {
  EXPECT_EQ(
      load_errors("vars: {out: build}\n"
                  "tasks:\n"
                  "  a:\n"
                  "    cmd: [ls, \"x/${{ vars.ot }}\"]\n"
                  "    outputs: [\"${{ vars.out }}/${{ matrix.os }}\"]\n"),
      "p.yaml:4:18: tasks.a.cmd[1]: unknown reference 'vars.ot' (did you mean 'vars.out'?)\n"
      "p.yaml:5:32: tasks.a.outputs[0]: unknown reference 'matrix.os': not in a matrix task\n");
}

TEST(LoaderValidation, TemplateInBlockScalarIsLocated) {
  EXPECT_EQ(load_errors("tasks:\n  a:\n    run: |\n      echo hi\n      echo ${{ vars.nope }}\n"),
            "p.yaml:5:12: tasks.a.run: unknown reference 'vars.nope'\n");
}

TEST(LoaderValidation, TaskOutputsOnlyWhereUsedAtRunTimeAndWhenNeeded) {
  EXPECT_EQ(
      load_errors("tasks:\n"
                  "  a: {run: x}\n"
                  "  b:\n"
                  "    run: echo ${{ tasks.a.outputs.url }}\n"
                  "  c:\n"
                  "    needs: [a]\n"
                  "    cmd: [echo, \"${{ tasks.a.outputs.url }}\"]\n"
                  "    outputs: [\"${{ tasks.a.outputs.url }}\"]\n"),
      "p.yaml:4:15: tasks.b.run: 'tasks.a.outputs.url' is only available to tasks that need 'a' "
      "(add 'a' to needs)\n"
      "p.yaml:8:16: tasks.c.outputs[0]: 'tasks.a.outputs.url' is known only at run time: use it in "
      "run, cmd, if, env, write content or stdin\n");
}

TEST(LoaderValidation, TaskOutputsInEnvNeedTheTaskInNeeds) {
  EXPECT_EQ(load_errors("tasks:\n"
                        "  a: {run: x}\n"
                        "  b:\n"
                        "    needs: [a]\n"
                        "    env: {E: \"${{ tasks.a.outputs.k }}\"}\n"
                        "    run: echo \"$E\"\n"
                        "  c:\n"
                        "    env: {E: \"url=${{ tasks.a.outputs.k }}\"}\n"
                        "    run: echo \"$E\"\n"),
            "p.yaml:8:19: tasks.c.env.E: 'tasks.a.outputs.k' is only available to tasks that "
            "need 'a' (add 'a' to needs)\n");
}

TEST(LoaderValidation, TaskOutputsInEnvAreKeptForRunTime) {
  auto r = load_pipeline_string(
      "tasks:\n  a: {run: x}\n  b: {needs: [a], env: {E: \"v=${{ tasks.a.outputs.k }}\"}, run: y}\n",
      "p.yaml");
  ASSERT_TRUE(r.ok()) << test::headlines(r);
  const Task& b = r.pipeline.tasks[1];
  auto e = std::find_if(b.env.begin(), b.env.end(), [](const auto& kv) { return kv.first == "E"; });
  ASSERT_NE(e, b.env.end());
  EXPECT_FALSE(e->second.is_literal());
  EXPECT_EQ(e->second.text, "v=");
  ASSERT_EQ(e->second.refs().size(), 1u);
  EXPECT_EQ(e->second.refs()[0].task, "a");
  EXPECT_EQ(e->second.refs()[0].key, "k");
}

TEST(LoaderValidation, TaskOutputsStayOutOfThePipelineEnv) {
  EXPECT_EQ(load_errors("env: {E: \"${{ tasks.a.outputs.k }}\"}\ntasks:\n  a: {run: x}\n"),
            "p.yaml:1:11: env.E: 'tasks.a.outputs.k' is known only at run time: use it in run, "
            "cmd, if, env, write content or stdin\n");
}

TEST(LoaderValidation, TaskOutputsCannotBeDefaultedInEnv) {
  EXPECT_EQ(load_errors("defaults:\n"
                        "  env: {D: \"${{ tasks.a.outputs.k }}\"}\n"
                        "tasks:\n"
                        "  a: {run: x}\n"
                        "  b: {needs: [a], run: y}\n"),
            "p.yaml:2:13: defaults.env.D: 'tasks.a.outputs.k' cannot be a default: set it in the "
            "env of the tasks that need 'a'\n");
}

TEST(LoaderValidation, EmptyCommandsAreRefused) {
  EXPECT_EQ(load_errors_with_not_built("vars: {tool: \"\"}\n"
                        "tasks:\n"
                        "  a: {cmd: [\"\", x]}\n"
                        "  b: {cmd: []}\n"
                        "  c: {run: \"\"}\n"
                        "  d: {run: \"  \\n\"}\n"
                        "  e: {cmd: [\"${{ vars.tool }}\"]}\n"
                        "  f: {cmd: [printf, \"\"]}\n"
                        "  g: {run: x, shell: [\"\", -c]}\n"
                        "  h: {run: x, if: \"\"}\n"
                        "  i: {run: x, service: {ready: {cmd: [\"\"]}}}\n"),
            "p.yaml:3:13: tasks.a.cmd[0]: the command must not be empty\n"
            "p.yaml:4:12: tasks.b.cmd: expected a non-empty list of strings\n"
            "p.yaml:5:12: tasks.c.run: expected a command, got an empty script\n"
            "p.yaml:6:12: tasks.d.run: expected a command, got an empty script\n"
            "p.yaml:7:13: tasks.e.cmd[0]: the command must not be empty\n"
            "p.yaml:9:23: tasks.g.shell[0]: the command must not be empty\n"
            "p.yaml:10:19: tasks.h.if: expected a command, got an empty script\n"
            "p.yaml:11:39: tasks.i.service.ready.cmd[0]: the command must not be empty\n");
}

TEST(LoaderValidation, TemplatesInRunNeedAPosixShell) {
  EXPECT_EQ(load_errors("vars: {x: 1}\n"
                        "tasks:\n"
                        "  a: {shell: [python3, -c], run: \"print(${{ vars.x }})\"}\n"
                        "  b: {shell: [/bin/bash, -c], run: \"echo ${{ vars.x }}\"}\n"),
            "p.yaml:3:34: tasks.a.run: templates in a script need a POSIX shell ('shell' is not "
            "one): pass "
            "values through 'env'\n");
}

TEST(LoaderValidation, BadMatrixValue) {
  EXPECT_EQ(
      load_errors("tasks:\n  a:\n    matrix: {os: [linux, \"mac os\", a/b]}\n    run: x\n"),
      "p.yaml:3:26: tasks.a.matrix.os[1]: invalid matrix value 'mac os': it becomes part of task "
      "and file names, so it may not be empty or hold ',', '=', '[', ']', '/', whitespace or "
      "control "
      "characters\n"
      "p.yaml:3:36: tasks.a.matrix.os[2]: invalid matrix value 'a/b': it becomes part of task and "
      "file names, so it may not be empty or hold ',', '=', '[', ']', '/', whitespace or control "
      "characters\n");
}

TEST(LoaderValidation, InvalidTaskNameAndUnknownPool) {
  EXPECT_EQ(
      load_errors("pools: {net: 2}\ntasks:\n  \"a b\": {run: x}\n  c: {run: x, pool: nett}\n"),
      "p.yaml:3:3: tasks.a b: invalid task name 'a b': use letters, digits, '_', '.' and '-'\n"
      "p.yaml:4:21: tasks.c.pool: unknown pool 'nett' (did you mean 'net'?)\n");
}

TEST(LoaderValidation, DefaultsCannotHoldActionsOrNeeds) {
  EXPECT_EQ(
      load_errors("defaults:\n  run: x\n  needs: [a]\n  timeot: 1s\ntasks:\n  a: {run: x}\n"),
      "p.yaml:2:3: defaults.run: 'run' cannot be set in defaults (actions, needs, matrix and "
      "service "
      "are per task)\n"
      "p.yaml:3:3: defaults.needs: 'needs' cannot be set in defaults (actions, needs, matrix and "
      "service are per task)\n"
      "p.yaml:4:3: defaults.timeot: unknown key 'timeot' (did you mean 'timeout'?)\n");
}

TEST(LoaderValidation, PtyWithInteractiveIsAnError) {
  EXPECT_EQ(load_errors_with_not_built("tasks:\n  a: {run: x, pty: true, interactive: true}\n"),
            "p.yaml:2:26: tasks.a.interactive: 'interactive' and 'pty' cannot both be true: an "
            "interactive "
            "task already owns the terminal\n");
}

TEST(LoaderValidation, AllErrorsAreReportedInOnePass) {
  auto r = load_pipeline_string(
      "tasks:\n"
      "  a: {run: x, timeout: 1y}\n"
      "  b: {cmd: [x], needs: [zz]}\n"
      "  c: {run: x, bogus: 1}\n"
      "  d: {run: x}\n",
      "p.yaml");
  ASSERT_EQ(r.diagnostics.size(), 3u);
  EXPECT_EQ(r.diagnostics[0].path, "tasks.a.timeout");
  EXPECT_EQ(r.diagnostics[1].path, "tasks.b.needs[0]");
  EXPECT_EQ(r.diagnostics[2].path, "tasks.c.bogus");
}

TEST(LoaderValidation, RenderedWithSourceLineAndCaret) {
  auto r = load_pipeline_string(
      "tasks:\n  fetch: {run: x}\n  count:\n    run: y\n    needs: [fetc]\n", "pipelines/etl.yaml");
  EXPECT_EQ(
      format(r.diagnostics),
      "pipelines/etl.yaml:5:13: tasks.count.needs[0]: unknown task 'fetc' (did you mean 'fetch'?)\n"
      "      needs: [fetc]\n"
      "              ^\n");
}

TEST(LoaderValidation, StrictScalarsStayStrings) {
  auto r = load_pipeline_string(
      "vars: {v: 1.10, on: yes}\n"
      "tasks:\n  a: {cmd: [echo, 1.10, yes, \"${{ vars.v }}\"], description: 007}\n",
      "p.yaml");
  ASSERT_TRUE(r.ok()) << test::headlines(r);
  const Task& t = r.pipeline.tasks[0];
  ASSERT_EQ(t.cmd.size(), 4u);
  EXPECT_EQ(t.cmd[1].parts()[0].text, "1.10");
  EXPECT_EQ(t.cmd[2].parts()[0].text, "yes");
  EXPECT_EQ(t.cmd[3].parts()[0].text, "1.10");
  EXPECT_EQ(t.extras().description, "007");
}

TEST(LoaderValidation, MisspeltActionIsOneError) {
  EXPECT_EQ(load_errors("tasks:\n  a: {rn: x}\n"),
            "p.yaml:2:7: tasks.a.rn: unknown key 'rn' (did you mean 'run'?)\n");
}

TEST(LoaderValidation, ABadDefaultIsReportedOnceNotPerTask) {
  EXPECT_EQ(
      load_errors(
          "defaults: {timeout: forever}\ntasks:\n  a: {run: x}\n  b: {run: x}\n  c: {run: x}\n"),
      "p.yaml:1:21: defaults.timeout: invalid duration 'forever': expected a duration like 250ms, "
      "30s, "
      "5m or 1h30m\n");
}

TEST(LoaderValidation, AnUnknownDefaultPoolIsReportedOnce) {
  EXPECT_EQ(
      load_errors("pools: {net: 1}\ndefaults: {pool: nt}\ntasks:\n  a: {run: x}\n  b: {run: x}\n"),
      "p.yaml:2:18: defaults.pool: unknown pool 'nt' (did you mean 'net'?)\n");
}

TEST(LoaderValidation, UnknownNamesElsewhere) {
  EXPECT_EQ(load_errors_with_not_built("tasks:\n"
                        "  produce: {run: x}\n"
                        "  a: {run: x, stdin: {task: prodce}}\n"
                        "  b: {cmd: [\"${{ env.SLUICE_TEST_SURELY_UNSET_VAR }}\"]}\n"
                        "  c: {run: x, executor: slrum}\n"),
            "p.yaml:3:29: tasks.a.stdin.task: unknown task 'prodce' (did you mean 'produce'?)\n"
            "p.yaml:4:14: tasks.b.cmd[0]: unknown reference 'env.SLUICE_TEST_SURELY_UNSET_VAR': "
            "environment "
            "variable 'SLUICE_TEST_SURELY_UNSET_VAR' is not set\n"
            "p.yaml:5:25: tasks.c.executor: expected 'local' or 'slurm', got 'slrum' (did you mean "
            "'slurm'?)\n");
}

TEST(LoaderValidation, SecretsNeedExactlyOneSource) {
  EXPECT_EQ(
      load_errors("secrets:\n  A: {env: X, file: y}\n  B: {vault: z}\ntasks:\n  a: {run: x}\n"),
      "p.yaml:2:6: secrets.A: expected one of 'env' or 'file', not both\n"
      "p.yaml:3:7: secrets.B.vault: unknown key 'vault'\n");
}

TEST(LoaderValidation, MissingIncludeIsReportedAtTheEntry) {
  EXPECT_EQ(load_errors("include: [nope/common.yaml]\ntasks:\n  a: {run: x}\n"),
            "p.yaml:1:11: include[0]: cannot read 'nope/common.yaml': No such file or directory\n");
}

TEST(LoaderValidation, OversizeFileIsRefused) {
  LoadOptions o;
  o.max_file_bytes = 16;
  auto r = load_pipeline_string("tasks:\n  a: {run: xxxxxxxxxxxxxxxxxxxx}\n", "p.yaml", o);
  ASSERT_FALSE(r.ok());
}

}  // namespace
}  // namespace sluice

namespace sluice {
namespace {

TEST(DiagnosticFormat, ControlCharactersAreShownNotSent) {
  Diagnostic d;
  d.file = "p.yaml";
  d.line = 1;
  d.column = 5;
  d.message = std::string("got 'a\x1b[2Jb\nc'");
  d.source_line = std::string("a: \0\x1b\tb", 7);
  EXPECT_EQ(format(d),
            "p.yaml:1:5: got 'a\xE2\x90\x9B[2Jb\xE2\x90\x8A" "c'\n"
            "  a: \xE2\x90\x80\xE2\x90\x9B\tb\n"
            "      ^\n");
}

}  // namespace
}  // namespace sluice
