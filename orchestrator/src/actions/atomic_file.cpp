#include "actions/atomic_file.hpp"

#include <fcntl.h>
#include <limits.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

namespace sluice::detail {
namespace {

constexpr int kAttempts = 100;
constexpr const char kMarker[] = ".sluice-";

std::string random_suffix() {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  unsigned char bytes[6];
  if (getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes)) {
    // No entropy source: the exclusive create still catches a collision.
    for (unsigned i = 0; i < sizeof bytes; ++i)
      bytes[i] = static_cast<unsigned char>(::getpid() + i * 37);
  }
  std::string out;
  for (unsigned char b : bytes) out += kAlphabet[b % (sizeof kAlphabet - 1)];
  return out;
}

std::string parent_of(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

IoError fsync_directory(const std::string& dir, const std::string& target) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return IoError::from(errno, "fsync directory of", target);
  // Some file systems cannot fsync a directory (EINVAL): nothing to wait for.
  if (::fsync(fd.get()) != 0 && errno != EINVAL)
    return IoError::from(errno, "fsync directory of", target);
  return {};
}

}  // namespace

std::string AtomicFile::temp_name_for(const std::string& target, const std::string& suffix) {
  std::string dir = parent_of(target);
  auto slash = target.rfind('/');
  std::string name = slash == std::string::npos ? target : target.substr(slash + 1);
  std::size_t room = NAME_MAX - 1 - (sizeof kMarker - 1) - suffix.size();
  if (name.size() > room) name.resize(room);
  std::string temp = "." + name + kMarker + suffix;
  return slash == std::string::npos ? temp : (dir == "/" ? "/" : dir + "/") + temp;
}

void AtomicFile::start_writeback(int fd, std::int64_t offset, std::int64_t length) {
  // Errors show again, and are reported, at the fsync.
  if (length > 0) ::sync_file_range(fd, offset, length, SYNC_FILE_RANGE_WRITE);
}

IoError AtomicFile::create() {
  std::string dir = parent_of(target_);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return IoError::from(ec.value(), "create directory", dir);
  struct stat st {};
  if (::stat(target_.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    return IoError::because("is a directory", "write", target_, EISDIR);
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    std::string temp = temp_name_for(target_, random_suffix());
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) {
      temp_ = std::move(temp);
      fd_ = std::make_shared<const UniqueFd>(fd);
      return {};
    }
    if (errno != EEXIST) return IoError::from(errno, "create", target_);
  }
  return IoError::from(EEXIST, "create", target_);
}

IoError AtomicFile::commit() {
  if (temp_.empty() || !fd_) return IoError::because("not created", "commit", target_);
  IoError error;
  if (::fsync(fd_->get()) != 0) error = IoError::from(errno, "fsync", target_);
  fd_.reset();  // requests in flight are over by now: this closes it
  if (!error && ::rename(temp_.c_str(), target_.c_str()) != 0)
    error = IoError::from(errno, "rename into", target_);
  if (error) {
    abort();
    return error;
  }
  temp_.clear();
  committed_ = true;
  return fsync_directory(parent_of(target_), target_);
}

void AtomicFile::abort() {
  fd_.reset();
  if (!temp_.empty() && !committed_) ::unlink(temp_.c_str());
  temp_.clear();
}

}  // namespace sluice::detail
