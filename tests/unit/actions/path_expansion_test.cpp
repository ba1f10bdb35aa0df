#include "actions/path_expansion.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "unit/actions/action_test_support.hpp"

namespace sluice::detail {
namespace {

using Paths = std::vector<std::string>;

class PathExpansionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* d : {"src", "src/sub", "src/sub/deep", "src/.hidden", "src/dir.c"})
      ::mkdir((dir_ / d).c_str(), 0755);
    for (const char* f : {"src/b.c", "src/a.c", "src/a.h", "src/.x.c", "src/sub/c.c",
                          "src/sub/deep/d.c", "src/.hidden/e.c", "src/.out.sluice-AbCdEf"})
      testing::write_file(dir_ / f, "x");
    ::symlink((dir_ / "src").c_str(), (dir_ / "src/sub/loop").c_str());
  }
  PathExpansion expand(Paths patterns, const std::string& exclude = {}) {
    for (auto& p : patterns) p = dir_ / p;
    PathExpansion e = expand_paths(patterns, exclude.empty() ? "" : dir_ / exclude);
    for (auto& p : e.paths) p = p.substr(dir_.path().size() + 1);
    return e;
  }
  testing::TempDir dir_;
};

TEST_F(PathExpansionTest, KeepsLiteralPathsAsWrittenExistingOrNot) {
  EXPECT_EQ(expand({"src/b.c", "missing", "src/a.c"}).paths,
            (Paths{"src/b.c", "missing", "src/a.c"}));
}

TEST_F(PathExpansionTest, ExpandsAGlobToItsSortedFileMatchesWithoutHiddenOnesOrDirectories) {
  EXPECT_EQ(expand({"src/*.c"}).paths, (Paths{"src/a.c", "src/b.c"}));
  EXPECT_EQ(expand({"src/?.[ch]"}).paths, (Paths{"src/a.c", "src/a.h", "src/b.c"}));
  EXPECT_EQ(expand({"src/.*.c"}).paths, (Paths{"src/.x.c"}));
  EXPECT_EQ(expand({"src/*/*.c"}).paths, (Paths{"src/sub/c.c"}));
}

TEST_F(PathExpansionTest, DoubleStarIsAnyDepthWithoutFollowingSymlinkedDirectories) {
  EXPECT_EQ(expand({"src/**/*.c"}).paths,
            (Paths{"src/a.c", "src/b.c", "src/sub/c.c", "src/sub/deep/d.c"}));
  EXPECT_EQ(expand({"src/sub/**"}).paths, (Paths{"src/sub/c.c", "src/sub/deep/d.c"}));
}

TEST_F(PathExpansionTest, KeepsPatternOrderAndExcludesTheTarget) {
  EXPECT_EQ(expand({"src/b.c", "src/*.h", "src/*.c"}, "src/a.c").paths,
            (Paths{"src/b.c", "src/a.h", "src/b.c"}));
}

TEST_F(PathExpansionTest, AGlobThatMatchesNothingIsAnError) {
  PathExpansion e = expand({"src/*.c", "src/*.rs"});
  EXPECT_EQ(e.error, "no file matches \"" + dir_ / "src/*.rs" + "\"");
  PathExpansion missing_dir = expand({"nowhere/*.c"});
  EXPECT_EQ(missing_dir.error, "no file matches \"" + dir_ / "nowhere/*.c" + "\"");
}

}  // namespace
}  // namespace sluice::detail
