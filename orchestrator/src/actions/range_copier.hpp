/// RangeCopier: copies one input file into an output at increasing
/// offsets, with the kernel's copy_file_range when it can (no byte through
/// user space, and reflinks where the file system has them), else with
/// pread/pwrite through one chunk-sized buffer.
///
/// It falls back for good, from the chunk where it happened, when
/// copy_file_range fails for any reason (EXDEV, EINVAL, ENOSYS, EOPNOTSUPP
/// when the kernel or file system refuses, but also EIO or ENOSPC: the
/// read/write retry then fails on the side that is at fault, so the message
/// names the right file) and when it returns 0 at the very start (files
/// such as /proc's report a size of 0 and copy nothing). run() copies chunk
/// by chunk and polls `stop` between chunks, so a cancel waits for at most
/// one chunk (at least 1 MiB through copy_file_range, which needs no
/// buffer). Blocking system calls: run it off the loop thread; one
/// thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stop_token>
#include <string>

#include "runtime/io_buffer.hpp"
#include "runtime/io_error.hpp"

namespace sluice::detail {

class RangeCopier {
 public:
  enum class Status : unsigned char { More, End, Failed };

  /// Reads `in` from offset 0; writes `out` from `out_offset`. The paths
  /// only name the files in errors.
  RangeCopier(int in, std::string in_path, int out, std::string out_path, std::int64_t out_offset,
              std::size_t chunk);

  /// Copies until the end of the input (End), `budget` bytes or a stop
  /// request (More), or an error (Failed: error()); then starts the
  /// write-back of what it wrote (AtomicFile::start_writeback).
  Status run(std::size_t budget, const std::stop_token& stop = {});

  std::uint64_t copied() const { return copied_; }
  std::int64_t out_offset() const { return out_offset_; }
  /// Whether the kernel path is still in use (false once it fell back).
  bool in_kernel() const { return kernel_; }
  const IoError& error() const { return error_; }

 private:
  Status copy(std::size_t budget, const std::stop_token& stop);
  /// One step of at most `want` bytes: bytes copied, 0 at the end, -1 on error.
  std::int64_t kernel_step(std::size_t want);
  std::int64_t rw_step(std::size_t want);

  int in_;
  std::string in_path_;
  int out_;
  std::string out_path_;
  std::int64_t in_offset_ = 0;
  std::int64_t out_offset_;
  std::size_t chunk_;
  std::uint64_t copied_ = 0;
  bool kernel_ = true;
  IoBuffer buffer_;  ///< for read/write, allocated on the first fallback
  IoError error_;
};

}  // namespace sluice::detail
