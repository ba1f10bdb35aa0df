#include "sinks/console_text.hpp"

#include <iterator>

namespace sluice::detail {

std::size_t text_width(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

void pad_to(std::string& s, std::size_t used, std::size_t width) {
  if (used < width) s.append(width - used, ' ');
}

void append_colored(std::string& s, std::string_view text, const char* sgr, bool color) {
  if (color && sgr) {
    s += "\x1b[";
    s += sgr;
    s += 'm';
    s += text;
    s += kReset;
  } else {
    s += text;
  }
}

const char* task_color(TaskId id) {
  static constexpr const char* kPalette[] = {"36", "32", "33", "34", "35", "96", "92", "93", "94", "95"};
  return kPalette[id % std::size(kPalette)];
}

bool decide_color(ColorMode mode, bool no_color_env, bool is_tty) {
  switch (mode) {
    case ColorMode::Always: return true;
    case ColorMode::Never: return false;
    case ColorMode::Auto: return is_tty && !no_color_env;
  }
  return false;
}

}  // namespace sluice::detail
