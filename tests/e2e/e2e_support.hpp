/// Shared helpers of the end-to-end tests: a per-test temporary directory,
/// the real `sluice` binary run in it (to completion, or in the background to
/// signal it), the JSON event stream read back, and a /proc scan for the
/// processes a run left behind. Test-thread only; nothing here sleeps to
/// synchronise: every wait polls for a condition and fails loudly at its
/// deadline.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace sluice::e2e {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

/// Long enough for a loaded machine and a sanitized build, short enough that
/// a hang fails the test instead of the whole suite.
inline constexpr std::chrono::seconds kDeadline{20};

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Polls `done` until it holds or `limit` passes; returns whether it held.
/// The pause between polls is not synchronisation: the condition is.
inline bool wait_until(const std::function<bool()>& done,
                       std::chrono::milliseconds limit = kDeadline) {
  auto end = Clock::now() + limit;
  for (;;) {
    if (done()) return true;
    if (Clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

/// How the CLI process ended: `code` is the exit status, or 128+signal when
/// it died by a signal (what a shell would report).
struct CliResult {
  int code = -1;
  bool signaled = false;
  int signal = 0;
  std::string out;
  std::string err;
};

/// Options for one CLI run.
struct RunOptions {
  /// When set, the child gets this file open (read-only, not close-on-exec)
  /// as fd `extra_fd`, as if sluice had inherited it.
  int extra_fd = -1;
  fs::path extra_fd_file;
  /// sluice's stdin (a file in the test directory); /dev/null when empty.
  fs::path stdin_file;
  /// The directory sluice runs in, relative to the test directory; empty = it.
  fs::path cwd;
};

/// A `sluice` process running in the background, stdout and stderr going
/// to files in the test directory. Killed (SIGKILL) if still running when
/// destroyed, so a failing test never leaves it behind.
class RunningCli {
 public:
  RunningCli(pid_t pid, fs::path out, fs::path err)
      : pid_(pid), out_(std::move(out)), err_(std::move(err)) {}
  RunningCli(const RunningCli&) = delete;
  RunningCli& operator=(const RunningCli&) = delete;
  ~RunningCli() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  pid_t pid() const { return pid_; }
  void signal(int sig) const { ::kill(pid_, sig); }

  /// Waits for the process to end, up to `limit`; on timeout kills it and
  /// records a test failure.
  CliResult wait(std::chrono::milliseconds limit = kDeadline) {
    CliResult r;
    if (pid_ <= 0) return r;
    int status = 0;
    bool ended = wait_until(
        [&] {
          pid_t got = waitpid(pid_, &status, WNOHANG);
          return got == pid_;
        },
        limit);
    if (!ended) {
      ADD_FAILURE() << "sluice did not end within " << limit.count() << " ms; killed";
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
    reaped_ = true;
    if (WIFEXITED(status)) {
      r.code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
      r.signaled = true;
      r.signal = WTERMSIG(status);
      r.code = 128 + r.signal;
    }
    r.out = slurp(out_);
    r.err = slurp(err_);
    // Under ASan/UBSan the sluice binary is sanitized too; its reports go to
    // its stderr, and UBSan's do not change the exit status: look for them.
    for (const char* report : {"runtime error:", "Sanitizer:"}) {
      EXPECT_EQ(r.err.find(report), std::string::npos) << "sanitizer report from sluice:\n" << r.err;
    }
    return r;
  }

 private:
  pid_t pid_;
  fs::path out_;
  fs::path err_;
  bool reaped_ = false;
};

/// The JSON event stream of one run, read back from its file.
struct Events {
  std::vector<json> all;
  /// Lines that did not parse as JSON objects (a test failure by itself).
  std::vector<std::string> bad_lines;

  std::vector<json> of_type(const std::string& type) const {
    std::vector<json> out;
    for (const auto& e : all)
      if (e.value("type", "") == type) out.push_back(e);
    return out;
  }
  std::vector<json> of(const std::string& type, const std::string& task) const {
    std::vector<json> out;
    for (const auto& e : all)
      if (e.value("type", "") == type && e.value("task", "") == task) out.push_back(e);
    return out;
  }
  /// The single task_finished of `task`, or an empty object.
  json finished(const std::string& task) const {
    auto f = of("task_finished", task);
    return f.size() == 1 ? f[0] : json::object();
  }
  std::vector<std::string> output_lines(const std::string& task) const {
    std::vector<std::string> out;
    for (const auto& e : of("task_output", task)) out.push_back(e.value("line", ""));
    return out;
  }
  /// Task names in task_started order (one entry per attempt).
  std::vector<std::string> start_order() const {
    std::vector<std::string> out;
    for (const auto& e : of_type("task_started")) out.push_back(e.value("task", ""));
    return out;
  }
};

/// Parses complete lines only: a line still being written is not counted.
inline Events parse_events(const std::string& text) {
  Events ev;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) break;
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    auto j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      ev.bad_lines.push_back(line);
    } else {
      ev.all.push_back(std::move(j));
    }
  }
  return ev;
}

/// Checks the invariants of SPEC section 7 on a finished run: every line is a
/// JSON object with ts and type, run_started first with the task count,
/// run_finished last, exactly one task_finished per task, and one
/// task_started per attempt (attempts as counted by task_started and
/// task_retrying).
inline void expect_complete(const Events& ev, const std::vector<std::string>& tasks) {
  EXPECT_TRUE(ev.bad_lines.empty()) << "unparsable event line: " << ev.bad_lines[0];
  ASSERT_GE(ev.all.size(), 2u);
  for (const auto& e : ev.all) {
    EXPECT_TRUE(e.contains("ts") && e["ts"].is_string()) << e.dump();
    EXPECT_TRUE(e.contains("type") && e["type"].is_string()) << e.dump();
  }
  EXPECT_EQ(ev.all.front().value("type", ""), "run_started");
  EXPECT_EQ(ev.all.front().value("tasks", -1), static_cast<int>(tasks.size()));
  EXPECT_EQ(ev.all.back().value("type", ""), "run_finished");
  EXPECT_EQ(ev.of_type("run_started").size(), 1u);
  EXPECT_EQ(ev.of_type("run_finished").size(), 1u);
  EXPECT_EQ(ev.of_type("task_finished").size(), tasks.size());
  // One pass over the stream, grouped by task (1,000-task runs stay fast).
  struct PerTask {
    int started = 0, retrying = 0, finished = 0;
    json finish;
    bool after_finish = false;
  };
  std::map<std::string, PerTask> per;
  for (const auto& t : tasks) per[t];
  for (const auto& e : ev.all) {
    if (!e.contains("task")) continue;
    std::string name = e.value("task", "");
    auto it = per.find(name);
    if (it == per.end()) {
      ADD_FAILURE() << "event of a task not in the run: " << e.dump();
      continue;
    }
    auto& p = it->second;
    if (p.finished > 0) p.after_finish = true;
    std::string type = e.value("type", "");
    if (type == "task_started") {
      ++p.started;
      EXPECT_EQ(e.value("attempt", -1), p.started) << e.dump();
    } else if (type == "task_retrying") {
      ++p.retrying;
    } else if (type == "task_finished") {
      ++p.finished;
      p.finish = e;
    }
  }
  for (const auto& [t, p] : per) {
    EXPECT_EQ(p.finished, 1) << "task_finished of " << t;
    EXPECT_FALSE(p.after_finish) << "event after task_finished of " << t;
    EXPECT_EQ(p.retrying, p.started == 0 ? 0 : p.started - 1) << t;
    if (p.finish.contains("attempts")) {
      EXPECT_EQ(p.finish["attempts"].get<int>(), p.started) << t;
    }
  }
}

/// Live (not zombie) processes whose environment holds exactly `entry`
/// ("NAME=value"). Processes that vanish mid-scan, or that we may not read,
/// are skipped.
inline std::vector<pid_t> live_pids_with_env(const std::string& entry) {
  std::vector<pid_t> out;
  DIR* proc = opendir("/proc");
  if (!proc) return out;
  while (dirent* d = readdir(proc)) {
    char* end = nullptr;
    long pid = strtol(d->d_name, &end, 10);
    if (pid <= 0 || *end != '\0') continue;
    std::string base = std::string("/proc/") + d->d_name;
    std::string env = slurp(base + "/environ");
    bool match = false;
    for (size_t pos = 0; pos < env.size();) {
      size_t nul = env.find('\0', pos);
      if (nul == std::string::npos) nul = env.size();
      if (env.compare(pos, nul - pos, entry) == 0) match = true;
      pos = nul + 1;
    }
    if (!match) continue;
    std::string stat = slurp(base + "/stat");
    auto paren = stat.rfind(')');
    if (paren == std::string::npos || paren + 2 >= stat.size()) continue;
    if (stat[paren + 2] == 'Z' || stat[paren + 2] == 'X') continue;
    out.push_back(static_cast<pid_t>(pid));
  }
  closedir(proc);
  return out;
}

/// Whether `pid` exists and is not a zombie.
inline bool pid_alive(pid_t pid) {
  std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
  auto paren = stat.rfind(')');
  if (paren == std::string::npos || paren + 2 >= stat.size()) return false;
  return stat[paren + 2] != 'Z' && stat[paren + 2] != 'X';
}

/// Waits (up to the deadline) until no live process carries `entry`; returns
/// those still alive then, with their command lines, for the failure message.
inline std::string leftover_processes(const std::string& entry) {
  std::vector<pid_t> left;
  wait_until([&] {
    left = live_pids_with_env(entry);
    return left.empty();
  });
  std::string out;
  for (pid_t p : left) {
    std::string cmdline = slurp("/proc/" + std::to_string(p) + "/cmdline");
    for (auto& c : cmdline)
      if (c == '\0') c = ' ';
    out += std::to_string(p) + ": " + cmdline + "\n";
  }
  return out;
}

/// posix_spawn of argv_s (argv_s[0] a path) with `fa` and a clean signal
/// state: the test runner's mask or ignored signals must not leak into what
/// is tested (an ignored SIGINT is inherited across exec). `flags` adds
/// spawn flags (POSIX_SPAWN_SETSID), `envp` replaces the environment.
/// Destroys `fa`; returns the pid, or -1 after a failed expectation.
inline pid_t spawn_clean(std::vector<std::string> argv_s, posix_spawn_file_actions_t& fa, short flags = 0,
                         char* const* envp = environ) {
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, static_cast<short>(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | flags));
  pid_t pid = 0;
  int rc = posix_spawn(&pid, argv[0], &fa, &attr, argv.data(), envp);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  EXPECT_EQ(rc, 0) << "spawn " << argv[0];
  return rc == 0 ? pid : -1;
}

