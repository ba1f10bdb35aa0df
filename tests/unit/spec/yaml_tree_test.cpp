// YamlTree: positions, scalars, merge keys, and the exact diagnostics for
// hostile or broken input.
#include "spec/yaml_tree.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sluice/diagnostic.hpp"

namespace sluice::detail {
namespace {

using Kind = YamlNode::Kind;

YamlTree parse(std::string_view text, const YamlLimits& limits = {}) {
  return YamlTree::parse(text, "p.yaml", limits);
}

std::string rendered(const YamlTree& t) { return format(t.diagnostics()); }

std::vector<std::string> keys_of(const YamlTree& t, NodeId map) {
  std::vector<std::string> out;
  for (std::uint32_t i = 0; i < t.node(map).size; ++i) out.emplace_back(t.scalar(t.key(map, i)));
  return out;
}

TEST(YamlTree, BuildsMapsSequencesAndScalarsInFileOrder) {
  const YamlTree t = parse("zeta: 1\nalpha: [x, y]\nmid:\n  k: v\n");
  ASSERT_TRUE(t.ok()) << rendered(t);
  EXPECT_TRUE(t.diagnostics().empty());
  const NodeId root = t.root();
  ASSERT_EQ(t.node(root).kind, Kind::Map);
  EXPECT_EQ(keys_of(t, root), (std::vector<std::string>{"zeta", "alpha", "mid"}));
  const NodeId seq = t.find(root, "alpha");
  ASSERT_EQ(t.node(seq).kind, Kind::Sequence);
  ASSERT_EQ(t.node(seq).size, 2u);
  EXPECT_EQ(t.scalar(t.item(seq, 1)), "y");
  EXPECT_EQ(t.item(seq, 2), kNoNode);
  EXPECT_EQ(t.scalar(t.find(t.find(root, "mid"), "k")), "v");
  EXPECT_EQ(t.find(root, "nope"), kNoNode);
  EXPECT_EQ(t.find_index(root, "mid"), 2u);
  EXPECT_EQ(t.find_index(root, "nope"), 3u);
}

TEST(YamlTree, KeepsScalarTextExactly) {
  const YamlTree t = parse("a: 1.10\nb: 010\nc: 1e3\nd: \"esc\\tx\"\n");
  ASSERT_TRUE(t.ok()) << rendered(t);
  EXPECT_EQ(t.scalar(t.find(t.root(), "a")), "1.10");
  EXPECT_EQ(t.scalar(t.find(t.root(), "b")), "010");
  EXPECT_EQ(t.scalar(t.find(t.root(), "c")), "1e3");
  EXPECT_EQ(t.scalar(t.find(t.root(), "d")), "esc\tx");
}

// Scalars that are not a slice of the input are appended to the tree's text
// while yaml-cpp is still reading: the input it reads must not move (found by
// the fuzzer; ASan reports a use-after-free when it does).
TEST(YamlTree, ManyRewrittenScalarsDoNotDisturbTheParser) {
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "- !!str \"a\\tb\\tc\\td\"\n";
  const YamlTree t = parse(text);
  ASSERT_TRUE(t.ok()) << rendered(t);
  ASSERT_EQ(t.node(t.root()).size, 2000u);
  EXPECT_EQ(t.scalar(t.item(t.root(), 1999)), "a\tb\tc\td");
}

TEST(YamlTree, TellsQuotedFromPlain) {
  const YamlTree t = parse("a: x\nb: \"x\"\nc: 'x'\nd: |\n  x\ne: !!str 5\nf: true\n");
  ASSERT_TRUE(t.ok()) << rendered(t);
  const NodeId r = t.root();
  EXPECT_FALSE(t.node(t.find(r, "a")).quoted);
  EXPECT_TRUE(t.node(t.find(r, "b")).quoted);
  EXPECT_TRUE(t.node(t.find(r, "c")).quoted);
  EXPECT_TRUE(t.node(t.find(r, "d")).quoted);
  EXPECT_EQ(t.scalar(t.find(r, "d")), "x\n");
  EXPECT_TRUE(t.node(t.find(r, "e")).quoted);
  EXPECT_EQ(t.scalar(t.find(r, "e")), "5");
  EXPECT_FALSE(t.node(t.find(r, "f")).quoted);
}

TEST(YamlTree, NullsAreNullNodes) {
  const YamlTree t = parse("a: ~\nb:\nc: null\nd: \"\"\n");
  ASSERT_TRUE(t.ok()) << rendered(t);
  EXPECT_EQ(t.node(t.find(t.root(), "a")).kind, Kind::Null);
  EXPECT_EQ(t.node(t.find(t.root(), "b")).kind, Kind::Null);
  EXPECT_EQ(t.node(t.find(t.root(), "c")).kind, Kind::Null);
  EXPECT_EQ(t.node(t.find(t.root(), "d")).kind, Kind::Scalar);
  EXPECT_EQ(t.scalar(t.find(t.root(), "d")), "");
}

TEST(YamlTree, EmptyInputIsANullRoot) {
  for (const char* text : {"", "# only a comment\n", "\xEF\xBB\xBF"}) {
    const YamlTree t = parse(text);
    ASSERT_TRUE(t.ok()) << rendered(t);
    EXPECT_TRUE(t.diagnostics().empty());
    EXPECT_EQ(t.node(t.root()).kind, Kind::Null);
  }
}

TEST(YamlTree, PositionsAreOneBasedWithColumnsInCharacters) {
  const YamlTree t = parse("name: x\n\xC3\xA4\xC3\xB6: [\xE2\x82\xAC, b]\n");
  ASSERT_TRUE(t.ok()) << rendered(t);
  const NodeId r = t.root();
  EXPECT_EQ(t.node(t.key(r, 0)).line, 1u);
  EXPECT_EQ(t.node(t.key(r, 0)).column, 1u);
  EXPECT_EQ(t.node(t.value(r, 0)).column, 7u);
  const NodeId seq = t.value(r, 1);
  EXPECT_EQ(t.node(seq).line, 2u);
  EXPECT_EQ(t.node(seq).column, 5u);                 // "äö: " is 4 characters, 6 bytes
  EXPECT_EQ(t.node(t.item(seq, 0)).column, 6u);
  EXPECT_EQ(t.node(t.item(seq, 1)).column, 9u);      // "€, " is 3 characters, 5 bytes
  EXPECT_EQ(t.source_line(2), "\xC3\xA4\xC3\xB6: [\xE2\x82\xAC, b]");
}

TEST(YamlTree, ParseOwnedKeepsTheTextAndEscapedScalars) {
  std::string text = "\xEF\xBB\xBF" "a: \"x\\ty\"\nb: [plain, 'it''s']\n";
  const YamlTree t = YamlTree::parse_owned(std::move(text), "p.yaml");
  ASSERT_TRUE(t.ok());
  const NodeId r = t.root();
  EXPECT_EQ(t.scalar(t.value(r, 0)), "x\ty");
  EXPECT_EQ(t.scalar(t.item(t.value(r, 1), 0)), "plain");
  EXPECT_EQ(t.scalar(t.item(t.value(r, 1), 1)), "it's");
  EXPECT_EQ(t.node(t.key(r, 0)).column, 1u);
  EXPECT_EQ(t.source_line(1), "a: \"x\\ty\"");
  EXPECT_EQ(t.source_line(2), "b: [plain, 'it''s']");
}

TEST(YamlTree, AcceptsBomAndCrlf) {
  const YamlTree t = parse("\xEF\xBB\xBF" "a: 1\r\nb: x\r\nc: |\r\n  l1\r\n  l2\r\n");
  ASSERT_TRUE(t.ok()) << rendered(t);
  EXPECT_TRUE(t.diagnostics().empty());
  const NodeId r = t.root();
  EXPECT_EQ(keys_of(t, r), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(t.node(t.key(r, 0)).line, 1u);
  EXPECT_EQ(t.node(t.key(r, 0)).column, 1u);  // the BOM is not a character of the line
  EXPECT_EQ(t.node(t.key(r, 1)).line, 2u);
  EXPECT_EQ(t.node(t.value(r, 1)).column, 4u);
  EXPECT_EQ(t.scalar(t.value(r, 1)), "x");
  EXPECT_EQ(t.scalar(t.value(r, 2)), "l1\nl2\n");
  EXPECT_EQ(t.node(t.key(r, 2)).line, 3u);
  EXPECT_EQ(t.source_line(1), "a: 1");
  EXPECT_EQ(t.source_line(2), "b: x");
}

TEST(YamlTree, ReportsDuplicateKeysAndKeepsTheFirst) {
  const YamlTree t = parse("name: a\ntasks: {}\nname: b\n");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(rendered(t),
            "p.yaml:3:1: duplicate key 'name'\n"
            "  name: b\n"
            "  ^\n"
            "p.yaml:1:1: note: 'name' first defined here\n");
  EXPECT_EQ(keys_of(t, t.root()), (std::vector<std::string>{"name", "tasks"}));
  EXPECT_EQ(t.scalar(t.find(t.root(), "name")), "a");
}

TEST(YamlTree, DuplicateKeyColumnsCountCharacters) {
  const YamlTree t = parse("{\xC3\xA4: 1, \xC3\xA4: 2}\n");
  ASSERT_EQ(t.diagnostics().size(), 1u);
  EXPECT_EQ(format_headline(t.diagnostics()[0]), "p.yaml:1:8: duplicate key '\xC3\xA4'");
  EXPECT_EQ(t.diagnostics()[0].notes.at(0).column, 2);
}

TEST(YamlTree, FindsDuplicatesInLargeMapsInFileOrder) {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "k" + std::to_string(i) + ": " + std::to_string(i) + "\n";
  text += "k7: again\nk3: again\nk7: thrice\n";
  const YamlTree t = parse(text);
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t.diagnostics().size(), 3u);
  EXPECT_EQ(format_headline(t.diagnostics()[0]), "p.yaml:101:1: duplicate key 'k7'");
  EXPECT_EQ(format_headline(t.diagnostics()[1]), "p.yaml:102:1: duplicate key 'k3'");
  EXPECT_EQ(format_headline(t.diagnostics()[2]), "p.yaml:103:1: duplicate key 'k7'");
  EXPECT_EQ(t.diagnostics()[2].notes.at(0).line, 8);
  EXPECT_EQ(t.node(t.root()).size, 100u);
  EXPECT_EQ(t.scalar(t.find(t.root(), "k7")), "7");
}

TEST(YamlTree, LargeMapsTellNullQuotedAndPlainKeysApart) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "k" + std::to_string(i) + ": " + std::to_string(i) + "\n";
  // `~` and `null` are both the null key; "1" and 1 are one key; a quoted
  // "<<" is a plain key, not a merge.
  text += "~: a\n\"1\": b\n\"<<\": c\nnull: d\n1: e\n\"<<\": f\n";
  const YamlTree t = parse(text);
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t.diagnostics().size(), 3u);
  EXPECT_EQ(format_headline(t.diagnostics()[0]), "p.yaml:44:1: duplicate key '~'");
  EXPECT_EQ(t.diagnostics()[0].notes.at(0).line, 41);
  EXPECT_EQ(format_headline(t.diagnostics()[1]), "p.yaml:45:1: duplicate key '1'");
  EXPECT_EQ(t.diagnostics()[1].notes.at(0).line, 42);
  EXPECT_EQ(format_headline(t.diagnostics()[2]), "p.yaml:46:1: duplicate key '<<'");
  EXPECT_EQ(t.diagnostics()[2].notes.at(0).line, 43);
  EXPECT_EQ(t.node(t.root()).size, 43u);
}

