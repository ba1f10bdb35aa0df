#include "sinks/terminal_filter.hpp"

#include <gtest/gtest.h>

namespace sluice::detail {
namespace {

std::string neutralise(std::string_view s, bool keep_sgr = true) {
  ByteBuffer b;
  append_neutralised(b, s, keep_sgr);
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

// Colour off (off a TTY, --color never): no escape sequence passes at all.
TEST(TerminalFilter, DropsSgrTooWhenColourIsOff) {
  EXPECT_EQ(neutralise("\x1b[31mred\x1b[0m \x1b[1;38;5;208mx\x1b[m", false), "red x");
  EXPECT_EQ(neutralise("a\x9b" "31mb", false), "ab");
  EXPECT_EQ(neutralise("a\x1b]0;t\x07" "b\x1b[2Jc\rd", false), "d");
}

// The vector scan must see a control at any offset, in the wide steps and
// in the tail, and only a control.
TEST(TerminalFilter, NeedsNeutralisingFindsAControlAtEveryOffset) {
  for (char c : {'\x1b', '\r', '\x80', '\x9f'}) {
    for (std::size_t at = 0; at < 150; ++at) {
      std::string s(150, 'x');
      s[at] = c;
      EXPECT_TRUE(needs_neutralising(s)) << int(c) << " at " << at;
    }
  }
  std::string clean;
  for (int i = 0; i < 300; ++i) clean += "\t\n\x7f\xa0\xc3\xa9\xff\x1a\x1c\x0c\x7e\x60\x1f";
  EXPECT_FALSE(needs_neutralising(clean));
  EXPECT_FALSE(needs_neutralising(""));
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

TEST(TerminalFilter, ACarriageReturnShowsWhatATerminalWould) {
  EXPECT_EQ(neutralise("a\rb"), "b");
  EXPECT_EQ(neutralise("10%\r50%\r100%\n"), "100%\n");
  EXPECT_EQ(neutralise("crlf\r\nnext\r\n"), "crlf\nnext\n");  // CRLF: only stripped
  EXPECT_EQ(neutralise("x\r\r"), "x");
  EXPECT_EQ(neutralise("\rlead"), "lead");
  EXPECT_EQ(neutralise("one\rtwo\nthree\rfour"), "two\nfour");  // per line
  EXPECT_EQ(neutralise("a\x1b]0;t\rb"), "b");
  EXPECT_TRUE(needs_neutralising("a\rb"));
}

TEST(TerminalFilter, RawEightBitControlsAreNeutralisedLikeTheirSevenBitForms) {
  EXPECT_EQ(neutralise("a\x9b" "2Jb"), "ab");                         // CSI: erase display
  EXPECT_EQ(neutralise("a\x9b" "31mred"), "a\x1b[31mred");            // SGR kept, as 7-bit
  EXPECT_EQ(neutralise("a\x9d" "0;title\x07" "b"), "ab");             // OSC to BEL
  EXPECT_EQ(neutralise("a\x9d" "52;c;aGk=\x9c" "b"), "ab");           // OSC to 8-bit ST
  EXPECT_EQ(neutralise("a\x90q#0\x1b\\b"), "ab");                     // DCS to ESC \\ ...
  EXPECT_EQ(neutralise("a\x98sos\x9c" "b\x9epm\x07" "c\x9f" "apc"), "abc");
  EXPECT_EQ(neutralise("a\x84\x85\x8d\x9c" "b"), "ab");                // any other C1 alone
  // Bytes of valid UTF-8 in 0x80..0x9F are text, not controls.
  EXPECT_EQ(neutralise("\xe2\x9c\x93 ok \xf0\x9f\x98\x80"), "\xe2\x9c\x93 ok \xf0\x9f\x98\x80");
  // A stray continuation byte in 0x80..0x9F is a C1 control; 0xA0..0xFF pass.
  EXPECT_EQ(neutralise("\xe2\x9b" "2J\xff\xa0"), "\xe2\xff\xa0");
  EXPECT_TRUE(needs_neutralising("\x9b" "2J"));
}

}  // namespace
}  // namespace sluice::detail
