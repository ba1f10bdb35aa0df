#include "runtime/watchdog.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#include "runtime/raw_syscall.hpp"
#include "runtime/spawn.hpp"
#include "unit/runtime/test_support.hpp"

namespace sluice::detail {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::alive;

const std::string kChild = SLUICE_TEST_CHILD;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

/// Polls `done` until it holds or `limit` passes (the condition, not the
/// pause, is the synchronisation).
bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds limit = 10s) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

std::uint64_t ignored_signals(int pid) {
  std::string status = slurp("/proc/" + std::to_string(pid) + "/status");
  auto at = status.find("SigIgn:\t");
  return at == std::string::npos ? 0 : std::stoull(status.substr(at + 8, 16), nullptr, 16);
}

constexpr std::uint64_t bit(int sig) { return std::uint64_t{1} << (sig - 1); }

class WatchdogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!kRawSyscalls) GTEST_SKIP() << "no watchdog on this architecture";
    testing::install_guards_once();  // orphans come back to us: reap them
    dir_ = fs::temp_directory_path() / ("sluice_watchdog_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(WatchdogTest, ItLeavesSluicesSessionIgnoresTerminalSignalsAndHoldsOnlyItsSocket) {
  std::string error;
  auto w = Watchdog::start("1.2.", error);
  ASSERT_TRUE(w) << error;
  const int pid = w->pid();
  const std::uint64_t terminal = bit(SIGINT) | bit(SIGQUIT) | bit(SIGTERM) | bit(SIGHUP) | bit(SIGTSTP) |
                                 bit(SIGTTIN) | bit(SIGTTOU) | bit(SIGPIPE);
  ASSERT_TRUE(wait_until([&] {
    return (ignored_signals(pid) & terminal) == terminal &&
           std::distance(fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd"),
                         fs::directory_iterator{}) == 1;
  })) << slurp("/proc/" + std::to_string(pid) + "/status");
  EXPECT_EQ(::getsid(pid), pid);
  EXPECT_EQ(slurp("/proc/" + std::to_string(pid) + "/comm"), "sluice-watchdog\n");
  EXPECT_EQ(fs::read_symlink("/proc/" + std::to_string(pid) + "/cwd"), "/");
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGTSTP, SIGQUIT}) ::kill(pid, sig);
  EXPECT_TRUE(alive(pid));
  EXPECT_NE(testing::proc_state(pid), 'T');
  w.reset();
  EXPECT_EQ(testing::proc_state(pid), 0) << "reaped at goodbye, no zombie";
}

// A goodbye is the end: the recorded groups and the directory are left as
// they are (the run cleaned up itself).
TEST_F(WatchdogTest, AfterAGoodbyeItTouchesNothing) {
  std::string error;
  auto w = Watchdog::start("1.2.", error);
  ASSERT_TRUE(w) << error;
  SpawnRequest req;
  req.argv = {kChild, "print-ready"};
  auto r = spawn_child(req);
  ASSERT_TRUE(std::holds_alternative<SpawnedChild>(r));
  int child = std::get<SpawnedChild>(r).pid;
  w->add_group(child);
  ASSERT_TRUE(w->set_temp_dir(dir_.string()));
  w.reset();
  EXPECT_TRUE(alive(child));
  EXPECT_TRUE(fs::exists(dir_));
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
}

// A child forked without exec holds a copy of sluice's end, so the close
// alone brings no EOF: the goodbye byte still ends the watchdog.
TEST_F(WatchdogTest, AGoodbyeReachesItWhileAForkedChildHoldsSluicesEnd) {
  std::string error;
  auto w = Watchdog::start("1.2.", error);
  ASSERT_TRUE(w) << error;
  const int pid = w->pid();
  pid_t holder = ::fork();
  if (holder == 0) {
    for (;;) ::pause();
  }
  std::atomic<bool> done{false};
  std::thread goodbye([&] {
    w.reset();
    done = true;
  });
  bool ended = wait_until([&] { return done.load(); });
  ::kill(holder, SIGKILL);  // frees a hung goodbye, so the test fails instead of hanging
  ::waitpid(holder, nullptr, 0);
  goodbye.join();
  EXPECT_TRUE(ended) << "the goodbye waited for the holder";
  EXPECT_EQ(testing::proc_state(pid), 0);
}

