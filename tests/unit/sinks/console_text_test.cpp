// The console's shared text pieces: whether to colour, widths, padding.
#include "sinks/console_text.hpp"

#include <gtest/gtest.h>

namespace sluice::detail {
namespace {

TEST(ConsoleText, DecideColor) {
  EXPECT_TRUE(decide_color(ColorMode::Always, true, false));
  EXPECT_FALSE(decide_color(ColorMode::Never, false, true));
  EXPECT_TRUE(decide_color(ColorMode::Auto, false, true));
  EXPECT_FALSE(decide_color(ColorMode::Auto, true, true));   // NO_COLOR
  EXPECT_FALSE(decide_color(ColorMode::Auto, false, false));  // not a TTY
}

TEST(ConsoleText, WidthsCountCodePoints) {
  EXPECT_EQ(text_width("caf\xc3\xa9 \xe2\x9c\x93"), 6u);
  std::string s = "ab";
  pad_to(s, text_width(s), 5);
  EXPECT_EQ(s, "ab   ");
  std::string c;
  append_colored(c, "x", kRed, true);
  append_colored(c, "y", kRed, false);
  EXPECT_EQ(c, "\x1b[31mx\x1b[0my");
}

}  // namespace
}  // namespace sluice::detail
