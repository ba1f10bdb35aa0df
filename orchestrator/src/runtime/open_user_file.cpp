#include "runtime/open_user_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

namespace sluice::detail {
namespace {

/// Why a file of this type is refused, or nullptr.
const char* refusal(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO cannot be a task's stream file: use a regular file or a device";
  if (S_ISSOCK(mode)) return "a socket cannot be a task's stream file: use a regular file or a device";
  if (S_ISDIR(mode)) return "Is a directory";
  return nullptr;
}

}  // namespace

UniqueFd open_user_file(const std::string& path, int flags, mode_t mode, std::string& error) {
  UniqueFd fd(::open(path.c_str(), flags | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, mode));
  if (!fd.valid()) {
    int err = errno;
    struct stat st {};
    // ENXIO: a FIFO without a reader (or a socket): say what it is.
    const char* why = err == ENXIO && ::stat(path.c_str(), &st) == 0 ? refusal(st.st_mode) : nullptr;
    error = why ? why : std::strerror(err);
    return fd;
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    error = std::strerror(errno);
    return UniqueFd();
  }
  if (const char* why = refusal(st.st_mode)) {
    error = why;
    return UniqueFd();
  }
  int fl = ::fcntl(fd.get(), F_GETFL);
  if (fl < 0 || ::fcntl(fd.get(), F_SETFL, fl & ~O_NONBLOCK) != 0) {
    error = std::strerror(errno);
    return UniqueFd();
  }
  return fd;
}

}  // namespace sluice::detail
