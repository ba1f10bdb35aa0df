#include "sinks/spool.hpp"

#include <gtest/gtest.h>

namespace sluice::detail {
namespace {

std::string read_all(Spool& s, std::size_t chunk) {
  ByteBuffer b;
  while (s.read_chunk(b, chunk)) {
  }
  return std::string(b.view());
}

TEST(Spool, SmallOutputStaysInMemory) {
  Spool s(16, "");
  ASSERT_TRUE(s.append("hello\n"));
  EXPECT_FALSE(s.spilled());
  EXPECT_EQ(read_all(s, 4), "hello\n");
}

TEST(Spool, LargeOutputMovesToAFileAndReadsBackInOrder) {
  Spool s(16, "");
  std::string expect;
  for (int i = 0; i < 1000; ++i) {
    std::string line = "line " + std::to_string(i) + "\n";
    ASSERT_TRUE(s.append(line));
    expect += line;
  }
  EXPECT_TRUE(s.spilled());
  EXPECT_EQ(s.memory_bytes(), 0u);
  EXPECT_EQ(s.size(), expect.size());
  EXPECT_EQ(read_all(s, 7), expect);
}

TEST(Spool, AMissingDirectoryIsAnErrorNotALoss) {
  Spool s(4, "/nonexistent/sluice-spool-dir");
  ASSERT_TRUE(s.append("abc"));
  EXPECT_FALSE(s.append("defgh"));
  EXPECT_TRUE(s.error());
  EXPECT_EQ(read_all(s, 100), "abc");
}

}  // namespace
}  // namespace sluice::detail
