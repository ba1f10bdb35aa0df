// Matrix expansion on its own: combinations in file order, the last key
// varying fastest; a bad key or value is reported and nothing expands.
#include "spec/matrix.hpp"

#include <gtest/gtest.h>

#include "unit/spec/load_units_test_util.hpp"

namespace sluice::detail {
namespace {

using test::headlines;
using test::one_file;
using test::top;

TEST(Matrix, ExpandsKeysInFileOrderTheLastFastest) {
  Units units = one_file("m: {os: [linux, mac], n: [1, 2, 3]}\n");
  FieldReader r(units);
  std::vector<MatrixCombo> combos;
  ASSERT_TRUE(expand_matrix(r, 0, top(units, "m"), "tasks.a.matrix", combos));
  std::string all;
  for (const auto& combo : combos) {
    for (const auto& [k, v] : combo) all += k + "=" + v + " ";
    all += "| ";
  }
  EXPECT_EQ(all,
            "os=linux n=1 | os=linux n=2 | os=linux n=3 | "
            "os=mac n=1 | os=mac n=2 | os=mac n=3 | ");
  EXPECT_EQ(headlines(r), "");
}

TEST(Matrix, ReportsEveryBadKeyAndValue) {
  Units units = one_file("m: {9x: [a], os: [], v: [a/b, {k: 1}]}\n");
  FieldReader r(units);
  std::vector<MatrixCombo> combos;
  EXPECT_FALSE(expand_matrix(r, 0, top(units, "m"), "tasks.a.matrix", combos));
  EXPECT_TRUE(combos.empty());
  EXPECT_EQ(headlines(r),
            "p.yaml:1:5: tasks.a.matrix.9x: invalid matrix key '9x': use letters, digits and '_'\n"
            "p.yaml:1:18: tasks.a.matrix.os: expected at least one value\n"
            "p.yaml:1:26: tasks.a.matrix.v[0]: invalid matrix value 'a/b': it becomes part of "
            "task and file names, so it may not be empty or hold ',', '=', '[', ']', '/', "
            "whitespace or control characters\n"
            "p.yaml:1:31: tasks.a.matrix.v[1]: expected a scalar, got a map\n");
}

TEST(Matrix, RefusesMoreThanTheLimitBeforeExpanding) {
  std::string values = "[";
  for (int i = 0; i < 1000; ++i) values += (i ? ",v" : "v") + std::to_string(i);
  values += "]";
  Units units = one_file("m: {a: " + values + ", b: " + values + "}\n");
  FieldReader r(units);
  std::vector<MatrixCombo> combos;
  EXPECT_FALSE(expand_matrix(r, 0, top(units, "m"), "tasks.a.matrix", combos));
  EXPECT_TRUE(combos.empty());
  EXPECT_EQ(headlines(r), "p.yaml:1:4: tasks.a.matrix: matrix expands to more than 100000 tasks\n");
}

}  // namespace
}  // namespace sluice::detail
