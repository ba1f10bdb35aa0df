/// Helpers for the file-action tests: run a shell command (the system tools
/// the results are checked against), build a file task, run an action on a
/// fresh loop and pool until it reports, and list leftover temporaries.
#pragma once

#include <dirent.h>
#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/wait.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "actions/file_action.hpp"
#include "unit/runtime/temp_dir.hpp"
#include "unit/runtime/test_support.hpp"

namespace sluice::detail::testing {

/// The large size of the round trips: 100 MiB, smaller under sanitizers
/// (which slow every byte the pool touches).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr std::size_t kLargeSize = 6u << 20;
#else
constexpr std::size_t kLargeSize = 100u << 20;
#endif

struct ShellResult {
  int status = -1;  ///< exit code, or -1
  std::string output;
};

/// Runs `command` with sh; `output` has its stdout, and its stderr unless
/// `with_stderr` is false (xxhsum draws a progress line there).
inline ShellResult sh(const std::string& command, bool with_stderr = true) {
  ShellResult r;
  FILE* p = ::popen((command + (with_stderr ? " 2>&1" : " 2>/dev/null")).c_str(), "r");
  if (!p) return r;
  char buf[4096];
  std::size_t n;
  while ((n = ::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  int status = ::pclose(p);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

/// 'text' quoted for sh.
inline std::string quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

/// Names in `dir` that look like an AtomicFile's temporary.
inline std::vector<std::string> temporaries(const std::string& dir) {
  std::vector<std::string> out;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      std::string name = e->d_name;
      if (name.find(".sluice-") != std::string::npos) out.push_back(name);
    }
    ::closedir(d);
  }
  return out;
}

inline Task file_task(ActionKind kind, std::vector<std::string> from, std::string to,
                      const std::string& working_dir) {
  Task t;
  t.name = "t";
  t.action = kind;
  t.working_dir = working_dir;
  sluice::FileAction& f = t.edit_extras().file;
  f.from = std::move(from);
  f.to = std::move(to);
  return t;
}

struct RunOptions {
  std::size_t chunk = 64 * 1024;
  unsigned threads = 2;
  std::chrono::milliseconds limit = std::chrono::seconds(120);
};

/// Starts the action, runs the loop until it reports, and closes all.
inline FileActionResult run_action(const Task& task, RunOptions options = {}) {
  std::optional<FileActionResult> result;
  Loop loop;
  {
    ThreadPool pool(loop, options.threads);
    auto action = make_file_action(task, FileActionContext{loop, pool, {}, options.chunk, {}},
                                   [&](const FileActionResult& r) { result = r; });
    EXPECT_NE(action, nullptr);
    if (!action) return {};
    action->start();
    EXPECT_FALSE(result.has_value()) << "reported inside start()";
    EXPECT_TRUE(run_until(
        loop, [&] { return result.has_value(); }, options.limit));
  }
  expect_clean_close(loop);
  return result.value_or(FileActionResult{"never reported", 0, 0});
}

}  // namespace sluice::detail::testing
