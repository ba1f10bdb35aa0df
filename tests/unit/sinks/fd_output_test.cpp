#include "sinks/fd_output.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <thread>
#include <vector>
#include <unistd.h>

namespace sluice::detail {
namespace {

TEST(FdOutput, WritesEverythingThroughAFullNonBlockingPipe) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  ASSERT_EQ(::fcntl(fds[1], F_SETFL, O_NONBLOCK), 0);
  const std::string data(1 << 20, 'x');  // far more than the pipe holds
  std::string got;
  std::thread reader([&] {
    char buf[65536];
    ssize_t n;
    while ((n = ::read(fds[0], buf, sizeof buf)) > 0) got.append(buf, static_cast<std::size_t>(n));
  });
  {
    FdOutput out(fds[1], true);
    EXPECT_FALSE(out.is_tty());
    out.write(data);
    EXPECT_FALSE(out.error());
  }  // closes the write end
  reader.join();
  ::close(fds[0]);
  EXPECT_EQ(got, data);
}

TEST(FdOutput, RecordsABrokenPipeInsteadOfDying) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  ::close(fds[0]);
  auto old = ::signal(SIGPIPE, SIG_IGN);
  FdOutput out(fds[1], true);
  out.write("x");
  EXPECT_EQ(out.error(), std::errc::broken_pipe);
  ::signal(SIGPIPE, old);
}

TEST(FdOutput, ReportsTheFirstErrorOnceAndDropsLaterWrites) {
  std::error_code ec;
  auto out = FdOutput::open_file("/dev/full", ec);
  ASSERT_NE(out, nullptr) << ec.message();
  std::vector<std::error_code> seen;
  out->set_on_error([&](std::error_code e) { seen.push_back(e); });
  out->write("x\n");
  out->write("y\n");
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], std::errc::no_space_on_device);
  EXPECT_EQ(out->error(), std::errc::no_space_on_device);
}

TEST(FdOutput, OpenFileCreatesAndReportsErrors) {
  std::error_code ec;
  auto bad = FdOutput::open_file("/nonexistent/dir/events.jsonl", ec);
  EXPECT_EQ(bad, nullptr);
  EXPECT_TRUE(ec);
  std::string path = ::testing::TempDir() + "sluice_fd_output_test.txt";
  {
    auto out = FdOutput::open_file(path, ec);
    ASSERT_NE(out, nullptr) << ec.message();
    out->write("hello\n");
  }
  FILE* f = std::fopen(path.c_str(), "r");
  ASSERT_NE(f, nullptr);
  char buf[16] = {};
  EXPECT_EQ(std::fread(buf, 1, sizeof buf, f), 6u);
  std::fclose(f);
  std::remove(path.c_str());
  EXPECT_STREQ(buf, "hello\n");
}

}  // namespace
}  // namespace sluice::detail
