// dotenv parsing (see dotenv.hpp).
#include "spec/dotenv.hpp"

namespace sluice::detail {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool valid_name(std::string_view k) {
  if (k.empty() || (k[0] >= '0' && k[0] <= '9')) return false;
  for (char c : k) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// A value in double quotes: the common escapes only; anything else is kept.
bool unquote_double(std::string_view v, std::string& out) {
  for (size_t i = 1; i < v.size(); ++i) {
    char c = v[i];
    if (c == '"') return trim(v.substr(i + 1)).empty() || trim(v.substr(i + 1)).front() == '#';
    if (c == '\\' && i + 1 < v.size()) {
      char n = v[++i];
      out += n == 'n' ? '\n' : n == 't' ? '\t' : n;
      continue;
    }
    out += c;
  }
  return false;
}

}  // namespace

Dotenv parse_dotenv(std::string_view text) {
  Dotenv result;
  std::uint32_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (line.empty() || line.front() == '#') continue;
    if (line.substr(0, 7) == "export ") line = trim(line.substr(7));
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      result.errors.push_back({line_no, "expected KEY=VALUE"});
      continue;
    }
    std::string_view key = trim(line.substr(0, eq));
    std::string_view value = trim(line.substr(eq + 1));
    if (!valid_name(key)) {
      result.errors.push_back({line_no, "invalid variable name '" + std::string(key) + "'"});
      continue;
    }
    std::string out;
    if (!value.empty() && value.front() == '"') {
      if (!unquote_double(value, out)) {
        result.errors.push_back({line_no, "unterminated double quote"});
        continue;
      }
    } else if (!value.empty() && value.front() == '\'') {
      size_t close = value.find('\'', 1);
      if (close == std::string_view::npos) {
        result.errors.push_back({line_no, "unterminated single quote"});
        continue;
      }
      out = value.substr(1, close - 1);
    } else {
      size_t hash = value.find(" #");
      if (hash == std::string_view::npos) hash = value.find("\t#");
      out = trim(value.substr(0, hash));
    }
    result.entries.emplace_back(std::string(key), std::move(out));
  }
  return result;
}

}  // namespace sluice::detail
