#include "runtime/fd_poller.hpp"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <chrono>
#include <memory>
#include <string>
#include <mutex>
#include <thread>

#include "runtime/loop.hpp"
#include "runtime/pipe_reader.hpp"
#include "unit/runtime/test_support.hpp"

namespace sluice::detail {
namespace {

using namespace std::chrono_literals;

struct Pipe {
  Pipe() {
    int fds[2];
    EXPECT_EQ(::pipe2(fds, O_CLOEXEC), 0);
    r.reset(fds[0]);
    w.reset(fds[1]);
  }
  UniqueFd r, w;
};

/// Counts calls; optionally destroys another client's registration first.
class Counter final : public FdPoller::Client {
 public:
  Counter(FdPoller& p, int fd) : poller(p), fd_(fd) { EXPECT_EQ(poller.add(fd_, this), 0); }
  ~Counter() override { unwatch(); }
  void unwatch() {
    if (watching) poller.remove(fd_, this);
    watching = false;
  }
  void on_ready() override {
    ++calls;
    if (victim) victim->reset();
    unwatch();
  }
  FdPoller& poller;
  int fd_;
  bool watching = true;
  int calls = 0;
  std::unique_ptr<Counter>* victim = nullptr;
};

TEST(FdPoller, AnIdlePollerDoesNotKeepTheLoopAlive) {
  Loop loop;
  loop.poller();
  loop.run();  // returns: nothing is watched
  testing::expect_clean_close(loop);
}

TEST(FdPoller, AClientRemovedByAnotherInTheSameBatchIsNotCalled) {
  Loop loop;
  Pipe a, b;
  auto first = std::make_unique<Counter>(loop.poller(), a.r.get());
  auto second = std::make_unique<Counter>(loop.poller(), b.r.get());
  // Both ready before the loop turns: one epoll batch holds both.
  ASSERT_EQ(::write(a.w.get(), "x", 1), 1);
  ASSERT_EQ(::write(b.w.get(), "x", 1), 1);
  first->victim = &second;
  second->victim = &first;
  ASSERT_TRUE(testing::run_until(loop, [&] { return !first || !second; }));
  // Exactly one ran and destroyed the other; ASan would flag a call on the dead one.
  Counter* survivor = first ? first.get() : second.get();
  EXPECT_EQ(survivor->calls, 1);
  first.reset();
  second.reset();
  loop.run();
  testing::expect_clean_close(loop);
}

TEST(PipeReader, ReadsAFastWritersBurstAndReportsEofOnce) {
  Loop loop;
  ReadBuffer buffer;
  Pipe p;
  std::size_t got = 0;
  int ends = 0;
  PipeReader reader(loop, p.r.release(), buffer, [&](std::string_view c) { got += c.size(); },
                    [&](int status) {
                      EXPECT_EQ(status, 0);
                      ++ends;
                    });
  reader.start();
  std::string chunk(64 * 1024, 'x');
  ASSERT_EQ(::write(p.w.get(), chunk.data(), chunk.size()), static_cast<ssize_t>(chunk.size()));
  p.w.reset();
  ASSERT_TRUE(testing::run_until(loop, [&] { return ends > 0; }));
  EXPECT_EQ(got, chunk.size());
  EXPECT_EQ(ends, 1);
  EXPECT_TRUE(reader.ended());
  testing::expect_clean_close(loop);
}

TEST(PipeReader, AFastWritersPipeGrowsWithinTheBuffersBudget) {
  Loop loop;
  ReadBuffer buffer(1u << 20, /*growth_slots=*/1);
  Pipe a, b;
  std::size_t got = 0;
  auto reader = [&](Pipe& p) {
    return std::make_unique<PipeReader>(loop, p.r.release(), buffer,
                                        [&](std::string_view c) { got += c.size(); }, [](int) {});
  };
  auto ra = reader(a), rb = reader(b);
  ra->start();
  rb->start();
  std::string full(64 * 1024, 'x');  // a default pipe's whole capacity: a fast writer
  ASSERT_EQ(::write(a.w.get(), full.data(), full.size()), static_cast<ssize_t>(full.size()));
  ASSERT_EQ(::write(b.w.get(), full.data(), full.size()), static_cast<ssize_t>(full.size()));
  ASSERT_TRUE(testing::run_until(loop, [&] { return got == 2 * full.size(); }));
  int size_a = ::fcntl(a.w.get(), F_GETPIPE_SZ), size_b = ::fcntl(b.w.get(), F_GETPIPE_SZ);
  EXPECT_EQ(std::max(size_a, size_b), 1 << 20) << "one pipe grows";
  EXPECT_EQ(std::min(size_a, size_b), 64 * 1024) << "the budget held one slot";
  // A closed reader gives its slot back.
  Pipe c;
  (size_a > size_b ? ra : rb).reset();
  auto rc = reader(c);
  rc->start();
  ASSERT_EQ(::write(c.w.get(), full.data(), full.size()), static_cast<ssize_t>(full.size()));
  ASSERT_TRUE(testing::run_until(loop, [&] { return got == 3 * full.size(); }));
  EXPECT_EQ(::fcntl(c.w.get(), F_GETPIPE_SZ), 1 << 20);
  ra.reset();
  rb.reset();
  rc.reset();
  testing::expect_clean_close(loop);
}

TEST(PipeReader, ADestroyInsideOnDataStopsReading) {
  Loop loop;
  ReadBuffer buffer(16);
  Pipe p;
  std::unique_ptr<PipeReader> reader;
  int chunks = 0;
  reader = std::make_unique<PipeReader>(
      loop, p.r.release(), buffer,
      [&](std::string_view) {
        ++chunks;
        reader.reset();
      },
      [&](int) { ADD_FAILURE() << "no end after destruction"; });
  reader->start();
  std::string data(64 * 1024, 'y');
  ASSERT_EQ(::write(p.w.get(), data.data(), data.size()), static_cast<ssize_t>(data.size()));
  ASSERT_TRUE(testing::run_until(loop, [&] { return !reader; }));
  EXPECT_EQ(chunks, 1);
  testing::expect_clean_close(loop);
}

TEST(PipeReader, AStaleReadinessReportNeverBlocksTheLoop) {
  // Two readers, each of which takes the other's data in its callback: the
  // second one's report in the same poller batch is then stale. Its read must
  // not wait for the writer (a task's grandchild, in real life), who here
  // keeps both pipes open. A watchdog thread closes them after a deadline,
  // so the old, blocking read fails this test instead of hanging it.
  Loop loop;
  ReadBuffer buffer;
  Pipe a, b;
  std::unique_ptr<PipeReader> ra, rb;
  std::string got;
  auto data = [&](std::unique_ptr<PipeReader>& other) {
    return [&](std::string_view c) {
      got += c;
      if (other) other->read_ready();
    };
  };
  ra = std::make_unique<PipeReader>(loop, a.r.release(), buffer, data(rb), [](int) {});
  rb = std::make_unique<PipeReader>(loop, b.r.release(), buffer, data(ra), [](int) {});
  ra->start();
  rb->start();
  ASSERT_EQ(::write(a.w.get(), "a", 1), 1);
  ASSERT_EQ(::write(b.w.get(), "b", 1), 1);

  std::mutex mutex;
  std::condition_variable cv;
  bool done = false;
  std::atomic<bool> fired{false};
  std::thread watchdog([&] {
    std::unique_lock lock(mutex);
    if (cv.wait_for(lock, 5s, [&] { return done; })) return;
    fired = true;
    a.w.reset();
    b.w.reset();
  });
  bool both = testing::run_until(loop, [&] { return got.size() == 2; });
  loop.run_once(false);  // dispatches the rest of the batch: the stale report
  {
    std::lock_guard lock(mutex);
    done = true;
  }
  cv.notify_one();
  watchdog.join();
  EXPECT_TRUE(both) << got;
  EXPECT_FALSE(fired) << "a read blocked on a pipe with no data";
  ra.reset();
  rb.reset();
  testing::expect_clean_close(loop);
}

}  // namespace
}  // namespace sluice::detail