TEST(YamlTree, MergeKeysAddMissingPairsWhereTheMergeStands) {
  const YamlTree t = parse(
      "base: &base {a: 1, b: 2}\n"
      "other: &other {b: 3, c: 4}\n"
      "m:\n"
      "  z: 0\n"
      "  <<: [*base, *other]\n"
      "  a: 10\n"
      "one: {<<: *other, \"<<\": quoted}\n");
  ASSERT_TRUE(t.ok()) << rendered(t);
  EXPECT_TRUE(t.diagnostics().empty()) << rendered(t);
  const NodeId m = t.find(t.root(), "m");
  EXPECT_EQ(keys_of(t, m), (std::vector<std::string>{"z", "b", "c", "a"}));
  EXPECT_EQ(t.scalar(t.find(m, "a")), "10");  // explicit wins, even after the merge
  EXPECT_EQ(t.scalar(t.find(m, "b")), "2");   // the first merged map wins
  EXPECT_EQ(t.scalar(t.find(m, "c")), "4");
  const NodeId one = t.find(t.root(), "one");
  EXPECT_EQ(keys_of(t, one), (std::vector<std::string>{"b", "c", "<<"}));
}

TEST(YamlTree, MergingANonMapIsAnError) {
  const YamlTree t = parse("s: &s [1]\nm:\n  <<: *s\nn: {<<: [{a: 1}, 5]}\n");
  EXPECT_EQ(rendered(t),
            "p.yaml:1:8: merge key '<<' expects a map or a list of maps\n"
            "  s: &s [1]\n"
            "         ^\n"
            "p.yaml:4:18: merge key '<<' expects a map or a list of maps\n"
            "  n: {<<: [{a: 1}, 5]}\n"
            "                   ^\n");
  EXPECT_EQ(keys_of(t, t.find(t.root(), "n")), (std::vector<std::string>{"a"}));
}

