#include "runtime/open_user_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace sluice::detail {
namespace {

/// Why a file of this type cannot be a task's stream file, or nullptr.
const char* stream_refusal(mode_t mode) {
  if (S_ISFIFO(mode))
    return "a FIFO cannot be a task's stream file: use a regular file or a device";
  if (S_ISSOCK(mode))
    return "a socket cannot be a task's stream file: use a regular file or a device";
  if (S_ISDIR(mode)) return "Is a directory";
  return nullptr;
}

/// open() with O_NONBLOCK, then fstat: errno, or 0 with `fd` and `st` set.
int open_without_blocking(const std::string& path, int flags, mode_t mode, UniqueFd& fd,
                          struct stat& st) {
  fd.reset(::open(path.c_str(), flags | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, mode));
  if (!fd.valid() || ::fstat(fd.get(), &st) != 0) return errno;
  return 0;
}

/// Makes an accepted fd blocking again: errno, or 0.
int clear_nonblock(const UniqueFd& fd) {
  int fl = ::fcntl(fd.get(), F_GETFL);
  if (fl < 0 || ::fcntl(fd.get(), F_SETFL, fl & ~O_NONBLOCK) != 0) return errno;
  return 0;
}

}  // namespace

UniqueFd open_user_file(const std::string& path, int flags, mode_t mode, std::string& error) {
  UniqueFd fd;
  struct stat st {};
  if (int err = open_without_blocking(path, flags, mode, fd, st)) {
    // ENXIO: a FIFO without a reader (or a socket): say what it is.
    const char* why =
        err == ENXIO && ::stat(path.c_str(), &st) == 0 ? stream_refusal(st.st_mode) : nullptr;
    error = why ? why : std::strerror(err);
    return UniqueFd();
  }
  const char* why = stream_refusal(st.st_mode);
  int err = why ? 0 : clear_nonblock(fd);
  if (why || err) {
    error = why ? why : std::strerror(err);
    return UniqueFd();
  }
  return fd;
}

OpenedFile open_regular_for_reading(const std::string& path) {
  OpenedFile out;
  struct stat st {};
  if (int err = open_without_blocking(path, O_RDONLY, 0, out.fd, st)) {
    out.error = IoError::from(err, "open", path);
  } else if (S_ISDIR(st.st_mode)) {
    out.error = IoError::because("is a directory", "open", path, EISDIR);
  } else if (!S_ISREG(st.st_mode)) {
    out.error = IoError::because("is not a regular file", "open", path, EINVAL);
  } else if (int cleared = clear_nonblock(out.fd)) {
    out.error = IoError::from(cleared, "open", path);
  }
  if (out.error) {
    out.fd.reset();
    return out;
  }
  out.size = st.st_size;
  // The kernel doubles its read-ahead for a file read front to back.
  ::posix_fadvise(out.fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  return out;
}

}  // namespace sluice::detail
