#include "sinks/console_sink.hpp"

#include <gtest/gtest.h>

#include <csignal>

#include "sink_test_util.hpp"

namespace sluice::detail {
namespace {

using test::at;
using test::emulate;
using test::finished;
using test::output;
using test::run_started;
using test::started;

ConsoleOptions opts(OutputMode mode, std::vector<std::string> names = {}) {
  ConsoleOptions o;
  o.mode = mode;
  o.task_names = std::move(names);
  return o;
}

TEST(ConsoleSinkPrefixed, AlignsNamesMarksStderrAndEndsAPartialLine) {
  StringOutput out;
  ConsoleSink sink(out, opts(OutputMode::Prefixed, {"a", "long_name"}));
  sink.on_event(run_started(2));
  sink.on_event(started(0, "a"));
  sink.on_event(started(1, "long_name"));
  sink.on_event(output(0, "a", "x\ny\n"));
  sink.on_event(output(1, "long_name", "z\n", StreamKind::Stderr));
  sink.on_event(output(0, "a", "partial"));
  EXPECT_EQ(out.text(),
            "a         | x\n"
            "a         | y\n"
            "long_name ! z\n"
            "a         | partial\n");
}

TEST(ConsoleSinkPrefixed, OneWritePerBatch) {
  StringOutput out;
  ConsoleSink sink(out, opts(OutputMode::Prefixed, {"t"}));
  sink.on_event(output(0, "t", "1\n2\n3\n4\n"));
  EXPECT_EQ(out.writes(), 1u);
  EXPECT_EQ(out.text(), "t | 1\nt | 2\nt | 3\nt | 4\n");
}

TEST(ConsoleSinkPrefixed, CapsThePaddingButNeverCutsAName) {
  StringOutput out;
  auto o = opts(OutputMode::Prefixed, {"a", std::string(40, 'n')});
  o.max_prefix_width = 5;
  ConsoleSink sink(out, o);
  sink.on_event(output(0, "a", "x\n"));
  sink.on_event(output(1, std::string(40, 'n'), "y\n"));
  EXPECT_EQ(out.text(), "a     | x\n" + std::string(40, 'n') + " | y\n");
}

TEST(ConsoleSinkPrefixed, EmptyLinesKeepTheirPrefix) {
  StringOutput out;
  ConsoleSink sink(out, opts(OutputMode::Prefixed, {"t"}));
  sink.on_event(output(0, "t", "\n\nz\n"));
  EXPECT_EQ(out.text(), "t | \nt | \nt | z\n");
}

TEST(ConsoleSinkColor, DecideColor) {
  EXPECT_TRUE(decide_color(ColorMode::Always, true, false));
  EXPECT_FALSE(decide_color(ColorMode::Never, false, true));
  EXPECT_TRUE(decide_color(ColorMode::Auto, false, true));
  EXPECT_FALSE(decide_color(ColorMode::Auto, true, true));   // NO_COLOR
  EXPECT_FALSE(decide_color(ColorMode::Auto, false, false));  // not a TTY
  EXPECT_EQ(parse_color_mode("always"), ColorMode::Always);
  EXPECT_EQ(parse_color_mode("sometimes"), std::nullopt);
  EXPECT_EQ(parse_output_mode("grouped"), OutputMode::Grouped);
  EXPECT_EQ(parse_output_mode("loud"), std::nullopt);
}

TEST(ConsoleSinkColor, ForcedColorsOffATtyPaintThePrefixOnly) {
  StringOutput out;
  auto o = opts(OutputMode::Prefixed, {"ab", "c"});
  o.color = ColorMode::Always;
  ConsoleSink sink(out, o);
  sink.on_event(output(0, "ab", "x\n"));
  sink.on_event(output(1, "c", "y\n", StreamKind::Stderr));
  EXPECT_EQ(out.text(),
            "\x1b[36mab\x1b[0m | x\n"
            "\x1b[32mc\x1b[0m  \x1b[31m!\x1b[0m y\n");
}

TEST(ConsoleSinkColor, NoColorOffATtyByDefault) {
  StringOutput out;
  ConsoleSink sink(out, opts(OutputMode::Prefixed, {"t"}));
  EXPECT_FALSE(sink.color());
  sink.on_event(run_started(1));
  sink.on_event(output(0, "t", "x\n"));
  sink.on_event(finished(0, "t", TaskStatus::Failed, 2));
  sink.on_event(RunFinished{at(), RunStatus::Failed, 0, 1, 0, 0, 0, 0, 900});
  EXPECT_EQ(out.text().find('\x1b'), std::string::npos) << out.text();
}

TEST(ConsoleSinkColor, NoColorEnvironmentTurnsAutoOffOnATty) {
  StringOutput out(true);
  auto o = opts(OutputMode::Prefixed, {"t"});
  o.no_color_env = true;
  ConsoleSink sink(out, o);
  EXPECT_FALSE(sink.color());
  sink.on_event(output(0, "t", "x\n"));
  EXPECT_EQ(out.text(), "t | x\n");
}

TEST(ConsoleSinkColor, ColorsOnATty) {
  StringOutput out(true);
  ConsoleSink sink(out, opts(OutputMode::Prefixed, {"t"}));
  EXPECT_TRUE(sink.color());
  sink.on_event(output(0, "t", "x\n"));
  EXPECT_EQ(out.text(), "\x1b[36mt\x1b[0m | x\n");
}

TEST(ConsoleSinkTty, NeutralisesControlSequencesButKeepsSgr) {
  StringOutput out(true);
  auto o = opts(OutputMode::Prefixed, {"t"});
  o.color = ColorMode::Always;
  ConsoleSink sink(out, o);
  sink.on_event(output(0, "t", "a\x1b]0;pwned\x07" "b\n\x1b]52;c;aGk=\x1b\\c\n\x1b[1mbold\n"));
  // The task left bold on: a reset follows its batch, before the newline.
  const std::string t = "\x1b[36mt\x1b[0m | ";
  EXPECT_EQ(out.text(), t + "ab\n" + t + "c\n" + t + "\x1b[1mbold\x1b[0m\n");
}

// SPEC §4: a task cannot forge sluice's lines. Without colour (off a TTY or
// --color never) no escape sequence of a task passes, colours included.
TEST(ConsoleSinkFilter, OffATtyControlSequencesAndCarriageReturnsAreRemoved) {
  for (OutputMode mode : {OutputMode::Prefixed, OutputMode::Grouped}) {
    StringOutput out;
    ConsoleSink sink(out, opts(mode, {"t"}));
    sink.on_event(output(0, "t", "a\x1b]0;title\x07" "b\n"));
    sink.on_event(output(0, "t", "a\rb\r\n\x9b" "2J\x9d" "0;t\x07\n"));
    sink.on_event(output(0, "t", "\x1b[31mred\x1b[0m\r[sluice] run succeeded\n"));
    sink.on_event(finished(0, "t", TaskStatus::Succeeded));
    const std::string expect = mode == OutputMode::Prefixed
                                   ? "t | ab\nt | b\nt | \nt | [sluice] run succeeded\n"
                                   : "--- t ---\nab\nb\n\n[sluice] run succeeded\n";
    EXPECT_EQ(out.text(), expect);
    EXPECT_EQ(out.text().find_first_of("\x1b\r"), std::string::npos);
  }
}

TEST(ConsoleSinkFilter, ColourNeverOnATtyRemovesTaskColoursToo) {
  StringOutput out(true);
  auto o = opts(OutputMode::Prefixed, {"t"});
  o.color = ColorMode::Never;
  o.status_line = false;
  ConsoleSink sink(out, o);
  sink.on_event(output(0, "t", "\x1b[1mbold\x1b[0m \x1b[32mok\n"));
  EXPECT_EQ(out.text(), "t | bold ok\n");
}

TEST(ConsoleSinkFilter, ForcedColourOffATtyKeepsTaskColours) {
  StringOutput out;
  auto o = opts(OutputMode::Prefixed, {"t"});
  o.color = ColorMode::Always;
  ConsoleSink sink(out, o);
  sink.on_event(output(0, "t", "\x1b[32mok\x1b]0;x\x07\n"));
  EXPECT_EQ(out.text(), "\x1b[36mt\x1b[0m | \x1b[32mok\x1b[0m\n");
}

TEST(ConsoleSinkFilter, QuietTailsAreFilteredToo) {
  StringOutput out;
  ConsoleSink sink(out, opts(OutputMode::Quiet, {"t"}));
  sink.on_event(output(0, "t", "\x1b[2Jok\rforged\n"));
  sink.on_event(finished(0, "t", TaskStatus::Failed, 1, 100));
  EXPECT_EQ(out.text(), "[sluice] t failed (exit 1) after 0.1s\nt | forged\n");
}

// Interleaved is the tasks' raw bytes: off a TTY they pass unchanged.
TEST(ConsoleSinkFilter, InterleavedOffATtyIsRaw) {
  StringOutput out;
  ConsoleSink sink(out, opts(OutputMode::Interleaved));
  sink.on_event(output(0, "t", "a\x1b[31mb\rc\n"));
  EXPECT_EQ(out.text(), "a\x1b[31mb\rc\n");
}

// `printf "a\rb\n"` showed `bsc | a` (the \r sent the cursor over the prefix).
TEST(ConsoleSinkTty, ACarriageReturnCannotOverwriteThePrefix) {
  for (OutputMode mode : {OutputMode::Prefixed, OutputMode::Interleaved, OutputMode::Grouped}) {
    StringOutput out(true);
    auto o = opts(mode, {"bsc"});
    o.color = ColorMode::Never;
    o.status_line = false;
    ConsoleSink sink(out, o);
    sink.on_event(output(0, "bsc", "a\rb\nwin\r\n"));
    sink.on_event(finished(0, "bsc", TaskStatus::Succeeded));
    auto lines = emulate(out.text());
    std::vector<std::string> expect = mode == OutputMode::Prefixed      ? std::vector<std::string>{"bsc | b", "bsc | win"}
                                      : mode == OutputMode::Interleaved ? std::vector<std::string>{"b", "win"}
                                                                        : std::vector<std::string>{"--- bsc ---", "b", "win"};
    EXPECT_EQ(lines, expect) << out.text();
    EXPECT_EQ(out.text().find('\r'), std::string::npos) << out.text();
  }
}

TEST(ConsoleSinkTty, RawEightBitControlsAreNeutralised) {
  StringOutput out(true);
  auto o = opts(OutputMode::Prefixed, {"t"});
  o.color = ColorMode::Never;
  ConsoleSink sink(out, o);
  sink.on_event(output(0, "t", "a\x9b" "2J\x9d" "0;pwned\x07" "b \xe2\x9c\x93\n"));
  EXPECT_EQ(out.text(), "t | ab \xe2\x9c\x93\n");
}

TEST(ConsoleSinkTty, StatusLineIsClearedBeforeOutputAndRedrawnAfter) {
  StringOutput out(true, 80);
  auto o = opts(OutputMode::Prefixed, {"a", "b"});
  o.color = ColorMode::Never;
  ConsoleSink sink(out, o);
  sink.on_event(run_started(3));
  EXPECT_EQ(out.take(), "[0/3]  0.0s\x1b[K");
  sink.on_event(started(0, "a", 100));
  sink.on_event(started(1, "b", 200));
  EXPECT_EQ(out.take(), "\r\x1b[K[0/3] running: a  0.1s\x1b[K\r\x1b[K[0/3] running: a, b  0.2s\x1b[K");
  sink.on_event(output(0, "a", "hello\n", StreamKind::Stdout, 1500));
  EXPECT_EQ(out.take(), "\r\x1b[Ka | hello\n[0/3] running: a, b  1.5s\x1b[K");
  sink.tick(at(2300));
  EXPECT_EQ(out.take(), "\r[0/3] running: a, b  2.3s\x1b[K");
  sink.on_event(finished(0, "a", TaskStatus::Succeeded, 0, 812, 2400));
  EXPECT_EQ(out.take(), "\r\x1b[K[1/3] running: b  2.4s\x1b[K");
}

TEST(ConsoleSinkTty, StatusLineNeverLandsInsideOutput) {
  StringOutput out(true, 80);
  ConsoleSink sink(out, opts(OutputMode::Interleaved));
  sink.on_event(run_started(2));
  sink.on_event(started(0, "a"));
  sink.on_event(started(1, "b"));
  sink.on_event(output(0, "a", "one\ntw"));  // interleaved: raw, may end mid-line
  sink.tick(at(500));                        // must not draw mid-line
  sink.on_event(output(1, "b", "o\n"));
  sink.on_event(finished(0, "a", TaskStatus::Failed, 3));
  sink.on_event(output(1, "b", "three\n"));
  sink.on_event(finished(1, "b", TaskStatus::Succeeded));
  sink.on_event(RunFinished{at(900), RunStatus::Failed, 1, 1, 0, 0, 0, 0, 900});
  sink.close();
  std::string current;
  auto lines = emulate(out.text(), &current);
  std::vector<std::string> expect = {"one", "two", "[sluice] a failed (exit 3) after 0.8s", "three"};
  ASSERT_GE(lines.size(), expect.size()) << out.text();
  EXPECT_EQ(std::vector<std::string>(lines.begin(), lines.begin() + 4), expect) << out.text();
  EXPECT_EQ(current, "");
}

TEST(ConsoleSinkTty, StatusLineFitsTheTerminal) {
  for (std::size_t cols : {40u, 30u}) {
    StringOutput out(true, cols);
    ConsoleSink sink(out, opts(OutputMode::Quiet));
    sink.on_event(run_started(9));
    std::vector<std::string> names;
    for (int i = 0; i < 6; ++i) names.push_back("task" + std::to_string(i));
    for (TaskId i = 0; i < 6; ++i) sink.on_event(started(i, names[i]));
    std::string current;
    emulate(out.text(), &current);
    EXPECT_EQ(current, cols == 40 ? "[0/9] running: task0, +5 more  0.0s" : "[0/9] running: +6 more  0.0s");
    EXPECT_LT(current.size(), cols);
  }
}

TEST(ConsoleSinkNotTty, NoStatusLineAndNoMessagesForSuccess) {
  StringOutput out;
  auto o = opts(OutputMode::Prefixed, {"a"});
  o.summary = false;
  ConsoleSink sink(out, o);
  sink.on_event(run_started(1));
  sink.on_event(started(0, "a"));
  sink.on_event(output(0, "a", "hi\n"));
  sink.on_event(finished(0, "a", TaskStatus::Succeeded));
  sink.on_event(RunFinished{at(), RunStatus::Succeeded, 1, 0, 0, 0, 0, 0, 1234});
  EXPECT_EQ(out.text(), "a | hi\n[sluice] run succeeded in 1.2s: 1 succeeded\n");
}

TEST(ConsoleSinkMessages, FailuresTimeoutsRetriesAndIgnored) {
  StringOutput out;
  ConsoleSink sink(out, opts(OutputMode::Prefixed));
  sink.on_event(started(0, "fetch"));
  sink.on_event(TaskRetrying{at(), 0, "fetch", 2, 412, "exit 7"});
  auto f = finished(0, "fetch", TaskStatus::Failed, 7, 2500);
  f.attempts = 2;
  sink.on_event(f);
  sink.on_event(finished(1, "slow", TaskStatus::TimedOut, std::nullopt, 30000));
  auto spawn = finished(2, "typo", TaskStatus::Failed, std::nullopt, 3);
  spawn.error = "command not found: fecth";
  sink.on_event(spawn);
  auto ign = finished(3, "lint", TaskStatus::Failed, 1, 100);
  ign.ignored = true;
  sink.on_event(ign);
  auto sig = finished(4, "oom", TaskStatus::Failed, std::nullopt, 100);
  sig.signal = 9;
  sink.on_event(sig);
  sink.on_event(finished(5, "never", TaskStatus::Cancelled, std::nullopt, 0));
  auto missing = finished(6, "gen", TaskStatus::Failed, 0, 1999);
  missing.error = "output not created: out/x.txt";
  missing.attempts = 3;
  missing.ignored = true;
  sink.on_event(missing);
  sink.on_event(TaskRetrying{at(), 6, "gen", 2, 1000, "output not created: out/x.txt"});
  EXPECT_EQ(out.text(),
            "[sluice] fetch: retrying in 0.4s (attempt 2): exit 7\n"
            "[sluice] fetch failed (exit 7) after 2.5s and 2 attempts\n"
            "[sluice] slow timed out after 30.0s\n"
            "[sluice] typo failed after 0.0s: command not found: fecth\n"
            "[sluice] lint failed (exit 1) after 0.1s (ignored: continue_on_error)\n"
            "[sluice] oom failed (SIGKILL) after 0.1s\n"
            "[sluice] gen failed after 2.0s and 3 attempts (ignored: continue_on_error): "
            "output not created: out/x.txt\n"
            "[sluice] gen: retrying in 1.0s (attempt 2): output not created: out/x.txt\n");
}

// Rounded, not cut: a 1 s timeout that took 999 ms to report is "1.0s".
TEST(ConsoleSinkMessages, DurationsAreRounded) {
  StringOutput out;
  ConsoleSink sink(out, opts(OutputMode::Prefixed));
  sink.on_event(finished(0, "slow", TaskStatus::TimedOut, std::nullopt, 999));
  sink.on_event(finished(1, "slower", TaskStatus::TimedOut, std::nullopt, 59960));
  EXPECT_EQ(out.text(),
            "[sluice] slow timed out after 1.0s\n"
            "[sluice] slower timed out after 1m00s\n");
}

TEST(ConsoleSinkMessages, VerboseAddsStartsAndSuccesses) {
  StringOutput out;
  auto o = opts(OutputMode::Prefixed);
  o.verbose = true;
  o.summary = false;
  ConsoleSink sink(out, o);
  sink.on_event(run_started(2));
  sink.on_event(started(0, "a"));
  sink.on_event(finished(0, "a", TaskStatus::Succeeded, 0, 1500));
  auto s = finished(1, "b", TaskStatus::Skipped, std::nullopt, 0);
  s.reason = SkipReason::DependencyFailed;
  sink.on_event(s);
  EXPECT_EQ(out.text(),
            "[sluice] running etl: 2 tasks\n"
            "[sluice] a started\n"
            "[sluice] a succeeded in 1.5s\n"
            "[sluice] b skipped (dependency_failed)\n");
}

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

TEST(ConsoleSinkSummary, ASuccessfulRunShowsEveryTask) {
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

// ---- interrupting (SPEC §4: after Ctrl-C it says so at once)

TEST(ConsoleSinkInterrupt, TheStatusLineSaysSoAtOnce) {
  StringOutput out(true, 80);
  auto o = opts(OutputMode::Prefixed, {"a", "b", "c"});
  o.color = ColorMode::Never;
  ConsoleSink sink(out, o);
  sink.on_event(run_started(5));
  for (TaskId i = 0; i < 3; ++i) sink.on_event(started(i, std::string(1, char('a' + i)), 100));
  out.take();
  sink.interrupting(SIGINT, false);
  std::string current;
  emulate(out.take(), &current);
  EXPECT_EQ(current, "[0/5] interrupting: stopping 3 tasks (Ctrl-C again to kill)  0.1s");
  sink.interrupting(SIGINT, false);  // nothing new to say
  EXPECT_EQ(out.take(), "");
  sink.on_event(finished(0, "a", TaskStatus::Cancelled, std::nullopt, 100, 200));
  emulate(out.take(), &current);
  EXPECT_EQ(current, "[1/5] interrupting: stopping 2 tasks (Ctrl-C again to kill)  0.2s");
  sink.interrupting(SIGINT, true);
  emulate(out.take(), &current);
  EXPECT_EQ(current, "[1/5] killing 2 tasks  0.2s");
}

TEST(ConsoleSinkInterrupt, OffATtyALineSaysIt) {
  StringOutput out;
  ConsoleSink sink(out, opts(OutputMode::Prefixed, {"a"}));
  sink.on_event(run_started(2));
  sink.on_event(started(0, "a"));
  sink.interrupting(SIGTERM, false);
  sink.on_event(output(0, "a", "bye\n"));
  sink.on_event(finished(1, "b", TaskStatus::Cancelled, std::nullopt, 0));
  sink.on_event(finished(0, "a", TaskStatus::Cancelled, std::nullopt, 100));
  sink.on_event(RunFinished{at(), RunStatus::Interrupted, 0, 0, 0, 2, 0, 0, 100});
  sink.interrupting(SIGINT, true);  // after the end: nothing
  EXPECT_EQ(out.text(),
            "[sluice] interrupting (SIGTERM): stopping 1 task\n"
            "a | bye\n"
            "[sluice] a cancelled after 0.1s\n"
            "TASK  STATUS     ATTEMPTS  DURATION  EXIT\n"
            "a     cancelled         1      0.1s  -\n"
            "b     cancelled         1      0.0s  -\n"
            "[sluice] run interrupted after 0.1s: 2 cancelled\n");
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
