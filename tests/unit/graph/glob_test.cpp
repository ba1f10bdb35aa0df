// Glob matching used for implicit edges (graph/glob.hpp).
#include "graph/glob.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sluice::detail {
namespace {

TEST(Glob, StarStaysWithinOneDirectory) {
  EXPECT_TRUE(glob_match("/w/out/*.csv", "/w/out/a.csv"));
  EXPECT_TRUE(glob_match("/w/out/*.csv", "/w/out/.csv"));
  EXPECT_FALSE(glob_match("/w/out/*.csv", "/w/out/sub/a.csv"));
  EXPECT_FALSE(glob_match("/w/out/*.csv", "/w/out/a.csvx"));
}

TEST(Glob, QuestionMarkIsOneCharacterNotSlash) {
  EXPECT_TRUE(glob_match("/w/a?.txt", "/w/ab.txt"));
  EXPECT_FALSE(glob_match("/w/a?.txt", "/w/a.txt"));
  EXPECT_FALSE(glob_match("/w/a?b", "/w/a/b"));
}

TEST(Glob, BracketSetsRangesAndNegation) {
  EXPECT_TRUE(glob_match("/w/[ab]1", "/w/b1"));
  EXPECT_FALSE(glob_match("/w/[ab]1", "/w/c1"));
  EXPECT_TRUE(glob_match("/w/x[0-9]", "/w/x7"));
  EXPECT_FALSE(glob_match("/w/x[0-9]", "/w/xa"));
  EXPECT_TRUE(glob_match("/w/x[!0-9]", "/w/xa"));
  EXPECT_TRUE(glob_match("/w/x[^0-9]", "/w/xa"));
  EXPECT_FALSE(glob_match("/w/x[!0-9]", "/w/x3"));
  EXPECT_TRUE(glob_match("/w/[]]", "/w/]"));
}

TEST(Glob, UnclosedBracketIsLiteral) {
  EXPECT_TRUE(glob_match("/w/a[b", "/w/a[b"));
  EXPECT_FALSE(glob_match("/w/a[b", "/w/ab"));
}

TEST(Glob, DoubleStarCrossesDirectories) {
  EXPECT_TRUE(glob_match("/w/**/x.o", "/w/x.o"));
  EXPECT_TRUE(glob_match("/w/**/x.o", "/w/a/x.o"));
  EXPECT_TRUE(glob_match("/w/**/x.o", "/w/a/b/c/x.o"));
  EXPECT_FALSE(glob_match("/w/**/x.o", "/w/ax.o"));
  EXPECT_TRUE(glob_match("/w/**", "/w/a/b"));
  EXPECT_TRUE(glob_match("/w/a**z", "/w/a/b/z"));
  EXPECT_FALSE(glob_match("/v/**", "/w/a"));
}

TEST(Glob, ManyStarsStayFast) {
  // Exponential backtracking would not finish; the DP is O(pattern x text).
  std::string text(2000, 'a');
  EXPECT_FALSE(glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", text));
  EXPECT_TRUE(glob_match("**a**a**a**a**a**a**a**a", text));
}

TEST(Glob, LiteralPrefixAndDetection) {
  EXPECT_EQ(glob_literal_prefix("/w/out/*.csv"), "/w/out/");
  EXPECT_EQ(glob_literal_prefix("/w/x"), "/w/x");
  EXPECT_TRUE(is_glob("/a/[x]"));
  EXPECT_FALSE(is_glob("/a/b"));
}

}  // namespace
}  // namespace sluice::detail
