#include "runtime/line_splitter.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace sluice::detail {
namespace {

struct Collect {
  std::vector<std::string> batches;
  void operator()(std::string_view s) { batches.emplace_back(s); }
};

TEST(LineSplitter, EmitsAllCompleteLinesOfAChunkAsOneSpan) {
  LineSplitter split;
  Collect out;
  split.feed("a\nbb\nccc\npart", std::ref(out));
  ASSERT_EQ(out.batches.size(), 1u);
  EXPECT_EQ(out.batches[0], "a\nbb\nccc\n");
  EXPECT_EQ(split.held(), 4u);
}

TEST(LineSplitter, CompletesAHeldPartialLineWithTheNextChunk) {
  LineSplitter split;
  Collect out;
  split.feed("he", std::ref(out));
  split.feed("llo\nwor", std::ref(out));
  split.feed("ld\n", std::ref(out));
  ASSERT_EQ(out.batches.size(), 2u);
  EXPECT_EQ(out.batches[0], "hello\n");
  EXPECT_EQ(out.batches[1], "world\n");
}

TEST(LineSplitter, FlushesTheFinalPartialLineAtEndWithoutAddingANewline) {
  LineSplitter split;
  Collect out;
  split.feed("x\ntail", std::ref(out));
  split.finish(std::ref(out));
  ASSERT_EQ(out.batches.size(), 2u);
  EXPECT_EQ(out.batches[1], "tail");
  split.finish(std::ref(out));
  EXPECT_EQ(out.batches.size(), 2u);
}

TEST(LineSplitter, CutsALineLongerThanTheCapAndEndsEachPieceWithANewline) {
  LineSplitter split(4);
  Collect out;
  split.feed("abcdefghij\n", std::ref(out));
  split.feed("xy", std::ref(out));
  split.finish(std::ref(out));
  std::string all;
  for (auto& b : out.batches) all += b;
  EXPECT_EQ(all, "abcd\nefgh\nij\nxy");
  EXPECT_LE(split.held(), 4u);
}

TEST(LineSplitter, ALineOfExactlyTwiceTheCapBecomesTwoPieces) {
  LineSplitter split(4);
  Collect out;
  split.feed("abcdefgh\nz\n", std::ref(out));
  std::string all;
  for (auto& b : out.batches) all += b;
  EXPECT_EQ(all, "abcd\nefgh\nz\n");
}

TEST(LineSplitter, ALineOfExactlyTheCapWhoseNewlineComesInTheNextChunkGainsNoBlankLine) {
  LineSplitter split(4);
  Collect out;
  split.feed("abcd", std::ref(out));
  split.feed("\nz\n", std::ref(out));
  std::string all;
  for (auto& b : out.batches) all += b;
  EXPECT_EQ(all, "abcd\nz\n");
}

TEST(LineSplitter, KeepsBinaryBytes) {
  LineSplitter split;
  Collect out;
  std::string chunk("\0\xff\n\x01", 4);
  split.feed(chunk, std::ref(out));
  split.finish(std::ref(out));
  ASSERT_EQ(out.batches.size(), 2u);
  EXPECT_EQ(out.batches[0], std::string("\0\xff\n", 3));
  EXPECT_EQ(out.batches[1], std::string("\x01", 1));
}

/// What the splitter must produce, line by line: each line cut into pieces of
/// at most `cap` bytes, every piece ending in '\n'; the last partial as is.
std::string reference(const std::string& input, std::size_t cap) {
  std::string out;
  std::size_t pos = 0;
  for (;;) {
    std::size_t nl = input.find('\n', pos);
    std::size_t end = nl == std::string::npos ? input.size() : nl;
    std::size_t len = end - pos;
    std::size_t whole = nl == std::string::npos ? len / cap * cap : len;
    for (std::size_t at = 0; at < whole; at += cap) {
      out.append(input, pos + at, std::min(cap, whole - at));
      out.push_back('\n');
    }
    if (nl == std::string::npos) {
      out.append(input, pos + whole, len - whole);
      return out;
    }
    if (len == 0) out.push_back('\n');
    pos = nl + 1;
  }
}

TEST(LineSplitter, MatchesLineByLineCuttingForRandomLinesAndChunks) {
  std::mt19937 rng(7);
  for (std::size_t cap : {1u, 2u, 5u, 16u, 64u}) {
    for (int round = 0; round < 200; ++round) {
      std::string input;
      int lines = static_cast<int>(rng() % 40);
      for (int i = 0; i < lines; ++i) {
        // Mostly short lines, some at and around the cap, a few far over it.
        std::size_t len = rng() % 4 == 0 ? cap - 1 + rng() % 3 : rng() % (rng() % 8 == 0 ? 4 * cap : cap);
        input.append(len, static_cast<char>('a' + i % 26));
        if (rng() % 8 != 0 || i + 1 < lines) input.push_back('\n');
      }
      LineSplitter split(cap);
      Collect out;
      for (std::size_t at = 0; at < input.size();) {
        std::size_t n = std::min<std::size_t>(input.size() - at, 1 + rng() % (3 * cap + 2));
        split.feed(std::string_view(input).substr(at, n), std::ref(out));
        ASSERT_LE(split.held(), cap);
        at += n;
      }
      split.finish(std::ref(out));
      std::string all;
      for (auto& b : out.batches) {
        EXPECT_TRUE(!b.empty());
        all += b;
      }
      ASSERT_EQ(all, reference(input, cap)) << "cap " << cap << ", round " << round;
    }
  }
}

}  // namespace
}  // namespace sluice::detail
