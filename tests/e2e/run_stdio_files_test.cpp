// End-to-end tests of a task's stream files (`stdout/stderr: {file:}`,
// `stdin: {file:}`) where the file is not an ordinary one: a full device,
// a FIFO nobody opens, a directory. A write error fails the task, naming the
// file; a FIFO is refused at once instead of blocking sluice's only thread
// (where no other task, timer or signal would be served until a SIGKILL).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <string>
#include <vector>

#include "e2e/e2e_support.hpp"

namespace {

namespace fs = std::filesystem;
using sluice::e2e::CliTest;
using sluice::e2e::expect_complete;

class RunStdioFiles : public CliTest {};

// /dev/full takes the open and refuses every write with ENOSPC, as a full
// disk does: the task used to succeed and leave a truncated file.
TEST_F(RunStdioFiles, AWriteErrorOnAStreamFileFailsTheTaskNamingTheFile) {
  write("sluice.yaml", R"Y(tasks:
  full:
    cmd: [@CHILD@, lines, "3"]
    stdout: {file: /dev/full}
  full_err:
    run: "echo to-stderr >&2"
    stderr: {file: /dev/full, console: false}
  fine:
    cmd: [@CHILD@, lines, "2"]
    stdout: {file: logs/fine.log}
)Y");
  auto r = run({"run", "-k", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  auto ev = events();
  expect_complete(ev, {"full", "full_err", "fine"});
  EXPECT_EQ(ev.finished("full").value("status", ""), "failed");
  EXPECT_EQ(ev.finished("full").value("error", ""),
            "cannot write stdout file /dev/full: No space left on device");
  EXPECT_EQ(ev.finished("full_err").value("error", ""),
            "cannot write stderr file /dev/full: No space left on device");
  // The console still shows what the task printed (names padded to the longest).
  EXPECT_NE(r.out.find("full     | line 1\n"), std::string::npos) << r.out;
  EXPECT_NE((r.out + r.err).find("cannot write stdout file /dev/full"), std::string::npos) << r.out;
  EXPECT_EQ(ev.finished("fine").value("status", ""), "succeeded");
  EXPECT_EQ(sluice::e2e::slurp(dir_ / "logs/fine.log"), "line 1\nline 2\n");
}

// A FIFO as a stream file: opening it used to block the loop thread (for
// stdout until a reader came, for stdin until a writer came), so the other
// task never finished and SIGTERM was not served. Now each is refused at
// once, the other task runs on, and SIGTERM ends the run as it should.
TEST_F(RunStdioFiles, AFifoAsAStreamFileIsRefusedWithoutBlockingTheRun) {
  ASSERT_EQ(::mkfifo((dir_ / "out.fifo").c_str(), 0600), 0);
  ASSERT_EQ(::mkfifo((dir_ / "in.fifo").c_str(), 0600), 0);
  write("sluice.yaml", R"Y(tasks:
  to_fifo:
    cmd: [@CHILD@, touch, to_fifo.ran]
    stdout: {file: out.fifo}
  from_fifo:
    cmd: [@CHILD@, touch, from_fifo.ran]
    stdin: {file: in.fifo}
  waits:
    cmd: [@CHILD@, wait-file, go]
)Y");
  auto cli = start({"run", "-k", "-j3", "--events", "events.jsonl"});
  auto to = wait_event(is("task_finished", "to_fifo"));
  auto from = wait_event(is("task_finished", "from_fifo"));
  ASSERT_TRUE(to && from);
  EXPECT_EQ(to->value("status", ""), "failed");
  EXPECT_EQ(to->value("error", ""),
            "cannot open stdout file " + (dir_ / "out.fifo").string() +
                ": a FIFO cannot be a task's stream file: use a regular file or a device");
  EXPECT_EQ(from->value("status", ""), "failed");
  EXPECT_EQ(from->value("error", ""),
            "stdin file " + (dir_ / "in.fifo").string() +
                ": a FIFO cannot be a task's stream file: use a regular file or a device");
  EXPECT_FALSE(fs::exists(dir_ / "to_fifo.ran"));
  EXPECT_FALSE(fs::exists(dir_ / "from_fifo.ran"));
  ASSERT_TRUE(wait_event(is("task_started", "waits")));
  cli->signal(SIGTERM);  // served: the loop is free
  auto r = cli->wait();
  EXPECT_EQ(r.code, 128 + SIGTERM) << r.out << r.err;
  expect_complete(events(), {"to_fifo", "from_fifo", "waits"});
}

TEST_F(RunStdioFiles, ADirectoryAsStdinFileIsRefused) {
  fs::create_directories(dir_ / "adir");
  write("sluice.yaml", R"Y(tasks:
  a:
    cmd: [@CHILD@, echo-stdin]
    stdin: {file: adir}
)Y");
  auto r = run({"run", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_EQ(events().finished("a").value("error", ""),
            "stdin file " + (dir_ / "adir").string() + ": Is a directory");
}

// The stream files are written asynchronously, gathered while a write is
// in flight and with reading paused while too much waits: every byte of a
// large output lands, in order, in the file and on the console alike, and
// stdout and stderr sharing one file each keep their own order (two pipes:
// how they interleave is the kernel's).
TEST_F(RunStdioFiles, ALargeOutputReachesItsFileWholeAndInOrder) {
  write("sluice.yaml", R"Y(tasks:
  big:
    run: seq 1 2000000
    stdout: {file: out/seq.txt, console: false}
  both:
    run: "for i in 1 2 3 4 5; do echo out$i; echo err$i >&2; done"
    stdout: {file: both.log}
    stderr: {file: both.log}
  shown:
    run: seq 1 100000
    stdout: {file: shown.txt}
)Y");
  auto r = run({"run", "--output", "prefixed"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::string expected;
  for (int i = 1; i <= 2000000; ++i) expected += std::to_string(i) + "\n";
  EXPECT_TRUE(sluice::e2e::slurp(dir_ / "out/seq.txt") == expected) << "out/seq.txt differs";
  std::string both = sluice::e2e::slurp(dir_ / "both.log"), outs, errs;
  for (std::size_t at = 0, end; (end = both.find('\n', at)) != std::string::npos; at = end + 1)
    (both[at] == 'o' ? outs : errs) += both.substr(at, end + 1 - at);
  EXPECT_EQ(outs, "out1\nout2\nout3\nout4\nout5\n");
  EXPECT_EQ(errs, "err1\nerr2\nerr3\nerr4\nerr5\n");
  std::string shown;
  for (int i = 1; i <= 100000; ++i) shown += std::to_string(i) + "\n";
  EXPECT_TRUE(sluice::e2e::slurp(dir_ / "shown.txt") == shown);
  EXPECT_NE(r.out.find("shown | 100000\n"), std::string::npos);
  EXPECT_EQ(r.out.find("big |"), std::string::npos) << "console: false shows nothing";
}

}  // namespace
