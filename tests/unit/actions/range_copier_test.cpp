#include "actions/range_copier.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "runtime/unique_fd.hpp"
#include "unit/actions/action_test_support.hpp"

namespace sluice::detail {
namespace {

using testing::TempDir;

struct Files {
  UniqueFd in;
  UniqueFd out;
};

Files open_pair(const std::string& in, const std::string& out) {
  Files f{UniqueFd(::open(in.c_str(), O_RDONLY | O_CLOEXEC)),
          UniqueFd(::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644))};
  EXPECT_TRUE(f.in.valid() && f.out.valid());
  return f;
}

class RangeCopierSizes : public ::testing::TestWithParam<std::size_t> {};

TEST_P(RangeCopierSizes, CopiesEveryByteInTheKernel) {
  constexpr std::size_t kChunk = 4096;
  TempDir dir;
  std::string data = testing::pseudo_random(GetParam(), 9);
  testing::write_file(dir / "in", data);
  Files f = open_pair(dir / "in", dir / "out");
  RangeCopier c(f.in.get(), dir / "in", f.out.get(), dir / "out", 0, kChunk);
  RangeCopier::Status s;
  do s = c.run(3 * kChunk);
  while (s == RangeCopier::Status::More);
  ASSERT_EQ(s, RangeCopier::Status::End) << c.error().message;
  EXPECT_EQ(c.copied(), data.size());
  EXPECT_TRUE(testing::read_file(dir / "out") == data);
}

INSTANTIATE_TEST_SUITE_P(Sizes, RangeCopierSizes,
                         ::testing::Values(0, 1, 4095, 4096, 4097, 1 << 20));

TEST(RangeCopier, AppendsAtTheGivenOffset) {
  TempDir dir;
  testing::write_file(dir / "in", "world");
  testing::write_file(dir / "out", "hello ");
  UniqueFd in(::open((dir / "in").c_str(), O_RDONLY));
  UniqueFd out(::open((dir / "out").c_str(), O_WRONLY));
  RangeCopier c(in.get(), "in", out.get(), "out", 6, 4096);
  EXPECT_EQ(c.run(1 << 20), RangeCopier::Status::End);
  EXPECT_EQ(c.out_offset(), 11);
  EXPECT_EQ(testing::read_file(dir / "out"), "hello world");
}

TEST(RangeCopier, StopsWithinItsBudgetAndOnAStopRequest) {
  TempDir dir;
  testing::write_file(dir / "in", testing::pseudo_random(10 * 4096, 1));
  Files f = open_pair(dir / "in", dir / "out");
  RangeCopier c(f.in.get(), "in", f.out.get(), "out", 0, 4096);
  EXPECT_EQ(c.run(2 * 4096), RangeCopier::Status::More);
  EXPECT_EQ(c.copied(), 2u * 4096);
  std::stop_source stop;
  stop.request_stop();
  EXPECT_EQ(c.run(1 << 20, stop.get_token()), RangeCopier::Status::More);
  EXPECT_EQ(c.copied(), 2u * 4096);
}

TEST(RangeCopier, FallsBackToReadAndWriteWhereTheKernelCopiesNothing) {
  // /proc files say they are empty: copy_file_range copies 0 bytes of them.
  TempDir dir;
  UniqueFd in(::open("/proc/self/status", O_RDONLY));
  UniqueFd out(::open((dir / "out").c_str(), O_WRONLY | O_CREAT, 0644));
  RangeCopier c(in.get(), "/proc/self/status", out.get(), "out", 0, 4096);
  EXPECT_EQ(c.run(1 << 20), RangeCopier::Status::End) << c.error().message;
  EXPECT_FALSE(c.in_kernel());
  EXPECT_GT(c.copied(), 0u);
  EXPECT_NE(testing::read_file(dir / "out").find("Name:"), std::string::npos);
}

TEST(RangeCopier, NamesTheSideThatFailed) {
  TempDir dir;
  testing::write_file(dir / "in", testing::pseudo_random(5000, 1));
  UniqueFd in(::open((dir / "in").c_str(), O_RDONLY));
  UniqueFd full(::open("/dev/full", O_WRONLY));
  RangeCopier to_full(in.get(), dir / "in", full.get(), "/dev/full", 0, 4096);
  EXPECT_EQ(to_full.run(1 << 20), RangeCopier::Status::Failed);
  EXPECT_EQ(to_full.error().message, "write \"/dev/full\": No space left on device");

  UniqueFd dir_fd(::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY));
  UniqueFd out(::open((dir / "out").c_str(), O_WRONLY | O_CREAT, 0644));
  RangeCopier from_dir(dir_fd.get(), dir.path(), out.get(), "out", 0, 4096);
  EXPECT_EQ(from_dir.run(1 << 20), RangeCopier::Status::Failed);
  EXPECT_EQ(from_dir.error().message, "read \"" + dir.path() + "\": Is a directory");
}

}  // namespace
}  // namespace sluice::detail
