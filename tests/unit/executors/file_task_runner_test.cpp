// FileTaskRunner: a file task's attempt starts without a pid, reports once
// (never inside start()) with the bytes it moved, fails naming the file, and
// a terminate() cancels it with nothing left behind.
#include "executors/file_task_runner.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "unit/runtime/temp_dir.hpp"
#include "unit/runtime/test_support.hpp"

namespace sluice::detail {
namespace {

class Recorder : public TaskRunner::Listener {
 public:
  void on_task_started(TaskId task, int pid) override { started[task] = pid; }
  void on_task_output(TaskId, StreamKind, std::string_view) override { ++outputs; }
  void on_task_finished(TaskId task, const AttemptOutcome& outcome) override {
    ++reports[task];
    finished[task] = outcome;
  }
  std::map<TaskId, int> started;
  std::map<TaskId, int> reports;
  std::map<TaskId, AttemptOutcome> finished;
  int outputs = 0;
};

class FileTaskRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::install_guards_once(); }
  void TearDown() override {
    runner_.reset();
    pool_.reset();
    testing::expect_clean_close(loop_);
  }
  TaskId add(ActionKind kind, std::vector<std::string> from, std::string to) {
    Task t;
    t.name = "t" + std::to_string(pipeline_.tasks.size());
    t.action = kind;
    t.working_dir = dir_.path();
    FileAction& f = t.edit_extras().file;
    for (auto& p : from) f.from.push_back(dir_ / p);
    f.to = dir_ / to;
    if (kind == ActionKind::Hash) f.algo = "sha256";
    pipeline_.tasks.push_back(std::move(t));
    return static_cast<TaskId>(pipeline_.tasks.size() - 1);
  }
  void make() {
    pool_ = std::make_unique<ThreadPool>(loop_, 2);
    runner_ = std::make_unique<FileTaskRunner>(loop_, pipeline_, *pool_, values_);
    runner_->set_listener(&rec_);
  }
  bool wait_finished(TaskId t) {
    return testing::run_until(loop_, [&] { return rec_.finished.count(t) > 0; });
  }

  testing::TempDir dir_;
  Loop loop_;
  Pipeline pipeline_;
  TaskOutputValues values_;
  Recorder rec_;
  std::unique_ptr<ThreadPool> pool_;
  std::unique_ptr<FileTaskRunner> runner_;
};

TEST_F(FileTaskRunnerTest, ACopyStartsWithoutAPidAndCountsItsBytes) {
  std::ofstream(dir_ / "in.txt") << "twelve bytes";
  TaskId t = add(ActionKind::Copy, {"in.txt"}, "out.txt");
  make();
  runner_->start(t, 1);
  EXPECT_EQ(rec_.finished.count(t), 0u) << "reported inside start()";
  ASSERT_TRUE(wait_finished(t));
  EXPECT_EQ(rec_.started.at(t), 0);
  const AttemptOutcome& o = rec_.finished[t];
  EXPECT_TRUE(o.succeeded()) << o.error;
  EXPECT_EQ(o.bytes_read, 12u);
  EXPECT_EQ(o.bytes_written, 12u);
  EXPECT_EQ(rec_.reports[t], 1);
  EXPECT_EQ(rec_.outputs, 0);
  EXPECT_EQ(runner_->running(), 0u);
}

TEST_F(FileTaskRunnerTest, AMissingInputFailsNamingTheFileAndMayBeRetried) {
  TaskId t = add(ActionKind::Hash, {"missing.txt"}, "sums");
  make();
  runner_->start(t, 1);
  ASSERT_TRUE(wait_finished(t));
  const AttemptOutcome& o = rec_.finished[t];
  EXPECT_FALSE(o.succeeded());
  EXPECT_FALSE(o.spawn_failed) << "an input may appear before the retry";
  EXPECT_NE(o.error.find(dir_ / "missing.txt"), std::string::npos) << o.error;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "sums"));
  // The retry is a fresh action, which now finds its input.
  std::ofstream(dir_ / "missing.txt") << "here";
  rec_.finished.clear();
  runner_->start(t, 2);
  ASSERT_TRUE(wait_finished(t));
  EXPECT_TRUE(rec_.finished[t].succeeded()) << rec_.finished[t].error;
  EXPECT_TRUE(std::filesystem::exists(dir_ / "sums"));
}

