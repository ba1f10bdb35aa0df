#include "runtime/subprocess.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "runtime/line_splitter.hpp"
#include "unit/runtime/test_support.hpp"

namespace sluice::detail {
namespace {

using namespace std::chrono_literals;
using testing::alive;
using testing::run_until;

extern "C" char** environ;

std::vector<std::string> our_env() {
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) env.emplace_back(*e);
  return env;
}

class SubprocessTest : public ::testing::Test {
 protected:
  // The guards go first, at construction: the supervisor member below reads
  // the subreaper flag when it is built, before SetUp() would run, and CTest
  // runs every test in a fresh process.
  SubprocessTest() {
    testing::install_guards_once();
    supervisor_ = std::make_unique<ProcessSupervisor>(loop_);
  }
  void TearDown() override {
    proc_.reset();
    supervisor_.reset();
    testing::expect_clean_close(loop_);
  }

  std::optional<SpawnError> start(std::vector<std::string> argv, SubprocessOptions opts = {}) {
    opts.spawn.argv = std::move(argv);
    if (opts.spawn.env.empty()) opts.spawn.env = our_env();
    proc_ = std::make_unique<Subprocess>(
        loop_, *supervisor_, buffer_,
        Subprocess::Callbacks{[this](OutputStream s, std::string_view chunk) {
                                (s == OutputStream::Stdout ? out_ : err_).append(chunk);
                                if (on_chunk_) on_chunk_(chunk);
                              },
                              [this](const ExitStatus& st) { status_ = st; }});
    return proc_->start(std::move(opts));
  }
  bool wait_finished(std::chrono::milliseconds limit = 10s) {
    return run_until(loop_, [&] { return status_.has_value(); }, limit);
  }
  bool wait_output(const std::string& text) {
    return run_until(loop_, [&] { return out_.find(text) != std::string::npos; });
  }

