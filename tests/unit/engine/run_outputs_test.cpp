// The run's outputs with readers that fall behind: the event stream's
// reader stalled (a full pipe nobody reads), an observer that says it is
// behind. The loop must go on serving timers meanwhile, and the run must
// pause the tasks' output instead of blocking or dropping events.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <string>
#include <thread>
#include <utility>

#include "sluice/run.hpp"
#include "unit/engine/engine_test_support.hpp"

namespace sluice {
namespace {

using testing::load;
using testing::Recorder;

class RunOutputsTest : public ::testing::Test {
 protected:
  void SetUp() override { detail::testing::install_guards_once(); }
};

/// Records events and flags the run's end, for a thread that waits on it.
class EndWatcher final : public RunObserver {
 public:
  explicit EndWatcher(Recorder& rec) : rec_(rec) {}
  void on_event(const Event& e) override {
    rec_.on_event(e);
    if (std::holds_alternative<RunFinished>(e)) finished = true;
  }
  std::atomic<bool> finished{false};

 private:
  Recorder& rec_;
};

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t pos = 0; (pos = text.find(what, pos)) != std::string::npos; pos += what.size())
    ++n;
  return n;
}

/// The event stream's reader, stalled: a pipe whose small buffer is full
/// before the run starts (the first event already cannot be written) and
/// that nobody reads until drain().
class StalledPipe {
 public:
  StalledPipe() {
    EXPECT_EQ(::pipe2(fds_, O_CLOEXEC), 0);
    EXPECT_GT(::fcntl(fds_[1], F_SETPIPE_SZ, 4096), 0);
    path = "/proc/self/fd/" + std::to_string(fds_[1]);
    int filler = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    EXPECT_GE(filler, 0);
    for (char x[512] = {}; ::write(filler, x, sizeof x) > 0;) filled += sizeof x;
    ::close(filler);
    EXPECT_GT(filled, 0u);
  }
  ~StalledPipe() {
    for (int fd : fds_)
      if (fd >= 0) ::close(fd);
  }
  StalledPipe(const StalledPipe&) = delete;
  StalledPipe& operator=(const StalledPipe&) = delete;

  /// Nothing was read yet: all that filled the pipe is still in it.
  bool still_full() const {
    int unread = 0;
    return ::ioctl(fds_[0], FIONREAD, &unread) == 0 && static_cast<std::size_t>(unread) >= filled;
  }
  /// Reads until the run let go of the pipe; returns what came after the
  /// filling.
  std::string drain() {
    ::close(std::exchange(fds_[1], -1));  // the run has its own descriptor
    std::string stream;
    char buf[65536];
    for (ssize_t n; (n = ::read(fds_[0], buf, sizeof buf)) != 0;)
      if (n > 0) stream.append(buf, static_cast<std::size_t>(n));
    return stream.size() >= filled ? stream.substr(filled) : std::string();
  }

  std::string path;  ///< for RunOptions::events_path
  std::size_t filled = 0;

 private:
  int fds_[2] = {-1, -1};
};

/// Waits for `flag` up to a deadline (never a fixed sleep); true if it came.
bool wait_for(const std::atomic<bool>& flag) {
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (!flag && std::chrono::steady_clock::now() < end)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  return flag;
}

// `sluice run --events - | sleep 6` used to serve a 1 s timeout after 6 s:
// the event stream was written with blocking writes on the loop thread.
// Here nobody reads the stream until the run has finished: the timeout is
// served and the run ends (RunFinished, timed_out) while the reader is
// stalled; then every event reaches the reader.
TEST_F(RunOutputsTest, ATimeoutIsServedWhileTheEventStreamsReaderIsStalled) {
  StalledPipe pipe;
  Pipeline p = load(R"(tasks:
  flood: {cmd: [@CHILD@, lines, "100000000"], timeout: 1s}
)");
  Recorder recorder;
  EndWatcher watcher(recorder);
  RunOptions options;
  options.events_path = pipe.path;
  options.observers = {&watcher};

  bool ended_while_stalled = false;
  std::string events;
  std::thread reader([&] {
    ended_while_stalled = wait_for(watcher.finished) && pipe.still_full();
    events = pipe.drain();
  });
  RunResult r = run_pipeline(p, options);
  reader.join();

  EXPECT_TRUE(ended_while_stalled) << "the run did not end while its event reader was stalled";
  EXPECT_EQ(r.status, RunStatus::Failed);
  EXPECT_EQ(recorder.status("flood"), "timed_out");
  EXPECT_EQ(count(events, "\"type\":\"run_started\""), 1u) << events.substr(0, 300);
  EXPECT_EQ(count(events, "\"status\":\"timed_out\""), 1u);
  EXPECT_NE(events.rfind("\"type\":\"run_finished\""), std::string::npos);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back(), '\n');
}

