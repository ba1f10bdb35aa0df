#include "executors/output_file.hpp"

namespace sluice::detail {
namespace {

std::string_view next_line(std::string_view& text) {
  std::size_t nl = text.find('\n');
  std::string_view line = text.substr(0, nl);
  text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> parse_output_file(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!text.empty()) {
    std::string_view line = next_line(text);
    std::size_t eq = line.find('=');
    std::size_t heredoc = line.find("<<");
    if (heredoc != std::string_view::npos && heredoc > 0 && (eq == std::string_view::npos || heredoc < eq)) {
      std::string key(line.substr(0, heredoc));
      std::string_view delim = line.substr(heredoc + 2);
      std::string value;
      bool first = true;
      while (!text.empty()) {
        std::string_view body = next_line(text);
        if (body == delim) break;
        if (!first) value += '\n';
        value += body;
        first = false;
      }
      out.emplace_back(std::move(key), std::move(value));
    } else if (eq != std::string_view::npos && eq > 0) {
      out.emplace_back(std::string(line.substr(0, eq)), std::string(line.substr(eq + 1)));
    }
  }
  return out;
}

}  // namespace sluice::detail
