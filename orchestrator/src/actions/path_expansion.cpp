#include "actions/path_expansion.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "graph/glob.hpp"
#include "runtime/io_error.hpp"

namespace sluice::detail {
namespace {

struct Walk {
  std::vector<std::string> parts;  ///< the pattern's components
  const std::string& exclude;
  std::vector<std::string> found;
  std::string error;
};

/// `dir` empty: the current directory (a relative pattern).
std::string join(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir == "/" ? "/" + name : dir + "/" + name;
}

bool is_dir(const std::string& path, bool follow) {
  struct stat st {};
  int rc = follow ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st);
  return rc == 0 && S_ISDIR(st.st_mode);
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

/// The names in `dir`, sorted, without `.` and `..`; false (and w.error) on error.
bool list(Walk& w, const std::string& dir, std::vector<std::string>& names) {
  DIR* d = ::opendir(dir.empty() ? "." : dir.c_str());
  if (!d) {
    if (errno == ENOENT || errno == ENOTDIR) return true;  // nothing there to match
    w.error = IoError::from(errno, "read directory", dir).message;
    return false;
  }
  while (dirent* e = ::readdir(d)) {
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0)
      names.emplace_back(e->d_name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return true;
}

void walk(Walk& w, const std::string& dir, std::size_t i);

/// `**` at component i: zero directories, then each subdirectory in turn;
/// at the end of the pattern, every file below.
void walk_any_depth(Walk& w, const std::string& dir, std::size_t i) {
  bool last = i + 1 == w.parts.size();
  if (!last) walk(w, dir, i + 1);
  std::vector<std::string> names;
  if (!list(w, dir, names)) return;
  for (const auto& name : names) {
    if (!w.error.empty() || name[0] == '.') continue;
    std::string path = join(dir, name);
    if (is_dir(path, false))
      walk_any_depth(w, path, i);
    else if (last && !is_dir(path, true) && path != w.exclude)
      w.found.push_back(path);
  }
}

void walk(Walk& w, const std::string& dir, std::size_t i) {
  if (!w.error.empty() || i == w.parts.size()) return;
  const std::string& part = w.parts[i];
  bool last = i + 1 == w.parts.size();
  if (part == "**") return walk_any_depth(w, dir, i);
  if (!is_glob(part)) {
    std::string path = join(dir, part);
    if (last) {
      if (exists(path) && !is_dir(path, true) && path != w.exclude) w.found.push_back(path);
    } else if (is_dir(path, true)) {
      walk(w, path, i + 1);
    }
    return;
  }
  Glob glob(part);
  std::vector<std::string> names;
  if (!list(w, dir, names)) return;
  for (const auto& name : names) {
    if (name[0] == '.' && part[0] != '.') continue;
    if (!glob.matches(name)) continue;
    std::string path = join(dir, name);
    if (!last) {
      if (is_dir(path, true)) walk(w, path, i + 1);
    } else if (!is_dir(path, true) && path != w.exclude) {
      w.found.push_back(path);
    }
  }
}

std::vector<std::string> split(const std::string& pattern) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= pattern.size()) {
    std::size_t slash = pattern.find('/', start);
    if (slash == std::string::npos) slash = pattern.size();
    if (slash > start) parts.push_back(pattern.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

}  // namespace

PathExpansion expand_paths(const std::vector<std::string>& patterns, const std::string& exclude) {
  PathExpansion out;
  for (const auto& pattern : patterns) {
    if (!is_glob(pattern)) {
      out.paths.push_back(pattern);
      continue;
    }
    Walk w{split(pattern), exclude, {}, {}};
    walk(w, pattern[0] == '/' ? "/" : "", 0);
    if (!w.error.empty()) {
      out.error = std::move(w.error);
      return out;
    }
    if (w.found.empty()) {
      out.error = "no file matches \"" + pattern + "\"";
      return out;
    }
    std::sort(w.found.begin(), w.found.end());
    w.found.erase(std::unique(w.found.begin(), w.found.end()), w.found.end());
    out.paths.insert(out.paths.end(), w.found.begin(), w.found.end());
  }
  return out;
}

}  // namespace sluice::detail
