// The names a pipeline gives things: what each may hold.
#include "spec/names.hpp"

#include <gtest/gtest.h>

namespace sluice::detail {
namespace {

TEST(Names, TaskNames) {
  EXPECT_TRUE(valid_task_name("build.linux-x86_64"));
  EXPECT_FALSE(valid_task_name(""));
  EXPECT_FALSE(valid_task_name("a b"));
  EXPECT_FALSE(valid_task_name("a[x=1]"));
}

TEST(Names, IdentifiersAreShellVariableNames) {
  EXPECT_TRUE(valid_identifier("_A1"));
  EXPECT_FALSE(valid_identifier("1A"));
  EXPECT_FALSE(valid_identifier("a-b"));
  EXPECT_FALSE(valid_identifier(""));
}

TEST(Names, MatrixValuesMayNotBreakTaskOrFileNames) {
  EXPECT_TRUE(valid_matrix_value("x86_64.v1-rc"));
  for (std::string_view bad : {"", "a,b", "a=b", "a[", "a]", "a/b", "a b", "a\tb", "a\x7f"})
    EXPECT_FALSE(valid_matrix_value(bad)) << bad;
}

}  // namespace
}  // namespace sluice::detail
