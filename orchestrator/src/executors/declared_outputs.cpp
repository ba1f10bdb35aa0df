#include "executors/declared_outputs.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <system_error>

namespace sluice::detail {

DeclaredOutputs::DeclaredOutputs(const std::vector<std::string>& paths) : paths_(paths) {
  before_.reserve(paths_.size());
  for (const auto& p : paths_) before_.push_back(stamp(p));
}

DeclaredOutputs::Stamp DeclaredOutputs::stamp(const std::string& path) {
  struct stat st {};
  Stamp s;
  if (::stat(path.c_str(), &st) != 0) return s;
  s.exists = true;
  s.inode = st.st_ino;
  s.size = st.st_size;
  s.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return s;
}

std::string DeclaredOutputs::create_parents() const {
  for (const auto& p : paths_) {
    std::filesystem::path parent = std::filesystem::path(p).parent_path();
    if (parent.empty()) continue;
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) return "cannot create directory " + parent.string() + ": " + ec.message();
  }
  return {};
}

std::optional<std::string> DeclaredOutputs::first_missing() const {
  for (const auto& p : paths_)
    if (!stamp(p).exists) return p;
  return std::nullopt;
}

void DeclaredOutputs::remove_changed() const {
  for (std::size_t i = 0; i < paths_.size(); ++i) {
    Stamp now = stamp(paths_[i]);
    if (now.exists && !(now == before_[i])) ::unlink(paths_[i].c_str());
  }
}

}  // namespace sluice::detail
