/// ActionBase: what every file action shares: its `to` (an AtomicFile), the
/// blocking steps it runs on libuv's fs threads (expanding globs, opening
/// inputs, creating and committing the output), its pool jobs, its byte
/// counts, and the one way it ends: finish() waits until none of its own
/// requests or pool jobs is in flight, removes the temporary file, and then
/// reports once.
///
/// Subclasses drive their own chunks and call fail() or commit(); they
/// stop their readers, writers and pool jobs in stop_work() and ignore
/// every callback once finishing(). Loop thread only.
#pragma once

#include <functional>
#include <list>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "actions/atomic_file.hpp"
#include "actions/file_action.hpp"
#include "runtime/fs_requests.hpp"
#include "runtime/open_user_file.hpp"

namespace sluice::detail {

class ActionBase : public FileActionRun {
 public:
  void cancel() override;
  void suspend() override { suspended_ = true; }
  void resume() override;
  ~ActionBase() override;

 protected:
  ActionBase(FileActionContext context, OnDone on_done, std::string target);

  /// Expands globs (actions/path_expansion.hpp), excluding the target.
  void expand(std::vector<std::string> patterns,
              std::function<void(std::vector<std::string>)> next);
  /// expand() for an action that reads one file: a glob must match one.
  void expand_one(const std::vector<std::string>& patterns, const char* action,
                  std::function<void(std::string)> next);
  /// Opens an input (runtime/open_user_file.hpp).
  void open_input(std::string path, std::function<void(OpenedFile)> next);
  /// Creates the temporary output.
  void create_output(std::function<void()> next);
  /// Commits the output and reports success (once: later calls do nothing).
  void commit();
  /// Reports `message` (after cleaning up); the first failure wins.
  void fail(std::string message);
  /// From a failure or the commit on: callbacks are then ignored.
  bool finishing() const { return finishing_ || committing_; }

  /// Runs `work` on an fs thread, then `next` unless the action is finishing.
  void blocking(std::function<void()> work, std::function<void()> next);

  /// Runs `work` on the pool, then `next` unless the action is finishing. A
  /// failure or cancel requests stop on `work`'s token and waits for it to
  /// return before removing the temporary file and reporting.
  void pooled(ThreadPool::Work work, std::function<void()> next);

  /// Subclasses: stop readers, writers and pool jobs (no callback after).
  virtual void stop_work() {}

  FileActionContext ctx_;
  std::shared_ptr<AtomicFile> output_;
  FileActionResult result_;
  std::stop_source stop_;  ///< requested when the action finishes early

 private:
  void settle();
  /// Runs the continuation of a step now, or at resume() while suspended.
  void proceed(std::function<void()> next);

  OnDone on_done_;
  FsRequests requests_;
  std::list<PoolJob> jobs_;  ///< pooled() jobs whose `done` has not run
  bool finishing_ = false;
  bool committing_ = false;
  bool aborting_ = false;
  bool reported_ = false;
  bool suspended_ = false;
  std::vector<std::function<void()>> held_;  ///< steps waiting for resume()
};

/// Bytes a step of a pass moves in one job (on an fs thread for copy and
/// concat, on the pool for hash and the codecs): large enough that the trip
/// to the thread and back costs nothing beside it, small enough that one
/// file does not hold a thread long.
constexpr std::size_t kStepBytes = 8u << 20;

std::unique_ptr<FileActionRun> make_transfer_action(const Task& task, FileActionContext context,
                                                    FileActionRun::OnDone on_done);
std::unique_ptr<FileActionRun> make_codec_action(const Task& task, FileActionContext context,
                                                 FileActionRun::OnDone on_done);
std::unique_ptr<FileActionRun> make_hash_action(const Task& task, FileActionContext context,
                                                FileActionRun::OnDone on_done);
std::unique_ptr<FileActionRun> make_write_action(const Task& task, FileActionContext context,
                                                 FileActionRun::OnDone on_done);

}  // namespace sluice::detail