/// Base fixture: a fresh temporary directory per test, the CLI run in it.
class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "_" + info->name();
    for (auto& c : name)
      if (c == '/') c = '_';
    dir_ = fs::temp_directory_path() / ("sluice_e2e_" + std::to_string(getpid()) + "_" + name);
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    marker_ = "SLUICE_E2E_MARKER=" + std::to_string(getpid()) + "_" + name;
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }

  /// Writes `text` to dir_/name; `@CHILD@` becomes the test child's path and
  /// `@MARKER@` the per-test environment entry (as `NAME: value`).
  void write(const std::string& name, const std::string& text) {
    fs::create_directories((dir_ / name).parent_path());
    std::ofstream(dir_ / name, std::ios::binary) << expand(text);
  }

  std::string expand(std::string text) const {
    auto replace_all = [&](const std::string& from, const std::string& to) {
      for (size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size())
        text.replace(pos, from.size(), to);
    };
    replace_all("@CHILD@", SLUICE_TEST_CHILD);
    auto eq = marker_.find('=');
    replace_all("@MARKER@", marker_.substr(0, eq) + ": \"" + marker_.substr(eq + 1) + "\"");
    return text;
  }

  /// Starts the CLI in dir_ with stdin on /dev/null (or opts.stdin_file) and
  /// stdout/stderr in files.
  std::unique_ptr<RunningCli> start(const std::vector<std::string>& args,
                                    const RunOptions& opts = {}) {
    std::vector<std::string> argv_s{SLUICE_CLI};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    return start_program(std::move(argv_s), opts);
  }

  /// The same for any program (argv_s[0] a path), e.g. a shell that pipes
  /// into the CLI.
  std::unique_ptr<RunningCli> start_program(std::vector<std::string> argv_s,
                                            const RunOptions& opts = {}) {
    ++runs_;
    auto out_path = dir_ / (".out" + std::to_string(runs_));
    auto err_path = dir_ / (".err" + std::to_string(runs_));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    const fs::path cwd = opts.cwd.empty() ? dir_ : dir_ / opts.cwd;
    posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());
    std::string in = opts.stdin_file.empty() ? "/dev/null" : (dir_ / opts.stdin_file).string();
    posix_spawn_file_actions_addopen(&fa, 0, in.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (opts.extra_fd >= 0)
      posix_spawn_file_actions_addopen(&fa, opts.extra_fd, opts.extra_fd_file.c_str(), O_RDONLY, 0);
    return std::make_unique<RunningCli>(spawn_clean(std::move(argv_s), fa), out_path, err_path);
  }

  /// Runs the CLI in dir_ to completion (or the deadline).
  CliResult run(const std::vector<std::string>& args, const RunOptions& opts = {}) {
    return start(args, opts)->wait();
  }

  /// The events written so far to dir_/file (complete lines only).
  Events events(const std::string& file = "events.jsonl") const {
    return parse_events(slurp(dir_ / file));
  }

  /// Waits for an event matching `pred` in dir_/file; fails the test at the
  /// deadline and returns it, or nullopt.
  std::optional<json> wait_event(const std::function<bool(const json&)>& pred,
                                 const std::string& file = "events.jsonl") const {
    std::optional<json> found;
    bool ok = wait_until([&] {
      for (const auto& e : events(file).all)
        if (pred(e)) {
          found = e;
          return true;
        }
      return false;
    });
    EXPECT_TRUE(ok) << "no matching event in " << file << ":\n" << slurp(dir_ / file);
    return found;
  }

  /// An event predicate: type and task.
  static std::function<bool(const json&)> is(const std::string& type, const std::string& task) {
    return [=](const json& e) {
      return e.value("type", "") == type && e.value("task", "") == task;
    };
  }
  /// An event predicate: a task_output line of `task`.
  static std::function<bool(const json&)> printed(const std::string& task, const std::string& line) {
    return [=](const json& e) {
      return e.value("type", "") == "task_output" && e.value("task", "") == task &&
             e.value("line", "") == line;
    };
  }

  fs::path dir_;
  /// "NAME=value", unique per test: put in a pipeline's env (`@MARKER@`) to
  /// find every process of the run in /proc afterwards.
  std::string marker_;
  int runs_ = 0;
};

}  // namespace sluice::e2e
