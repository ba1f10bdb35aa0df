// FieldReader on its own: each typed read returns the value, or reports one
// located diagnostic with the exact text the loader shows and returns none.
#include "spec/field_reader.hpp"

#include <gtest/gtest.h>

#include "unit/spec/load_units_test_util.hpp"

namespace sluice::detail {
namespace {

using test::headlines;
using test::one_file;
using test::top;

TEST(FieldReader, ReadsEachTypeAsTheCoreSchemaDoes) {
  Units units = one_file("s: hello\nb: True\ni: 0x1F\nf: 2.0\nn: 1.5\nd: 1m30s\nds: 90\n");
  FieldReader r(units);
  EXPECT_EQ(r.scalar(0, top(units, "s"), "s"), "hello");
  EXPECT_EQ(r.boolean(0, top(units, "b"), "b"), true);
  EXPECT_EQ(r.integer(0, top(units, "i"), "i", kCount), 31);
  EXPECT_EQ(r.integer(0, top(units, "f"), "f", kCount), 2);
  EXPECT_EQ(r.number(0, top(units, "n"), "n", 1.0), 1.5);
  EXPECT_EQ(r.duration(0, top(units, "d"), "d")->count(), 90000);
  EXPECT_EQ(r.duration(0, top(units, "ds"), "ds")->count(), 90000);
  EXPECT_EQ(headlines(r), "");
}

TEST(FieldReader, ReportsAWrongValueWhereItStands) {
  Units units = one_file("b: \"true\"\ni: 0\nl: [a, {x: 1}]\nd: soon\n");
  FieldReader r(units);
  EXPECT_FALSE(r.boolean(0, top(units, "b"), "b"));
  EXPECT_FALSE(r.integer(0, top(units, "i"), "i", kCount));
  std::vector<NodeId> items;
  EXPECT_FALSE(r.string_list(0, top(units, "l"), "l", items));
  EXPECT_EQ(items.size(), 1u);
  EXPECT_FALSE(r.duration(0, top(units, "d"), "d"));
  EXPECT_EQ(headlines(r),
            "p.yaml:1:4: b: expected a boolean (true or false), got the string 'true'\n"
            "p.yaml:2:4: i: expected an integer >= 1, got 0\n"
            "p.yaml:3:8: l[1]: expected a string, got a map\n"
            "p.yaml:4:4: d: invalid duration 'soon': " +
                parse_duration("soon").error + "\n");
}

TEST(FieldReader, AnUnknownKeySuggestsTheClosestKnownOne) {
  Units units = one_file("tasks: {}\ntimout: 1\n");
  FieldReader r(units);
  const YamlTree& t = units[0]->tree;
  r.unknown_key(0, t.key(t.root(), 1), "tasks.a", {"timeout", "grace"});
  EXPECT_EQ(headlines(r),
            "p.yaml:2:1: tasks.a.timout: unknown key 'timout' (did you mean 'timeout'?)\n");
}

TEST(FieldReader, PlacesAnOffsetInsideAScalar) {
  Units units = one_file("a: 'x ${{ y }}'\nb: |\n  one\n  two ${{ z }}\n");
  FieldReader r(units);
  NodeId a = top(units, "a");
  SourcePos in_a = r.pos_in_scalar(0, a, units[0]->tree.scalar(a), 2);
  EXPECT_EQ(in_a.line, 1u);
  EXPECT_EQ(in_a.column, 7u);  // after the opening quote
  NodeId b = top(units, "b");
  std::string_view text = units[0]->tree.scalar(b);
  SourcePos in_b = r.pos_in_scalar(0, b, text, static_cast<std::uint32_t>(text.find("${{")));
  EXPECT_EQ(in_b.line, 4u);
  EXPECT_EQ(in_b.column, 7u);
}

}  // namespace
}  // namespace sluice::detail
