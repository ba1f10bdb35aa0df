/// The file actions of SPEC §1.2 (copy, concat, write, hash, compress,
/// decompress) as a task runner sees them: one small state machine per
/// attempt, made by make_file_action(), started once, cancellable, and
/// reporting through one completion callback.
///
/// Every action moves its bytes in chunks (FileActionContext::chunk_size,
/// 64 KiB by default): file I/O on libuv's fs threads, hashing and
/// (de)compression on sluice's ThreadPool, never a blocking call on the
/// loop thread. Each writes its `to` through an AtomicFile: readers see the
/// previous version until the complete new one replaces it. A failure or a
/// cancel removes the temporary file before the callback runs. Paths come
/// from the loader, absolute; globs in `from`/`files` are expanded when the
/// action starts (actions/path_expansion.hpp).
///
/// Loop thread only. Destroying an action that has not reported cancels it
/// without a report (its temporary file is removed on the way).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "runtime/loop.hpp"
#include "runtime/thread_pool.hpp"
#include "sluice/pipeline.hpp"

namespace sluice::detail {

struct FileActionResult {
  /// Empty on success; else what failed, naming the file and the reason
  /// (`read "/w/in.txt": Input/output error`, `cancelled`).
  std::string error;
  std::uint64_t bytes_read = 0;
  std::uint64_t bytes_written = 0;  ///< into `to`
};

struct FileActionContext {
  Loop& loop;
  ThreadPool& pool;
  /// Hash lines name the files relative to this directory (as sha256sum
  /// run there would); empty: the task's working directory.
  std::string working_dir;
  std::size_t chunk_size = 64 * 1024;
  /// Resolves `${{ tasks.X.outputs.K }}` in `write` content. Unset: content
  /// with such a reference fails the action.
  std::function<std::string(const Template&)> resolve;
};

/// One attempt of a file action (named so as not to be confused with the
/// pipeline's sluice::FileAction, the plain data it runs).
class FileActionRun {
 public:
  using OnDone = std::function<void(const FileActionResult&)>;
  virtual ~FileActionRun() = default;
  /// Begins; `on_done` runs exactly once, later (never inside start() or cancel()).
  virtual void start() = 0;
  /// Stops at the next chunk, removes the temporary file and reports
  /// `cancelled` (unless the action had already reached its commit, which
  /// then completes). Nothing once it has reported.
  virtual void cancel() = 0;
  /// Job control (Ctrl-Z): no new step starts until resume(); a step in
  /// flight (at most kStepBytes) completes. A cancel still ends it.
  virtual void suspend() = 0;
  virtual void resume() = 0;
};

/// The action for `task`, or null when it is not a file action (run, cmd, call).
std::unique_ptr<FileActionRun> make_file_action(const Task& task, FileActionContext context,
                                                FileActionRun::OnDone on_done);

}  // namespace sluice::detail
