// NameIndex: first id wins, lookups by key, collisions and a full probe run.
#include "spec/name_index.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::detail {
namespace {

struct KeyOf {
  const std::vector<std::string>* names;
  std::string_view operator()(std::uint32_t id) const { return (*names)[id]; }
};

TEST(NameIndex, KeepsTheFirstIdOfEqualKeys) {
  const std::vector<std::string> names = {"a", "b", "a", ""};
  NameIndex<KeyOf> index(names.size(), KeyOf{&names});
  EXPECT_EQ(index.insert(0), NameIndex<KeyOf>::kNone);
  EXPECT_EQ(index.insert(1), NameIndex<KeyOf>::kNone);
  EXPECT_EQ(index.insert(2), 0u);
  EXPECT_EQ(index.insert(3), NameIndex<KeyOf>::kNone);
  EXPECT_EQ(index.find("a"), 0u);
  EXPECT_EQ(index.find("b"), 1u);
  EXPECT_EQ(index.find(""), 3u);
  EXPECT_EQ(index.find("c"), NameIndex<KeyOf>::kNone);
  EXPECT_FALSE(index.contains("ab"));
}

TEST(NameIndex, FindsEveryNameOfAFullIndex) {
  std::vector<std::string> names;
  for (int i = 0; i < 5000; ++i) names.push_back("t" + std::to_string(i));
  NameIndex<KeyOf> index(names.size(), KeyOf{&names});
  for (std::uint32_t i = 0; i < names.size(); ++i) ASSERT_EQ(index.insert(i), NameIndex<KeyOf>::kNone);
  for (std::uint32_t i = 0; i < names.size(); ++i) ASSERT_EQ(index.find(names[i]), i);
  EXPECT_FALSE(index.contains("t5000"));
  EXPECT_FALSE(index.contains("t"));
}

}  // namespace
}  // namespace sluice::detail
