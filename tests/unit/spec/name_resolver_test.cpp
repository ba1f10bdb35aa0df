// Name resolution on its own, over tasks as the builder leaves them: a
// matrix base stands for its expansions, a name written twice is one edge,
// unknown names are reported with the closest known one.
#include "spec/name_resolver.hpp"

#include <gtest/gtest.h>

#include "unit/spec/load_units_test_util.hpp"

namespace sluice::detail {
namespace {

Task task(std::string name, std::vector<std::string> needs = {}) {
  Task t;
  t.name = std::move(name);
  std::uint32_t i = 0;
  for (auto& n : needs) t.needs.push_back(Need{std::move(n), SourcePos{0, 2, 1}, i++});
  return t;
}

Task expansion(std::string base, std::string value) {
  Task t = task(base + "[x=" + value + "]");
  t.edit_extras().base = std::move(base);
  t.edit_extras().matrix = {{"x", std::move(value)}};
  return t;
}

std::string needs_of(const Task& t) {
  std::string s;
  for (const auto& n : t.needs) s += n.task + " ";
  return s;
}

TEST(NameResolver, AMatrixBaseIsEveryExpansionAndDuplicatesAreOneEdge) {
  Units units = test::one_file("tasks: {}\nx: 1\n");
  FieldReader r(units);
  Pipeline p;
  p.tasks.push_back(task("a"));
  p.tasks.push_back(expansion("b", "1"));
  p.tasks.push_back(expansion("b", "2"));
  p.tasks.push_back(task("c", {"b", "a", "b[x=2]", "a"}));
  resolve_names(r, p, {}, {});
  EXPECT_EQ(test::headlines(r), "");
  EXPECT_EQ(needs_of(p.tasks[3]), "b[x=1] b[x=2] a ");
}

TEST(NameResolver, ReportsUnknownTasksPoolsAndOutputsWithSuggestions) {
  Units units = test::one_file("tasks: {}\nx: 1\n");
  FieldReader r(units);
  Pipeline p;
  p.tasks.push_back(task("build"));
  p.tasks.push_back(task("test", {"biuld"}));
  p.tasks.back().edit_extras().pool = "gpus";
  p.pools.push_back(Pool{"gpu", 1});
  PendingNames names;
  names.pools.push_back({1, SourcePos{0, 2, 3}, false});
  std::vector<PendingOutputRef> outputs = {
      {1, "build", SourcePos{0, 2, 5}, "tasks.test.env.V", "tasks.build.outputs.v"}};
  resolve_names(r, p, names, outputs);
  EXPECT_EQ(test::headlines(r),
            "p.yaml:2:1: tasks.test.needs[0]: unknown task 'biuld' (did you mean 'build'?)\n"
            "p.yaml:2:3: tasks.test.pool: unknown pool 'gpus' (did you mean 'gpu'?)\n"
            "p.yaml:2:5: tasks.test.env.V: 'tasks.build.outputs.v' is only available to tasks "
            "that need 'build' (add 'build' to needs)\n");
}

}  // namespace
}  // namespace sluice::detail
