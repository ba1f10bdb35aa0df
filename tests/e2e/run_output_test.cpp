// End-to-end tests of where a run's output goes when its destinations fail
// or are shared: a console pipe whose reader leaves (sluice ends by SIGPIPE,
// as a Unix filter does), a console or event file that cannot be written
// (reported once, the run fails), and an interactive task while the event
// stream is on stdout (the stream stays JSON lines).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "e2e/e2e_support.hpp"

namespace {

using sluice::e2e::CliTest;
using sluice::e2e::expect_complete;
using sluice::e2e::leftover_processes;
using sluice::e2e::parse_events;
using sluice::e2e::RunningCli;

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t pos = 0; (pos = text.find(what, pos)) != std::string::npos; pos += what.size()) ++n;
  return n;
}

class RunOutput : public CliTest {
 protected:
  /// Starts the CLI in dir_ with stdout on `out_fd` (dup'ed into the child;
  /// the caller closes its own copy), stdin on /dev/null, stderr in a file.
  std::unique_ptr<RunningCli> start_with_stdout(const std::vector<std::string>& args, int out_fd) {
    std::vector<std::string> argv_s{SLUICE_CLI};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    return spawn(argv_s, out_fd);
  }

  /// Starts argv_s (argv_s[0] a path) that way.
  std::unique_ptr<RunningCli> spawn(std::vector<std::string> argv_s, int out_fd) {
    auto err_path = dir_ / ".err-piped";
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addchdir_np(&fa, dir_.c_str());
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    return std::make_unique<RunningCli>(sluice::e2e::spawn_clean(std::move(argv_s), fa),
                                        dir_ / ".no-stdout-file", err_path);
  }
};

