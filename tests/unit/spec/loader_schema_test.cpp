// The JSON schema: the committed docs/sluice.schema.json is exactly what
// pipeline_json_schema() produces, and it names every key the loader knows.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sluice/pipeline.hpp"
#include "spec/loader.hpp"

namespace sluice {
namespace {

TEST(LoaderSchema, CommittedFileEqualsTheFunctionOutput) {
  std::ifstream in(std::string(SLUICE_SOURCE_DIR) + "/docs/sluice.schema.json");
  ASSERT_TRUE(in) << "docs/sluice.schema.json is missing";
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), pipeline_json_schema())
      << "regenerate docs/sluice.schema.json from pipeline_json_schema()";
}

TEST(LoaderSchema, NamesEveryKeyTheLoaderKnows) {
  auto schema = nlohmann::json::parse(pipeline_json_schema());
  for (auto key : detail::kTopLevelKeys)
    EXPECT_TRUE(schema["properties"].contains(std::string(key))) << key;
  const auto& task = schema["$defs"]["task"]["properties"];
  for (auto key : detail::kTaskFieldNames) EXPECT_TRUE(task.contains(std::string(key))) << key;
  EXPECT_EQ(task.size(), detail::kTaskFieldCount);
  EXPECT_FALSE(schema["properties"]["defaults"]["properties"].contains("needs"));
  EXPECT_FALSE(schema["properties"]["defaults"]["properties"].contains("run"));
  EXPECT_TRUE(schema["properties"]["defaults"]["properties"].contains("timeout"));
}

}  // namespace
}  // namespace sluice
