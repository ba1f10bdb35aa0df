// find_yaml_cuts: where a large file may be cut, and every place it must not.
#include "spec/yaml_cuts.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::detail {
namespace {

std::vector<std::uint32_t> line_starts(std::string_view text) {
  std::vector<std::uint32_t> starts{0};
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') starts.push_back(static_cast<std::uint32_t>(i + 1));
  }
  return starts;
}

std::vector<YamlCut> cuts_of(std::string_view text, unsigned pieces) {
  return find_yaml_cuts(text, line_starts(text), pieces);
}

/// `count` tasks of three lines each, at indentation 2.
std::string tasks(int count, int from = 0) {
  std::string out;
  for (int i = from; i < from + count; ++i) {
    out += "  t" + std::to_string(i) + ":\n    run: echo " + std::to_string(i) + "\n";
  }
  return out;
}

std::string_view line_of(std::string_view text, const YamlCut& cut) {
  const std::size_t end = text.find('\n', cut.offset);
  return text.substr(cut.offset, end - cut.offset);
}

TEST(YamlCuts, CutsTheTasksMapAtItsKeysNearEvenOffsets) {
  const std::string text = "vars:\n  a: 1\ntasks:\n" + tasks(300);
  const auto cuts = cuts_of(text, 3);
  ASSERT_EQ(cuts.size(), 2u);
  for (const auto& cut : cuts) {
    EXPECT_EQ(cut.key_line, 2u);
    EXPECT_EQ(cut.prefix_end, text.find("tasks:\n") + 7);
    EXPECT_EQ(line_of(text, cut).substr(0, 3), "  t");
    EXPECT_EQ(text[cut.offset - 1], '\n');
  }
  EXPECT_GE(cuts[0].offset, text.size() / 3);
  EXPECT_LT(cuts[0].offset, text.size() / 3 + 40);
  EXPECT_GE(cuts[1].offset, text.size() * 2 / 3 - 1);
  EXPECT_EQ(cuts[1].line, static_cast<std::size_t>(std::count(text.begin(),
                                                              text.begin() + cuts[1].offset, '\n')));
}

TEST(YamlCuts, NoneForOnePieceOrASmallFileWithoutAMap) {
  EXPECT_TRUE(cuts_of("tasks:\n" + tasks(100), 1).empty());
  EXPECT_TRUE(cuts_of("", 4).empty());
  EXPECT_TRUE(cuts_of("- a\n- b\n- c\n- d\n", 2).empty());
}

TEST(YamlCuts, OnlyInsideTheBlockMapOfABareKey) {
  // `tasks: {` and `tasks: &x` are not bare keys; a sequence is not a map of keys.
  EXPECT_TRUE(cuts_of("tasks: {\n" + tasks(100) + "}\n", 2).empty());
  EXPECT_TRUE(cuts_of("tasks: &all\n" + tasks(100), 2).empty());
  std::string seq = "tasks:\n";
  for (int i = 0; i < 100; ++i) seq += "  - a" + std::to_string(i) + ": 1\n";
  EXPECT_TRUE(cuts_of(seq, 2).empty());
  // A comment after the key is fine.
  EXPECT_EQ(cuts_of("tasks:   # all of them\n" + tasks(100), 2).size(), 1u);
}

TEST(YamlCuts, NeverAtAnotherIndentationOrOnAContinuation) {
  // Keys at 4 inside the tasks, items, comments and block text are never cut at.
  std::string text = "tasks:\n";
  for (int i = 0; i < 100; ++i) {
    text += "  t" + std::to_string(i) + ":\n    run: |\n      x: y\n    needs:\n    - a\n  # c\n";
  }
  for (const auto& cut : cuts_of(text, 4)) {
    const auto line = line_of(text, cut);
    EXPECT_EQ(line.substr(0, 3), "  t") << line;
  }
  EXPECT_EQ(cuts_of(text, 4).size(), 3u);
}

TEST(YamlCuts, NoneAfterAnAnchorInTheMap) {
  // Pieces after the cut would not know `&base`; one in the prefix is fine.
  const std::string anchored = "tasks:\n  base: &base\n    run: x\n" + tasks(200);
  EXPECT_TRUE(cuts_of(anchored, 2).empty());
  const std::string in_prefix = "x: &base\n  run: x\ntasks:\n" + tasks(200);
  EXPECT_EQ(cuts_of(in_prefix, 2).size(), 1u);
  // Shell's && and 2>&1 are not anchors.
  const std::string shell = "tasks:\n  a:\n    run: a && b 2>&1\n" + tasks(200);
  EXPECT_EQ(cuts_of(shell, 2).size(), 1u);
}

TEST(YamlCuts, NoneAcrossAColumnZeroLine) {
  // After `vars:` the lines at indentation 2 are the vars' keys: a cut there
  // must belong to `vars`, whose prefix is then most of the file: none.
  const std::string text = "tasks:\n" + tasks(200) + "vars:\n" + tasks(10, 1000);
  for (const auto& cut : cuts_of(text, 2)) EXPECT_EQ(cut.key_line, 0u);
  // `---` and a stray column-0 continuation end the map.
  EXPECT_TRUE(cuts_of("tasks:\n  a: 1\n---\n" + tasks(200), 2).empty());
  EXPECT_TRUE(cuts_of("tasks:\n  a: \"x\ny\"\n" + tasks(200), 2).empty());
}

TEST(YamlCuts, NotWhenThePrefixIsLargeBesideAPiece) {
  // The prefix (everything up to `tasks:`) would be parsed by both pieces.
  std::string big_vars = "vars: [";
  for (int i = 0; i < 400; ++i) big_vars += "v" + std::to_string(i) + ", ";
  big_vars += "]\n";
  EXPECT_TRUE(cuts_of(big_vars + "tasks:\n" + tasks(100), 2).empty());
  EXPECT_EQ(cuts_of(big_vars + "tasks:\n" + tasks(1000), 2).size(), 1u);
}

TEST(YamlCuts, CrLfLinesAndTabsAreHandled) {
  std::string crlf = "tasks:\r\n";
  for (int i = 0; i < 100; ++i) crlf += "  t" + std::to_string(i) + ":\r\n    run: x\r\n";
  const auto cuts = cuts_of(crlf, 2);
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_EQ(line_of(crlf, cuts[0]).substr(0, 3), "  t");
  // A tab-indented first line is not a block map YAML allows: no cut.
  EXPECT_TRUE(cuts_of("tasks:\n\tt0: 1\n" + tasks(100), 2).empty());
}

}  // namespace
}  // namespace sluice::detail
