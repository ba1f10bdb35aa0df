// Lexical path arithmetic (see lexical_path.hpp).
#include "spec/lexical_path.hpp"

#include <unistd.h>

#include <vector>

namespace sluice::detail {

namespace {

/// True when `path` is already what normalize_path() makes of it: "/", or
/// segments without empty, "." and ".." ones, optionally after one '/'.
/// Nearly every path in a pipeline is: it then skips the split and rebuild.
bool is_normal(std::string_view path) {
  if (path == "/") return true;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  if (path.empty()) return false;
  std::size_t begin = 0;
  while (true) {
    std::size_t end = path.find('/', begin);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view part = path.substr(begin, end - begin);
    if (part.empty() || part == "." || part == "..") return false;
    if (end == path.size()) return true;
    begin = end + 1;
  }
}

}  // namespace

std::string normalize_path(std::string_view path) {
  if (is_normal(path)) return std::string(path);
  const bool absolute = !path.empty() && path.front() == '/';
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    if (part.empty() || part == ".") {
      // nothing
    } else if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!absolute) {
        parts.push_back(part);
      }
    } else {
      parts.push_back(part);
    }
    i = j + 1;
  }
  // Built with push_back/append only: GCC 12's -Wrestrict misfires on
  // assigning a literal to a string that was concatenated before.
  std::size_t size = absolute ? 1 : 0;
  for (auto part : parts) size += part.size() + 1;
  std::string out;
  out.reserve(size + 1);
  if (absolute) out.push_back('/');
  for (size_t k = 0; k < parts.size(); ++k) {
    if (k > 0) out.push_back('/');
    out.append(parts[k].data(), parts[k].size());
  }
  if (out.empty()) out.push_back('.');
  return out;
}

std::string join_path(std::string_view base, std::string_view path) {
  if (!path.empty() && path.front() == '/') return normalize_path(path);
  if (is_normal(base) && is_normal(path)) {
    std::string joined;
    joined.reserve(base.size() + 1 + path.size());
    joined.append(base);
    if (base != "/") joined += '/';
    joined.append(path);
    return joined;
  }
  std::string joined(base);
  joined += '/';
  joined += path;
  return normalize_path(joined);
}

std::string parent_dir(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

std::string file_stem(std::string_view path) {
  size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  size_t dot = name.rfind('.');
  if (dot != std::string_view::npos && dot > 0) name = name.substr(0, dot);
  return std::string(name);
}

std::string absolute_path(std::string_view path) {
  if (!path.empty() && path.front() == '/') return normalize_path(path);
  std::vector<char> buf(4096);
  // Without a working directory (it was deleted) the root is the best guess.
  const char* cwd = ::getcwd(buf.data(), buf.size());
  return join_path(cwd != nullptr && *cwd != '\0' ? std::string_view(cwd) : std::string_view("/"), path);
}

}  // namespace sluice::detail
