// Whole-file reads under a cap (see read_file.hpp).
#include "spec/read_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace sluice::detail {

bool read_fd(int fd, std::size_t max_bytes, std::string& out, std::string& err) {
  auto fail = [&](std::string why) {
    err = std::move(why);
    return false;
  };
  struct stat st {};
  if (::fstat(fd, &st) != 0) return fail(std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return fail("is a directory");
  const bool regular = S_ISREG(st.st_mode);
  if (regular && static_cast<std::size_t>(st.st_size) > max_bytes)
    return fail("file is " + std::to_string(st.st_size) + " bytes, more than the limit of " +
                std::to_string(max_bytes));
  // st_size is exact for a regular file and 0 for a pipe (`-f -`,
  // `-f /dev/stdin`, `<(...)`): read to EOF either way, but never more than
  // one byte past the cap (an endless `yes` must not fill the memory). One
  // spare byte lets a regular file's EOF be seen without growing the buffer
  // (doubling it was 93 B a task at 100k tasks).
  const std::size_t ceiling = max_bytes + 1;
  out.assign(std::min(ceiling, regular ? static_cast<std::size_t>(st.st_size) + 1 : 64 * 1024),
             '\0');
  std::size_t got = 0;
  for (;;) {
    if (got == out.size()) {
      if (got >= ceiling) return fail("more than the limit of " + std::to_string(max_bytes) + " bytes");
      out.resize(std::min(ceiling, got + std::max<std::size_t>(got, 64 * 1024)));
    }
    ssize_t n = ::read(fd, out.data() + got, out.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(std::strerror(errno));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got > max_bytes) return fail("more than the limit of " + std::to_string(max_bytes) + " bytes");
  out.resize(got);
  return true;
}

bool read_whole_file(const std::string& path, std::size_t max_bytes, std::string& out,
                     std::string& err) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    err = std::strerror(errno);
    return false;
  }
  const bool ok = read_fd(fd, max_bytes, out, err);
  ::close(fd);
  return ok;
}

}  // namespace sluice::detail
