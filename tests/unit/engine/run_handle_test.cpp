// RunHandle: cancelling a run from another thread, and what a cancel does
// when no run is in progress (it must not poison the next run).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <thread>

#include "sluice/run.hpp"
#include "unit/engine/engine_test_support.hpp"

namespace sluice {
namespace {

using testing::load;
using testing::Recorder;

/// Records events, and says when `task` printed its "ready" line (the
/// process is up and waiting for a signal). Read from another thread.
class ReadyWatcher final : public RunObserver {
 public:
  explicit ReadyWatcher(Recorder& rec) : rec_(rec) {}
  void on_event(const Event& e) override {
    rec_.on_event(e);
    if (const auto* o = std::get_if<TaskOutput>(&e); o && o->lines == "ready\n") ready = true;
  }
  std::atomic<bool> ready{false};

 private:
  Recorder& rec_;
};

class RunHandleTest : public ::testing::Test {
 protected:
  void SetUp() override { detail::testing::install_guards_once(); }
  Recorder recorder_;
};

TEST_F(RunHandleTest, CancelFromAnotherThreadStopsTheRunAsSigintWould) {
  Pipeline p = load(R"(tasks:
  wait: {cmd: [@CHILD@, print-ready]}
  later: {cmd: [@CHILD@, exit, "0"], needs: [wait]}
  cleanup: {cmd: [@CHILD@, print, "cleaned\n"], needs: [wait], always: true}
)");
  ReadyWatcher watcher(recorder_);
  RunOptions options;
  options.observers = {&watcher};
  RunHandle handle;
  std::atomic<bool> gave_up{false};
  std::thread canceller([&] {
    // A deadline, not a sleep: the cancel goes as soon as the task is up.
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!watcher.ready && std::chrono::steady_clock::now() < end)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    gave_up = !watcher.ready;
    handle.cancel();
  });
  RunResult r = run_pipeline(p, options, &handle);
  canceller.join();
  ASSERT_FALSE(gave_up) << "the task never printed ready";
  EXPECT_EQ(r.status, RunStatus::Interrupted);
  EXPECT_EQ(r.signal, SIGINT);
  EXPECT_EQ(exit_code(r), 130);
  EXPECT_EQ(recorder_.status("wait"), "cancelled");
  EXPECT_EQ(recorder_.status("later"), "cancelled");
  EXPECT_EQ(recorder_.status("cleanup"), "succeeded");  // `always` still runs
  EXPECT_EQ(recorder_.output("cleanup"), "cleaned\n");
}

TEST_F(RunHandleTest, ACancelBeforeTheFirstRunCancelsItAtItsStart) {
  Pipeline p = load("tasks:\n  t: {cmd: [@CHILD@, print-ready]}\n");
  RunHandle handle;
  handle.cancel();
  RunOptions options;
  options.observers = {&recorder_};
  RunResult r = run_pipeline(p, options, &handle);
  EXPECT_EQ(r.status, RunStatus::Interrupted);
  EXPECT_EQ(recorder_.status("t"), "cancelled");
}

// The cancel came too late for its run; it used to stay pending in the
// handle, and every task of the next run started cancelled.
TEST_F(RunHandleTest, ACancelAfterTheRunEndedDoesNotPoisonTheNextRun) {
  Pipeline p = load("tasks:\n  t: {cmd: [@CHILD@, lines, \"1\"]}\n");
  RunHandle handle;
  RunOptions options;
  EXPECT_EQ(run_pipeline(p, options, &handle).status, RunStatus::Succeeded);
  handle.cancel();
  std::thread late([&] { handle.cancel(); });  // from another thread, too
  late.join();
  options.observers = {&recorder_};
  RunResult r = run_pipeline(p, options, &handle);
  EXPECT_EQ(r.status, RunStatus::Succeeded);
  EXPECT_EQ(r.signal, 0);
  EXPECT_EQ(recorder_.status("t"), "succeeded");
  EXPECT_EQ(recorder_.output("t"), "line 1\n");
}

// And the handle still cancels the run it serves after that.
TEST_F(RunHandleTest, AHandleServesRunAfterRun) {
  Pipeline quick = load("tasks:\n  t: {cmd: [@CHILD@, exit, \"0\"]}\n");
  Pipeline slow = load("tasks:\n  wait: {cmd: [@CHILD@, print-ready]}\n");
  RunHandle handle;
  RunOptions options;
  EXPECT_EQ(run_pipeline(quick, options, &handle).status, RunStatus::Succeeded);
  handle.cancel();  // late: dropped
  ReadyWatcher watcher(recorder_);
  options.observers = {&watcher};
  std::thread canceller([&] {
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!watcher.ready && std::chrono::steady_clock::now() < end)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    handle.cancel();
  });
  RunResult r = run_pipeline(slow, options, &handle);
  canceller.join();
  EXPECT_TRUE(watcher.ready);
  EXPECT_EQ(r.status, RunStatus::Interrupted);
  EXPECT_EQ(recorder_.status("wait"), "cancelled");
}

}  // namespace
}  // namespace sluice