  Loop loop_;
  std::unique_ptr<ProcessSupervisor> supervisor_;
  ReadBuffer buffer_;
  std::unique_ptr<Subprocess> proc_;
  std::string out_, err_;
  std::optional<ExitStatus> status_;
  std::function<void(std::string_view)> on_chunk_;
};

const std::string kChild = SLUICE_TEST_CHILD;

TEST_F(SubprocessTest, ReportsExitCodeAndRusage) {
  ASSERT_FALSE(start({kChild, "exit", "7"}));
  EXPECT_GT(proc_->pid(), 0);
  ASSERT_TRUE(wait_finished());
  EXPECT_EQ(status_->exit_code, 7);
  EXPECT_FALSE(status_->signal);
  EXPECT_GE(status_->cpu_ms, 0);
}

TEST_F(SubprocessTest, ReportsTheChildsPeakMemoryNotSluices) {
  ASSERT_FALSE(start({kChild, "alloc", "64"}));
  ASSERT_TRUE(wait_finished());
  ASSERT_EQ(status_->exit_code, 0);
  EXPECT_GE(status_->max_rss_kb, 64 * 1024);

  // The spawn shares our mm, and exec carries its peak into the child's
  // ru_maxrss: from a 256 MiB parent, /bin/true "used" 256 MiB. That value
  // says nothing about the child: unknown (0), never ours passed off as its.
  constexpr std::size_t kBallast = 256u << 20;
  std::unique_ptr<char[]> ballast(new char[kBallast]);
  std::memset(ballast.get(), 1, kBallast);
  status_.reset();
  ASSERT_FALSE(start({"/bin/true"}));
  ASSERT_TRUE(wait_finished());
  ASSERT_EQ(status_->exit_code, 0);
  EXPECT_LT(status_->max_rss_kb, 8 * 1024);
  EXPECT_EQ(ballast[kBallast - 1], 1);
}

TEST_F(SubprocessTest, ReportsTheSignalThatKilledIt) {
  ASSERT_FALSE(start({kChild, "print-ready"}));
  ASSERT_TRUE(wait_output("ready\n"));
  proc_->terminate();
  ASSERT_TRUE(wait_finished());
  EXPECT_EQ(status_->signal, SIGTERM);
  EXPECT_FALSE(status_->exit_code);
}

TEST_F(SubprocessTest, TellsCommandNotFoundFromPermissionDeniedFromMissingDirectory) {
  auto e1 = start({"sluice-no-such-command-fecth"});
  ASSERT_TRUE(e1);
  EXPECT_EQ(e1->message, "command not found: sluice-no-such-command-fecth");

  std::string dir = ::testing::TempDir() + "sluice_perm_XXXXXX";
  ASSERT_TRUE(::mkdtemp(dir.data()));
  std::string script = dir + "/not-executable";
  std::ofstream(script) << "#!/bin/sh\nexit 0\n";
  ::chmod(script.c_str(), 0644);
  auto e2 = start({script});
  ASSERT_TRUE(e2);
  EXPECT_EQ(e2->err, EACCES);
  EXPECT_EQ(e2->message, "permission denied: " + script);

  SubprocessOptions opts;
  opts.spawn.working_dir = dir + "/missing";
  auto e3 = start({kChild, "exit", "0"}, opts);
  ASSERT_TRUE(e3);
  EXPECT_EQ(e3->message, "cannot run '" + kChild + "': working directory does not exist: " + dir + "/missing");
  std::filesystem::remove_all(dir);
}

TEST_F(SubprocessTest, AMissingInterpreterIsNamedNotTakenForAMissingFile) {
  // execve says ENOENT for an existing script whose #! interpreter is
  // missing: "no such file: ./bad.sh" would send the user looking for the
  // wrong file.
  std::string dir = ::testing::TempDir() + "sluice_interp_XXXXXX";
  ASSERT_TRUE(::mkdtemp(dir.data()));
  std::ofstream(dir + "/bad.sh") << "#!/no/such/interp -e\nexit 0\n";
  ::chmod((dir + "/bad.sh").c_str(), 0755);
  auto direct = start({dir + "/bad.sh"});
  ASSERT_TRUE(direct);
  EXPECT_EQ(direct->err, ENOENT);
  EXPECT_EQ(direct->message, "bad interpreter: " + dir + "/bad.sh: /no/such/interp not found");

  // Relative to the child's working directory, as it ran.
  SubprocessOptions in_dir;
  in_dir.spawn.working_dir = dir;
  auto relative = start({"./bad.sh"}, in_dir);
  ASSERT_TRUE(relative);
  EXPECT_EQ(relative->message, "bad interpreter: ./bad.sh: /no/such/interp not found");

  // Found on the PATH: the path it was found at.
  SubprocessOptions on_path;
  on_path.spawn.env = {"PATH=/nonexistent:" + dir};
  auto looked_up = start({"bad.sh"}, on_path);
  ASSERT_TRUE(looked_up);
  EXPECT_EQ(looked_up->message, "bad interpreter: " + dir + "/bad.sh: /no/such/interp not found");

  auto missing = start({dir + "/no-such-file"});
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->message, "no such file: " + dir + "/no-such-file");
  std::filesystem::remove_all(dir);
}

TEST_F(SubprocessTest, AMissingElfLoaderIsNamed) {
  // The same trap for a binary built for another libc: its PT_INTERP is
  // missing. Made here from a copy of /bin/true with its loader renamed.
  std::ifstream in("/bin/true", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto at = bytes.find("/lib64/ld-linux");
  if (at == std::string::npos) GTEST_SKIP() << "/bin/true has no /lib64 loader here";
  bytes.replace(at, 6, "/nolib");
  std::string loader = bytes.substr(at, bytes.find('\0', at) - at);
  std::string dir = ::testing::TempDir() + "sluice_elf_XXXXXX";
  ASSERT_TRUE(::mkdtemp(dir.data()));
  std::string bin = dir + "/foreign";
  std::ofstream(bin, std::ios::binary) << bytes;
  ::chmod(bin.c_str(), 0755);
  auto e = start({bin});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->message, "bad ELF interpreter: " + bin + ": " + loader + " not found");
  std::filesystem::remove_all(dir);
}