TEST(YamlTree, AliasesAreCopiesPositionedAtTheAlias) {
  const YamlTree t = parse("a: &x {k: [1, 2]}\nb: *x\n");
  ASSERT_TRUE(t.ok()) << rendered(t);
  const NodeId a = t.find(t.root(), "a");
  const NodeId b = t.find(t.root(), "b");
  EXPECT_NE(a, b);
  EXPECT_EQ(t.node(b).line, 2u);
  EXPECT_EQ(t.node(b).column, 4u);
  const NodeId items = t.find(b, "k");
  ASSERT_EQ(t.node(items).kind, Kind::Sequence);
  EXPECT_EQ(t.scalar(t.item(items, 1)), "2");
  EXPECT_EQ(t.node(items).line, 1u);  // inside the copy: where the text is
}

TEST(YamlTree, RefusesTheBillionLaughs) {
  std::string text = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n";
  for (char c = 'b'; c <= 'i'; ++c) {
    const std::string prev(1, static_cast<char>(c - 1));
    text += std::string(1, c) + ": &" + c + " [";
    for (int i = 0; i < 9; ++i) text += (i ? ",*" : "*") + prev;
    text += "]\n";
  }
  const YamlTree t = parse(text);
  EXPECT_FALSE(t.ok());
  EXPECT_EQ(rendered(t),
            "p.yaml:7:8: alias expansion exceeds 1048576 nodes (an alias bomb?)\n"
            "  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
            "         ^\n");
}

