#include "runtime/fd_writer.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "runtime/pipe_reader.hpp"
#include "unit/runtime/test_support.hpp"

namespace sluice::detail {
namespace {

TEST(FdWriter, QueuesPastAFullPipeSignalsFullThenDrainsWithoutBlockingTheLoop) {
  Loop loop;
  {
    int fds[2];
    ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);  // a BLOCKING pipe, like an inherited stdout
    auto owned = std::make_unique<FdWriter>(loop, fds[1], 1u << 20);
    FdWriter& writer = *owned;
    EXPECT_EQ(writer.mode(), FdWriter::Mode::NonBlocking);
    // The original description stays blocking: only our reopened one is not.
    EXPECT_EQ(::fcntl(fds[1], F_GETFL) & O_NONBLOCK, 0);
    bool drained = false;
    writer.set_on_drained([&] { drained = true; });

    std::string block(256 * 1024, 'x');
    int accepted = 0;
    while (writer.write(block)) ++accepted;  // never blocks: the pipe holds 64 KiB
    EXPECT_TRUE(writer.full());
    std::size_t total = block.size() * static_cast<std::size_t>(accepted + 1);

    ReadBuffer buffer(64 * 1024);
    std::size_t got = 0;
    bool eof = false;
    PipeReader reader(loop, fds[0], buffer, [&](std::string_view c) { got += c.size(); },
                      [&](int) { eof = true; });
    reader.start();
    ASSERT_TRUE(testing::run_until(loop, [&] { return drained; }));
    EXPECT_EQ(writer.queued(), 0u);
    owned.reset();  // its reopened description holds the pipe open too
    ::close(fds[1]);
    ASSERT_TRUE(testing::run_until(loop, [&] { return eof; }));
    EXPECT_EQ(got, total);
  }
  testing::expect_clean_close(loop);
}

TEST(FdWriter, WritesRegularFilesInline) {
  Loop loop;
  {
    char path[] = "/tmp/sluice_fdw_XXXXXX";
    int fd = ::mkstemp(path);
    ASSERT_GE(fd, 0);
    FdWriter writer(loop, fd);
    EXPECT_EQ(writer.mode(), FdWriter::Mode::Inline);
    EXPECT_TRUE(writer.write("hello\n"));
    EXPECT_EQ(writer.queued(), 0u);
    EXPECT_EQ(::lseek(fd, 0, SEEK_END), 6);
    ::close(fd);
    ::unlink(path);
  }
  testing::expect_clean_close(loop);
}

TEST(FdWriter, ReportsEpipeWhenTheReaderLeft) {
  testing::install_guards_once();  // SIGPIPE ignored
  Loop loop;
  {
    int fds[2];
    ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    FdWriter writer(loop, fds[1]);
    ::close(fds[0]);
    int err = 0;
    writer.set_on_error([&](int e) { err = e; });
    writer.write("x");
    EXPECT_EQ(err, EPIPE);
    ::close(fds[1]);
  }
  testing::expect_clean_close(loop);
}

// The hang of a flood into a reader that left: the writer was full (the
// producer paused), so only on_drained could resume it.
TEST(FdWriter, AReaderLeavingWhileFullReportsEpipeAndReleasesBackpressure) {
  testing::install_guards_once();  // SIGPIPE ignored
  Loop loop;
  {
    int fds[2];
    ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    FdWriter writer(loop, fds[1], 1u << 20);
    int err = 0;
    bool drained = false;
    writer.set_on_error([&](int e) { err = e; });
    writer.set_on_drained([&] { drained = true; });
    std::string block(256 * 1024, 'x');
    while (writer.write(block)) {
    }
    ASSERT_TRUE(writer.full());
    ::close(fds[0]);
    ASSERT_TRUE(testing::run_until(loop, [&] { return drained; }));
    EXPECT_EQ(err, EPIPE);
    EXPECT_FALSE(writer.full());
    EXPECT_TRUE(writer.write(block));  // dropped: never full again
    EXPECT_EQ(writer.queued(), 0u);
    ::close(fds[1]);
  }
  testing::expect_clean_close(loop);
}

}  // namespace
}  // namespace sluice::detail