TEST_F(SubprocessTest, LooksTheCommandUpInTheChildsPath) {
  std::string dir = ::testing::TempDir() + "sluice_path_XXXXXX";
  ASSERT_TRUE(::mkdtemp(dir.data()));
  std::string name = "sluice-test-child-in-child-path";
  std::filesystem::create_symlink(kChild, dir + "/" + name);
  SubprocessOptions opts;
  opts.spawn.env = {"PATH=/nonexistent:" + dir, "GREETING=hi"};
  ASSERT_FALSE(start({name, "print-env", "GREETING"}, opts));
  ASSERT_TRUE(wait_finished());
  EXPECT_EQ(status_->exit_code, 0);
  EXPECT_EQ(out_, "hi");
  std::filesystem::remove_all(dir);
}

TEST_F(SubprocessTest, RunsInTheWorkingDirectory) {
  SubprocessOptions opts;
  opts.spawn.working_dir = "/tmp";
  ASSERT_FALSE(start({kChild, "pwd"}, opts));
  ASSERT_TRUE(wait_finished());
  EXPECT_EQ(out_, "/tmp");
}

TEST_F(SubprocessTest, CapturesLargeBinaryStdoutAndStderrExactly) {
  ASSERT_FALSE(start({kChild, "write", "10000000", "255"}));
  ASSERT_TRUE(wait_finished());
  EXPECT_EQ(out_.size(), 10000000u);
  EXPECT_EQ(out_.find_first_not_of('\xff'), std::string::npos);
  status_.reset();
  out_.clear();
  ASSERT_FALSE(start({kChild, "write", "3000000", "0", "err"}));
  ASSERT_TRUE(wait_finished());
  EXPECT_TRUE(out_.empty());
  EXPECT_EQ(err_, std::string(3000000, '\0'));
}

TEST_F(SubprocessTest, SplitsOutputIntoLinesFlushingThePartialLastOne) {
  LineSplitter split(8);
  std::string joined;
  int batches = 0;
  on_chunk_ = [&](std::string_view chunk) {
    split.feed(chunk, [&](std::string_view lines) {
      joined += lines;
      ++batches;
    });
  };
  ASSERT_FALSE(start({kChild, "print", "one\ntwo\nthis-is-long\nend"}));
  ASSERT_TRUE(wait_finished());
  split.finish([&](std::string_view lines) { joined += lines; });
  EXPECT_EQ(joined, "one\ntwo\nthis-is-\nlong\nend");
}

TEST_F(SubprocessTest, PausedReadingStopsReadsUntilResumed) {
  bool paused = false;
  std::size_t at_pause = 0;
  on_chunk_ = [&](std::string_view) {
    if (!paused) {
      proc_->pause_reading();
      paused = true;
      at_pause = out_.size();
    }
  };
  ASSERT_FALSE(start({kChild, "write", "10000000", "65"}));
  // The child must end up blocked writing into the full pipe, having written
  // far less than it wants, while we read nothing more.
  ASSERT_TRUE(run_until(loop_, [&] {
    return paused && testing::wchan(proc_->pid()).find("pipe_write") != std::string::npos;
  }));
  EXPECT_EQ(out_.size(), at_pause);
  EXPECT_FALSE(status_);
  proc_->resume_reading();
  ASSERT_TRUE(wait_finished());
  EXPECT_EQ(out_.size(), 10000000u);
}

TEST_F(SubprocessTest, ExitWhilePausedKeepsTheOutputUntilResumed) {
  SubprocessOptions opts;
  opts.drain_grace = 10s;  // the grace must not be what ends the wait here
  ASSERT_FALSE(start({kChild, "print", "kept"}, opts));
  proc_->pause_reading();
  ASSERT_TRUE(run_until(loop_, [&] { return proc_->exited(); }));
  EXPECT_FALSE(status_);
  EXPECT_TRUE(out_.empty());
  proc_->resume_reading();
  ASSERT_TRUE(wait_finished());
  EXPECT_EQ(out_, "kept");
}

