// The console through ConsoleSink: the summary table, and the quiet,
// interleaved and grouped modes.
#include "sinks/console_sink.hpp"

#include <gtest/gtest.h>

#include <csignal>

#include "sink_test_util.hpp"

namespace sluice::detail {
namespace {

using test::at;
using test::emulate;
using test::finished;
using test::opts;
using test::output;
using test::run_started;
using test::started;


TEST(ConsoleSinkSummary, FullTableFailuresFirstWithVerbose) {
  StringOutput out;
  auto o = opts(OutputMode::Quiet);
  o.verbose = true;
  ConsoleSink sink(out, o);
  sink.on_event(run_started(4));
  sink.on_event(finished(2, "load", TaskStatus::Failed, 2, 65000));
  sink.on_event(finished(0, "fetch", TaskStatus::Succeeded, 0, 812));
  auto s = finished(3, "report", TaskStatus::Skipped, std::nullopt, 0);
  s.reason = SkipReason::DependencyFailed;
  s.attempts = 0;
  sink.on_event(s);
  auto k = finished(1, "transform", TaskStatus::Failed, std::nullopt, 3000);
  k.signal = 9;
  k.attempts = 3;
  sink.on_event(k);
  out.take();
  sink.on_event(RunFinished{at(), RunStatus::Failed, 1, 2, 0, 0, 1, 0, 70000});
  EXPECT_EQ(out.text(),
            "TASK       STATUS                       ATTEMPTS  DURATION  EXIT\n"
            "transform  failed                              3      3.0s  SIGKILL\n"
            "load       failed                              1     1m05s  2\n"
            "fetch      succeeded                           1      0.8s  0\n"
            "report     skipped (dependency_failed)         0         -  -\n"
            "[sluice] run failed in 1m10s: 1 succeeded, 2 failed, 1 skipped\n");
}

// One failure among 49 successes is the one row shown (SPEC §4 summary).
TEST(ConsoleSinkSummary, AFailedRunShowsOnlyItsFailuresWithoutVerbose) {
  StringOutput out;
  ConsoleSink sink(out, opts(OutputMode::Quiet));
  std::vector<std::string> names;
  for (int i = 0; i < 50; ++i) names.push_back("t" + std::to_string(i));
  for (TaskId i = 0; i < 50; ++i)
    sink.on_event(finished(i, names[i], i == 37 ? TaskStatus::Failed : TaskStatus::Succeeded, i == 37 ? 2 : 0, 100));
  out.take();
  sink.on_event(RunFinished{at(), RunStatus::Failed, 49, 1, 0, 0, 0, 0, 5000});
  EXPECT_EQ(out.text(),
            "TASK  STATUS  ATTEMPTS  DURATION  EXIT\n"
            "t37   failed         1      0.1s  2\n"
            "(49 more tasks not shown; -v shows them)\n"
            "[sluice] run failed in 5.0s: 49 succeeded, 1 failed\n");
}

TEST(ConsoleSinkSummary, AnIgnoredFailureIsAFailureToo) {
  StringOutput out;
  ConsoleSink sink(out, opts(OutputMode::Quiet));
  sink.on_event(finished(1, "b", TaskStatus::Succeeded, 0, 100));
  sink.on_event(finished(0, "a", TaskStatus::Succeeded, 0, 200));
  auto lint = finished(2, "lint", TaskStatus::Failed, 1, 100);
  lint.ignored = true;  // a failure all the same: it comes first
  sink.on_event(lint);
  out.take();
  sink.on_event(RunFinished{at(), RunStatus::Succeeded, 2, 1, 0, 0, 0, 0, 300});
  EXPECT_EQ(out.text(),
            "TASK  STATUS            ATTEMPTS  DURATION  EXIT\n"
            "lint  failed (ignored)         1      0.1s  1\n"
            "(2 more tasks not shown; -v shows them)\n"
            "[sluice] run succeeded in 0.3s: 2 succeeded, 1 failed\n");
}

TEST(ConsoleSinkSummary, ManyTasksShowOnlyTheFailedRows) {
  StringOutput out;
  auto o = opts(OutputMode::Quiet);
  o.summary_full_limit = 3;
  ConsoleSink sink(out, o);
  std::vector<std::string> names;
  for (int i = 0; i < 10; ++i) names.push_back("t" + std::to_string(i));
  for (TaskId i = 0; i < 10; ++i)
    sink.on_event(finished(i, names[i], i == 4 ? TaskStatus::TimedOut : TaskStatus::Succeeded,
                           i == 4 ? std::nullopt : std::optional<int>(0), 100));
  out.take();
  sink.on_event(RunFinished{at(), RunStatus::Failed, 9, 0, 1, 0, 0, 0, 5000});
  EXPECT_EQ(out.text(),
            "TASK  STATUS     ATTEMPTS  DURATION  EXIT\n"
            "t4    timed_out         1      0.1s  -\n"
            "(9 more tasks not shown; -v shows them)\n"
            "[sluice] run failed in 5.0s: 9 succeeded, 1 timed out\n");
}

TEST(ConsoleSinkSummary, QuietFlagDropsTheTableButKeepsTheResult) {
  StringOutput out;
  auto o = opts(OutputMode::Quiet);
  o.summary = false;
  ConsoleSink sink(out, o);
  sink.on_event(finished(0, "a", TaskStatus::Succeeded));
  sink.on_event(RunFinished{at(), RunStatus::Interrupted, 1, 0, 0, 3, 0, 0, 2000});
  EXPECT_EQ(out.text(), "[sluice] run interrupted after 2.0s: 1 succeeded, 3 cancelled\n");
}

TEST(ConsoleSinkQuiet, ShowsTheLastLinesOfAFailedTaskOnly) {
  StringOutput out;
  auto o = opts(OutputMode::Quiet, {"bad", "ok"});
  o.quiet_tail_lines = 3;
  ConsoleSink sink(out, o);
  sink.on_event(started(0, "bad"));
  sink.on_event(started(1, "ok"));
  sink.on_event(output(0, "bad", "1\n2\n3\n"));
  sink.on_event(output(1, "ok", "fine\n"));
  sink.on_event(output(0, "bad", "4\n", StreamKind::Stderr));
  sink.on_event(output(0, "bad", "5"));
  sink.on_event(finished(1, "ok", TaskStatus::Succeeded));
  EXPECT_EQ(out.text(), "");
  sink.on_event(finished(0, "bad", TaskStatus::Failed, 1, 100));
  EXPECT_EQ(out.text(),
            "[sluice] bad failed (exit 1) after 0.1s\n"
            "bad | 3\n"
            "bad ! 4\n"
            "bad | 5\n");
}

TEST(ConsoleSinkQuiet, KeepsTheTailOfOneLargeBatch) {
  StringOutput out;
  auto o = opts(OutputMode::Quiet, {"t"});
  o.quiet_tail_lines = 2;
  ConsoleSink sink(out, o);
  std::string big;
  for (int i = 0; i < 1000; ++i) big += std::to_string(i) + "\n";
  sink.on_event(output(0, "t", big));
  sink.on_event(output(0, "t", "\n"));
  sink.on_event(finished(0, "t", TaskStatus::TimedOut, std::nullopt, 100));
  EXPECT_EQ(out.text(), "[sluice] t timed out after 0.1s\nt | 999\nt | \n");
}

TEST(ConsoleSinkInterleaved, RawBytesAsTheyCome) {
  StringOutput out;
  ConsoleSink sink(out, opts(OutputMode::Interleaved));
  sink.on_event(output(0, "a", "a1\n"));
  sink.on_event(output(1, "b", "b1\n", StreamKind::Stderr));
  sink.on_event(output(0, "a", "tail"));
  sink.on_event(finished(0, "a", TaskStatus::Failed, 1, 100));
  EXPECT_EQ(out.text(), "a1\nb1\ntail\n[sluice] a failed (exit 1) after 0.1s\n");
}

TEST(ConsoleSinkGrouped, PrintsEachTaskInOneBlockWhenItEnds) {
  StringOutput out;
  ConsoleSink sink(out, opts(OutputMode::Grouped));
  sink.on_event(started(0, "a"));
  sink.on_event(started(1, "b"));
  sink.on_event(output(0, "a", "a1\n"));
  sink.on_event(output(1, "b", "b1\n"));
  sink.on_event(output(0, "a", "a2\n", StreamKind::Stderr));
  sink.on_event(output(1, "b", "b2"));
  EXPECT_EQ(out.text(), "");
  sink.on_event(finished(1, "b", TaskStatus::Failed, 4, 100));
  sink.on_event(finished(0, "a", TaskStatus::Succeeded));
  sink.on_event(finished(2, "silent", TaskStatus::Succeeded));
  EXPECT_EQ(out.text(),
            "--- b ---\nb1\nb2\n"
            "[sluice] b failed (exit 4) after 0.1s\n"
            "--- a ---\na1\na2\n");
}

TEST(ConsoleSinkGrouped, WaitsForABackloggedOutputAndKeepsOrder) {
  StringOutput out;
  auto o = opts(OutputMode::Grouped);
  o.grouped_memory_limit = 8;  // spill to the temporary file
  o.replay_chunk = 5;
  ConsoleSink sink(out, o);
  sink.on_event(output(0, "a", "0123456789\nabcdefghij\n"));
  out.set_backlogged(true);
  sink.on_event(finished(0, "a", TaskStatus::Succeeded));
  sink.on_event(finished(1, "b", TaskStatus::Failed, 1, 100));
  EXPECT_TRUE(sink.backlogged());
  EXPECT_EQ(out.text(), "");
  out.set_backlogged(false);
  sink.resume();
  EXPECT_FALSE(sink.backlogged());
  EXPECT_EQ(out.text(), "--- a ---\n0123456789\nabcdefghij\n[sluice] b failed (exit 1) after 0.1s\n");
}

/// Counts bytes and checks they are the expected repeating pattern without
/// keeping them.
class CheckingOutput final : public ByteOutput {
 public:
  CheckingOutput(std::string_view pattern, std::size_t skip) : pattern_(pattern), skip_(skip) {}
  void write(std::string_view bytes) override {
    for (char c : bytes) {
      if (skip_ > 0) {
        --skip_;
        continue;
      }
      if (c != pattern_[pos_ % pattern_.size()]) ++mismatches_;
      ++pos_;
    }
  }
  bool backlogged() const override { return false; }
  bool is_tty() const override { return false; }
  std::size_t total() const { return pos_; }  // after the skipped bytes
  std::size_t mismatches() const { return mismatches_; }

