// End-to-end tests of what the loader refuses through the real CLI (`sluice
// validate` and `sluice run`: exit 2, every diagnostic located, exact text):
// settings this build cannot run yet, and the holes of issue 9 item 5 (an
// endless `-f -`, a NUL from an escape, a template that expands without
// bound, a value that shell arithmetic would run) and a tab that indents.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <filesystem>
#include <string>
#include <vector>

#include "e2e/e2e_support.hpp"

namespace {

namespace fs = std::filesystem;

class CliLoadErrors : public sluice::e2e::CliTest {
 protected:
  /// `validate` and `run` both fail with exactly `err` (exit 2, nothing on
  /// stdout): the run refuses before anything starts.
  void expect_refused(const std::vector<std::string>& extra, const std::string& err) {
    for (const char* command : {"validate", "run"}) {
      std::vector<std::string> args{command, "-f", "p.yaml"};
      args.insert(args.end(), extra.begin(), extra.end());
      auto r = run(args);
      EXPECT_EQ(r.code, 2) << command;
      EXPECT_EQ(r.err, err) << command;
      EXPECT_EQ(r.out, "") << command;
    }
  }

  /// `sh -c SCRIPT sluice`: the CLI behind a shell pipeline, in dir_.
  sluice::e2e::CliResult run_shell(const std::string& script) {
    return start_program({"/bin/sh", "-c", script, SLUICE_CLI})->wait();
  }
};

TEST_F(CliLoadErrors, SettingsThisBuildCannotRunAreRefusedWhereTheyStand) {
  write("p.yaml",
        "tasks:\n"
        "  db:\n"
        "    run: touch started\n"
        "    service: {ready: {tcp: 5432}}\n"
        "  remote: {cmd: [touch, started], executor: slurm}\n"
        "  colour: {cmd: [touch, started], pty: true}\n"
        "  reader: {cmd: [wc, -l], stdin: {task: db}}\n"
        "  c7: {call: my_function}\n");
  expect_refused({},
                 "p.yaml:4:5: tasks.db.service: not supported yet: services\n"
                 "      service: {ready: {tcp: 5432}}\n"
                 "      ^\n"
                 "p.yaml:5:35: tasks.remote.executor: not supported yet: the Slurm executor\n"
                 "    remote: {cmd: [touch, started], executor: slurm}\n"
                 "                                    ^\n"
                 "p.yaml:6:35: tasks.colour.pty: not supported yet: running a task under a "
                 "pseudo-terminal\n"
                 "    colour: {cmd: [touch, started], pty: true}\n"
                 "                                    ^\n"
                 "p.yaml:8:8: tasks.c7.call: not supported yet: call tasks\n"
                 "    c7: {call: my_function}\n"
                 "         ^\n"
                 "p.yaml: 4 errors\n");
  EXPECT_FALSE(fs::exists(dir_ / "started")) << "a refused pipeline must not start a task";
}

TEST_F(CliLoadErrors, ARefusedSettingIsStillValidatedInFull) {
  write("p.yaml",
        "defaults: {executor: slurm}\n"
        "tasks:\n"
        "  a: {cmd: [\"true\"], pty: yes}\n"
        "  b: {cmd: [\"true\"], service: {ready: {tcp: 70000}}}\n");
  expect_refused({},
                 "p.yaml:1:12: defaults.executor: not supported yet: the Slurm executor\n"
                 "  defaults: {executor: slurm}\n"
                 "             ^\n"
                 "p.yaml:3:27: tasks.a.pty: expected a boolean (true or false), got 'yes'\n"
                 "    a: {cmd: [\"true\"], pty: yes}\n"
                 "                            ^\n"
                 "p.yaml:4:22: tasks.b.service: not supported yet: services\n"
                 "    b: {cmd: [\"true\"], service: {ready: {tcp: 70000}}}\n"
                 "                       ^\n"
                 "p.yaml:4:45: tasks.b.service.ready.tcp: expected an integer from 1 to 65535, "
                 "got 70000\n"
                 "    b: {cmd: [\"true\"], service: {ready: {tcp: 70000}}}\n"
                 "                                              ^\n"
                 "p.yaml: 4 errors\n");
}

TEST_F(CliLoadErrors, ATaskCannotReadItsOwnOutput) {
  write("p.yaml", "tasks:\n  self: {cmd: [cat], stdin: {task: self}}\n");
  expect_refused({},
                 "p.yaml:2:36: tasks.self.stdin.task: 'self' is this task itself: a task cannot "
                 "read its own output\n"
                 "    self: {cmd: [cat], stdin: {task: self}}\n"
                 "                                     ^\n"
                 "p.yaml: 1 error\n");
}

TEST_F(CliLoadErrors, EndlessStandardInputStopsAtTheFileSizeCap) {
  // Without the cap `yes` grows sluice to gigabytes and the deadline fails
  // the test. 16 MiB is LoadOptions::max_file_bytes' default.
  for (const char* command : {"validate", "run"}) {
    auto r = run_shell(std::string("yes | \"$0\" ") + command + " -f -");
    EXPECT_EQ(r.code, 2) << command;
    EXPECT_EQ(r.err,
              "<stdin>: cannot read pipeline file: more than the limit of 16777216 bytes\n"
              "<stdin>: 1 error\n")
        << command;
    EXPECT_EQ(r.err.find("--max-file-size"), std::string::npos);
  }
}

TEST_F(CliLoadErrors, ANulEscapeIsRefusedWhereItIsWritten) {
  write("p.yaml", "tasks:\n  a: {cmd: [echo, \"cut\\0here\"]}\n");
  expect_refused({},
                 "p.yaml:2:23: NUL character in a string (the escape '\\0'): no argument, path "
                 "or name can hold one\n"
                 "    a: {cmd: [echo, \"cut\\0here\"]}\n"
                 "                        ^\n"
                 "p.yaml: 1 error\n");
}

TEST_F(CliLoadErrors, ARawNulByteStillGetsItsExcerptAndCaret) {
  write("p.yaml", std::string("tasks:\n  a: {cmd: [echo, cut\0here]}\n", 35));
  // The NUL shows as U+2400 (one character: the caret stays under it).
  expect_refused({},
                 "p.yaml:2:22: NUL byte in the file (is it binary?)\n"
                 "    a: {cmd: [echo, cut\xE2\x90\x80here]}\n"
                 "                       ^\n"
                 "p.yaml: 1 error\n");
}

TEST_F(CliLoadErrors, ATemplateThatExpandsPastTheBudgetIsRefusedInBoundedMemory) {
  // Issue 9's case: a 500 KB var used 10 times in a 400-way matrix would
  // expand to 2 GB (std::bad_alloc); the budget stops it at 256 MiB.
  std::string refs;
  for (int i = 0; i < 10; ++i) refs += (i ? " " : "") + std::string("${{ vars.big }}");
  std::string values;
  for (int i = 0; i < 400; ++i) values += (i ? ", " : "") + std::to_string(i);
  write("p.yaml", "vars:\n  big: " + std::string(500000, 'x') +
                      "\ntasks:\n  t:\n    matrix: {i: [" + values + "]}\n    cmd: [echo, \"" +
                      refs + "\"]\n");
  auto r = run({"validate", "-f", "p.yaml"});
  EXPECT_EQ(r.code, 2);
  const std::string excerpt = "      cmd: [echo, \"" + refs + "\"]\n";
  EXPECT_EQ(r.err,
            "p.yaml:6:98: tasks.t.cmd[1]: the pipeline expands to more than 256 MiB of text (vars "
            "and matrix values in every task), the limit\n" +
                excerpt + std::string(2 + 97, ' ') + "^\np.yaml: 1 error\n");
  rusage usage{};
  ASSERT_EQ(getrusage(RUSAGE_CHILDREN, &usage), 0);
  EXPECT_LT(usage.ru_maxrss, 1L << 20) << "KiB: the budget must bound the memory";
}

TEST_F(CliLoadErrors, AValueInShellArithmeticMustBeAnInteger) {
  // bash evaluates `a[$(...)]` in $(( )) and would run the command.
  write("p.yaml",
        "vars: {n: 1}\n"
        "tasks:\n"
        "  t:\n"
        "    shell: [bash, -c]\n"
        "    run: echo $(( 1 + ${{ vars.n }} ))\n");
  const std::string value = "a[$(touch " + (dir_ / "x").string() + ")]";
  // A long value is shown by its first 60 bytes.
  const std::string shown = value.size() > 60 ? value.substr(0, 60) + "..." : value;
  expect_refused({"--set", "n=" + value},
                 "p.yaml:5:23: tasks.t.run: 'vars.n' (set by --set) stands in shell arithmetic, "
                 "where the shell evaluates its text as an expression: it must be an integer, got "
                 "'" + shown + "'\n"
                 "      run: echo $(( 1 + ${{ vars.n }} ))\n"
                 "                        ^\n"
                 "p.yaml: 1 error\n");
  EXPECT_FALSE(fs::exists(dir_ / "x"));
  auto ok = run({"run", "-f", "p.yaml", "-q", "--set", "n=41"});
  EXPECT_EQ(ok.code, 0) << ok.err;
  EXPECT_EQ(ok.out.substr(0, ok.out.find('\n') + 1), "t | 42\n") << ok.out;
}

TEST_F(CliLoadErrors, ATaskOutputInShellArithmeticIsCheckedBeforeTheSpawn) {
  write("p.yaml",
        "tasks:\n"
        "  a:\n"
        "    run: echo 'n=a[$(touch x)]' >> \"$SLUICE_OUTPUT\"\n"
        "  b:\n"
        "    needs: [a]\n"
        "    shell: [bash, -c]\n"
        "    run: let 'y = ${{ tasks.a.outputs.n }} + 1'\n");
  auto r = run({"run", "-f", "p.yaml", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "x"));
  auto b = events().finished("b");
  EXPECT_EQ(b.value("status", ""), "failed");
  EXPECT_EQ(b.value("error", ""),
            "'tasks.a.outputs.n' stands in shell arithmetic, where the shell evaluates its text "
            "as an expression: it must be an integer, got 'a[$(touch x)]'");
}

TEST_F(CliLoadErrors, ATabThatIndentsIsNamed) {
  write("p.yaml", "tasks:\n  a:\n\trun: x\n");
  expect_refused({},
                 "p.yaml:3:1: YAML syntax error: a tab indents this line (YAML indents with "
                 "spaces only)\n"
                 "  \trun: x\n"
                 "  ^\n"
                 "p.yaml: 1 error\n");
}

}  // namespace