TEST(YamlTree, RefusesAnAliasCycle) {
  const YamlTree t = parse("a: &a [*a]\n");
  EXPECT_FALSE(t.ok());
  EXPECT_EQ(rendered(t),
            "p.yaml:1:8: alias '*a' refers to its own anchor (a cycle)\n"
            "  a: &a [*a]\n"
            "         ^\n");
}

TEST(YamlTree, RefusesAnUnknownAlias) {
  const YamlTree t = parse("a: 1\nb: *nope\n");
  EXPECT_FALSE(t.ok());
  EXPECT_EQ(format_headline(t.diagnostics().at(0)),
            "p.yaml:2:4: unknown alias '*nope' (no anchor '&nope' before it)");
}

TEST(YamlTree, RefusesDeepNesting) {
  // yaml-cpp reads each inner `[` as a sequence that is the key of a
  // single-pair map, so 10,000 of them are 20,000 levels: the 65th opens at
  // the 33rd bracket.
  const YamlTree t = parse(std::string(10000, '['));
  EXPECT_FALSE(t.ok());
  ASSERT_EQ(t.diagnostics().size(), 1u);
  EXPECT_EQ(format_headline(t.diagnostics()[0]), "p.yaml:1:33: nesting deeper than 64 levels");
  std::string text = "a:\n  ";
  for (int i = 0; i < 80; ++i) text += "- ";
  const YamlTree blocks = parse(text + "x\n");
  EXPECT_FALSE(blocks.ok());
  EXPECT_EQ(format_headline(blocks.diagnostics().at(0)), "p.yaml:2:129: nesting deeper than 64 levels");
}

