/// AtomicFile: writes a file so that readers (and the next run) see either
/// the previous version or the complete new one, never a part of it.
///
/// create() makes missing parent directories and an empty temporary
/// `.NAME.sluice-XXXXXX` in the target's directory (same file system, so
/// the rename is atomic), created exclusively (O_CREAT|O_EXCL) with mode
/// 0666 & ~umask, as a shell redirection would. commit() fsyncs it, renames
/// it over the target and fsyncs the directory, so the new name survives a
/// crash too. abort() unlinks it; the destructor aborts what was not
/// committed. Errors name the target, not the temporary. A target that is
/// a symlink is replaced by the file (the rename replaces the name).
///
/// Blocking system calls: run create() and commit() off the loop thread
/// (FsRequests::blocking). One thread at a time; the fd may be shared with
/// requests in flight (SharedFd).
#pragma once

#include <cstdint>
#include <string>

#include "runtime/fs_requests.hpp"
#include "runtime/io_error.hpp"

namespace sluice::detail {

class AtomicFile {
 public:
  explicit AtomicFile(std::string target) : target_(std::move(target)) {}
  ~AtomicFile() { abort(); }
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  IoError create();
  IoError commit();
  /// Removes the temporary, if there is one and it was not committed.
  void abort();

  /// The temporary's fd, open for writing (after create()).
  const SharedFd& fd() const { return fd_; }
  const std::string& target() const { return target_; }
  /// Empty before create() and after commit() or abort().
  const std::string& temp_path() const { return temp_; }
  bool committed() const { return committed_; }

  /// Starts writing `length` bytes of `fd` from `offset` to the disk, without
  /// waiting for them: the fsync at commit() then has little left to do,
  /// so writing the output and writing it back overlap. Advice only.
  static void start_writeback(int fd, std::int64_t offset, std::int64_t length);

  /// The temporary name for `target` with `suffix` (6 characters): the name
  /// is cut so that the whole fits NAME_MAX.
  static std::string temp_name_for(const std::string& target, const std::string& suffix);

 private:
  std::string target_;
  std::string temp_;
  SharedFd fd_;
  bool committed_ = false;
};

}  // namespace sluice::detail