/// Flags the start of a task, for a thread that waits on it.
class StartWatcher final : public RunObserver {
 public:
  explicit StartWatcher(EndWatcher& next) : next_(next) {}
  void on_event(const Event& e) override {
    next_.on_event(e);
    if (std::holds_alternative<TaskStarted>(e)) started = true;
  }
  std::atomic<bool> started{false};

 private:
  EndWatcher& next_;
};

// The same stall, and a SIGTERM: it used to wait for the reader to leave.
// The run is interrupted and ends while nobody reads its event stream.
// TaskStarted means the run watches signals: SIGTERM cannot kill the test.
TEST_F(RunOutputsTest, ASigtermIsServedWhileTheEventStreamsReaderIsStalled) {
  StalledPipe pipe;
  Pipeline p = load("tasks:\n  wait: {cmd: [@CHILD@, print-ready]}\n");
  Recorder recorder;
  EndWatcher ended(recorder);
  StartWatcher watcher(ended);
  RunOptions options;
  options.events_path = pipe.path;
  options.handle_signals = true;
  options.observers = {&watcher};
  RunHandle handle;  // ends the run if the task never starts

  bool started = false;
  bool ended_while_stalled = false;
  std::thread signaller([&] {
    started = wait_for(watcher.started);
    if (started) {
      ::kill(::getpid(), SIGTERM);
    } else {
      handle.cancel();
    }
    ended_while_stalled = wait_for(ended.finished) && pipe.still_full();
    pipe.drain();
  });
  RunResult r = run_pipeline(p, options, &handle);
  signaller.join();

  ASSERT_TRUE(started) << "the task never started";
  EXPECT_TRUE(ended_while_stalled) << "the SIGTERM was not served while the reader was stalled";
  EXPECT_EQ(r.status, RunStatus::Interrupted);
  EXPECT_EQ(r.signal, SIGTERM);
  EXPECT_EQ(recorder.status("wait"), "cancelled");
}

/// Behind for its first `times` questions: only the run asking again
/// (it cannot be told when an observer catches up) lets the run go on.
class BehindObserver final : public RunObserver {
 public:
  explicit BehindObserver(Recorder& rec, int times) : rec_(rec), times_(times) {}
  void on_event(const Event& e) override {
    if (std::holds_alternative<TaskOutput>(e) && asked < times_) output_while_behind = true;
    rec_.on_event(e);
  }
  bool behind() const override { return ++asked < times_; }
  mutable int asked = 0;
  bool output_while_behind = false;

 private:
  Recorder& rec_;
  int times_;
};

TEST_F(RunOutputsTest, AnObserverThatIsBehindHoldsTheOutputUntilItCatchesUp) {
  Pipeline p = load(R"(tasks:
  a: {cmd: [@CHILD@, lines, "3"]}
  b: {cmd: [@CHILD@, lines, "2"], needs: [a]}
)");
  Recorder recorder;
  BehindObserver slow(recorder, 40);
  RunOptions options;
  options.observers = {&slow};
  RunResult r = run_pipeline(p, options);
  EXPECT_EQ(r.status, RunStatus::Succeeded);
  // Behind from the first event (RunStarted) on: no output was read until
  // the observer caught up, and then none was lost.
  EXPECT_FALSE(slow.output_while_behind);
  // Fewer events than questions: the run asked again while it waited.
  EXPECT_GE(slow.asked, 40);
  EXPECT_LT(recorder.seen().size(), 40u);
  EXPECT_EQ(recorder.output("a"), "line 1\nline 2\nline 3\n");
  EXPECT_EQ(recorder.output("b"), "line 1\nline 2\n");
}

}  // namespace
}  // namespace sluice
