// End-to-end tests of the file tasks (SPEC §1.2: copy, concat, write, hash,
// compress, decompress) through the real `sluice` binary: their files are
// checked with the system's own tools (sha256sum -c, xxhsum -c, gzip -dc,
// zstd -dc, cmp), their failures name the file, a timeout and Ctrl-C stop
// them with nothing left behind, and the event stream counts their bytes.
#include <gtest/gtest.h>
#include <signal.h>

#include <random>
#include <string>
#include <vector>

#include "e2e/e2e_support.hpp"

namespace {

namespace fs = std::filesystem;
using sluice::e2e::CliTest;
using sluice::e2e::expect_complete;
using sluice::e2e::slurp;

class RunFileTasks : public CliTest {
 protected:
  /// `n` random bytes in dir_/name (chunk-sized data would hide off-by-ones).
  void random_file(const std::string& name, std::size_t n) {
    std::mt19937_64 gen(n);
    std::string data(n, '\0');
    for (auto& c : data) c = static_cast<char>(gen());
    std::ofstream(dir_ / name, std::ios::binary) << data;
  }
  /// Exit status of `script` run by sh in dir_ (stdout and stderr to a file).
  int sh(const std::string& script) {
    return start_program({"/bin/sh", "-c", "cd '" + dir_.string() + "' && " + script})->wait().code;
  }
  /// Files in dir_ (recursively) whose name holds `part`.
  std::vector<std::string> files_named(const std::string& part) const {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir_))
      if (e.path().filename().string().find(part) != std::string::npos)
        out.push_back(e.path().string());
    return out;
  }
};