// A consumer that stays behind must not hold up the end of a task with
// nothing left to read (a timeout's TERM to a quiet task under a stalled
// `--events -` reader): its end is reported without resuming.
TEST_F(SubprocessTest, ExitWhilePausedWithNothingUnreadFinishesWithoutResuming) {
  SubprocessOptions opts;
  opts.drain_grace = 60s;  // neither timer may be what ends the wait here
  opts.drain_cap = 60s;
  ASSERT_FALSE(start({kChild, "exit", "4"}, opts));
  proc_->pause_reading();
  ASSERT_TRUE(wait_finished());
  EXPECT_TRUE(proc_->paused());
  EXPECT_EQ(status_->exit_code, 4);
  EXPECT_TRUE(out_.empty());
}

TEST_F(SubprocessTest, EveryShortChildsOutputArrivesBeforeItsEnd) {
  // The EOFs and the exit come in separate wakeups or in one; either way
  // the output is complete when the end is reported.
  for (int i = 0; i < 50; ++i) {
    status_.reset();
    out_.clear();
    err_.clear();
    ASSERT_FALSE(start({"/bin/sh", "-c", "printf out; printf err >&2; exit 3"}));
    ASSERT_TRUE(wait_finished());
    EXPECT_EQ(status_->exit_code, 3);
    EXPECT_EQ(out_, "out");
    EXPECT_EQ(err_, "err");
  }
}

TEST_F(SubprocessTest, ClosingItsOutputEarlyDoesNotEndTheTask) {
  ASSERT_FALSE(start({"/bin/sh", "-c", "echo before; exec >&- 2>&-; sleep 0.3; exit 5"}));
  ASSERT_TRUE(wait_finished());
  EXPECT_EQ(status_->exit_code, 5);
  EXPECT_EQ(out_, "before\n");
}

TEST_F(SubprocessTest, ChildKeepsIgnoredSignalsIgnoredButGetsSigpipeAtItsDefault) {
  // An ignored signal survives exec, and POSIX tools rely on it (nohup's
  // SIGHUP, a background job's SIGINT): the child keeps it. SIGPIPE is
  // ignored by sluice itself (the guards): reset unless the caller had too.
  // What this process inherited as ignored stays so; SIGPIPE and SIGCHLD
  // are reset.
  auto bit = [](int sig) { return std::uint64_t{1} << (sig - 1); };
  std::ifstream own("/proc/self/status");
  const std::string status((std::istreambuf_iterator<char>(own)), std::istreambuf_iterator<char>());
  const auto own_at = status.find("SigIgn:\t");
  ASSERT_NE(own_at, std::string::npos);
  // Signals 1-31 only: glibc keeps 32 and 33 for itself.
  constexpr std::uint64_t kStandard = (std::uint64_t{1} << 31) - 1;
  const std::uint64_t inherited = std::stoull(status.substr(own_at + 8, 16), nullptr, 16) &
                                  ~(bit(SIGPIPE) | bit(SIGCHLD)) & kStandard;
  struct sigaction ignore {}, usr1_before {}, int_before {};
  ignore.sa_handler = SIG_IGN;
  ASSERT_EQ(::sigaction(SIGUSR1, &ignore, &usr1_before), 0);
  ASSERT_EQ(::sigaction(SIGINT, &ignore, &int_before), 0);
  auto ignored_in_child = [&](std::uint64_t reset) {
    SubprocessOptions opts;
    opts.spawn.reset_signals = reset;
    out_.clear();
    status_.reset();
    EXPECT_FALSE(start({"/bin/cat", "/proc/self/status"}, opts));
    EXPECT_TRUE(wait_finished());
    auto at = out_.find("SigIgn:\t");
    EXPECT_NE(at, std::string::npos) << out_;
    return at == std::string::npos ? 0
                                   : std::stoull(out_.substr(at + 8, 16), nullptr, 16) & kStandard;
  };
  std::uint64_t plain = ignored_in_child(signals_to_reset());
  std::uint64_t pipe_kept = ignored_in_child(signals_to_reset(true));
  ::sigaction(SIGUSR1, &usr1_before, nullptr);
  ::sigaction(SIGINT, &int_before, nullptr);
  EXPECT_EQ(plain, inherited | bit(SIGUSR1) | bit(SIGINT)) << std::hex << plain;
  EXPECT_EQ(pipe_kept, inherited | bit(SIGUSR1) | bit(SIGINT) | bit(SIGPIPE)) << std::hex << pipe_kept;
  std::uint64_t reset = signals_to_reset();
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGTSTP, SIGCONT, SIGCHLD, SIGPIPE})
    EXPECT_TRUE(reset & bit(sig)) << "sluice may catch signal " << sig << " later";
}