// `sluice run | head`: the reader reads a little and leaves during a flood.
// sluice cancels the run as if interrupted (the `always` task still runs),
// and dies by SIGPIPE, leaving no process behind.
TEST_F(RunOutput, AConsoleReaderThatLeavesEndsTheRunBySigpipe) {
  write("sluice.yaml", R"Y(env:
  @MARKER@
tasks:
  flood: {cmd: [@CHILD@, lines, "3000000"]}
  cleanup: {cmd: [@CHILD@, print, "cleaning up\n"], needs: [flood], always: true}
)Y");
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  auto cli = start_with_stdout({"run", "--events", "events.jsonl"}, fds[1]);
  ::close(fds[1]);
  std::string got;
  char buf[4096];
  while (got.size() < 64 * 1024) {
    ssize_t n = ::read(fds[0], buf, sizeof buf);
    ASSERT_GT(n, 0) << "sluice's stdout ended early: " << got;
    got.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  auto r = cli->wait();
  EXPECT_TRUE(r.signaled && r.signal == SIGPIPE) << "exit " << r.code << "\n" << r.err;
  EXPECT_EQ(r.code, 141);
  EXPECT_NE(got.find(" | line 1\n"), std::string::npos);
  EXPECT_EQ(r.err.find("cannot write"), std::string::npos) << r.err;
  auto ev = events();
  expect_complete(ev, {"flood", "cleanup"});
  EXPECT_EQ(ev.finished("flood")["status"], "cancelled");
  EXPECT_EQ(ev.finished("cleanup")["status"], "succeeded");
  EXPECT_EQ(ev.of_type("run_finished").at(0)["status"], "interrupted");
  EXPECT_EQ(leftover_processes(marker_), "");
}

TEST_F(RunOutput, AReaderThatStopsReadingCannotKeepAnInterruptedRunAlive) {
  // `sluice run | sleep 1000`: the console fills, backpressure pauses the
  // task's pipes, and SIGTERM must still end the run (the held-back output
  // is dropped after the drain cap) instead of waiting for the reader.
  write("sluice.yaml", R"Y(env:
  @MARKER@
tasks:
  flood: {cmd: [@CHILD@, lines, "100000000"]}
)Y");
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  auto cli = start_with_stdout({"run", "--events", "events.jsonl"}, fds[1]);
  ::close(fds[1]);
  // Our end of sluice's stdout full: from here sluice holds output it can
  // never write (its queue fills, then the task's pipes are paused), which
  // is what must not keep the interrupted run alive.
  const int capacity = ::fcntl(fds[0], F_GETPIPE_SZ);
  ASSERT_GT(capacity, 0);
  ASSERT_TRUE(sluice::e2e::wait_until([&] {
    int queued = 0;
    return ::ioctl(fds[0], FIONREAD, &queued) == 0 && queued >= capacity;
  })) << "the flood never filled sluice's stdout";
  cli->signal(SIGTERM);
  auto r = cli->wait();
  ::close(fds[0]);
  EXPECT_TRUE(r.signaled && r.signal == SIGTERM) << "exit " << r.code << "\n" << r.err;
  EXPECT_EQ(events().finished("flood")["status"], "cancelled");
  EXPECT_EQ(events().of_type("run_finished").at(0)["status"], "interrupted");
  EXPECT_EQ(leftover_processes(marker_), "");
}

// `sluice run --events - | sleep 1000`: the event stream on stdout, its
// reader stalled and the pipe full before the run starts. The event stream
// used to be written with blocking writes on the loop thread: no timer and
// no signal was served until the reader read. Now a task's timeout ends it
// on time (the console on stderr says so while the reader is still
// stalled), and SIGTERM ends sluice with 143 while it is.
class StalledEventReader : public RunOutput {
 protected:
  /// Starts `sluice run --events - ARGS` with stdout on a pipe that is full
  /// and that nobody reads; read_end_ is ours.
  std::unique_ptr<RunningCli> start_stalled(std::vector<std::string> args) {
    int fds[2];
    EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    EXPECT_GT(::fcntl(fds[1], F_SETPIPE_SZ, 4096), 0);
    std::string path = "/proc/self/fd/" + std::to_string(fds[1]);
    int filler = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    EXPECT_GE(filler, 0);
    for (char x[512] = {}; ::write(filler, x, sizeof x) > 0;) filled_ += sizeof x;
    ::close(filler);
    args.insert(args.begin(), {"run", "--events", "-"});
    auto cli = start_with_stdout(args, fds[1]);
    ::close(fds[1]);
    read_end_ = fds[0];
    return cli;
  }
  void TearDown() override {
    if (read_end_ >= 0) ::close(read_end_);
    RunOutput::TearDown();
  }
  /// Whether nothing of sluice's stdout has been read yet.
  bool still_stalled() const {
    int unread = 0;
    return ::ioctl(read_end_, FIONREAD, &unread) == 0 && static_cast<std::size_t>(unread) >= filled_;
  }
  std::string err() const { return sluice::e2e::slurp(dir_ / ".err-piped"); }

  int read_end_ = -1;
  std::size_t filled_ = 0;
};

TEST_F(StalledEventReader, ATaskTimeoutIsServedWhileTheReaderIsStalled) {
  write("sluice.yaml", R"Y(env:
  @MARKER@
tasks:
  flood: {cmd: [@CHILD@, lines, "100000000"], timeout: 1s}
)Y");
  auto cli = start_stalled({});
  ASSERT_TRUE(sluice::e2e::wait_until([&] { return err().find("[sluice] run failed") != std::string::npos; }))
      << "the run did not end while its event reader was stalled:\n" << err();
  EXPECT_TRUE(still_stalled());
  EXPECT_NE(err().find("timed_out"), std::string::npos) << err();
  // The reader comes back: it gets every event, and sluice ends.
  std::string stream;
  char buf[65536];
  for (ssize_t n; (n = ::read(read_end_, buf, sizeof buf)) != 0;)
    if (n > 0) stream.append(buf, static_cast<std::size_t>(n));
  auto r = cli->wait();
  EXPECT_EQ(r.code, 1) << r.err;
  auto ev = parse_events(stream.substr(filled_));
  expect_complete(ev, {"flood"});
  EXPECT_EQ(ev.finished("flood")["status"], "timed_out");
  EXPECT_EQ(leftover_processes(marker_), "");
}

TEST_F(StalledEventReader, SigtermEndsTheRunWhileTheReaderIsStalled) {
  write("sluice.yaml", R"Y(env:
  @MARKER@
tasks:
  flood: {cmd: [@CHILD@, lines, "100000000"]}
  wait: {cmd: [@CHILD@, print-ready]}
)Y");
  auto cli = start_stalled({"-v"});
  ASSERT_TRUE(sluice::e2e::wait_until([&] {
    std::string e = err();
    return e.find("wait started") != std::string::npos && e.find("flood started") != std::string::npos;
  })) << err();
  cli->signal(SIGTERM);
  auto r = cli->wait();
  EXPECT_TRUE(still_stalled());
  EXPECT_TRUE(r.signaled && r.signal == SIGTERM) << "exit " << r.code << "\n" << r.err;
  EXPECT_EQ(r.code, 143);
  EXPECT_NE(r.err.find("[sluice] run interrupted"), std::string::npos) << r.err;
  EXPECT_EQ(leftover_processes(marker_), "");
}

TEST_F(RunOutput, AnEventFileThatCannotBeWrittenIsReportedOnceAndFailsTheRun) {
  write("sluice.yaml", R"Y(tasks:
  a: {cmd: [@CHILD@, lines, "3"]}
  b: {cmd: [@CHILD@, lines, "3"], needs: [a]}
)Y");
  auto r = run({"run", "--events", "/dev/full"});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_EQ(r.err, "sluice: cannot write events to /dev/full: No space left on device\n");
  // The run went on, and the summary says why it failed.
  EXPECT_EQ(count(r.out, "b | line 3\n"), 1u) << r.out;
  EXPECT_NE(r.out.find("[sluice] cannot write events to /dev/full: No space left on device\n"
                       "[sluice] run failed in "),
            std::string::npos)
      << r.out;
}

TEST_F(RunOutput, AConsoleThatCannotBeWrittenIsReportedOnceAndFailsTheRun) {
  write("sluice.yaml", R"Y(tasks:
  a: {cmd: [@CHILD@, lines, "3"]}
  b: {cmd: [@CHILD@, lines, "3"], needs: [a]}
)Y");
  int full = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
  ASSERT_GE(full, 0);
  auto cli = start_with_stdout({"run", "--events", "events.jsonl"}, full);
  ::close(full);
  auto r = cli->wait();
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_EQ(r.err, "sluice: cannot write to stdout: No space left on device\n");
  auto ev = events();
  expect_complete(ev, {"a", "b"});
  EXPECT_EQ(ev.finished("b")["status"], "succeeded");
  EXPECT_EQ(ev.of_type("run_finished").at(0)["status"], "failed");
}

// With `--events -` stdout is the event stream: an interactive task's stdout
// goes to stderr (the console's side) instead of corrupting it.
TEST_F(RunOutput, AnInteractiveTaskDoesNotWriteIntoTheEventStreamOnStdout) {
  write("sluice.yaml", R"Y(tasks:
  ask: {interactive: true, cmd: [@CHILD@, print, "Password: \nthanks\n"]}
  other: {cmd: [@CHILD@, lines, "3"], needs: [ask]}
)Y");
  auto r = run({"run", "--events", "-"});
  EXPECT_EQ(r.code, 0) << r.err;
  auto ev = parse_events(r.out);
  expect_complete(ev, {"ask", "other"});
  EXPECT_NE(r.err.find("Password: \nthanks\n"), std::string::npos) << r.err;
  EXPECT_EQ(ev.output_lines("other"), (std::vector<std::string>{"line 1", "line 2", "line 3"}));
}

// On a terminal (script(1) gives sluice one), an interactive task has it to
// itself: between its prompt and its end nothing else is written, neither
// the status line nor the lines of a task that prints meanwhile; those come
// after. `ask` waits for a file that `notify` makes once `chatty` has
// finished, so chatty's lines reach sluice while ask runs.
TEST_F(RunOutput, AnInteractiveTaskHasTheTerminalToItself) {
  if (::access("/usr/bin/script", X_OK) != 0) GTEST_SKIP() << "no script(1) here";
  write("sluice.yaml", R"Y(tasks:
  ask: {interactive: true, run: 'printf "Password: "; @CHILD@ wait-file chatty.seen; echo; echo ok'}
  chatty: {cmd: [@CHILD@, lines, "3"]}
  notify: {cmd: [@CHILD@, touch, chatty.seen], needs: [chatty]}
)Y");
  int out = ::open((dir_ / "tty.out").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ASSERT_GE(out, 0);
  std::string command = std::string(SLUICE_CLI) + " run -j3 --color never";
  auto cli = spawn({"/usr/bin/script", "-qec", command, "/dev/null"}, out);
  ::close(out);
  auto r = cli->wait();
  EXPECT_EQ(r.code, 0) << r.err;
  std::string text = sluice::e2e::slurp(dir_ / "tty.out");
  auto prompt = text.find("Password: ");
  ASSERT_NE(prompt, std::string::npos) << text;
  auto ok = text.find("ok\r\n", prompt);
  ASSERT_NE(ok, std::string::npos) << text;
  prompt += std::string("Password: ").size();
  EXPECT_EQ(text.substr(prompt, ok - prompt), "\r\n") << text;  // only ask's own newline
  EXPECT_NE(text.find("chatty | line 3\r\n", ok), std::string::npos) << text;
}

}  // namespace
