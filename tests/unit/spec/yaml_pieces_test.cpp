// A file parsed in pieces on several threads gives the very tree, positions
// and diagnostics of the sequential parse; where the pieces cannot be joined
// the sequential parse is what comes out.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "sluice/diagnostic.hpp"
#include "spec/yaml_tree.hpp"

namespace sluice::detail {
namespace {

/// Every node reachable from the root, with its position and text, and the
/// diagnostics: two trees that print the same are the same to every reader.
std::string dump(const YamlTree& t) {
  std::ostringstream out;
  out << format(t.diagnostics()) << "--\n";
  if (!t.ok()) return out.str();
  std::vector<std::pair<NodeId, int>> stack{{t.root(), 0}};
  while (!stack.empty()) {
    const auto [id, depth] = stack.back();
    stack.pop_back();
    const YamlNode& n = t.node(id);
    out << std::string(static_cast<std::size_t>(depth), ' ') << static_cast<int>(n.kind) << ' '
        << n.line << ':' << n.column << (n.quoted ? " q " : " ") << t.scalar(id) << '\n';
    const std::uint32_t children = n.kind == YamlNode::Kind::Map ? 2 * n.size
                                   : n.kind == YamlNode::Kind::Sequence ? n.size
                                                                        : 0;
    for (std::uint32_t i = children; i-- > 0;) {
      const NodeId child = n.kind == YamlNode::Kind::Map
                               ? (i % 2 == 0 ? t.key(id, i / 2) : t.value(id, i / 2))
                               : t.item(id, i);
      stack.emplace_back(child, depth + 1);
    }
  }
  return out.str();
}

YamlTree sequential(std::string_view text) {
  YamlLimits limits;
  limits.max_pieces = 1;
  return YamlTree::parse(text, "p.yaml", limits);
}

YamlTree in_pieces(std::string_view text, unsigned pieces) {
  YamlLimits limits;
  limits.parallel_min_bytes = 0;
  limits.max_pieces = pieces;
  return YamlTree::parse(text, "p.yaml", limits);
}

/// `text` parsed in 2..5 pieces equals the sequential parse; returns the
/// pieces the 3-way parse was actually cut in (1: it fell back).
unsigned expect_same_in_pieces(const std::string& text) {
  const std::string expected = dump(sequential(text));
  unsigned used = 0;
  for (unsigned pieces = 2; pieces <= 5; ++pieces) {
    const YamlTree t = in_pieces(text, pieces);
    EXPECT_EQ(dump(t), expected) << "in " << pieces << " pieces:\n" << text;
    if (pieces == 3) used = t.pieces();
  }
  return used;
}

std::string task(int i) {
  const std::string n = std::to_string(i);
  return "  t" + n + ":\n    run: echo " + n + "\n    needs: [t" + std::to_string(i / 2) + "]\n";
}

std::string tasks(int from, int to) {
  std::string out;
  for (int i = from; i < to; ++i) out += task(i);
  return out;
}

TEST(YamlPieces, APipelineParsedInPiecesIsTheSequentialTree) {
  const std::string text = "# header\nvars:\n  out: build\nenv: {LC_ALL: C}\ntasks:\n" +
                           tasks(0, 300) + "max_parallel: 4\n";
  EXPECT_EQ(expect_same_in_pieces(text), 3u);
}

TEST(YamlPieces, EveryScalarStyleAndCommentSurvivesTheCuts) {
  std::string text = "defaults: &d\n  retry: 2\ntasks:\n";
  for (int i = 0; i < 200; ++i) {
    const std::string n = std::to_string(i);
    text += "  a" + n + ":   # comment\n";
    text += "    <<: *d\n";
    text += "    run: |\n      echo \"" + n + "\"\n\n      x: y\n";
    text += "    desc: >-\n      folded\n      text " + n + "\n";
    text += "    env: {K: 'it''s', Q: \"tab\\t" + n + "\"}\n";
    text += "    cmd:\n    - printf\n    - \"%s\\n\"\n";
    text += "    note: plain\n      continued\n";
    text += "\n  # between tasks\n";
  }
  text += "vars:\n  k: v\n";
  EXPECT_EQ(expect_same_in_pieces(text), 3u);
}

TEST(YamlPieces, CrLfAndUnicodeKeepTheirPositions) {
  std::string text = "tasks:\r\n";
  for (int i = 0; i < 200; ++i) {
    text += "  t\xC3\xA9" + std::to_string(i) + ":\r\n    run: \xE2\x9C\x93 \xC3\xA9t\xC3\xA9\r\n";
  }
  EXPECT_EQ(expect_same_in_pieces(text), 3u);
}

TEST(YamlPieces, ADuplicateAcrossACutIsReportedAsTheSequentialParseDoes) {
  const std::string text = "tasks:\n" + tasks(0, 300) + task(5);
  const YamlTree t = in_pieces(text, 3);
  EXPECT_NE(format(t.diagnostics()).find("duplicate key 't5'"), std::string::npos);
  EXPECT_EQ(t.pieces(), 1u);
  expect_same_in_pieces(text);
  // The same for a top-level key repeated after the cut map.
  expect_same_in_pieces("vars: {a: 1}\ntasks:\n" + tasks(0, 300) + "vars: {b: 2}\n");
}

TEST(YamlPieces, ErrorsInAnyPieceAreTheSequentialErrors) {
  // A syntax error, an unclosed flow map, a second document, an unknown
  // alias and a tab, late in the file, each in a later piece.
  const std::vector<std::string> tails = {
      "  bad: [1, 2\n",
      "  bad: {a: 1\n",
      "---\nsecond: doc\n",
      "  bad: *nowhere\n",
      "  bad:\n\tx: 1\n",
      "  bad: !custom 1\n",
  };
  for (const auto& tail : tails) {
    const std::string text = "tasks:\n" + tasks(0, 300) + tail;
    EXPECT_FALSE(sequential(text).diagnostics().empty()) << tail;
    EXPECT_EQ(expect_same_in_pieces(text), 1u) << tail;
  }
}

TEST(YamlPieces, LinesThatLookLikeKeysInsideAScalarOrAFlowAreNeverJoinedAt) {
  // yaml-cpp reads a quoted scalar cut short without complaint, so only the
  // check that both pieces read the cut's line as the same key guards these.
  for (const std::string open : {"\"start", "'start", "[start,", "{s: 1,"}) {
    const std::string close = open[0] == '[' ? "]" : open[0] == '{' ? "}" : open.substr(0, 1);
    std::string text = "tasks:\n" + tasks(0, 140) + "  q:\n    run: " + open + "\n";
    for (int i = 0; i < 60; ++i) text += "  k" + std::to_string(i) + ": still inside,\n";
    text += "    end" + close + "\n" + tasks(140, 200);
    expect_same_in_pieces(text);
  }
  // An unterminated quote at the very end is no error to yaml-cpp either.
  expect_same_in_pieces("tasks:\n" + tasks(0, 200) + "  bad: \"unterminated\n");
}

TEST(YamlPieces, AnAliasInALaterPieceToAnAnchorInThePrefixIsFine) {
  const std::string text = "x-common: &common {retry: 3}\ntasks:\n" + tasks(0, 150) +
                           "  last:\n    <<: *common\n    run: z\n";
  EXPECT_EQ(expect_same_in_pieces(text), 3u);
}

TEST(YamlPieces, AMergeKeyAtTheTopFallsBack) {
  const std::string text =
      "base: &b {max_parallel: 2}\n<<: *b\ntasks:\n" + tasks(0, 200) + "max_parallel: 3\n";
  EXPECT_EQ(expect_same_in_pieces(text), 1u);
}

TEST(YamlPieces, TheAliasBudgetCountsEveryPiece) {
  YamlLimits limits;
  limits.parallel_min_bytes = 0;
  limits.max_pieces = 3;
  limits.max_alias_nodes = 10;
  std::string text = "x: &x [1, 2, 3]\ntasks:\n" + tasks(0, 200);
  for (int i = 0; i < 4; ++i) text += "  z" + std::to_string(i) + ": *x\n";
  YamlLimits one = limits;
  one.max_pieces = 1;
  EXPECT_EQ(dump(YamlTree::parse(text, "p.yaml", limits)), dump(YamlTree::parse(text, "p.yaml", one)));
  EXPECT_NE(format(YamlTree::parse(text, "p.yaml", limits).diagnostics()).find("alias bomb"),
            std::string::npos);
}

TEST(YamlPieces, LargeFilesAreCutByDefaultAndSmallOnesAreNot) {
  const std::string big = "tasks:\n" + tasks(0, 40000);
  ASSERT_GT(big.size(), std::size_t{1} << 20);
  YamlLimits two;
  two.max_pieces = 2;
  EXPECT_EQ(YamlTree::parse(big, "p.yaml", two).pieces(), 2u);
  EXPECT_EQ(dump(YamlTree::parse(big, "p.yaml", two)), dump(sequential(big)));
  EXPECT_EQ(YamlTree::parse("tasks:\n" + tasks(0, 100), "p.yaml", two).pieces(), 1u);
}

// Random pipelines built from the constructs above, cut at random places.
TEST(YamlPieces, RandomDocumentsAreTheSameInPieces) {
  std::mt19937 rng(20261201);
  const std::vector<std::string> bodies = {
      "    run: echo a\n",
      "    run: |\n      line one\n\n      line: two\n",
      "    cmd: [a, 'b c', \"d\\n\"]\n",
      "    env:\n      A: 1\n      B: \"two\"\n",
      "    needs:\n    - x\n    - y\n",
      "    desc: folded\n      plain\n",
      "    # a comment\n    if: \"true\"\n",
      "    value: ~\n",
      "    x: {a: [1, {b: 2}], c: 'q'}\n",
      "    r: \"multi\n      line\"\n",
      "    <<: *d\n",
      "    bad: [unclosed\n",
      "    dup: 1\n    dup: 2\n",
  };
  int cut_in_pieces = 0;
  for (int doc = 0; doc < 60; ++doc) {
    std::string text = "d: &d {k: v}\ntasks:\n";
    const int count = 20 + static_cast<int>(rng() % 80);
    const bool broken = doc % 4 == 1;  // duplicate tasks and bad bodies too
    for (int i = 0; i < count; ++i) {
      const bool dup = broken && rng() % 10 == 0;
      text += "  t" + std::to_string(dup ? static_cast<int>(rng()) % (i + 1) : i) + ":\n";
      text += bodies[rng() % (bodies.size() - (broken ? 0 : 2))];
      if (rng() % 7 == 0) text += "\n";
    }
    if (rng() % 2) text += "after: [1, 2]\n";
    if (expect_same_in_pieces(text) > 1) ++cut_in_pieces;
  }
  EXPECT_GT(cut_in_pieces, 5);  // the pieces were really used, not always refused
}

// Every YAML file the repository ships, cut wherever it allows.
TEST(YamlPieces, TheRepositorysYamlFilesAreTheSameInPieces) {
  namespace fs = std::filesystem;
  int files = 0;
  for (const char* dir : {"pipelines", "examples", "tests/fuzz/corpus", "docs"}) {
    const fs::path root = fs::path(SLUICE_SOURCE_DIR) / dir;
    if (!fs::exists(root)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      const auto ext = entry.path().extension();
      if (!entry.is_regular_file() || (ext != ".yaml" && ext != ".yml")) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      expect_same_in_pieces(text);
      ++files;
    }
  }
  EXPECT_GT(files, 5);
}

}  // namespace
}  // namespace sluice::detail
