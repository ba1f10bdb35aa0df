// StreamFiles: a task's stdout/stderr files are written asynchronously;
// while a write is in flight the next bytes gather, and past kMaxPending
// the owner is asked to stop reading until the disk catches up; finish()
// reports once every byte is on the file, or the first write error.
#include "executors/stream_files.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "unit/runtime/temp_dir.hpp"
#include "unit/runtime/test_support.hpp"

namespace sluice::detail {
namespace {

class StreamFilesTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::install_guards_once(); }
  void TearDown() override { testing::expect_clean_close(loop_); }

  Task task_with(const std::string& out, const std::string& err) {
    Task t;
    t.name = "t";
    t.edit_extras().stdout_spec.file = out;
    t.edit_extras().stderr_spec.file = err;
    return t;
  }
  /// finish() and wait for its report.
  std::string finish(StreamFiles& files) {
    std::optional<std::string> error;
    files.finish([&](std::string e) { error = std::move(e); });
    EXPECT_FALSE(error) << "reported inside finish()";
    EXPECT_TRUE(testing::run_until(loop_, [&] { return error.has_value(); }));
    return error.value_or("no report");
  }

  Loop loop_;
  testing::TempDir dir_;
};

TEST_F(StreamFilesTest, ABacklogPausesReadingUntilTheDiskHasItAll) {
  std::vector<bool> full;
  StreamFiles files(loop_, [&](bool f) { full.push_back(f); });
  ASSERT_EQ(files.open(task_with(dir_ / "out.txt", ""), 1), "");
  const std::string mib(1 << 20, 'x');
  files.write(StreamKind::Stdout, mib);  // goes to the disk at once
  EXPECT_TRUE(full.empty());
  files.write(StreamKind::Stdout, "a");
  files.write(StreamKind::Stdout, mib);  // waits behind the first write
  EXPECT_EQ(full, std::vector<bool>{true});
  EXPECT_EQ(finish(files), "");
  EXPECT_EQ(full, (std::vector<bool>{true, false}));
  EXPECT_TRUE(testing::read_file(dir_ / "out.txt") == mib + "a" + mib);
}

TEST_F(StreamFilesTest, SharedFileAppendsLaterAttemptsAndStreamsKeepTheirOrder) {
  StreamFiles first(loop_, nullptr);
  ASSERT_EQ(first.open(task_with(dir_ / "log", dir_ / "log"), 1), "");
  first.write(StreamKind::Stdout, "1\n");
  first.write(StreamKind::Stderr, "2\n");
  first.write(StreamKind::Stdout, "3\n");
  EXPECT_EQ(finish(first), "");
  StreamFiles second(loop_, nullptr);
  ASSERT_EQ(second.open(task_with(dir_ / "log", dir_ / "log"), 2), "");
  second.write(StreamKind::Stderr, "4\n");
  EXPECT_EQ(finish(second), "");
  EXPECT_EQ(testing::read_file(dir_ / "log"), "1\n2\n3\n4\n");
}

TEST_F(StreamFilesTest, AWriteErrorIsReportedOnceTheWritesEnd) {
  std::vector<bool> full;
  StreamFiles files(loop_, [&](bool f) { full.push_back(f); });
  ASSERT_EQ(files.open(task_with("", "/dev/full"), 1), "");
  files.write(StreamKind::Stderr, "lost\n");
  files.write(StreamKind::Stderr, std::string(1 << 20, 'y'));
  EXPECT_EQ(finish(files), "cannot write stderr file /dev/full: No space left on device");
  EXPECT_TRUE(full.empty() || full.back() == false);
}

TEST_F(StreamFilesTest, NoFilesFinishesOnALaterTurn) {
  StreamFiles files(loop_, nullptr);
  ASSERT_EQ(files.open(task_with("", ""), 1), "");
  files.write(StreamKind::Stdout, "ignored\n");
  EXPECT_EQ(finish(files), "");
}

}  // namespace
}  // namespace sluice::detail
