#include "runtime/line_splitter.hpp"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace sluice::detail