 private:
  std::string pattern_;
  std::size_t skip_;
  std::size_t pos_ = 0;
  std::size_t mismatches_ = 0;
};

TEST(ConsoleSinkGrouped, FiftyMegabytesStayBoundedInMemory) {
  const std::string line = "2024-01-01T00:00:00Z INFO node=w3 step=42 msg=some log lin\n";  // 60 bytes
  std::string batch;
  for (int i = 0; i < 1024; ++i) batch += line;  // 60 KiB
  CheckingOutput out(line, std::string_view("--- t ---\n").size());
  auto o = opts(OutputMode::Grouped);
  o.grouped_memory_limit = 64 * 1024;
  ConsoleSink sink(out, o);
  const std::size_t batches = 50 * 1024 * 1024 / batch.size();
  std::size_t peak = 0;
  for (std::size_t i = 0; i < batches; ++i) {
    sink.on_event(output(0, "t", batch));
    peak = std::max(peak, sink.grouped_memory_bytes());
  }
  EXPECT_LE(peak, 64u * 1024);
  EXPECT_EQ(out.total(), 0u);
  sink.on_event(finished(0, "t", TaskStatus::Succeeded));
  EXPECT_EQ(out.total(), batches * batch.size());
  EXPECT_EQ(out.mismatches(), 0u);
}

TEST(ConsoleSinkGrouped, CloseFlushesTasksThatNeverFinished) {
  StringOutput out;
  ConsoleSink sink(out, opts(OutputMode::Grouped));
  sink.on_event(output(0, "a", "left behind\n"));
  sink.close();
  EXPECT_EQ(out.text(), "--- a ---\nleft behind\n");
  sink.on_event(output(0, "a", "after close\n"));
  EXPECT_EQ(out.text(), "--- a ---\nleft behind\n");
}

TEST(ConsoleSinkSummary, ProblemsComeBeforeTheResultLine) {
  StringOutput out;
  ConsoleSink sink(out, opts(OutputMode::Prefixed, {"a"}));
  sink.add_problem("cannot write events to /dev/full: No space left on device");
  sink.on_event(RunFinished{at(), RunStatus::Failed, 1, 0, 0, 0, 0, 0, 1234});
  EXPECT_EQ(out.text(),
            "[sluice] cannot write events to /dev/full: No space left on device\n"
            "[sluice] run failed in 1.2s: 1 succeeded\n");
}

}  // namespace
}  // namespace sluice::detail