TEST_F(SubprocessTest, ChildSeesOnlyFdsZeroToTwo) {
  int null = ::open("/dev/null", O_RDONLY);  // not CLOEXEC: a stray inherited fd
  ASSERT_EQ(::dup2(null, 100), 100);
  ::close(null);
  ASSERT_FALSE(start({kChild, "list-fds"}));
  ASSERT_TRUE(wait_finished());
  ::close(100);
  EXPECT_EQ(out_, "0\n1\n2\n");
}

TEST_F(SubprocessTest, TerminateKillsTheWholeGroupIncludingTheGrandchild) {
  ASSERT_FALSE(start({kChild, "fork-grandchild", "free", "wait"}));
  ASSERT_TRUE(wait_output("ready\n"));
  int grandchild = std::stoi(out_);
  ASSERT_TRUE(alive(grandchild));
  proc_->terminate();
  ASSERT_TRUE(wait_finished());
  EXPECT_EQ(status_->signal, SIGTERM);
  ASSERT_TRUE(run_until(loop_, [&] { return !alive(grandchild); }));
}

TEST_F(SubprocessTest, ATermIgnoringChildNeedsKill) {
  ASSERT_FALSE(start({kChild, "ignore-term"}));
  ASSERT_TRUE(wait_output("ready\n"));
  proc_->terminate();
  testing::run_for(loop_, 300ms);
  EXPECT_FALSE(status_) << "SIGTERM should have been ignored";
  proc_->kill();
  ASSERT_TRUE(wait_finished());
  EXPECT_EQ(status_->signal, SIGKILL);
}

TEST_F(SubprocessTest, AGrandchildHoldingThePipeDoesNotHangTheEnd) {
  SubprocessOptions opts;
  opts.drain_grace = 100ms;
  ASSERT_FALSE(start({kChild, "fork-grandchild", "hold"}, opts));
  ASSERT_TRUE(wait_finished(5s));
  EXPECT_EQ(status_->exit_code, 0);
  int grandchild = std::stoi(out_);
  ASSERT_TRUE(run_until(loop_, [&] { return !alive(grandchild) && supervisor_->pending() == 0; }));
}

TEST_F(SubprocessTest, ASetsidEscapeeIsFoundAndKilledWhenTheTaskEnds) {
  ASSERT_TRUE(supervisor_->subreaper());
  ASSERT_FALSE(start({kChild, "setsid-escape"}));
  ASSERT_TRUE(wait_finished());
  int escapee = std::stoi(out_);
  // Reaped by pid by the supervisor: gone from /proc, not just a zombie.
  ASSERT_TRUE(run_until(loop_, [&] {
    return testing::proc_state(escapee) == 0 && supervisor_->pending() == 0;
  }));
}