TEST_F(RunFileTasks, APipelineOfFileTasksMakesFilesTheSystemToolsAccept) {
  random_file("data.bin", 200 * 1024 + 1);
  write("sluice.yaml", R"Y(tasks:
  greet:
    write: {to: out/greeting.txt, content: "hello\nworld\n"}
  copy:
    copy: {from: data.bin, to: out/copy.bin}
  join:
    concat: {from: [out/greeting.txt, data.bin, out/greeting.txt], to: out/joined.bin}
    needs: [greet]
  sums:
    hash: {files: [out/copy.bin, out/joined.bin], to: out/SHA256SUMS}
    needs: [copy, join]
  xsums:
    hash: {files: [out/copy.bin], algo: xxh3, to: out/XXH3SUMS}
    needs: [copy]
  gz:
    compress: {from: data.bin, to: out/data.bin.gz, format: gzip, level: 6}
  zst:
    compress: {from: data.bin, to: out/data.bin.zst, format: zstd}
  ungz:
    decompress: {from: out/data.bin.gz, to: out/from-gz.bin}
    needs: [gz]
  unzst:
    decompress: {from: out/data.bin.zst, to: out/from-zst.bin}
    needs: [zst]
)Y");
  auto r = run({"run", "--threads", "2", "--events", "events.jsonl"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  auto ev = events();
  expect_complete(ev, {"greet", "copy", "join", "sums", "xsums", "gz", "zst", "ungz", "unzst"});

  EXPECT_EQ(slurp(dir_ / "out/greeting.txt"), "hello\nworld\n");
  EXPECT_EQ(sh("cmp data.bin out/copy.bin"), 0);
  EXPECT_EQ(sh("cat out/greeting.txt data.bin out/greeting.txt | cmp - out/joined.bin"), 0);
  // The sums name the files as the task's working directory sees them.
  EXPECT_EQ(sh("sha256sum --quiet -c out/SHA256SUMS"), 0) << slurp(dir_ / "out/SHA256SUMS");
  EXPECT_NE(slurp(dir_ / "out/SHA256SUMS").find("  out/copy.bin\n"), std::string::npos);
  EXPECT_EQ(sh("xxhsum -q -c out/XXH3SUMS"), 0) << slurp(dir_ / "out/XXH3SUMS");
  EXPECT_EQ(sh("gzip -dc out/data.bin.gz | cmp - data.bin"), 0);
  EXPECT_EQ(sh("zstd -q -dc out/data.bin.zst | cmp - data.bin"), 0);
  EXPECT_EQ(sh("cmp data.bin out/from-gz.bin && cmp data.bin out/from-zst.bin"), 0);
  EXPECT_TRUE(files_named(".sluice-").empty()) << "a temporary file was left behind";

  // task_started has no pid; task_finished counts the bytes.
  for (const auto& s : ev.of_type("task_started")) EXPECT_FALSE(s.contains("pid")) << s.dump();
  const auto copy = ev.finished("copy");
  EXPECT_EQ(copy.value("status", ""), "succeeded");
  EXPECT_EQ(copy.value("bytes_read", -1), 200 * 1024 + 1);
  EXPECT_EQ(copy.value("bytes_written", -1), 200 * 1024 + 1);
  EXPECT_EQ(ev.finished("greet").value("bytes_written", -1), 12);
  EXPECT_EQ(ev.finished("join").value("bytes_read", -1), 200 * 1024 + 1 + 24);
  EXPECT_EQ(ev.finished("join").value("bytes_written", -1), 200 * 1024 + 1 + 24);
  EXPECT_EQ(ev.finished("sums").value("bytes_written", -1),
            static_cast<long>(fs::file_size(dir_ / "out/SHA256SUMS")));
  EXPECT_EQ(ev.finished("unzst").value("bytes_written", -1), 200 * 1024 + 1);
  EXPECT_EQ(ev.finished("zst").value("bytes_written", -1),
            static_cast<long>(fs::file_size(dir_ / "out/data.bin.zst")));
}

TEST_F(RunFileTasks, AFailingFileTaskNamesTheFileAndItsDependentIsSkipped) {
  write("sluice.yaml", R"Y(tasks:
  copy:
    copy: {from: missing.txt, to: out.txt}
  after:
    cmd: [@CHILD@, touch, after.ran]
    needs: [copy]
  other:
    write: {to: other.txt, content: fine}
)Y");
  auto r = run({"run", "-k", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  auto ev = events();
  expect_complete(ev, {"copy", "after", "other"});
  const auto copy = ev.finished("copy");
  EXPECT_EQ(copy.value("status", ""), "failed");
  const std::string missing = (dir_ / "missing.txt").string();
  EXPECT_NE(copy.value("error", "").find(missing), std::string::npos) << copy.dump();
  EXPECT_NE(copy.value("error", "").find("No such file or directory"), std::string::npos)
      << copy.dump();
  EXPECT_NE((r.out + r.err).find(missing), std::string::npos) << r.out << r.err;
  EXPECT_EQ(ev.finished("after").value("status", ""), "skipped");
  EXPECT_EQ(ev.finished("after").value("reason", ""), "dependency_failed");
  EXPECT_EQ(ev.finished("other").value("status", ""), "succeeded");
  EXPECT_FALSE(fs::exists(dir_ / "out.txt"));
  EXPECT_FALSE(fs::exists(dir_ / "after.ran"));
}

TEST_F(RunFileTasks, AFailedAttemptIsRetriedWithAFreshAction) {
  // The first attempt finds no input; a process task the hash does not
  // wait for makes it, and the retry (after the file exists) succeeds.
  write("sluice.yaml", R"Y(tasks:
  sums:
    hash: {files: [late.txt], to: sums}
    retry: {limit: 20, delay: 50ms, backoff: 1}
  maker:
    cmd: [@CHILD@, touch, late.txt]
)Y");
  auto r = run({"run", "-j1", "--events", "events.jsonl", "sums", "maker"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  auto ev = events();
  EXPECT_EQ(ev.finished("sums").value("status", ""), "succeeded");
  EXPECT_EQ(sh("sha256sum --quiet -c sums"), 0);
}

// A hash of a 64 GiB sparse file takes far longer than any deadline here:
// the timeout must stop it at a chunk and leave no temporary file.
TEST_F(RunFileTasks, ATimeoutStopsAFileTaskAndLeavesNothingBehind) {
  { std::ofstream(dir_ / "huge.bin"); }
  fs::resize_file(dir_ / "huge.bin", 64ull << 30);
  write("sluice.yaml", R"Y(tasks:
  sums:
    hash: {files: [huge.bin], to: sums}
    timeout: 300ms
  after:
    write: {to: after.txt, content: x}
    needs: [sums]
)Y");
  auto r = run({"run", "-k", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  auto ev = events();
  expect_complete(ev, {"sums", "after"});
  EXPECT_EQ(ev.finished("sums").value("status", ""), "timed_out") << ev.finished("sums").dump();
  EXPECT_EQ(ev.finished("after").value("status", ""), "skipped");
  EXPECT_FALSE(fs::exists(dir_ / "sums"));
  EXPECT_FALSE(fs::exists(dir_ / "after.txt"));
  EXPECT_EQ(files_named(".sluice-").size(), 0u) << "a temporary file was left behind";
}

TEST_F(RunFileTasks, CtrlCCancelsARunningFileTask) {
  { std::ofstream(dir_ / "huge.bin"); }
  fs::resize_file(dir_ / "huge.bin", 64ull << 30);
  write("sluice.yaml", R"Y(tasks:
  sums:
    hash: {files: [huge.bin], algo: xxh3, to: sums}
)Y");
  auto cli = start({"run", "--events", "events.jsonl"});
  ASSERT_TRUE(wait_event(is("task_started", "sums")));
  cli->signal(SIGINT);
  auto r = cli->wait();
  EXPECT_EQ(r.code, 130) << r.out << r.err;
  auto ev = events();
  expect_complete(ev, {"sums"});
  EXPECT_EQ(ev.finished("sums").value("status", ""), "cancelled");
  EXPECT_EQ(files_named(".sluice-").size(), 0u) << "a temporary file was left behind";
}

TEST_F(RunFileTasks, FileTasksAndProcessTasksNeedEachOther) {
  write("sluice.yaml", R"Y(tasks:
  make:
    run: printf 'made\n' > made.txt
  copy:
    copy: {from: made.txt, to: copied.txt}
    needs: [make]
  check:
    run: cat copied.txt && cmp made.txt copied.txt
    needs: [copy]
)Y");
  auto r = run({"run", "--events", "events.jsonl"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  auto ev = events();
  expect_complete(ev, {"make", "copy", "check"});
  EXPECT_EQ(ev.start_order(), (std::vector<std::string>{"make", "copy", "check"}));
  EXPECT_EQ(ev.output_lines("check"), std::vector<std::string>{"made"});
}

TEST_F(RunFileTasks, WriteResolvesAnotherTasksOutputs) {
  write("sluice.yaml", R"Y(tasks:
  version:
    run: echo "v=1.2.3" >> "$SLUICE_OUTPUT"
  stamp:
    write: {to: VERSION, content: "${{ tasks.version.outputs.v }}\n"}
    needs: [version]
)Y");
  auto r = run({"run"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(slurp(dir_ / "VERSION"), "1.2.3\n");
}

TEST_F(RunFileTasks, DryRunAndGraphDescribeFileTasks) {
  write("sluice.yaml", R"Y(tasks:
  copy:
    copy: {from: a.txt, to: b.txt}
  sums:
    hash: {files: [b.txt], to: sums}
    needs: [copy]
)Y");
  auto r = run({"run", "-n"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("copy " + (dir_ / "a.txt").string() + " -> " + (dir_ / "b.txt").string()),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("hash (sha256) -> " + (dir_ / "sums").string()), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(dir_ / "b.txt"));
  auto g = run({"graph"});
  ASSERT_EQ(g.code, 0) << g.err;
  EXPECT_NE(g.out.find("copy"), std::string::npos) << g.out;
  EXPECT_NE(g.out.find("sums"), std::string::npos) << g.out;
}

TEST_F(RunFileTasks, ThreadsMustBeAtLeastOne) {
  write("sluice.yaml", "tasks:\n  a: {write: {to: a.txt, content: x}}\n");
  auto r = run({"run", "--threads", "0"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "sluice run: --threads: expected a whole number >= 1, got '0'\n");
  EXPECT_FALSE(fs::exists(dir_ / "a.txt"));
}

TEST_F(RunFileTasks, AnIfDecidesWhetherAFileTaskRuns) {
  write("go", "");
  write("sluice.yaml",
        "tasks:\n"
        "  yes: {write: {to: yes.txt, content: x}, if: \"test -e go\"}\n"
        "  no: {write: {to: no.txt, content: x}, if: \"test -e stop\"}\n"
        "  after: {run: echo after, needs: [no]}\n"
        "  broken: {copy: {from: go, to: b.txt}, if: \"exit 127\"}\n");
  auto r = run({"run", "-k", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 1) << r.err;
  auto ev = events();
  expect_complete(ev, {"yes", "no", "after", "broken"});
  EXPECT_EQ(ev.finished("yes").value("status", ""), "succeeded");
  EXPECT_EQ(slurp(dir_ / "yes.txt"), "x");
  EXPECT_EQ(ev.finished("no").value("status", ""), "skipped");
  EXPECT_FALSE(fs::exists(dir_ / "no.txt"));
  EXPECT_EQ(ev.finished("after").value("status", ""), "succeeded");  // a skip by `if` lets it run
  EXPECT_EQ(ev.finished("broken").value("status", ""), "failed");
  EXPECT_EQ(ev.finished("broken").value("error", ""), "if: exit 127");
  EXPECT_FALSE(fs::exists(dir_ / "b.txt"));
}

TEST_F(RunFileTasks, ProcessFieldsAreAnErrorOnAFileTaskButDefaultsSkipIt) {
  write("sluice.yaml",
        "tasks:\n  a: {copy: {from: in.txt, to: out.txt}, stdout: {file: log.txt}, grace: 1s}\n");
  auto r = run({"validate"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("sluice.yaml:2:42: tasks.a.stdout: 'stdout' applies to process tasks "
                       "(run, cmd) only: a file task runs no process"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("tasks.a.grace: 'grace' applies to process tasks"), std::string::npos)
      << r.err;

  write("sluice.yaml",
        "defaults:\n  stdout: {file: log.txt}\n  shell: [bash, -c]\n"
        "tasks:\n  a: {write: {to: a.txt, content: x}}\n  b: {run: echo hi, needs: [a]}\n");
  r = run({"run"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(slurp(dir_ / "a.txt"), "x");
  EXPECT_EQ(slurp(dir_ / "log.txt"), "hi\n");  // the process task's only
}

TEST_F(RunFileTasks, DeclaredOutputsAreCheckedAsForAProcessTask) {
  write("sluice.yaml",
        "tasks:\n"
        "  ok: {write: {to: out/a.txt, content: x}, outputs: [out/a.txt]}\n"
        "  missing: {write: {to: b.txt, content: y}, outputs: [b.txt, never.txt]}\n");
  auto r = run({"run", "-k", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 1) << r.err;
  auto ev = events();
  expect_complete(ev, {"ok", "missing"});
  EXPECT_EQ(ev.finished("ok").value("status", ""), "succeeded");
  EXPECT_EQ(ev.finished("missing").value("error", ""),
            "output not created: " + (dir_ / "never.txt").string());
  // The failed attempt's changed outputs are removed, as make's .DELETE_ON_ERROR does.
  EXPECT_FALSE(fs::exists(dir_ / "b.txt"));
  EXPECT_EQ(slurp(dir_ / "out/a.txt"), "x");
}

}  // namespace
