/// ActionBase: what every file action shares: its `to` (an AtomicFile), the
/// blocking steps it runs on libuv's fs threads (expanding globs, opening
/// inputs, creating and committing the output), its byte counts, and the
/// one way it ends: finish() waits until none of its own requests is in
/// flight, removes the temporary file, and then reports once.
///
/// Subclasses drive their own chunks and call fail() or commit(); they
/// stop their readers, writers and pool jobs in stop_work() and ignore
/// every callback once finishing(). Loop thread only.
#pragma once

#include <algorithm>
#include <functional>
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

  /// Subclasses: stop readers, writers and pool jobs (no callback after).
  virtual void stop_work() {}

  FileActionContext ctx_;
  std::shared_ptr<AtomicFile> output_;
  FileActionResult result_;
  std::stop_source stop_;  ///< requested when the action finishes early

 private:
  void settle();

  OnDone on_done_;
  FsRequests requests_;
  bool finishing_ = false;
  bool committing_ = false;
  bool aborting_ = false;
  bool reported_ = false;
};

/// Bytes a trip between threads moves (a pool job's input or output): on a
/// loaded machine each trip waits for a CPU to wake a thread, so the trips,
/// not the bytes, set the pace unless each moves this much.
constexpr std::size_t kTripBytes = 1u << 20;

/// Chunks of `chunk` bytes in `bytes` (at least 1): pipeline depths are set
/// in bytes, so memory stays the same whatever the chunk size.
inline unsigned chunks_in(std::size_t bytes, std::size_t chunk) {
  return static_cast<unsigned>(std::max<std::size_t>(bytes / std::max<std::size_t>(chunk, 1), 1));
}

std::unique_ptr<FileActionRun> make_transfer_action(const Task& task, FileActionContext context,
                                                    FileActionRun::OnDone on_done);
std::unique_ptr<FileActionRun> make_codec_action(const Task& task, FileActionContext context,
                                                 FileActionRun::OnDone on_done);
std::unique_ptr<FileActionRun> make_hash_action(const Task& task, FileActionContext context,
                                                FileActionRun::OnDone on_done);
std::unique_ptr<FileActionRun> make_write_action(const Task& task, FileActionContext context,
                                                 FileActionRun::OnDone on_done);

}  // namespace sluice::detail
