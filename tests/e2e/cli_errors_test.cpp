// End-to-end tests of the CLI's usage errors: each is one line on stderr that
// names the command, the word at fault and what was expected, nothing on
// stdout, and exit 2 (SPEC §4). The real `sluice` binary in a temp directory.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "e2e/e2e_support.hpp"

namespace {

class CliErrors : public sluice::e2e::CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    write("sluice.yaml",
          "tasks:\n"
          "  build: {cmd: [/bin/true]}\n"
          "  test: {cmd: [/bin/true], needs: [build]}\n");
  }

  /// Runs the CLI and checks it failed with exactly `err` (exit 2, no stdout).
  void expect_usage_error(const std::vector<std::string>& args, const std::string& err) {
    std::string shown;
    for (const auto& a : args) shown += " " + a;
    auto r = run(args);
    EXPECT_EQ(r.code, 2) << "sluice" << shown;
    EXPECT_EQ(r.err, err) << "sluice" << shown;
    EXPECT_EQ(r.out, "") << "sluice" << shown;
  }
};

TEST_F(CliErrors, CountOptionsSayTheyWantAWholeNumber) {
  for (const char* bad : {"0", "-1", "abc", "1.5", ""}) {
    expect_usage_error({"run", "-j", bad},
                       std::string("sluice run: --jobs: expected a whole number >= 1, got '") +
                           bad + "'\n");
  }
  expect_usage_error({"run", "--jobs=0"},
                     "sluice run: --jobs: expected a whole number >= 1, got '0'\n");
  expect_usage_error({"run", "--threads", "0"},
                     "sluice run: --threads: expected a whole number >= 1, got '0'\n");
  expect_usage_error({"run", "-j", "99999999999"},
                     "sluice run: --jobs: expected a whole number from 1 to 2147483647, got "
                     "'99999999999'\n");
}

TEST_F(CliErrors, AGoodCountStillRuns) {
  auto r = run({"run", "-j", "1", "-q"});
  EXPECT_EQ(r.code, 0) << r.err;
}

TEST_F(CliErrors, ChoiceOptionsListTheChoices) {
  expect_usage_error({"run", "--output", "loud"},
                     "sluice run: --output: expected one of prefixed, grouped, interleaved, quiet, "
                     "got 'loud'\n");
  expect_usage_error({"graph", "--format", "jsn"},
                     "sluice graph: --format: expected one of dot, mermaid, json, got 'jsn' (did "
                     "you mean 'json'?)\n");
}

TEST_F(CliErrors, UnknownCommandIsNamedWithTheCommands) {
  expect_usage_error({"frob"},
                     "sluice: unknown command 'frob' (commands: run, validate, list, graph, "
                     "schema, help)\n");
  expect_usage_error({"rnu"}, "sluice: unknown command 'rnu' (did you mean 'run'?)\n");
  expect_usage_error({}, "sluice: no command given (commands: run, validate, list, graph, schema, help)\n");
}

TEST_F(CliErrors, AMissingPipelineFileArgumentIsNamed) {
  expect_usage_error({"validate", "nosuch.yaml"}, "sluice: nosuch.yaml: no such file\n");
  expect_usage_error({"nosuch.yaml", "validate"}, "sluice: nosuch.yaml: no such file\n");
  expect_usage_error({"list", "sub/nosuch.yml"}, "sluice: sub/nosuch.yml: no such file\n");
  expect_usage_error({"graph", "-f", "nosuch.yaml"}, "sluice: nosuch.yaml: no such file\n");
}

TEST_F(CliErrors, RunOfAMissingYamlFileNamesItWhenThereIsNoPipelineFileEither) {
  std::filesystem::remove(dir_ / "sluice.yaml");
  expect_usage_error({"run", "nosuch.yaml"}, "sluice: nosuch.yaml: no such file\n");
  expect_usage_error({"run", "-n", "sub/nosuch.yml", "build"}, "sluice: sub/nosuch.yml: no such file\n");
  expect_usage_error({"run", "nosuch.yaml", "-f", "other.yaml"}, "sluice: other.yaml: no such file\n");
}

TEST_F(CliErrors, SchemaRefusesAPipelineFile) {
  expect_usage_error({"schema", "sluice.yaml"},
                     "sluice schema: unexpected argument 'sluice.yaml' (schema reads no pipeline file)\n");
  expect_usage_error({"-f", "sluice.yaml", "schema"},
                     "sluice schema: unexpected argument 'sluice.yaml' (schema reads no pipeline file)\n");
}

TEST_F(CliErrors, UnknownTargetIsNamedWithDidYouMean) {
  expect_usage_error({"run", "nosuch-task"},
                     "sluice.yaml: unknown target 'nosuch-task': not a task, a matrix task or a "
                     "declared output\n");
  expect_usage_error({"run", "tset"},
                     "sluice.yaml: unknown target 'tset': not a task, a matrix task or a declared "
                     "output (did you mean 'test'?)\n");
}

TEST_F(CliErrors, AnOptionWithoutItsValue) {
  expect_usage_error({"run", "-f"}, "sluice run: option '--file' requires an argument (FILE)\n");
  expect_usage_error({"run", "--events"},
                     "sluice run: option '--events' requires an argument (FILE)\n");
  expect_usage_error({"run", "-j"}, "sluice run: option '--jobs' requires an argument (N)\n");
  expect_usage_error({"graph", "--format"},
                     "sluice graph: option '--format' requires an argument (dot/mermaid/json)\n");
  expect_usage_error({"--set"}, "sluice: option '--set' requires an argument (KEY=VALUE)\n");
}

TEST_F(CliErrors, UnknownOptionsAndArguments) {
  expect_usage_error({"run", "--frob"}, "sluice run: unknown option '--frob'\n");
  expect_usage_error({"run", "--keepgoing"},
                     "sluice run: unknown option '--keepgoing' (did you mean '--keep-going'?)\n");
  expect_usage_error({"run", "-x"}, "sluice run: unknown option '-x'\n");
  expect_usage_error({"--frob", "validate"}, "sluice: unknown option '--frob'\n");
  expect_usage_error({"validate", "--frob"}, "sluice validate: unknown option '--frob'\n");
  expect_usage_error({"--frob"}, "sluice: unknown option '--frob'\n");
  expect_usage_error({"list", "extra"},
                     "sluice list: unexpected argument 'extra' (list takes no arguments)\n");
}

TEST_F(CliErrors, AnEmptyCommandIsRefusedBeforeAnythingRuns) {
  write("sluice.yaml",
        "tasks:\n"
        "  x: {cmd: [\"\"]}\n"
        "  y: {run: \"\"}\n");
  const std::string err =
      "sluice.yaml:2:13: tasks.x.cmd[0]: the command must not be empty\n"
      "    x: {cmd: [\"\"]}\n"
      "              ^\n"
      "sluice.yaml:3:12: tasks.y.run: expected a command, got an empty script\n"
      "    y: {run: \"\"}\n"
      "             ^\n"
      "sluice.yaml: 2 errors\n";
  expect_usage_error({"validate"}, err);
  expect_usage_error({"run"}, err);
}

}  // namespace