/// What a stand-in for sluice reports before it is killed.
struct Report {
  int watchdog = 0;
  int in_group = 0;  ///< a grandchild in a recorded group, no token
  int by_token = 0;  ///< a grandchild with the run's token, group not recorded
  int foreign = 0;   ///< a grandchild with another run's token
  int leaders[3] = {};
};

/// In the forked stand-in: a spawn-tree child in its own group; returns the
/// grandchild's pid (from its file) or 0.
int spawn_tree(const fs::path& file, const std::string& token_entry, Watchdog* record_group,
               int& leader) {
  SpawnRequest req;
  req.argv = {kChild, "spawn-tree", file.string()};
  req.env = {"PATH=/usr/bin:/bin"};
  if (!token_entry.empty()) req.env.push_back(token_entry);
  auto r = spawn_child(req);
  if (!std::holds_alternative<SpawnedChild>(r)) return 0;
  leader = std::get<SpawnedChild>(r).pid;
  if (record_group) record_group->add_group(leader);
  if (!wait_until([&] { return fs::exists(file); })) return 0;
  return std::stoi(slurp(file));
}

// The test process plays sluice's parent: it forks a stand-in for sluice that
// starts a watchdog and three task trees, then SIGKILLs it.
TEST_F(WatchdogTest, WhenSluiceDiesItKillsTheRunsProcessesAndRemovesItsDirectory) {
  fs::create_directories(dir_ / "run");
  std::ofstream(dir_ / "run" / "output-1") << "k=v\n";
  int report_pipe[2];
  ASSERT_EQ(::pipe(report_pipe), 0);
  pid_t fake = ::fork();
  if (fake == 0) {
    ::close(report_pipe[0]);
    Report rep;
    std::string prefix = std::to_string(::getpid()) + ".77.";
    std::string error;
    auto w = Watchdog::start(prefix, error);
    if (!w || !w->set_temp_dir((dir_ / "run").string())) ::_exit(3);
    rep.watchdog = w->pid();
    rep.in_group = spawn_tree(dir_ / "a.pid", "", w.get(), rep.leaders[0]);
    rep.by_token = spawn_tree(dir_ / "b.pid", "SLUICE_PROCESS_TOKEN=" + prefix + "1", nullptr, rep.leaders[1]);
    rep.foreign = spawn_tree(dir_ / "c.pid", "SLUICE_PROCESS_TOKEN=1.2.3", nullptr, rep.leaders[2]);
    (void)!::write(report_pipe[1], &rep, sizeof rep);
    for (;;) ::pause();
  }
  ::close(report_pipe[1]);
  Report rep;
  ASSERT_EQ(::read(report_pipe[0], &rep, sizeof rep), static_cast<ssize_t>(sizeof rep));
  ::close(report_pipe[0]);
  ASSERT_GT(rep.watchdog, 0);
  ASSERT_GT(rep.in_group, 0);
  ASSERT_GT(rep.by_token, 0);
  ASSERT_GT(rep.foreign, 0);
  for (int pid : {rep.watchdog, rep.in_group, rep.by_token, rep.foreign}) ASSERT_TRUE(alive(pid)) << pid;

  ::kill(fake, SIGKILL);
  ::waitpid(fake, nullptr, 0);
  EXPECT_TRUE(wait_until([&] { return !alive(rep.in_group) && !alive(rep.by_token); }))
      << "in group: " << testing::proc_state(rep.in_group) << ", by token: " << testing::proc_state(rep.by_token);
  EXPECT_TRUE(wait_until([&] { return !fs::exists(dir_ / "run"); }));
  EXPECT_TRUE(wait_until([&] { return !alive(rep.watchdog); })) << "it exits when done";
  EXPECT_TRUE(alive(rep.foreign)) << "another run's process is not ours";
  ::kill(rep.foreign, SIGKILL);
  // Orphans of the stand-in came back to us (subreaper): reap them by pid.
  for (int pid : {rep.watchdog, rep.in_group, rep.by_token, rep.foreign, rep.leaders[0],
                  rep.leaders[1], rep.leaders[2]})
    ::waitpid(pid, nullptr, 0);
}

}  // namespace
}  // namespace sluice::detail
