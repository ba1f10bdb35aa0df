/// StreamFiles: one attempt's `stdout: {file: ...}` / `stderr: {file: ...}`
/// copies. Such a file is the task's own data, so it gets the raw lines,
/// unmasked; it is truncated when the task's first attempt starts (unless
/// `append`), and later attempts append. Both streams into one file share
/// one descriptor, so lines keep their order. Opened without ever blocking
/// the loop (runtime/open_user_file.hpp: a FIFO is refused); written
/// inline, which the page cache absorbs. A write error (a full disk,
/// /dev/full) drops that file's later writes and is handed back by
/// finish(), which fails the attempt: the task must not succeed with a
/// truncated file. Owned by the attempt (ProcessTask); loop thread.
#pragma once

#include <string>
#include <string_view>

#include "runtime/unique_fd.hpp"
#include "sluice/events.hpp"
#include "sluice/pipeline.hpp"

namespace sluice::detail {

class StreamFiles {
 public:
  /// Opens the task's files for this attempt (before its spawn); returns an
  /// error message naming the stream, the file and the reason, or "".
  std::string open(const Task& task, int attempt);
  void write(StreamKind stream, std::string_view bytes);
  /// The attempt's output is complete: closes the files and returns the
  /// first write error ("cannot write stdout file /dev/full: No space left
  /// on device"), or "".
  std::string finish();

 private:
  struct File {
    UniqueFd fd;
    std::string what;  ///< "stdout file out.log", "stdout and stderr file all.log"
    int error = 0;     ///< the first write error; later writes are dropped
  };
  File open_one(const StreamSpec& spec, const char* stream, int attempt, std::string& error);
  static void write_to(File& f, std::string_view bytes);

  File out_, err_;
  bool shared_ = false;  ///< stderr goes to out_ (the same file)
};

}  // namespace sluice::detail
