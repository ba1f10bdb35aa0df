#include "runtime/regular_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>

namespace sluice::detail {

OpenedFile open_regular_for_reading(const std::string& path) {
  OpenedFile out;
  out.fd.reset(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (!out.fd.valid()) {
    out.error = IoError::from(errno, "open", path);
    return out;
  }
  struct stat st {};
  if (::fstat(out.fd.get(), &st) != 0) {
    out.error = IoError::from(errno, "open", path);
  } else if (S_ISDIR(st.st_mode)) {
    out.error = IoError::because("is a directory", "open", path, EISDIR);
  } else if (!S_ISREG(st.st_mode)) {
    out.error = IoError::because("is not a regular file", "open", path, EINVAL);
  } else {
    int flags = ::fcntl(out.fd.get(), F_GETFL);
    if (flags < 0 || ::fcntl(out.fd.get(), F_SETFL, flags & ~O_NONBLOCK) != 0)
      out.error = IoError::from(errno, "open", path);
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