/// Turns PR_SET_CHILD_SUBREAPER off for one test (the fixture's guards set
/// it for the whole process), as for an embedder that never called
/// install_process_guards().
class SubreaperOff {
 public:
  SubreaperOff() {
    int flag = 0;
    ::prctl(PR_GET_CHILD_SUBREAPER, &flag, 0, 0, 0);
    was_ = flag != 0;
    ::prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
  }
  ~SubreaperOff() { ::prctl(PR_SET_CHILD_SUBREAPER, was_ ? 1 : 0, 0, 0, 0); }

 private:
  bool was_ = false;
};

bool environ_holds(int pid, const std::string& text) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
  std::string env((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return env.find(text) != std::string::npos;
}

TEST_F(SubprocessTest, WithoutTheSubreaperASetsidEscapeeDiesWhenTheRunEnds) {
  SubreaperOff off;
  supervisor_ = std::make_unique<ProcessSupervisor>(loop_);
  ASSERT_FALSE(supervisor_->subreaper());
  ASSERT_FALSE(start({kChild, "setsid-escape"}));
  ASSERT_TRUE(wait_finished());
  int escapee = std::stoi(out_);
  std::string token = std::string(ProcessSupervisor::kTokenVariable) + "=" + supervisor_->token_prefix();
  // The premise: the task's end could not reach it (another session, not
  // our child), and it carries the run's token.
  ASSERT_TRUE(alive(escapee));
  ASSERT_TRUE(environ_holds(escapee, token));
  proc_.reset();
  supervisor_.reset();  // the run ends
  // Not our child: init reaps it, slowly here; a zombie is dead enough.
  EXPECT_TRUE(run_until(loop_, [&] { return !alive(escapee); }))
      << "escapee " << escapee << " state " << testing::proc_state(escapee);
}

TEST_F(SubprocessTest, DestroyingARunningSubprocessKillsAndReapsIt) {
  ASSERT_FALSE(start({kChild, "print-ready"}));
  ASSERT_TRUE(wait_output("ready\n"));
  int pid = proc_->pid();
  proc_.reset();
  EXPECT_EQ(testing::proc_state(pid), 0);
}

TEST_F(SubprocessTest, ChildrenDieWithTheirParentOnSigkill) {
  // A stand-in for sluice: a forked process that spawns a sleeper with the
  // runtime's spawner and reports its pid, then waits to be SIGKILLed.
  int report[2];
  ASSERT_EQ(::pipe(report), 0);
  pid_t fake_sluice = ::fork();
  if (fake_sluice == 0) {
    SpawnRequest req;
    req.argv = {kChild, "print-ready"};
    auto r = spawn_child(req);
    int pid = std::holds_alternative<SpawnedChild>(r) ? std::get<SpawnedChild>(r).pid : -1;
    (void)!::write(report[1], &pid, sizeof pid);
    for (;;) ::pause();
  }
  ::close(report[1]);
  int sleeper = -1;
  ASSERT_EQ(::read(report[0], &sleeper, sizeof sleeper), static_cast<ssize_t>(sizeof sleeper));
  ::close(report[0]);
  ASSERT_GT(sleeper, 0);
  ::kill(fake_sluice, SIGKILL);
  ::waitpid(fake_sluice, nullptr, 0);
  // Re-parented to us (subreaper) and killed by its parent-death signal.
  ASSERT_TRUE(run_until(loop_, [&] { return !alive(sleeper); }));
  ::waitpid(sleeper, nullptr, 0);
}

TEST_F(SubprocessTest, SpawnsFromABigParent) {
  constexpr std::size_t kBallast = 256u << 20;
  std::unique_ptr<char[]> ballast(new char[kBallast]);
  std::memset(ballast.get(), 1, kBallast);
  for (int i = 0; i < 20; ++i) {
    status_.reset();
    ASSERT_FALSE(start({kChild, "exit", "0"}));
    ASSERT_TRUE(wait_finished());
    EXPECT_EQ(status_->exit_code, 0);
  }
  EXPECT_EQ(ballast[kBallast - 1], 1);
}

}  // namespace
}  // namespace sluice::detail
