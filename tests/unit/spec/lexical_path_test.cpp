// normalize_path / join_path: the already-normal fast path and the general
// one give the documented results.
#include "spec/lexical_path.hpp"

#include <gtest/gtest.h>

namespace sluice::detail {
namespace {

TEST(LexicalPath, NormalizeKeepsNormalPathsAndCleansTheRest) {
  EXPECT_EQ(normalize_path("/w/o/0_1"), "/w/o/0_1");
  EXPECT_EQ(normalize_path("a/b"), "a/b");
  EXPECT_EQ(normalize_path("/"), "/");
  EXPECT_EQ(normalize_path(""), ".");
  EXPECT_EQ(normalize_path("."), ".");
  EXPECT_EQ(normalize_path("a/./b//c/../d"), "a/b/d");
  EXPECT_EQ(normalize_path("/../a/"), "/a");
  EXPECT_EQ(normalize_path("../a"), "../a");
  EXPECT_EQ(normalize_path("//a"), "/a");
  EXPECT_EQ(normalize_path("a/.."), ".");
  EXPECT_EQ(normalize_path("a/.b/..c"), "a/.b/..c");
}

TEST(LexicalPath, JoinConcatenatesNormalPartsAndNormalisesOthers) {
  EXPECT_EQ(join_path("/w", "o/0_1"), "/w/o/0_1");
  EXPECT_EQ(join_path("/", "a"), "/a");
  EXPECT_EQ(join_path("rel", "a"), "rel/a");
  EXPECT_EQ(join_path("/w", "/abs/./x"), "/abs/x");
  EXPECT_EQ(join_path("/w/", "a"), "/w/a");
  EXPECT_EQ(join_path("/w", "../a"), "/a");
  EXPECT_EQ(join_path("/w", "a/"), "/w/a");
  EXPECT_EQ(join_path("/w", "."), "/w");
  EXPECT_EQ(join_path("", "a"), "/a");
}

}  // namespace
}  // namespace sluice::detail
