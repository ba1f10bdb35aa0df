// The expansion budget on its own: what is left, the 1 MiB a var may hold,
// and a finished task counted against the whole.
#include "spec/expansion_budget.hpp"

#include <gtest/gtest.h>

namespace sluice::detail {
namespace {

TEST(ExpansionBudget, CountsVarsTheTaskBeingBuiltAndFinishedTasks) {
  ExpansionBudget budget(4u << 20);
  EXPECT_EQ(budget.left(false), 4u << 20);
  EXPECT_EQ(budget.left(true), kMaxVarBytes);
  budget.spend(1u << 20);
  budget.spend_in_task(100);
  EXPECT_EQ(budget.left(false), (3u << 20) - 100);
  Task t;
  t.name = std::string(3u << 20, 'n');
  EXPECT_TRUE(budget.finish_task(t));  // 1 MiB + 3 MiB: at the limit, not past it
  t.name = "x";
  EXPECT_FALSE(budget.finish_task(t));
  EXPECT_EQ(budget.in_task(), 0u);
  EXPECT_EQ(budget.left(false), 0u);
  EXPECT_FALSE(budget.var_cap_binds());
}

TEST(ExpansionBudget, TheMessageNamesTheLimit) {
  EXPECT_EQ(ExpansionBudget(256u << 20).message(),
            "the pipeline expands to more than 256 MiB of text (vars and matrix values in every "
            "task), the limit");
}

TEST(ExpansionBudget, ATaskHoldsTheTextOfItsFields) {
  Task t;
  t.name = "abc";
  t.run.text = "echo";
  t.inputs = {"in"};
  EXPECT_EQ(text_bytes(t), 3u + 4u + 2u);
  t.edit_extras().description = "12345";
  EXPECT_EQ(text_bytes(t), 3u + 4u + 2u + 5u);
}

}  // namespace
}  // namespace sluice::detail
