// The console through ConsoleSink while an interactive task has the
// terminal: the status line is off and the rest is held back, in order.
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


// ---- interactive tasks (SPEC: the task has the terminal, like ninja's console pool)

ConsoleOptions interactive_opts(OutputMode mode, std::vector<std::string> names, TaskId interactive) {
  auto o = opts(mode, std::move(names));
  o.color = ColorMode::Never;
  o.interactive.resize(interactive + 1);
  o.interactive[interactive] = true;
  return o;
}

TEST(ConsoleSinkInteractive, NothingIsWrittenWhileTheInteractiveTaskRunsAndAllOfItAfter) {
  StringOutput out(true, 80);
  ConsoleSink sink(out, interactive_opts(OutputMode::Prefixed, {"a", "ask"}, 1));
  sink.on_event(run_started(3));
  sink.on_event(started(0, "a", 100));
  out.take();
  sink.on_event(started(1, "ask", 200));
  // The status line goes, and stays gone: the terminal is the task's.
  EXPECT_EQ(out.take(), "\r\x1b[K");
  const std::size_t writes = out.writes();
  sink.on_event(output(0, "a", "one\n", StreamKind::Stdout, 300));
  sink.tick(at(400));
  sink.on_event(finished(0, "a", TaskStatus::Failed, 3, 812, 500));
  sink.on_event(started(2, "b", 600));
  sink.on_event(output(2, "b", "two\n", StreamKind::Stderr, 700));
  sink.tick(at(800));
  EXPECT_EQ(out.text(), "");
  EXPECT_EQ(out.writes(), writes);
  EXPECT_FALSE(sink.backlogged());  // held, not backlogged: the others keep running
  sink.on_event(finished(1, "ask", TaskStatus::Succeeded, 0, 812, 900));
  std::string current;
  auto lines = emulate(out.text(), &current);
  EXPECT_EQ(lines, (std::vector<std::string>{"a   | one", "[sluice] a failed (exit 3) after 0.8s", "b   ! two"}))
      << out.text();
  EXPECT_EQ(current, "[2/3] running: b  0.9s");
  out.take();
  sink.tick(at(1000));  // and the status line is back
  EXPECT_EQ(out.take(), "\r[2/3] running: b  1.0s\x1b[K");
}

TEST(ConsoleSinkInteractive, HeldOutputIsSpooledNotKeptInMemory) {
  const std::string line(63, 'x');
  std::string batch;
  for (int i = 0; i < 1024; ++i) batch += line + "\n";  // 64 KiB
  StringOutput out;
  auto o = interactive_opts(OutputMode::Interleaved, {}, 1);
  o.grouped_memory_limit = 16 * 1024;
  ConsoleSink sink(out, o);
  sink.on_event(started(1, "ask"));
  std::size_t peak = 0;
  for (int i = 0; i < 64; ++i) {  // 4 MiB
    sink.on_event(output(0, "a", batch));
    peak = std::max(peak, sink.grouped_memory_bytes());
  }
  EXPECT_LE(peak, 16u * 1024);
  EXPECT_EQ(out.text(), "");
  sink.on_event(finished(1, "ask", TaskStatus::Succeeded));
  EXPECT_EQ(out.text().size(), 64 * batch.size());
  EXPECT_EQ(out.text().substr(0, batch.size()), batch);
}

TEST(ConsoleSinkInteractive, ARetryGivesTheTerminalBackBetweenAttempts) {
  StringOutput out;
  ConsoleSink sink(out, interactive_opts(OutputMode::Prefixed, {"a", "ask"}, 1));
  sink.on_event(started(1, "ask"));
  sink.on_event(output(0, "a", "one\n"));
  EXPECT_EQ(out.text(), "");
  sink.on_event(TaskRetrying{at(), 1, "ask", 2, 1000, "exit 1"});
  EXPECT_EQ(out.take(), "a   | one\n[sluice] ask: retrying in 1.0s (attempt 2): exit 1\n");
  sink.on_event(started(1, "ask", 1000, 2));
  sink.on_event(output(0, "a", "two\n"));
  EXPECT_EQ(out.text(), "");
  sink.on_event(finished(1, "ask", TaskStatus::Succeeded));
  EXPECT_EQ(out.take(), "a   | two\n");
}

TEST(ConsoleSinkInteractive, GroupedBlocksAndMessagesKeepTheirOrder) {
  StringOutput out;
  auto o = interactive_opts(OutputMode::Grouped, {}, 9);
  o.grouped_memory_limit = 4;  // everything spills to files
  o.replay_chunk = 3;
  ConsoleSink sink(out, o);
  sink.on_event(output(0, "a", "a1\na2\n"));
  sink.on_event(started(9, "ask"));
  sink.on_event(finished(1, "b", TaskStatus::Failed, 4, 100));
  sink.on_event(finished(0, "a", TaskStatus::Succeeded));
  sink.on_event(finished(2, "c", TaskStatus::Failed, 5, 100));
  EXPECT_EQ(out.text(), "");
  sink.on_event(finished(9, "ask", TaskStatus::Succeeded));
  EXPECT_EQ(out.text(),
            "[sluice] b failed (exit 4) after 0.1s\n"
            "--- a ---\na1\na2\n"
            "[sluice] c failed (exit 5) after 0.1s\n");
}

TEST(ConsoleSinkInteractive, CloseWritesWhatWasHeld) {
  StringOutput out;
  ConsoleSink sink(out, interactive_opts(OutputMode::Prefixed, {"a"}, 1));
  sink.on_event(started(1, "ask"));
  sink.on_event(output(0, "a", "one\n"));
  sink.close();
  EXPECT_EQ(out.text(), "a | one\n");
}

}  // namespace
}  // namespace sluice::detail
