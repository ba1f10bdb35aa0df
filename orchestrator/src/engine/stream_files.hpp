/// StreamFiles: a task's `stdout: {file: ...}` / `stderr: {file: ...}`
/// copies. Such a file is the task's data, so it gets the raw bytes,
/// unmasked; it is truncated when the task's first attempt starts (unless
/// `append`), and later attempts append. Opened without ever blocking the
/// loop (runtime/open_user_file.hpp: a FIFO is refused). A write error (a
/// full disk, /dev/full) drops that file's later writes and is handed back
/// by finish(), which fails the attempt: the task must not succeed with a
/// truncated file. Owned by the engine; loop thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "sinks/fd_output.hpp"
#include "sluice/events.hpp"
#include "sluice/pipeline.hpp"

namespace sluice::detail {

class StreamFiles {
 public:
  explicit StreamFiles(const Pipeline& pipeline) : pipeline_(pipeline) {}

  /// Opens the task's files for this attempt (before its spawn); returns an
  /// error message naming the stream, the file and the reason, or "".
  std::string open(TaskId task, int attempt);
  void write(TaskId task, StreamKind stream, std::string_view bytes);
  /// The attempt's output is complete: closes its files and returns the
  /// first write error ("cannot write stdout file /dev/full: No space left
  /// on device"), or "".
  std::string finish(TaskId task);
  void close(TaskId task) { open_.erase(task); }

 private:
  struct File {
    std::unique_ptr<FdOutput> out;
    std::string what;  ///< "stdout file out.log", "stdout and stderr file all.log"
  };
  struct Files {
    File out, err;
  };
  File open_one(const StreamSpec& spec, const char* stream, int attempt, std::string& error);

  const Pipeline& pipeline_;
  std::unordered_map<TaskId, Files> open_;
};

}  // namespace sluice::detail
