#include "sinks/terminal_filter.hpp"

#include <gtest/gtest.h>

namespace sluice::detail {
namespace {

std::string neutralise(std::string_view s) {
  ByteBuffer b;
  append_neutralised(b, s);
  return std::string(b.view());
}

TEST(TerminalFilter, DropsTitleAndClipboardOsc) {
  EXPECT_EQ(neutralise("a\x1b]0;title\x07" "b"), "ab");
  EXPECT_EQ(neutralise("\x1b]52;c;aGVsbG8=\x1b\\after"), "after");
  EXPECT_EQ(neutralise("x\x1b]2;t"), "x");  // unterminated: to the end
}

TEST(TerminalFilter, KeepsSgr) {
  EXPECT_EQ(neutralise("\x1b[31mred\x1b[0m \x1b[1;38;5;208mx\x1b[m"), "\x1b[31mred\x1b[0m \x1b[1;38;5;208mx\x1b[m");
}

TEST(TerminalFilter, DropsOtherCsiDcsAndEscapes) {
  EXPECT_EQ(neutralise("\x1b[2Jx\x1b[10;1Hy\x1b[?25lz"), "xyz");
  EXPECT_EQ(neutralise("\x1bPq#0;2;0;0;0\x1b\\z"), "z");
  EXPECT_EQ(neutralise("\x1b_apc\x1b\\a\x1b^pm\x07" "b\x1bXsos\x1b\\c"), "abc");
  EXPECT_EQ(neutralise("\x1b" "c" "reset"), "reset");  // RIS
  EXPECT_EQ(neutralise("x\x1b"), "x");
}

TEST(TerminalFilter, NeverEatsANewline) {
  EXPECT_EQ(neutralise("x\x1b]0;evil\nnext"), "x\nnext");
  EXPECT_EQ(neutralise("x\x1b\nnext"), "x\nnext");
}

TEST(TerminalFilter, DropsC1ControlsButKeepsOtherUtf8) {
  EXPECT_EQ(neutralise("a\xc2\x9d" "0;t\xc2\x9b" "2J"), "a0;t2J");
  EXPECT_EQ(neutralise("caf\xc3\xa9 \xc2\xa0 \xe2\x9c\x93"), "caf\xc3\xa9 \xc2\xa0 \xe2\x9c\x93");
  EXPECT_FALSE(needs_neutralising("plain text \xc3\xa9"));
  EXPECT_TRUE(needs_neutralising("\x1b[0m"));
}

}  // namespace
}  // namespace sluice::detail
