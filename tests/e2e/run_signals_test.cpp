// End-to-end tests of `sluice run` as a Unix process among others: job
// control (Ctrl-Z and fg reach the tasks, which live in process groups of
// their own), signal dispositions inherited from the caller (nohup, a
// shell's background job), closed stdio fds, and the peak memory it reports
// for its children. sluice is started here by fork + exec, so the test can
// give it what a shell would: its own process group, ignored signals, a
// closed fd 0, 1 or 2.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "e2e/e2e_support.hpp"

namespace {

namespace fs = std::filesystem;
using sluice::e2e::CliResult;
using sluice::e2e::CliTest;
using sluice::e2e::expect_complete;
using sluice::e2e::json;
using sluice::e2e::RunningCli;
using sluice::e2e::slurp;
using sluice::e2e::wait_until;

/// How the test starts sluice, as a shell or nohup would.
struct Launch {
  std::vector<std::string> args;
  bool own_group = false;        ///< setpgid(0, 0), as a job-control shell does for a job
  std::vector<int> ignored;      ///< SIG_IGN at exec (nohup: SIGHUP; sh's `cmd &`: SIGINT)
  std::vector<int> closed;       ///< fds of 0-2 closed at exec (`1>&-`)
  std::vector<std::string> env;  ///< added to the test's environment
};

/// The process state letter from /proc/PID/stat, or 0 when it is gone.
char proc_state(pid_t pid) {
  std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
  auto paren = stat.rfind(')');
  return paren == std::string::npos || paren + 2 >= stat.size() ? 0 : stat[paren + 2];
}

/// A "SigIgn:"/"SigCgt:"-style mask line of /proc status text, decoded.
std::uint64_t status_mask(const std::string& status, const std::string& key) {
  auto at = status.find(key + ":\t");
  if (at == std::string::npos) {
    ADD_FAILURE() << "no " << key << " in:\n" << status;
    return 0;
  }
  return std::stoull(status.substr(at + key.size() + 2, 16), nullptr, 16);
}

constexpr std::uint64_t bit(int sig) { return std::uint64_t{1} << (sig - 1); }

/// Signals 1-31: glibc keeps 32 and 33 for itself (a harness may ignore
/// them, and glibc may install its own handler on 33), so they are no test's.
constexpr std::uint64_t kStandard = (std::uint64_t{1} << 31) - 1;

/// What this test process inherited as ignored: sluice and its tasks
/// inherit it too, less SIGCHLD, which a task always gets at its default.
std::uint64_t inherited_ignored() {
  std::ifstream in("/proc/self/status");
  std::string status((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return status_mask(status, "SigIgn") & ~bit(SIGCHLD) & kStandard;
}

class RunSignals : public CliTest {
 protected:
  std::unique_ptr<RunningCli> launch(const Launch& l) {
    std::vector<std::string> argv_s{SLUICE_CLI};
    argv_s.insert(argv_s.end(), l.args.begin(), l.args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_s;
    for (char** e = environ; *e; ++e) env_s.emplace_back(*e);
    env_s.insert(env_s.end(), l.env.begin(), l.env.end());
    std::vector<char*> envp;
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);
    ++runs_;
    std::string out = (dir_ / (".out" + std::to_string(runs_))).string();
    std::string err = (dir_ / (".err" + std::to_string(runs_))).string();
    std::string dir = dir_.string();
    // Only async-signal-safe calls between fork and exec.
    pid_t pid = ::fork();
    if (pid == 0) {
      if (l.own_group) ::setpgid(0, 0);
      struct sigaction act {};
      for (int sig = 1; sig < NSIG; ++sig) {
        act.sa_handler = SIG_DFL;
        for (int ign : l.ignored)
          if (ign == sig) act.sa_handler = SIG_IGN;
        ::sigaction(sig, &act, nullptr);
      }
      sigset_t none;
      sigemptyset(&none);
      ::sigprocmask(SIG_SETMASK, &none, nullptr);
      if (::chdir(dir.c_str()) != 0) ::_exit(126);
      int in = ::open("/dev/null", O_RDONLY);
      int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (in < 0 || o < 0 || e < 0) ::_exit(126);
      ::dup2(in, 0);
      ::dup2(o, 1);
      ::dup2(e, 2);
      for (int fd : {in, o, e})
        if (fd > 2) ::close(fd);
      for (int fd : l.closed) ::close(fd);
      ::execve(SLUICE_CLI, argv.data(), envp.data());
      ::_exit(127);
    }
    EXPECT_GT(pid, 0) << "fork";
    if (pid > 0 && l.own_group) ::setpgid(pid, pid);  // either side may win the race
    return std::make_unique<RunningCli>(pid, out, err);
  }

  /// Waits for sluice to end; at the deadline, describes what it and its
  /// children were doing before RunningCli kills it.
  CliResult finish(RunningCli& cli) {
    bool ended = wait_until([&] { return proc_state(cli.pid()) == 'Z'; });
    if (!ended) {
      std::string what = "sluice " + std::to_string(cli.pid()) + " state " + proc_state(cli.pid());
      std::string kids = slurp("/proc/" + std::to_string(cli.pid()) + "/task/" +
                               std::to_string(cli.pid()) + "/children");
      for (size_t pos = 0; pos < kids.size();) {
        size_t sp = kids.find(' ', pos);
        std::string k = kids.substr(pos, sp - pos);
        if (!k.empty()) what += "; child " + k + " state " + proc_state(std::stoi(k));
        pos = sp == std::string::npos ? kids.size() : sp + 1;
      }
      ADD_FAILURE() << "sluice hung: " << what;
    }
    return cli.wait(std::chrono::milliseconds(ended ? 5000 : 1));
  }

  /// A pipeline of `n` tasks that each run `cmd` (a YAML flow list).
  void write_many(int n, const std::string& cmd) {
    std::string yaml = "tasks:\n";
    for (int i = 0; i < n; ++i) yaml += "  t" + std::to_string(i) + ": {cmd: " + cmd + "}\n";
    write("sluice.yaml", yaml);
  }
};

// Ctrl-Z then fg, twenty times in a row, while 600 short tasks spawn. Each
// SIGTSTP to sluice's group also reaches a spawn's pre-exec child that has
// not left the group yet: it used to stop in its own new group (where fg's
// SIGCONT never goes) with sluice waiting for its exec: a hang.
TEST_F(RunSignals, CtrlZAndFgStormDuringSpawnsEndsWithEveryTaskDone) {
  write_many(600, "[/bin/true]");
  Launch job;
  job.args = {"run", "-j2", "-q", "--output", "quiet", "--events", "events.jsonl"};
  job.own_group = true;
  auto cli = launch(job);
  ASSERT_TRUE(wait_event(is("task_started", "t0")));
  for (int i = 0; i < 20; ++i) {
    // Pacing the stimulus, not synchronising: the point is signals that land
    // at arbitrary moments of the spawns.
    ::kill(-cli->pid(), SIGTSTP);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    ::kill(-cli->pid(), SIGCONT);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CliResult r = finish(*cli);
  EXPECT_EQ(r.code, 0) << r.err;
  auto ev = events();
  ASSERT_FALSE(ev.of_type("run_finished").empty());
  EXPECT_EQ(ev.all.back()["succeeded"], 600) << ev.all.back().dump();
}

// make's children share its process group, so Ctrl-Z stops them with it and
// fg continues them. sluice's tasks have groups of their own: sluice must
// pass both on, to the task's whole group (a grandchild too).
TEST_F(RunSignals, CtrlZStopsEveryTaskGroupAndFgContinuesThem) {
  write("sluice.yaml", R"Y(tasks:
  a: {cmd: [@CHILD@, wait-file, go]}
  b: {run: "@CHILD@ wait-file go"}
)Y");
  Launch job;
  job.args = {"run", "-j2", "--events", "events.jsonl"};
  job.own_group = true;
  auto cli = launch(job);
  auto a = wait_event(is("task_started", "a"));
  auto b = wait_event(is("task_started", "b"));
  ASSERT_TRUE(a && b);
  pid_t pa = (*a)["pid"].get<pid_t>();
  pid_t pb = (*b)["pid"].get<pid_t>();  // sh; its child test_child waits
  // b's grandchild: the test child under sh, in the same group.
  pid_t gb = 0;
  ASSERT_TRUE(wait_until([&] {
    std::string kids = slurp("/proc/" + std::to_string(pb) + "/task/" + std::to_string(pb) + "/children");
    if (!kids.empty()) gb = std::stoi(kids);
    return gb > 0;
  }));
  ::kill(-cli->pid(), SIGTSTP);
  bool stopped = wait_until([&] {
    return proc_state(cli->pid()) == 'T' && proc_state(pa) == 'T' && proc_state(gb) == 'T';
  });
  EXPECT_TRUE(stopped) << "sluice " << proc_state(cli->pid()) << ", a " << proc_state(pa)
                       << ", b's child " << proc_state(gb);
  ::kill(-cli->pid(), SIGCONT);
  bool running = wait_until([&] {
    for (pid_t p : {cli->pid(), pa, gb})
      if (proc_state(p) == 'T') return false;
    return true;
  });
  EXPECT_TRUE(running) << "sluice " << proc_state(cli->pid()) << ", a " << proc_state(pa)
                       << ", b's child " << proc_state(gb);
  write("go", "");
  CliResult r = finish(*cli);
  EXPECT_EQ(r.code, 0) << r.err;
  auto ev = events();
  expect_complete(ev, {"a", "b"});
  EXPECT_EQ(ev.finished("a")["status"], "succeeded");
  EXPECT_EQ(ev.finished("b")["status"], "succeeded");
}

// `nohup sluice run &` must survive the hangup, as `nohup make &` does, and a
// shell's background job (SIGINT ignored) must not die of Ctrl-C: a signal
// ignored when sluice starts is not watched, so it stays ignored.
class IgnoredAtStart : public RunSignals, public ::testing::WithParamInterface<int> {};

TEST_P(IgnoredAtStart, DoesNotCancelTheRun) {
  int sig = GetParam();
  write("sluice.yaml", R"Y(tasks:
  long: {cmd: [@CHILD@, wait-file, go]}
)Y");
  Launch job;
  job.args = {"run", "--events", "events.jsonl"};
  job.ignored = {sig};
  auto cli = launch(job);
  ASSERT_TRUE(wait_event(is("task_started", "long")));
  // Watching it would install a handler: then the kill below would cancel.
  std::string status = slurp("/proc/" + std::to_string(cli->pid()) + "/status");
  EXPECT_TRUE(status_mask(status, "SigIgn") & bit(sig)) << status;
  EXPECT_FALSE(status_mask(status, "SigCgt") & bit(sig)) << status;
  cli->signal(sig);  // discarded at once when ignored
  write("go", "");
  CliResult r = finish(*cli);
  EXPECT_EQ(r.code, 0) << r.err;
  auto ev = events();
  expect_complete(ev, {"long"});
  EXPECT_EQ(ev.finished("long")["status"], "succeeded");
  EXPECT_EQ(ev.all.back()["status"], "succeeded");
}

INSTANTIATE_TEST_SUITE_P(Signals, IgnoredAtStart, ::testing::Values(SIGHUP, SIGINT),
                         [](const ::testing::TestParamInfo<int>& p) {
                           return std::string(p.param == SIGHUP ? "Sighup" : "Sigint");
                         });

/// The SigIgn mask a task's process starts with, as it prints it.
std::uint64_t child_sigign(const sluice::e2e::Events& ev, const std::string& task) {
  auto lines = ev.output_lines(task);
  if (lines.size() != 1) {
    ADD_FAILURE() << task << " printed " << lines.size() << " lines";
    return 0;
  }
  return status_mask(lines[0] + "\n", "SigIgn") & kStandard;
}

// POSIX tools keep ignored signals ignored across exec (sh, make, nohup rely
// on it): under nohup a task must not die of the hangup either. SIGPIPE,
// ignored by the caller too here, stays ignored although sluice ignores it
// for itself in any case.
TEST_F(RunSignals, ChildKeepsTheSignalsSluiceInheritedIgnored) {
  write("sluice.yaml", R"Y(tasks:
  status: {cmd: [grep, SigIgn, /proc/self/status]}
)Y");
  Launch job;
  job.args = {"run", "--events", "events.jsonl"};
  job.ignored = {SIGHUP, SIGPIPE};
  auto r = finish(*launch(job));
  ASSERT_EQ(r.code, 0) << r.err;
  std::uint64_t ign = child_sigign(events(), "status");
  EXPECT_EQ(ign, inherited_ignored() | bit(SIGHUP) | bit(SIGPIPE)) << std::hex << ign;
}

// What sluice itself catches or ignores is its own business: a child starts
// with every signal at its default (SIGPIPE too, so `yes | head` ends).
TEST_F(RunSignals, ChildStartsWithDefaultsWhenNothingWasIgnored) {
  write("sluice.yaml", R"Y(tasks:
  status: {cmd: [grep, SigIgn, /proc/self/status]}
  shell: {run: "grep SigIgn /proc/self/status"}
)Y");
  Launch job;
  job.args = {"run", "--events", "events.jsonl"};
  auto r = finish(*launch(job));
  ASSERT_EQ(r.code, 0) << r.err;
  auto ev = events();
  EXPECT_EQ(child_sigign(ev, "status"), inherited_ignored());
  EXPECT_EQ(child_sigign(ev, "shell"), inherited_ignored());
}

// `sluice run 1>&-` and the like: the first files sluice opened took the
// closed numbers, and libuv aborted ("uv__close: Assertion 'fd >
// STDERR_FILENO' failed"), leaving its temporary directory behind.
struct ClosedStdio {
  const char* name;
  int fd;
  std::vector<std::string> extra_args;
};

void PrintTo(const ClosedStdio& c, std::ostream* os) { *os << c.name; }

class ClosedStdioTest : public RunSignals, public ::testing::WithParamInterface<ClosedStdio> {};

TEST_P(ClosedStdioTest, RunsToTheEndAndLeavesNothing) {
  write("sluice.yaml", R"Y(tasks:
  a: {cmd: [@CHILD@, touch, a.ran]}
  b: {run: "echo hello; @CHILD@ touch b.ran", needs: [a]}
)Y");
  fs::create_directories(dir_ / "tmp");
  Launch job;
  job.args = {"run", "--events", "events.jsonl"};
  job.args.insert(job.args.end(), GetParam().extra_args.begin(), GetParam().extra_args.end());
  job.closed = {GetParam().fd};
  job.env = {"TMPDIR=" + (dir_ / "tmp").string()};
  CliResult r = finish(*launch(job));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir_ / "a.ran"));
  EXPECT_TRUE(fs::exists(dir_ / "b.ran"));
  auto ev = events();
  expect_complete(ev, {"a", "b"});
  EXPECT_EQ(ev.output_lines("b"), std::vector<std::string>{"hello"});
  EXPECT_TRUE(fs::is_empty(dir_ / "tmp")) << "sluice left its temporary directory";
}

INSTANTIATE_TEST_SUITE_P(
    Fds, ClosedStdioTest,
    ::testing::Values(ClosedStdio{"Stdout", 1, {}}, ClosedStdio{"Stderr", 2, {}},
                      ClosedStdio{"StdinQuiet", 0, {"-q"}}),
    [](const ::testing::TestParamInfo<ClosedStdio>& p) { return std::string(p.param.name); });

// max_rss_kb is the task's, not sluice's: a spawn shares sluice's memory, and
// the kernel's exec carries that memory's peak into the child's ru_maxrss,
// so /bin/true in a 20,000-task file "used" what sluice needed to load it.
TEST_F(RunSignals, MaxRssOfATrueInABigFileIsLeftOutNotSluices) {
  std::string yaml = "tasks:\n  small: {cmd: [/bin/true]}\n";
  for (int i = 0; i < 20000; ++i)
    yaml += "  pad" + std::to_string(i) + ": {cmd: [/bin/true, \"" + std::string(64, 'x') + "\"]}\n";
  write("sluice.yaml", yaml);
  Launch job;
  job.args = {"run", "-q", "--output", "quiet", "--events", "events.jsonl", "small"};
  CliResult r = finish(*launch(job));
  ASSERT_EQ(r.code, 0) << r.err;
  auto ev = events();
  expect_complete(ev, {"small"});
  json small = ev.finished("small");
  if (small.contains("max_rss_kb")) {
    EXPECT_LT(small["max_rss_kb"].get<int>(), 4096) << small.dump();
  }
  EXPECT_TRUE(small.contains("cpu_ms")) << small.dump();
}

TEST_F(RunSignals, MaxRssOfATaskBiggerThanSluiceIsItsOwn) {
  write("sluice.yaml", R"Y(tasks:
  big: {cmd: [@CHILD@, alloc, "64"]}
)Y");
  Launch job;
  job.args = {"run", "-q", "--output", "quiet", "--events", "events.jsonl"};
  CliResult r = finish(*launch(job));
  ASSERT_EQ(r.code, 0) << r.err;
  auto ev = events();
  expect_complete(ev, {"big"});
  EXPECT_GE(ev.finished("big").value("max_rss_kb", 0), 64 * 1024) << ev.finished("big").dump();
}

}  // namespace
