// End-to-end: a SIGKILL of sluice takes every process of every running task
// down, escapees included, and removes the run's temporary directory (the
// run's watchdog, runtime/watchdog.hpp). Before it, only a task's first
// process died (PR_SET_PDEATHSIG): a task's `sleep` under sh, setsid and
// double-fork escapees and a process with a cleared environment ran on, and
// each kill left a /tmp/sluice-run-* directory behind.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <set>
#include <string>
#include <vector>

#include "e2e/e2e_support.hpp"

namespace {

namespace fs = std::filesystem;
using sluice::e2e::CliTest;
using sluice::e2e::json;
using sluice::e2e::pid_alive;
using sluice::e2e::slurp;
using sluice::e2e::wait_until;

/// Live processes whose environment has an entry starting with `prefix`.
std::set<pid_t> live_pids_with_env_prefix(const std::string& prefix) {
  std::set<pid_t> out;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string env = std::string(1, '\0') + slurp(entry.path() / "environ");
    pid_t pid = std::stoi(name);
    if (env.find(std::string(1, '\0') + prefix) != std::string::npos && pid_alive(pid)) out.insert(pid);
  }
  return out;
}

/// sluice's children named `comm`.
std::vector<pid_t> children_named(pid_t parent, const std::string& comm) {
  std::vector<pid_t> out;
  std::string kids = slurp("/proc/" + std::to_string(parent) + "/task/" + std::to_string(parent) + "/children");
  size_t pos = 0;
  while (pos < kids.size()) {
    size_t sp = kids.find(' ', pos);
    if (sp == std::string::npos) sp = kids.size();
    std::string k = kids.substr(pos, sp - pos);
    pos = sp + 1;
    if (k.empty()) continue;
    pid_t pid = std::stoi(k);
    if (slurp("/proc/" + k + "/comm") == comm + "\n") out.push_back(pid);
  }
  return out;
}

class RunWatchdog : public CliTest {
 protected:
  /// The run's temporary directories go here, where the test can see them.
  void SetUp() override {
    CliTest::SetUp();
    fs::create_directories(dir_ / "tmp");
    fs::create_directories(dir_ / "pids");
    const char* old = ::getenv("TMPDIR");
    if (old) old_tmpdir_ = old;
    had_tmpdir_ = old != nullptr;
    ::setenv("TMPDIR", (dir_ / "tmp").c_str(), 1);
  }
  void TearDown() override {
    if (had_tmpdir_)
      ::setenv("TMPDIR", old_tmpdir_.c_str(), 1);
    else
      ::unsetenv("TMPDIR");
    CliTest::TearDown();
  }
  std::vector<std::string> temp_dirs() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_ / "tmp")) out.push_back(e.path().filename());
    return out;
  }

  std::string old_tmpdir_;
  bool had_tmpdir_ = false;
};

// Each task's last process writes its pid (atomically: the file appears
// whole) and becomes `sleep 100`.
TEST_F(RunWatchdog, SigkillOfSluiceTakesEveryProcessOfEveryTaskDownAndItsTempDir) {
  const std::string tail = R"('echo $$ > pids/NAME.tmp && mv pids/NAME.tmp pids/NAME && exec sleep 100')";
  auto last = [&](const std::string& name) {
    std::string t = tail;
    for (size_t p; (p = t.find("NAME")) != std::string::npos;) t.replace(p, 4, name);
    return t;
  };
  write("sluice.yaml",
        "tasks:\n"
        // A grandchild in the task's group: sh waits for it.
        "  grandchild: {run: \"sh -c " + last("grandchild") + "; echo x\"}\n"
        // Leaves the group and the session, stays sh's child.
        "  setsid: {run: \"setsid sh -c " + last("setsid") + " & wait\"}\n"
        // Double fork and setsid: an orphan, re-parented to sluice.
        "  double_fork: {run: \"(setsid sh -c " + last("double_fork") + " &); exec sleep 100\"}\n"
        // No environment, hence no token: only its group finds it.
        "  no_env: {run: \"env -i /bin/sh -c " + last("no_env") + "; echo x\"}\n");
  auto cli = start({"run", "-j4", "--events", "events.jsonl"});
  const std::vector<std::string> names{"grandchild", "setsid", "double_fork", "no_env"};
  ASSERT_TRUE(wait_until([&] {
    for (const auto& n : names)
      if (!fs::exists(dir_ / "pids" / n)) return false;
    return true;
  })) << slurp(dir_ / "events.jsonl");

  // Every process of the run: the task leaders, everything carrying the
  // run's token, and the token-less one.
  std::set<pid_t> tree = live_pids_with_env_prefix("SLUICE_PROCESS_TOKEN=" + std::to_string(cli->pid()) + ".");
  for (const auto& n : names) tree.insert(std::stoi(slurp(dir_ / "pids" / n)));
  for (const auto& e : events().of_type("task_started")) tree.insert(e["pid"].get<pid_t>());
  ASSERT_GE(tree.size(), 8u);  // 4 leaders + 4 last processes at least
  for (pid_t p : tree) ASSERT_TRUE(pid_alive(p)) << p;  // the premise
  std::vector<pid_t> watchdog = children_named(cli->pid(), "sluice-watchdog");
  ASSERT_EQ(watchdog.size(), 1u) << "one watchdog per run";
  EXPECT_EQ(::getsid(watchdog[0]), watchdog[0]) << "in a session of its own";
  ASSERT_EQ(temp_dirs().size(), 1u);

  cli->signal(SIGKILL);
  auto r = cli->wait();
  EXPECT_EQ(r.signal, SIGKILL);

  std::set<pid_t> left = tree;
  left.insert(watchdog[0]);
  bool all_gone = wait_until([&] {
    for (auto it = left.begin(); it != left.end();) it = pid_alive(*it) ? std::next(it) : left.erase(it);
    return left.empty();
  });
  std::string alive;
  for (pid_t p : left) alive += std::to_string(p) + " " + slurp("/proc/" + std::to_string(p) + "/cmdline") + "\n";
  EXPECT_TRUE(all_gone) << "still running:\n" << alive;
  EXPECT_TRUE(wait_until([&] { return temp_dirs().empty(); })) << temp_dirs().front();
}

// A clean end says goodbye: the watchdog is gone with the run (reaped, no
// zombie), and it took nothing down that it should not have.
TEST_F(RunWatchdog, ACleanRunEndsItsWatchdogAndLeavesNothing) {
  write("sluice.yaml", "tasks:\n  a: {cmd: [@CHILD@, lines, \"1\"]}\n  b: {cmd: [@CHILD@, lines, \"2\"]}\n");
  auto r = run({"run", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(temp_dirs().empty());
}

}  // namespace
