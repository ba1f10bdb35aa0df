/// StreamFiles: a task's `stdout: {file: ...}` / `stderr: {file: ...}`
/// copies. Such a file is the task's data, so it gets the raw bytes,
/// unmasked; it is truncated when the task's first attempt starts (unless
/// `append`), and later attempts append. Owned by the engine; loop thread.
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
  void close(TaskId task);

 private:
  struct Files {
    std::unique_ptr<FdOutput> out, err;
  };
  std::unique_ptr<FdOutput> open_one(const StreamSpec& spec, const char* stream, int attempt,
                                     std::string& error);

  const Pipeline& pipeline_;
  std::unordered_map<TaskId, Files> open_;
};

}  // namespace sluice::detail