TEST_F(FileTaskRunnerTest, TerminateCancelsTheActionAndRemovesItsTemporaryFile) {
  {
    std::ofstream(dir_ / "huge.bin");
  }
  std::filesystem::resize_file(dir_ / "huge.bin", 64ull << 30);  // sparse
  TaskId t = add(ActionKind::Hash, {"huge.bin"}, "sums");
  make();
  runner_->start(t, 1);
  runner_->terminate(t);
  ASSERT_TRUE(wait_finished(t));
  const AttemptOutcome& o = rec_.finished[t];
  EXPECT_FALSE(o.succeeded());
  EXPECT_EQ(o.error, "cancelled");
  EXPECT_EQ(rec_.reports[t], 1);
  std::size_t left = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir_.path()))
    left += e.path().filename() != "huge.bin";
  EXPECT_EQ(left, 0u) << "a temporary file was left behind";
}

TEST_F(FileTaskRunnerTest, AnUnsetTaskOutputInWriteContentFailsWithoutRetry) {
  TaskId t = add(ActionKind::Write, {}, "out.txt");
  pipeline_.tasks[t].edit_extras().file.content = Template::ref("up", "url");
  make();
  runner_->start(t, 1);
  EXPECT_EQ(rec_.finished.count(t), 0u);
  ASSERT_TRUE(wait_finished(t));
  EXPECT_TRUE(rec_.finished[t].spawn_failed);
  EXPECT_EQ(rec_.finished[t].error, "tasks.up.outputs.url is not set");
  EXPECT_EQ(rec_.started.count(t), 0u);
  // Set, it is written.
  values_.store("up", {{"url", "http://x"}});
  rec_.finished.clear();
  runner_->start(t, 1);
  ASSERT_TRUE(wait_finished(t));
  EXPECT_TRUE(rec_.finished[t].succeeded()) << rec_.finished[t].error;
  std::ifstream in(dir_ / "out.txt");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "http://x");
}

// Ctrl-Z: a suspended action starts no new step (it does not finish while
// held), goes on at resume() to the same result, and a cancel still ends it.
TEST_F(FileTaskRunnerTest, SuspendHoldsAnActionUntilResumeAndACancelStillEndsIt) {
  {
    std::ofstream(dir_ / "zeros.bin");
  }
  std::filesystem::resize_file(dir_ / "zeros.bin", 64u << 20);  // sparse: 8 steps
  TaskId held = add(ActionKind::Hash, {"zeros.bin"}, "sums");
  TaskId cancelled = add(ActionKind::Copy, {"zeros.bin"}, "copy.bin");
  make();
  runner_->suspend();
  runner_->start(held, 1);
  runner_->start(cancelled, 1);
  testing::run_for(loop_, std::chrono::milliseconds(300));
  EXPECT_EQ(rec_.finished.count(held), 0u) << "finished while suspended";
  EXPECT_EQ(rec_.finished.count(cancelled), 0u) << "finished while suspended";
  runner_->terminate(cancelled);
  ASSERT_TRUE(wait_finished(cancelled));
  EXPECT_EQ(rec_.finished[cancelled].error, "cancelled");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "copy.bin"));
  EXPECT_EQ(rec_.finished.count(held), 0u);
  runner_->resume();
  ASSERT_TRUE(wait_finished(held));
  EXPECT_TRUE(rec_.finished[held].succeeded()) << rec_.finished[held].error;
  EXPECT_EQ(rec_.finished[held].bytes_read, 64u << 20);
  // sha256 of 64 MiB of zeros
  EXPECT_EQ(testing::read_file(dir_ / "sums"),
            "3b6a07d0d404fab4e23b6d34bc6696a6a312dd92821332385e5af7c01c421351  zeros.bin\n");
}

}  // namespace
}  // namespace sluice::detail
