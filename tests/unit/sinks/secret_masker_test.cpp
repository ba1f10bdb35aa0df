#include "sinks/secret_masker.hpp"

#include <gtest/gtest.h>

namespace sluice::detail {
namespace {

TEST(SecretMasker, LeavesTextWithoutSecretsUntouchedAndUncopied) {
  SecretMasker m({"hunter2"});
  std::string text = "nothing to see\n";
  std::string_view out = m.mask(text);
  EXPECT_EQ(out, text);
  EXPECT_EQ(out.data(), text.data());
}

TEST(SecretMasker, ReplacesEveryOccurrenceOfEverySecret) {
  SecretMasker m({"hunter2", "tok"});
  EXPECT_EQ(m.mask("a=hunter2 b=tok c=hunter2hunter2\n"), "a=*** b=*** c=******\n");
}

TEST(SecretMasker, LongerSecretWinsOverOneItContains) {
  SecretMasker m({"abc", "abcdef"});
  EXPECT_EQ(m.mask("xabcdefx abc\n"), "x***x ***\n");
}

TEST(SecretMasker, IgnoresEmptyValues) {
  SecretMasker m({"", "s3cret"});
  EXPECT_FALSE(m.empty());
  EXPECT_EQ(m.mask("plain s3cret\n"), "plain ***\n");
  EXPECT_TRUE(SecretMasker({""}).empty());
}

}  // namespace
}  // namespace sluice::detail
