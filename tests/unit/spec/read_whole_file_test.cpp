#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <csignal>
#include <thread>

#include "spec/read_file.hpp"

namespace sluice::detail {
namespace {

/// A pipe's read end, as a path (what `-f /dev/stdin` or `<(...)` opens).
struct PipePath {
  PipePath() {
    int fds[2];
    EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    r = fds[0];
    w = fds[1];
  }
  ~PipePath() {
    ::close(r);
    if (w >= 0) ::close(w);
  }
  std::string path() const { return "/proc/self/fd/" + std::to_string(r); }
  /// Writes from another thread (more than a pipe holds) and closes.
  std::thread feed(std::string text) {
    return std::thread([this, text = std::move(text)] {
      for (std::size_t off = 0; off < text.size();) {
        ssize_t n = ::write(w, text.data() + off, text.size() - off);
        if (n <= 0) break;
        off += static_cast<std::size_t>(n);
      }
      ::close(w);
      w = -1;
    });
  }
  int r = -1, w = -1;
};

TEST(ReadWholeFile, ReadsAPipeToItsEnd) {
  PipePath p;
  std::string text = "tasks:\n";
  for (int i = 0; i < 20000; ++i) text += "  t" + std::to_string(i) + ": {run: 'true'}\n";
  auto writer = p.feed(text);
  std::string out, err;
  EXPECT_TRUE(read_whole_file(p.path(), 64u << 20, out, err)) << err;
  writer.join();
  EXPECT_EQ(out.size(), text.size());
  EXPECT_EQ(out, text);
}

TEST(ReadWholeFile, APipeOverTheLimitIsAnError) {
  PipePath p;
  auto writer = p.feed(std::string(300 * 1024, 'x'));
  std::string out, err;
  EXPECT_FALSE(read_whole_file(p.path(), 100 * 1024, out, err));
  char sink[4096];  // the writer may still be blocked on a full pipe
  while (::read(p.r, sink, sizeof sink) > 0) {
  }
  writer.join();
  EXPECT_NE(err.find("more than the limit of 102400"), std::string::npos) << err;
}

TEST(ReadWholeFile, ARegularFileTakesNoMoreThanItsSize) {
  // The buffer is the pipeline's largest allocation while it loads: finding
  // EOF must not double it.
  char path[] = "/tmp/sluice_read_whole_XXXXXX";
  int fd = ::mkstemp(path);
  ASSERT_GE(fd, 0);
  const std::string text(3u << 20, 'y');
  ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  ::close(fd);
  std::string out, err;
  EXPECT_TRUE(read_whole_file(path, 64u << 20, out, err)) << err;
  ::unlink(path);
  EXPECT_EQ(out, text);
  EXPECT_LE(out.capacity(), text.size() + 64);
}

TEST(ReadWholeFile, ADirectoryIsAnError) {
  std::string out, err;
  EXPECT_FALSE(read_whole_file("/tmp", 1024, out, err));
  EXPECT_EQ(err, "is a directory");
}

}  // namespace
}  // namespace sluice::detail

namespace sluice::detail {
namespace {

TEST(ReadFd, AnEndlessStreamIsReadOnlyToTheCap) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  // The writer stops when the reader closes its end (EPIPE): with no cap
  // this test would never end.
  std::thread writer([w = fds[1]] {
    ::signal(SIGPIPE, SIG_IGN);
    const std::string chunk(4096, 'y');
    while (::write(w, chunk.data(), chunk.size()) > 0) {
    }
    ::close(w);
  });
  std::string out, err;
  EXPECT_FALSE(read_fd(fds[0], 1u << 20, out, err));
  EXPECT_EQ(err, "more than the limit of 1048576 bytes");
  // The string grows by doubling: at most twice the cap, whatever is written.
  EXPECT_LE(out.capacity(), (2u << 20) + 64);
  ::close(fds[0]);
  writer.join();
}

}  // namespace
}  // namespace sluice::detail
