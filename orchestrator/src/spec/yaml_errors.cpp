// The builder's messages: yaml-cpp's syntax errors put in words (a tab
// that indents, an unclosed bracket, an unknown alias), a NUL made by an
// escape, and positions (see yaml_tree_builder.hpp).
#include <yaml-cpp/exceptions.h>

#include <algorithm>

#include "spec/utf8.hpp"
#include "spec/yaml_tree_builder.hpp"

namespace sluice::detail {

std::string display_key(std::string_view text) {
  constexpr std::size_t kMax = 60;
  if (text.size() <= kMax) return std::string(text);
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
}

// YAML indents with spaces only; yaml-cpp's error about a tab there names
// anything but the tab ("illegal map value", "end of map not found"). The
// tab is on the line of the error or the one before it.
std::optional<TextPosition> YamlTreeBuilder::indenting_tab(std::uint32_t line) const {
  for (const std::uint32_t l : {line, line - 1}) {
    if (l == 0) continue;
    const std::string_view text = src_.source_line(l);
    const std::size_t indent = text.find_first_not_of(" \t");
    const std::size_t tab = text.substr(0, indent).find('\t');
    if (tab != std::string_view::npos) return TextPosition{l, static_cast<std::uint32_t>(tab + 1)};
  }
  return std::nullopt;
}

void YamlTreeBuilder::translate(const YAML::ParserException& e) {
  const YAML::Mark mark = source_mark(e.mark);
  const TextPosition at = position(mark);
  if (const auto tab = indenting_tab(at.line)) {
    fail(*tab, "YAML syntax error: a tab indents this line (YAML indents with spaces only)");
    return;
  }
  if (e.msg == YAML::ErrorMsg::UNKNOWN_ANCHOR && mark.pos >= 0) {
    const std::string name = alias_name_at(static_cast<std::size_t>(mark.pos));
    if (!name.empty()) {
      fail(at, "unknown alias '*" + name + "' (no anchor '&" + name + "' before it)");
      return;
    }
  }
  // yaml-cpp reports an unclosed `[` or `{` at the end of the file; the
  // bracket itself is the useful place.
  const bool seq = e.msg == YAML::ErrorMsg::END_OF_SEQ_FLOW;
  if (seq || e.msg == YAML::ErrorMsg::END_OF_MAP_FLOW) {
    const char bracket = seq ? '[' : '{';
    for (auto it = stack_.rbegin(); it != stack_.rend(); ++it) {
      if (it->offset < 0 || static_cast<std::size_t>(it->offset) >= src_.source_size_ ||
          src_.text_[static_cast<std::size_t>(it->offset)] != bracket) {
        continue;
      }
      fail(position_of_offset(static_cast<std::size_t>(it->offset)), "YAML syntax error: " + e.msg);
      t_.diagnostics_.back().hint = std::string("this '") + bracket + "' is never closed";
      return;
    }
  }
  fail(at, "YAML syntax error: " + e.msg);
}

std::string YamlTreeBuilder::alias_name_at(std::size_t offset) const {
  const std::string_view src(src_.text_.data(), src_.source_size_);
  if (offset >= src.size() || src[offset] != '*') return {};
  std::size_t end = offset + 1;
  while (end < src.size() && std::string_view(" \t\r\n,[]{}").find(src[end]) == std::string_view::npos) {
    ++end;
  }
  return display_key(src.substr(offset + 1, end - offset - 1));
}


// A raw NUL byte is refused before parsing; an escape (`"\0"`, `"\x00"`,
// `"\u0000"`) makes one in a double-quoted scalar, which an argv element or
// a path would silently end at. Reported at the escape.
void YamlTreeBuilder::report_nul_escape(const YAML::Mark& mark) {
  const std::string_view src(src_.text_.data(), src_.source_size_);
  std::size_t at = mark.pos >= 0 ? static_cast<std::size_t>(mark.pos) : src.size();
  std::string spelled = "\\0";
  if (at < src.size() && src[at] == '"') {
    for (std::size_t i = at + 1; i + 1 < src.size() && src[i] != '"'; ++i) {
      if (src[i] != '\\') continue;
      const char e = src[i + 1];
      const std::size_t zeros = e == '0' ? 0 : e == 'x' ? 2 : e == 'u' ? 4 : e == 'U' ? 8 : 99;
      const std::string_view digits = src.substr(i + 2, zeros == 99 ? 0 : zeros);
      if (zeros != 99 && digits.size() == zeros && digits.find_first_not_of('0') == std::string_view::npos) {
        at = i;
        spelled = std::string(src.substr(i, 2 + zeros));
        break;
      }
      ++i;  // the escaped character
    }
  }
  t_.diagnostics_.push_back(make(at < src.size() ? position_of_offset(at) : position(mark),
                                 "NUL character in a string (the escape '" + spelled +
                                     "'): no argument, path or name can hold one"));
}


}  // namespace sluice::detail