TEST(YamlTree, DeepNestingThroughAliasesIsCaughtToo) {
  const std::string deep = std::string(40, '[') + std::string(40, ']');
  const YamlTree t = parse("a: &a " + deep + "\nb: " + std::string(30, '[') + "*a" +
                           std::string(30, ']') + "\n");
  EXPECT_FALSE(t.ok());
  EXPECT_EQ(format_headline(t.diagnostics().at(0)),
            "p.yaml:2:34: alias '*a' nests deeper than 64 levels");
}

TEST(YamlTree, YamlCppsOwnDepthGuardBecomesADiagnostic) {
  YamlLimits limits;
  limits.max_depth = 100000;
  const YamlTree t = parse(std::string(10000, '['), limits);
  EXPECT_FALSE(t.ok());
  ASSERT_EQ(t.diagnostics().size(), 1u);
  EXPECT_EQ(t.diagnostics()[0].message,
            "nesting too deep for the YAML parser (over 100000 levels is refused)");
}

TEST(YamlTree, RefusesAnOversizeFileUnparsed) {
  YamlLimits limits;
  limits.max_bytes = 10;
  const YamlTree t = parse("a: 12345678\n", limits);
  EXPECT_FALSE(t.ok());
  EXPECT_EQ(rendered(t), "p.yaml: file is 12 bytes, over the limit of 10\n");
}

TEST(YamlTree, RefusesANulByte) {
  const YamlTree t = parse(std::string_view("a: b\nc: d\0e\n", 11));
  EXPECT_FALSE(t.ok());
  ASSERT_EQ(t.diagnostics().size(), 1u);
  EXPECT_EQ(format_headline(t.diagnostics()[0]), "p.yaml:2:5: NUL byte in the file (is it binary?)");
}

TEST(YamlTree, RefusesANulFromAnEscapeAtTheEscape) {
  for (const char* escape : {"\\0", "\\x00", "\\u0000", "\\U00000000"}) {
    const YamlTree t = parse(std::string("a: [\"x\\\\0\", \"ok") + escape + "b\"]\n");
    ASSERT_EQ(t.diagnostics().size(), 1u) << escape;
    EXPECT_EQ(format_headline(t.diagnostics()[0]),
              std::string("p.yaml:1:16: NUL character in a string (the escape '") + escape +
                  "'): no argument, path or name can hold one");
  }
}

TEST(YamlTree, ATabThatIndentsIsNamed) {
  for (const char* text : {"a:\n\tb: 1\n", "a:\n  b:\n  \tc: 1\n", "a:\n\t- x\n", "a: |\n\tx\n"}) {
    const YamlTree t = parse(text);
    EXPECT_FALSE(t.ok()) << text;
    ASSERT_EQ(t.diagnostics().size(), 1u) << text;
    EXPECT_NE(t.diagnostics()[0].message.find("a tab indents this line"), std::string::npos)
        << text << ": " << t.diagnostics()[0].message;
  }
  EXPECT_EQ(format_headline(parse("a:\n  b:\n  \tc: 1\n").diagnostics()[0]),
            "p.yaml:3:3: YAML syntax error: a tab indents this line (YAML indents with spaces only)");
  // A tab after the indentation of a block scalar is its text.
  EXPECT_TRUE(parse("a: |\n  \tx\n").ok());
}

