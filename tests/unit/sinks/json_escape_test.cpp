#include "sinks/json_escape.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

namespace sluice::detail {
namespace {

std::string json(std::string_view s) {
  ByteBuffer b;
  append_json_string(b, s);
  return std::string(b.view());
}

TEST(JsonEscape, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(json("plain"), "\"plain\"");
  EXPECT_EQ(json("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(json("\t\r\n\b\f"), "\"\\t\\r\\n\\b\\f\"");
  EXPECT_EQ(json(std::string_view("\x00\x01\x1b\x1f\x7f", 5)), "\"\\u0000\\u0001\\u001b\\u001f\x7f\"");
}

TEST(JsonEscape, KeepsValidUtf8) {
  EXPECT_EQ(json("caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80"), "\"caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80\"");
}

TEST(JsonEscape, ReplacesInvalidUtf8WithReplacementCharacter) {
  const std::string r = "\xef\xbf\xbd";
  EXPECT_EQ(json("a\xff" "b"), "\"a" + r + "b\"");
  EXPECT_EQ(json("\xc3"), "\"" + r + "\"");                       // truncated
  EXPECT_EQ(json("\xe2\x9c" "x"), "\"" + r + "x\"");              // one maximal subpart
  EXPECT_EQ(json("\xc0\xaf"), "\"" + r + r + "\"");               // overlong
  EXPECT_EQ(json("\xed\xa0\x80"), "\"" + r + r + r + "\"");       // surrogate
  EXPECT_EQ(json("\xf4\x90\x80\x80"), "\"" + r + r + r + r + "\"");  // past U+10FFFF
  EXPECT_EQ(json("\x80"), "\"" + r + "\"");                       // lone continuation
}

TEST(JsonEscape, RandomBytesAlwaysGiveValidJson) {
  std::mt19937 rng(42);
  for (int round = 0; round < 2000; ++round) {
    std::string s(rng() % 64, '\0');
    for (char& c : s) c = static_cast<char>(rng());
    std::string text = json(s);
    nlohmann::json parsed;
    ASSERT_NO_THROW(parsed = nlohmann::json::parse(text)) << text;
    ASSERT_TRUE(parsed.is_string());
  }
}

}  // namespace
}  // namespace sluice::detail
