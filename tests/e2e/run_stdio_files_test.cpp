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

}  // namespace
