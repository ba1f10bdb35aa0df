// The console through ConsoleSink: prefixed lines, colour, the filter of
// task bytes, the status line, sluice's messages and Ctrl-C.
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

}  // namespace
}  // namespace sluice::detail
