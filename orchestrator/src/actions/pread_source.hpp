/// PreadSource: reads one input file from its start, a chunk at a time,
/// with pread on the calling thread: a pool job's own input, so that a
/// hash or (de)compression pass costs no trip to another thread per chunk
/// (see docs/design.md, "File actions read on the pool thread"). It asks
/// the kernel for sequential read-ahead, which then overlaps the disk with
/// the work on what was read.
///
/// Blocking system calls: run it off the loop thread; one thread at a time
/// (a pool strand, or one job after another).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/fs_requests.hpp"
#include "runtime/io_buffer.hpp"
#include "runtime/io_error.hpp"

namespace sluice::detail {

/// What a step of a pass did: stopped at its budget or a stop request
/// (More), reached the end (End), or failed.
enum class PassStatus : unsigned char { More, End, Failed };

class PreadSource {
 public:
  /// `path` only names the file in errors.
  PreadSource(SharedFd fd, std::string path, std::size_t chunk);

  /// Reads the next chunk into the source's buffer (valid until the next
  /// call): true with an empty view at the end, false on an error (error()).
  bool next(std::string_view& chunk);
  std::uint64_t bytes_read() const { return offset_; }
  const IoError& error() const { return error_; }
  const std::string& path() const { return path_; }

 private:
  SharedFd fd_;
  std::string path_;
  IoBuffer buffer_;
  std::uint64_t offset_ = 0;
  IoError error_;
};

}  // namespace sluice::detail
