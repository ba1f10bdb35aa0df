// The one table of task fields feeds the loader, "did you mean" and the JSON
// Schema: what it says is what each of them does.
#include "spec/task_fields.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sluice/pipeline.hpp"
#include "unit/spec/loader_test_util.hpp"

namespace sluice::detail {
namespace {

TEST(TaskFields, EveryFieldButMatrixHasAReader) {
  for (const TaskFieldSpec& spec : kTaskFields)
    EXPECT_EQ(spec.ops->read == nullptr, spec.field == TaskField::Matrix) << spec.name;
}

TEST(TaskFields, TheSchemaHasEachFieldAndDefaultsTheDefaultableOnes) {
  auto schema = nlohmann::json::parse(pipeline_json_schema());
  const auto& task = schema["$defs"]["task"]["properties"];
  const auto& defaults = schema["properties"]["defaults"]["properties"];
  ASSERT_EQ(task.size(), kTaskFieldCount);
  std::size_t defaultable = 0;
  for (const TaskFieldSpec& spec : kTaskFields) {
    std::string name(spec.name);
    EXPECT_TRUE(task.contains(name)) << name;
    EXPECT_EQ(defaults.contains(name), is_defaultable(spec.field)) << name;
    defaultable += is_defaultable(spec.field) ? 1 : 0;
  }
  EXPECT_EQ(defaults.size(), defaultable);
  std::size_t actions = 0;
  for (const TaskFieldSpec& spec : kTaskFields) actions += is_action(spec.field) ? 1 : 0;
  EXPECT_EQ(schema["$defs"]["task"]["oneOf"].size(), actions);
}

TEST(TaskFields, TheLoaderAndItsSuggestionsFollowTheTable) {
  EXPECT_EQ(test::load_errors("tasks:\n  a: {run: x, timout: 1}\n"),
            "p.yaml:2:15: tasks.a.timout: unknown key 'timout' (did you mean 'timeout'?)\n");
  EXPECT_EQ(test::load_errors("tasks:\n  a: {env: {}}\n"),
            "p.yaml:2:3: tasks.a: missing action: one of run, cmd, copy, concat, write, hash, "
            "compress, decompress, call\n");
  EXPECT_EQ(test::load_errors("defaults: {needs: [b]}\ntasks:\n  a: {run: x}\n"),
            "p.yaml:1:12: defaults.needs: 'needs' cannot be set in defaults (actions, needs, "
            "matrix and service are per task)\n");
}

}  // namespace
}  // namespace sluice::detail
