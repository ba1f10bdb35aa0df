#include "actions/range_copier.hpp"

#include "actions/atomic_file.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace sluice::detail {
namespace {
/// Bytes per copy_file_range call at least: no buffer of ours holds them,
/// and each call sets up the kernel's splice, which costs at 64 KiB.
constexpr std::size_t kKernelChunk = 1u << 20;
}  // namespace

RangeCopier::RangeCopier(int in, std::string in_path, int out, std::string out_path,
                         std::int64_t out_offset, std::size_t chunk)
    : in_(in),
      in_path_(std::move(in_path)),
      out_(out),
      out_path_(std::move(out_path)),
      out_offset_(out_offset),
      chunk_(std::max<std::size_t>(chunk, 1)) {}

RangeCopier::Status RangeCopier::run(std::size_t budget, const std::stop_token& stop) {
  std::int64_t from = out_offset_;
  Status status = copy(budget, stop);
  AtomicFile::start_writeback(out_, from, out_offset_ - from);
  return status;
}

RangeCopier::Status RangeCopier::copy(std::size_t budget, const std::stop_token& stop) {
  std::size_t moved = 0;
  while (moved < budget) {
    if (stop.stop_requested()) return Status::More;
    std::size_t want = std::min(kernel_ ? std::max(chunk_, kKernelChunk) : chunk_, budget - moved);
    std::int64_t n = kernel_ ? kernel_step(want) : rw_step(want);
    if (n < 0) return Status::Failed;
    if (n == 0) return Status::End;
    moved += static_cast<std::size_t>(n);
    copied_ += static_cast<std::uint64_t>(n);
  }
  return Status::More;
}

std::int64_t RangeCopier::kernel_step(std::size_t want) {
  for (;;) {
    loff_t in_off = in_offset_;
    loff_t out_off = out_offset_;
    ssize_t n = ::copy_file_range(in_, &in_off, out_, &out_off, want, 0);
    if (n > 0) {
      in_offset_ += n;
      out_offset_ += n;
      return n;
    }
    if (n == 0 && copied_ > 0) return 0;
    if (n < 0 && errno == EINTR) continue;
    kernel_ = false;  // refused, failed, or nothing at the start: see the header
    return rw_step(want);
  }
}

std::int64_t RangeCopier::rw_step(std::size_t want) {
  if (buffer_.capacity() < chunk_) buffer_ = IoBuffer(chunk_);
  want = std::min(want, chunk_);  // a kernel step that fell back may ask for more
  ssize_t n;
  do {
    n = ::pread(in_, buffer_.data(), want, in_offset_);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    error_ = IoError::from(errno, "read", in_path_);
    return -1;
  }
  for (ssize_t done = 0; done < n;) {
    ssize_t w = ::pwrite(out_, buffer_.data() + done, static_cast<std::size_t>(n - done),
                         out_offset_ + done);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      error_ = w < 0 ? IoError::from(errno, "write", out_path_)
                     : IoError::because("short write", "write", out_path_);
      return -1;
    }
    done += w;
  }
  in_offset_ += n;
  out_offset_ += n;
  return n;
}

}  // namespace sluice::detail
