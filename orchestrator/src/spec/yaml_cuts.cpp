// find_yaml_cuts: one pass over the lines (see yaml_cuts.hpp for the rules).
#include "spec/yaml_cuts.hpp"

#include <algorithm>

namespace sluice::detail {

namespace {

bool is_name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool is_name_char(char c) { return is_name_start(c) || c == '-' || c == '.'; }

bool is_blank(char c) { return c == ' ' || c == '\t'; }

/// Line `i` without its line ending.
std::string_view line_at(std::string_view text, const std::vector<std::uint32_t>& starts,
                         std::size_t i) {
  const std::size_t begin = starts[i];
  std::size_t end = i + 1 < starts.size() ? starts[i + 1] - 1 : text.size();
  if (end > begin && text[end - 1] == '\r') --end;
  return text.substr(begin, end - begin);
}

bool blank_or_comment(std::string_view line) {
  std::size_t i = 0;
  while (i < line.size() && is_blank(line[i])) ++i;
  return i == line.size() || line[i] == '#';
}

/// `name:` at column 0 with nothing after it but blanks and a comment: a
/// key whose value is the block below.
bool is_bare_key_line(std::string_view line) {
  if (line.empty() || !is_name_start(line[0])) return false;
  std::size_t i = 1;
  while (i < line.size() && is_name_char(line[i])) ++i;
  if (i == line.size() || line[i] != ':') return false;
  ++i;
  if (i < line.size() && !is_blank(line[i])) return false;
  while (i < line.size() && is_blank(line[i])) ++i;
  return i == line.size() || line[i] == '#';
}

/// Something that may be an anchor, `&name` after a blank or a flow
/// indicator. Over-eager is fine (it only costs a cut); `a && b` and `2>&1`
/// are not anchors.
bool may_hold_anchor(std::string_view line) {
  for (std::size_t i = line.find('&'); i != std::string_view::npos; i = line.find('&', i + 1)) {
    const char before = i == 0 ? ' ' : line[i - 1];
    const char after = i + 1 < line.size() ? line[i + 1] : ' ';
    const bool opens = is_blank(before) || before == '[' || before == '{' || before == ',';
    if (opens && !is_blank(after) && after != '&') return true;
  }
  return false;
}

std::size_t indentation(std::string_view line) {
  std::size_t n = 0;
  while (n < line.size() && line[n] == ' ') ++n;
  return n;
}

}  // namespace

std::vector<YamlCut> find_yaml_cuts(std::string_view text,
                                    const std::vector<std::uint32_t>& line_starts,
                                    unsigned pieces) {
  std::vector<YamlCut> cuts;
  if (pieces < 2 || text.empty() || line_starts.empty()) return cuts;
  // The prefix is parsed again by every later piece: keep it small beside one.
  const std::size_t max_prefix = text.size() / pieces / 4;
  std::size_t target = text.size() / pieces;

  bool in_map = false;      // inside the block map of a bare top-level key
  std::size_t key_line = 0;
  std::size_t prefix_end = 0;
  std::size_t indent = 0;   // of the map's keys; 0 until its first key
  bool anchored = false;    // an anchor in the map so far: later pieces could not see it
  for (std::size_t i = 0; i < line_starts.size() && cuts.size() + 1 < pieces; ++i) {
    const std::string_view line = line_at(text, line_starts, i);
    if (line.empty()) continue;
    if (!is_blank(line[0]) && line[0] != '#') {  // column-0 content ends any map
      in_map = is_bare_key_line(line);
      key_line = i;
      prefix_end = i + 1 < line_starts.size() ? line_starts[i + 1] : text.size();
      indent = 0;
      anchored = false;
      continue;
    }
    if (!in_map || blank_or_comment(line)) continue;
    const std::size_t n = indentation(line);
    const bool key_here = n > 0 && n < line.size() && is_name_start(line[n]);
    if (indent == 0) {
      if (!key_here) in_map = false;  // not a block map of plain keys
      indent = n;
    } else if (key_here && n == indent && line_starts[i] >= target && !anchored &&
               prefix_end <= max_prefix) {
      const std::size_t line_end = i + 1 < line_starts.size() ? line_starts[i + 1] : text.size();
      cuts.push_back(YamlCut{key_line, prefix_end, line_starts[i], i, line_end, n});
      target = std::max<std::size_t>(line_starts[i] + 1,
                                     text.size() / pieces * (cuts.size() + 1));
    }
    anchored = anchored || may_hold_anchor(line);
  }
  return cuts;
}

}  // namespace sluice::detail
