#include "sinks/spool.hpp"

#include <cerrno>
#include <algorithm>
#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>

namespace sluice::detail {
namespace {

std::string temp_dir(const std::string& dir) {
  if (!dir.empty()) return dir;
  // Reading TMPDIR changes nothing process-wide; it is where users expect
  // temporary files to go.
  if (const char* t = std::getenv("TMPDIR"); t && *t) return t;
  return "/tmp";
}

int open_anonymous(const std::string& dir, std::error_code& ec) {
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  // Filesystems without O_TMPFILE (tmpfs before 3.11, NFS, overlay on old
  // kernels): a named file unlinked at once.
  std::string templ = dir + "/sluice-spool-XXXXXX";
  fd = ::mkostemp(templ.data(), O_CLOEXEC);
  if (fd < 0) {
    ec = std::error_code(errno, std::generic_category());
    return -1;
  }
  ::unlink(templ.c_str());
  return fd;
}

}  // namespace

Spool::Spool(std::size_t memory_limit, std::string dir)
    : memory_limit_(memory_limit), dir_(std::move(dir)) {}

Spool::~Spool() {
  if (fd_ >= 0) ::close(fd_);
}

bool Spool::append(std::string_view bytes) {
  if (error_) return false;
  if (fd_ < 0 && mem_.size() + bytes.size() <= memory_limit_) {
    mem_.append(bytes);
    size_ += bytes.size();
    return true;
  }
  if (fd_ < 0 && !spill()) return false;
  if (!write_all(bytes)) return false;
  size_ += bytes.size();
  return true;
}

bool Spool::spill() {
  fd_ = open_anonymous(temp_dir(dir_), error_);
  if (fd_ < 0) return false;
  if (!write_all(mem_.view())) {
    ::close(fd_);  // back to memory only: what was stored stays readable
    fd_ = -1;
    return false;
  }
  mem_ = ByteBuffer{};  // give the memory back, not just the size
  return true;
}

bool Spool::write_all(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error_ = std::error_code(errno, std::generic_category());
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool Spool::read_chunk(ByteBuffer& out, std::size_t max) {
  if (fd_ < 0) {
    std::size_t n = std::min(max, mem_.size() - read_pos_);
    out.append(mem_.view().substr(read_pos_, n));
    read_pos_ += n;
    return read_pos_ < mem_.size();
  }
  // Only up to size_: a failed append may have left a partial tail.
  max = std::min(max, size_ - read_pos_);
  char* dst = out.reserve_tail(max);
  std::size_t got = 0;
  while (got < max) {
    ssize_t n = ::pread(fd_, dst + got, max - got, static_cast<off_t>(read_pos_ + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  out.commit(got);
  read_pos_ += got;
  if (got == 0) return false;
  return read_pos_ < size_;
}

}  // namespace sluice::detail