TEST(YamlTree, RefusesInvalidUtf8) {
  const YamlTree t = parse("a: 1\nname: \"\xC3\xA9\xFF\"\n");
  EXPECT_FALSE(t.ok());
  ASSERT_EQ(t.diagnostics().size(), 1u);
  EXPECT_EQ(format_headline(t.diagnostics()[0]), "p.yaml:2:9: invalid UTF-8 (byte 0xff)");
  // Overlong forms and surrogates are invalid too.
  EXPECT_FALSE(parse("a: \xC0\xAF\n").ok());
  EXPECT_FALSE(parse("a: \xED\xA0\x80\n").ok());
  EXPECT_FALSE(parse("a: \xF4\x90\x80\x80\n").ok());
  EXPECT_TRUE(parse("a: \xF0\x9F\x98\x80\n").ok());
}

TEST(YamlTree, ReportsSyntaxErrors) {
  const YamlTree t = parse("a: b: c\n");
  EXPECT_FALSE(t.ok());
  EXPECT_EQ(rendered(t),
            "p.yaml:1:5: YAML syntax error: illegal map value\n"
            "  a: b: c\n"
            "      ^\n");
}

TEST(YamlTree, PointsAnUnclosedBracketAtTheBracket) {
  const YamlTree t = parse("tasks:\n  x: {cmd: [a, b\n");
  EXPECT_FALSE(t.ok());
  ASSERT_EQ(t.diagnostics().size(), 1u);
  EXPECT_EQ(format_headline(t.diagnostics()[0]),
            "p.yaml:2:12: YAML syntax error: end of sequence flow not found "
            "(this '[' is never closed)");
}

TEST(YamlTree, KeepsTheFirstOfSeveralDocuments) {
  const YamlTree t = parse("a: 1\n---\nb: 2\n");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(rendered(t),
            "p.yaml:2:1: expected a single YAML document, found a second one here\n"
            "  ---\n"
            "  ^\n");
  EXPECT_EQ(keys_of(t, t.root()), (std::vector<std::string>{"a"}));
}

TEST(YamlTree, ReportsUnsupportedTagsAndAcceptsCoreOnes) {
  const YamlTree t = parse("a: !foo x\nb: !!int 3\nc: !!null ''\nd: !!map {}\ne: !!seq {}\n");
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t.diagnostics().size(), 2u);
  EXPECT_EQ(format_headline(t.diagnostics()[0]), "p.yaml:1:4: unsupported tag '!foo'");
  EXPECT_EQ(format_headline(t.diagnostics()[1]), "p.yaml:5:4: unsupported tag '!!seq'");
  EXPECT_EQ(t.scalar(t.find(t.root(), "a")), "x");
  EXPECT_FALSE(t.node(t.find(t.root(), "b")).quoted);
  EXPECT_EQ(t.node(t.find(t.root(), "c")).kind, Kind::Null);
  EXPECT_EQ(t.node(t.find(t.root(), "e")).kind, Kind::Map);
}

TEST(YamlTree, DiagnosticsCarryFileAndNoPath) {
  const YamlTree t = YamlTree::parse("a: 1\na: 2\n", "dir/x.yaml");
  ASSERT_EQ(t.diagnostics().size(), 1u);
  EXPECT_EQ(t.diagnostics()[0].file, "dir/x.yaml");
  EXPECT_EQ(t.diagnostics()[0].notes.at(0).file, "dir/x.yaml");
  EXPECT_TRUE(t.diagnostics()[0].path.empty());
  EXPECT_EQ(t.file(), "dir/x.yaml");
}

}  // namespace
}  // namespace sluice::detail
