// The runtime's file I/O on the loop: FsRequests, ChunkReader, ChunkWriter,
// open_regular_for_reading and IoError, against real files, a directory, a
// FIFO and /dev/full.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/chunk_reader.hpp"
#include "runtime/chunk_writer.hpp"
#include "runtime/fs_requests.hpp"
#include "runtime/io_error.hpp"
#include "runtime/open_user_file.hpp"
#include "unit/runtime/temp_dir.hpp"
#include "unit/runtime/test_support.hpp"

namespace sluice::detail {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

SharedFd open_shared(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
  EXPECT_GE(fd, 0) << path;
  return std::make_shared<const UniqueFd>(fd);
}

/// Reads a whole file with a ChunkReader, holding each chunk back until the
/// next one arrives (so recycling happens late, as a slow consumer does).
struct Collector : ChunkReader::Listener {
  std::string bytes;
  std::vector<std::size_t> sizes;
  bool ended = false;
  std::optional<IoError> error;
  std::vector<IoBuffer> held;
  std::size_t max_held = 0;

  void on_chunk(ChunkReader& reader, IoBuffer chunk) override {
    bytes.append(chunk.view());
    sizes.push_back(chunk.size());
    held.push_back(std::move(chunk));
    max_held = std::max(max_held, held.size());
    if (held.size() > 1) {
      reader.recycle(std::move(held.front()));
      held.erase(held.begin());
    }
  }
  void on_end(ChunkReader&) override { ended = true; }
  void on_error(ChunkReader&, IoError e) override { error = std::move(e); }
};

TEST(IoError, NamesTheOperationAndThePath) {
  EXPECT_EQ(IoError::from(EIO, "read", "in.txt").message, "read \"in.txt\": Input/output error");
  EXPECT_EQ(IoError::from(UV_ENOSPC, "write", "out").message,
            "write \"out\": No space left on device");
  EXPECT_EQ(IoError::from(UV_ENOSPC, "write", "out").code.value(), ENOSPC);
  IoError custom = IoError::because("short write", "write", "x");
  EXPECT_TRUE(custom);
  EXPECT_EQ(custom.message, "write \"x\": short write");
  EXPECT_FALSE(IoError{});
}

TEST(OpenRegular, OpensARegularFileBlockingAgainWithItsSize) {
  TempDir dir;
  testing::write_file(dir / "f", "hello");
  OpenedFile f = open_regular_for_reading(dir / "f");
  ASSERT_FALSE(f.error) << f.error.message;
  EXPECT_EQ(f.size, 5);
  EXPECT_EQ(::fcntl(f.fd.get(), F_GETFL) & O_NONBLOCK, 0);
  EXPECT_NE(::fcntl(f.fd.get(), F_GETFD) & FD_CLOEXEC, 0);
}

TEST(OpenRegular, RefusesAMissingFileADirectoryAndAFifoWithoutBlocking) {
  TempDir dir;
  OpenedFile missing = open_regular_for_reading(dir / "nope");
  EXPECT_EQ(missing.error.message, "open \"" + dir / "nope" + "\": No such file or directory");
  EXPECT_FALSE(missing.fd.valid());

  OpenedFile directory = open_regular_for_reading(dir.path());
  EXPECT_EQ(directory.error.message, "open \"" + dir.path() + "\": is a directory");
  EXPECT_EQ(directory.error.code.value(), EISDIR);
  EXPECT_FALSE(directory.fd.valid());

  // Nobody ever opens the FIFO's other end: a blocking open would hang.
  ASSERT_EQ(::mkfifo((dir / "fifo").c_str(), 0644), 0);
  auto fifo =
      std::async(std::launch::async, [&] { return open_regular_for_reading(dir / "fifo"); });
  if (fifo.wait_for(10s) != std::future_status::ready) {
    int unblock = ::open((dir / "fifo").c_str(), O_WRONLY);  // let the thread go, then fail
    ::close(unblock);
    FAIL() << "open of a FIFO blocked";
  }
  OpenedFile f = fifo.get();
  EXPECT_EQ(f.error.message, "open \"" + dir / "fifo" + "\": is not a regular file");
  EXPECT_FALSE(f.fd.valid());
}

class ChunkReaderSizes : public ::testing::TestWithParam<std::size_t> {};

TEST_P(ChunkReaderSizes, DeliversTheWholeFileInOrderInChunks) {
  constexpr std::size_t kChunk = 4096;
  std::size_t size = GetParam();
  TempDir dir;
  std::string data = testing::pseudo_random(size, size + 7);
  testing::write_file(dir / "f", data);
  Loop loop;
  {
    Collector c;
    // size_hint 0: the reader must read on while its reads come back full.
    ChunkReader reader(loop, open_shared(dir / "f", O_RDONLY), dir / "f", 0, kChunk, 3, c);
    reader.start();
    ASSERT_TRUE(testing::run_until(loop, [&] { return c.ended || c.error; }));
    ASSERT_FALSE(c.error) << c.error->message;
    EXPECT_EQ(c.bytes.size(), data.size());
    EXPECT_TRUE(c.bytes == data);
    EXPECT_EQ(reader.bytes_read(), size);
    for (std::size_t i = 0; i + 1 < c.sizes.size(); ++i) EXPECT_EQ(c.sizes[i], kChunk);
    EXPECT_LE(c.max_held, 3u);
  }
  testing::expect_clean_close(loop);
}

INSTANTIATE_TEST_SUITE_P(Sizes, ChunkReaderSizes,
                         ::testing::Values(0, 1, 4095, 4096, 4097, 3 * 4096, 1000003));

TEST(ChunkReader, ReportsAReadErrorNamingThePath) {
  TempDir dir;
  Loop loop;
  {
    Collector c;
    // A directory opened bypassing the regular-file check: read() says EISDIR.
    ChunkReader reader(loop, open_shared(dir.path(), O_RDONLY), dir.path(), 0, 4096, 2, c);
    reader.start();
    ASSERT_TRUE(testing::run_until(loop, [&] { return c.ended || c.error; }));
    ASSERT_TRUE(c.error);
    EXPECT_EQ(c.error->message, "read \"" + dir.path() + "\": Is a directory");
    EXPECT_FALSE(c.ended);
  }
  testing::expect_clean_close(loop);
}

TEST(ChunkReader, StopEndsItSilentlyAndItsReadsStillFinish) {
  TempDir dir;
  testing::write_file(dir / "f", testing::pseudo_random(1 << 20));
  Loop loop;
  {
    Collector c;
    auto reader = std::make_unique<ChunkReader>(loop, open_shared(dir / "f", O_RDONLY), dir / "f",
                                                1 << 20, 4096, 4, c);
    reader->start();
    reader->stop();
    reader.reset();  // reads in flight keep their buffers and the fd until they call back
    testing::run_for(loop, 50ms);
    EXPECT_FALSE(c.ended);
    EXPECT_TRUE(c.bytes.empty());
  }
  testing::expect_clean_close(loop);
}

struct WriteLog : ChunkWriter::Listener {
  int written = 0;
  std::optional<IoError> error;
  void on_written(ChunkWriter&, IoBuffer) override { ++written; }
  void on_error(ChunkWriter&, IoError e) override { error = std::move(e); }
};

IoBuffer buffer_of(const std::string& s) {
  IoBuffer b(s.size());
  std::copy(s.begin(), s.end(), b.data());
  b.resize(s.size());
  return b;
}

TEST(ChunkWriter, AppendsChunksInOrderWithSeveralInFlight) {
  TempDir dir;
  Loop loop;
  std::string expected;
  {
    WriteLog log;
    ChunkWriter writer(loop, open_shared(dir / "out", O_WRONLY | O_CREAT), dir / "out", 0, 3, log);
    int sent = 0;
    for (int i = 0; i < 40;) {
      while (i < 40 && !writer.full()) {
        std::string piece = testing::pseudo_random(1000 + 37 * i, i);
        expected += piece;
        writer.write(buffer_of(piece));
        ++i;
        ++sent;
      }
      ASSERT_TRUE(testing::run_until(loop, [&] { return !writer.full() || log.error; }));
    }
    ASSERT_TRUE(testing::run_until(loop, [&] { return writer.idle(); }));
    EXPECT_FALSE(log.error);
    EXPECT_EQ(log.written, sent);
    EXPECT_EQ(writer.bytes_written(), expected.size());
  }
  EXPECT_TRUE(testing::read_file(dir / "out") == expected);
  testing::expect_clean_close(loop);
}

TEST(ChunkWriter, WritesSeveralChunksAsOneWriteInOrder) {
  TempDir dir;
  Loop loop;
  std::string expected;
  {
    WriteLog log;
    ChunkWriter writer(loop, open_shared(dir / "out", O_WRONLY | O_CREAT), dir / "out", 0, 1, log);
    std::vector<IoBuffer> chunks;
    for (int i = 0; i < 5; ++i) {
      std::string piece = testing::pseudo_random(70000 + 11 * i, i);
      expected += piece;
      chunks.push_back(buffer_of(piece));
    }
    chunks.insert(chunks.begin() + 2, IoBuffer(16));  // empty: dropped
    writer.write(std::move(chunks));
    EXPECT_TRUE(writer.full());  // one write in flight carries them all
    std::string tail = testing::pseudo_random(999, 9);
    expected += tail;
    ASSERT_TRUE(testing::run_until(loop, [&] { return writer.idle(); }));
    writer.write(buffer_of(tail));
    ASSERT_TRUE(testing::run_until(loop, [&] { return writer.idle(); }));
    EXPECT_FALSE(log.error);
    EXPECT_EQ(log.written, 6);
    EXPECT_EQ(writer.bytes_written(), expected.size());
  }
  EXPECT_TRUE(testing::read_file(dir / "out") == expected);
  testing::expect_clean_close(loop);
}

TEST(ChunkWriter, ReportsAFullDeviceOnceNamingThePath) {
  Loop loop;
  {
    WriteLog log;
    ChunkWriter writer(loop, open_shared("/dev/full", O_WRONLY), "/dev/full", 0, 2, log);
    writer.write(buffer_of("a"));
    writer.write(buffer_of("b"));
    ASSERT_TRUE(testing::run_until(loop, [&] { return log.error.has_value(); }));
    EXPECT_EQ(log.error->message, "write \"/dev/full\": No space left on device");
    EXPECT_EQ(log.written, 0);
    EXPECT_TRUE(writer.failed());
    writer.write(buffer_of("c"));  // dropped after the failure
    testing::run_for(loop, 20ms);
    EXPECT_EQ(log.written, 0);
  }
  testing::expect_clean_close(loop);
}

std::vector<IoBuffer> buffers(std::initializer_list<std::size_t> capacities) {
  std::vector<IoBuffer> out;
  for (std::size_t c : capacities) out.emplace_back(c);
  return out;
}

TEST(FsRequests, CallsBackLaterNeverInsideTheCall) {
  TempDir dir;
  testing::write_file(dir / "f", "abcdefgh");
  Loop loop;
  {
    FsRequests requests(loop);
    std::optional<std::int64_t> result;
    std::vector<std::string> got;
    // One read into three buffers: each filled in turn, the last one short.
    requests.read(open_shared(dir / "f", O_RDONLY), buffers({3, 3, 16}), 0,
                  [&](std::int64_t r, std::vector<IoBuffer> bs) {
                    result = r;
                    for (const auto& b : bs) got.emplace_back(b.view());
                  });
    EXPECT_FALSE(result.has_value());
    EXPECT_EQ(requests.in_flight(), 1u);
    ASSERT_TRUE(testing::run_until(loop, [&] { return result.has_value(); }));
    EXPECT_EQ(*result, 8);
    EXPECT_EQ(got, (std::vector<std::string>{"abc", "def", "gh"}));
    EXPECT_EQ(requests.in_flight(), 0u);

    bool ran = false;
    int status = -1;
    requests.blocking([&] { ran = true; }, [&](int s) { status = s; });
    ASSERT_TRUE(testing::run_until(loop, [&] { return status != -1; }));
    EXPECT_TRUE(ran);
    EXPECT_EQ(status, 0);
  }
  testing::expect_clean_close(loop);
}

TEST(FsRequests, ForgetDropsCallbacksAndTheCellsAreStillFreed) {
  TempDir dir;
  testing::write_file(dir / "f", testing::pseudo_random(1 << 16));
  Loop loop;
  int calls = 0;
  {
    auto requests = std::make_unique<FsRequests>(loop);
    SharedFd fd = open_shared(dir / "f", O_RDONLY);
    for (int i = 0; i < 32; ++i)
      requests->read(fd, buffers({4096}), i * 4096,
                     [&](std::int64_t, std::vector<IoBuffer>) { ++calls; });
    requests->blocking([] {}, [&](int) { ++calls; });
    requests.reset();  // forgets all; libuv still owns the cells
  }
  testing::run_for(loop, 20ms);
  EXPECT_EQ(calls, 0);
  testing::expect_clean_close(loop);  // and ASan sees no leaked cell
}

}  // namespace
}  // namespace sluice::detail
