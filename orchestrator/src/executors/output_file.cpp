#include "executors/output_file.hpp"

namespace sluice::detail {
namespace {

/// Lines of a text, counted from 1.
class Lines {
 public:
  explicit Lines(std::string_view text) : text_(text) {}
  bool done() const { return text_.empty(); }
  int number() const { return number_; }
  std::string_view next() {
    ++number_;
    std::size_t nl = text_.find('\n');
    std::string_view line = text_.substr(0, nl);
    text_.remove_prefix(nl == std::string_view::npos ? text_.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
  }

 private:
  std::string_view text_;
  int number_ = 0;
};

bool valid_key(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '-';
    if (!ok) return false;
  }
  return true;
}

/// A line as it stands in a message: cut when long.
std::string shown(std::string_view line) {
  constexpr std::size_t kMax = 60;
  return "'" + std::string(line.substr(0, kMax)) + (line.size() > kMax ? "...'" : "'");
}

std::string at_line(int n, const std::string& what) { return "line " + std::to_string(n) + ": " + what; }

}  // namespace

OutputFile parse_output_file(std::string_view text) {
  OutputFile out;
  Lines lines(text);
  while (!lines.done()) {
    std::string_view line = lines.next();
    if (line.empty()) continue;
    const int start = lines.number();
    std::size_t eq = line.find('=');
    std::size_t heredoc = line.find("<<");
    bool is_heredoc = heredoc != std::string_view::npos && (eq == std::string_view::npos || heredoc < eq);
    std::string_view key = line.substr(0, is_heredoc ? heredoc : eq);
    if (!is_heredoc && eq == std::string_view::npos) {
      out.error = at_line(start, "expected KEY=VALUE or KEY<<DELIMITER, got " + shown(line));
      return out;
    }
    if (!valid_key(key)) {
      out.error = at_line(start, "invalid key " + shown(key) +
                                     " (a key is letters, digits, '_' and '-') in " + shown(line));
      return out;
    }
    if (!is_heredoc) {
      out.values.emplace_back(std::string(key), std::string(line.substr(eq + 1)));
      continue;
    }
    std::string_view delim = line.substr(heredoc + 2);
    if (delim.empty()) {
      out.error = at_line(start, "expected a delimiter after '<<' in " + shown(line));
      return out;
    }
    std::string value;
    bool closed = false;
    for (bool first = true; !lines.done(); first = false) {
      std::string_view body = lines.next();
      if (body == delim) {
        closed = true;
        break;
      }
      if (!first) value += '\n';
      value += body;
    }
    if (!closed) {
      out.error = at_line(start, shown(line) + " has no closing line " + shown(delim));
      return out;
    }
    out.values.emplace_back(std::string(key), std::move(value));
  }
  return out;
}

}  // namespace sluice::detail
