// closest(), osa_distance() and closest_name(), the public face of closest().
#include "spec/suggest.hpp"

#include "sluice/diagnostic.hpp"

#include <gtest/gtest.h>

namespace sluice::detail {
namespace {

TEST(OsaDistance, Basics) {
  EXPECT_EQ(osa_distance("fetch", "fetch", 5), 0u);
  EXPECT_EQ(osa_distance("fetc", "fetch", 5), 1u);
  EXPECT_EQ(osa_distance("fecth", "fetch", 5), 1u);  // transposition
  EXPECT_EQ(osa_distance("FETCH", "fetch", 5), 0u);  // case-insensitive
  EXPECT_EQ(osa_distance("ca", "abc", 5), 3u);        // OSA, not full Damerau (2)
  EXPECT_EQ(osa_distance("", "abc", 5), 3u);
  EXPECT_EQ(osa_distance("kitten", "sitting", 5), 3u);
  EXPECT_EQ(osa_distance("kitten", "sitting", 2), 3u);  // limit + 1
  EXPECT_EQ(osa_distance("a", "abcdefgh", 2), 3u);
}

TEST(Closest, Suggests) {
  const std::vector<std::string_view> keys = {"timeout", "retry", "needs", "outputs", "inputs", "pool"};
  EXPECT_EQ(closest("timout", keys), "timeout");
  EXPECT_EQ(closest("retyr", keys), "retry");
  EXPECT_EQ(closest("need", keys), "needs");
  EXPECT_EQ(closest("Needs", keys), "needs");
  EXPECT_EQ(closest("output", keys), "outputs");
  EXPECT_EQ(closest("xyz", keys), std::nullopt);
  EXPECT_EQ(closest("timeoutttt", keys), "timeout");  // 3 edits <= 10/3
  EXPECT_EQ(closest("timeouttttt", keys), std::nullopt);  // 4 edits > 11/3
  EXPECT_EQ(closest("", keys), std::nullopt);
  EXPECT_EQ(closest("needs", keys), std::nullopt);  // an exact name is not unknown
  EXPECT_EQ(closest("a", {}), std::nullopt);
}

TEST(Closest, ThresholdGrowsWithLength) {
  EXPECT_EQ(closest("ab", {"xy"}), std::nullopt);
  EXPECT_EQ(closest("ab", {"ax"}), "ax");
  EXPECT_EQ(closest("abcdef", {"abxdxf"}), "abxdxf");   // 2 <= 6/3
  EXPECT_EQ(closest("abcdef", {"axxdxf"}), std::nullopt);  // 3 > 2
}

TEST(Closest, TiesPreferMatchingCaseThenOrder) {
  EXPECT_EQ(closest("Fetc", {"fetch", "Fetch"}), "Fetch");
  EXPECT_EQ(closest("fetc", {"fetch", "Fetch"}), "fetch");
  EXPECT_EQ(closest("bat", {"cat", "hat"}), "cat");
  EXPECT_EQ(closest("fetc", {"fxtc", "fetch"}), "fxtc");  // equal distance: first
  EXPECT_EQ(closest("fetc", {"fexxx", "fetch"}), "fetch");
}

TEST(Closest, ManyCandidates) {
  std::vector<std::string> names;
  for (int i = 0; i < 100000; ++i) names.push_back("task-" + std::to_string(i) + "-build");
  names.push_back("deploy-production");
  const std::vector<std::string_view> views(names.begin(), names.end());
  EXPECT_EQ(closest("deploy-prodution", views), "deploy-production");
  EXPECT_EQ(closest("task-5000-biuld", views), "task-5000-build");
}

TEST(ClosestName, IsClosestForEmbedders) {
  EXPECT_EQ(sluice::closest_name("rnu", {"run", "validate", "list"}), "run");
  EXPECT_EQ(sluice::closest_name("frob", {"run", "validate", "list"}), std::nullopt);
}

}  // namespace
}  // namespace sluice::detail
