// The console's parts on their own: the status line's drawing, what the
// run's progress says, and the hold-back's order.
#include <gtest/gtest.h>

#include <csignal>

#include "sink_test_util.hpp"
#include "sinks/byte_output.hpp"
#include "sinks/hold_back.hpp"
#include "sinks/run_progress.hpp"
#include "sinks/spool.hpp"
#include "sinks/status_line.hpp"

namespace sluice::detail {
namespace {

using test::at;

std::string text(const ByteBuffer& b) { return std::string(b.view()); }

TEST(StatusLine, DrawsCutToTheTerminalAndClearsOnlyWhenShown) {
  StatusLine line;
  ByteBuffer b;
  line.clear(b);
  EXPECT_EQ(text(b), "");
  line.draw(b, "[1/2] running: caf\xc3\xa9", 12);  // 11 columns at most
  EXPECT_EQ(text(b), "[1/2] runni\x1b[K");
  EXPECT_TRUE(line.shown());
  b.clear();
  line.redraw(b, "x", 0);
  EXPECT_EQ(text(b), "\rx\x1b[K");
  b.clear();
  line.clear(b);
  EXPECT_EQ(text(b), "\r\x1b[K");
  EXPECT_FALSE(line.shown());
  EXPECT_EQ(StatusLine::limit(0), 79u);
  EXPECT_EQ(StatusLine::limit(1), 1u);
}

TEST(RunProgress, SaysWhatRunsAndThenThatTheRunIsInterrupted) {
  RunProgress p;
  p.run_started(at(0), 4);
  p.task_started(0, "a");
  p.task_started(1, "bbbbbbbbbb");
  p.task_started(1, "bbbbbbbbbb");  // a second report of the same start
  EXPECT_EQ(p.describe(at(1500), 80), "[0/4] running: a, bbbbbbbbbb  1.5s");
  EXPECT_EQ(p.describe(at(1500), 31), "[0/4] running: a, +1 more  1.5s");
  EXPECT_EQ(p.describe(at(1500), 30), "[0/4] running: +2 more  1.5s");
  EXPECT_TRUE(p.task_finished(0));
  EXPECT_FALSE(p.task_finished(3));  // never started
  EXPECT_TRUE(p.interrupting(SIGTERM, false));
  EXPECT_FALSE(p.interrupting(SIGINT, false));
  EXPECT_EQ(p.describe(at(2000), 80), "[2/4] interrupting (SIGTERM): stopping 1 task  2.0s");
  EXPECT_TRUE(p.interrupting(SIGINT, true));
  EXPECT_EQ(p.interrupt_text(), "killing 1 task");
}

TEST(HoldBack, KeepsOrderWhileHeldAndGivesItAllBackAfter) {
  HoldBack hold(4, "", 3);
  EXPECT_FALSE(hold.active());
  hold.queue("one\n");
  EXPECT_TRUE(hold.hold(7));
  EXPECT_FALSE(hold.hold(8));  // a second holder: already held
  hold.defer("two\n");
  hold.defer("three\n");
  EXPECT_FALSE(hold.release(7));  // 8 still holds it
  EXPECT_TRUE(hold.release(8));
  EXPECT_FALSE(hold.release(8));
  ByteBuffer out;
  while (hold.active()) hold.next(out);
  EXPECT_EQ(text(out), "one\ntwo\nthree\n");
}

TEST(HoldBack, ReplaysASpoolInChunks) {
  HoldBack hold(1024, "", 4);
  auto spool = std::make_unique<Spool>(1024, "");
  ASSERT_TRUE(spool->append("0123456789\n"));
  hold.queue(std::move(spool));
  hold.defer("after\n");
  ByteBuffer out;
  hold.next(out);
  EXPECT_EQ(text(out), "0123");
  while (hold.active()) hold.next(out);
  EXPECT_EQ(text(out), "0123456789\nafter\n");
}

}  // namespace
}  // namespace sluice::detail
