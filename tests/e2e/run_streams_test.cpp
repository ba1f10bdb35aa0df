// End-to-end tests of stream edges (`stdin: {task: P}`, SPEC §1.2, §2, §3):
// real pipes between real processes. A plain pair (one consumer, stdout
// watched by nobody else) is a kernel pipe; several consumers or a watched
// producer go through sluice's tee, with backpressure.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdio>
#include <string>
#include <vector>

#include "e2e/e2e_support.hpp"

namespace {

namespace fs = std::filesystem;
using sluice::e2e::CliTest;
using sluice::e2e::expect_complete;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

class RunStreams : public CliTest {
 protected:
  /// What `sh -c script` prints (the reference a stream is compared with).
  static std::string shell_output(const std::string& script) {
    std::string out;
    FILE* f = ::popen(script.c_str(), "r");
    if (!f) return out;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
    ::pclose(f);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }
  std::string only_line(const sluice::e2e::Events& ev, const std::string& task) {
    auto lines = ev.output_lines(task);
    return lines.size() == 1 ? lines[0] : "(" + std::to_string(lines.size()) + " lines)";
  }
};

TEST_F(RunStreams, AProducerFeedsItsConsumerThroughAPipe) {
  write("sluice.yaml", R"Y(tasks:
  numbers: {cmd: [seq, "1", "100000"]}
  count: {cmd: [wc, -l], stdin: {task: numbers}}
)Y");
  auto r = run({"run", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  auto ev = events();
  expect_complete(ev, {"numbers", "count"});
  EXPECT_EQ(only_line(ev, "count"), "100000");
  EXPECT_TRUE(ev.output_lines("numbers").empty()) << "a consumed stdout is not on the console";
}

// -j 1: the pair takes one slot together instead of waiting for each other.
TEST_F(RunStreams, APairRunsAtOneSlot) {
  write("sluice.yaml", R"Y(tasks:
  first: {cmd: [@CHILD@, print, "x\n"]}
  numbers: {cmd: [seq, "1", "5000"], needs: [first]}
  count: {cmd: [wc, -l], stdin: {task: numbers}}
  last: {cmd: [@CHILD@, print, "y\n"], needs: [count]}
)Y");
  auto r = run({"run", "-j", "1", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  auto ev = events();
  expect_complete(ev, {"first", "numbers", "count", "last"});
  EXPECT_EQ(only_line(ev, "count"), "5000");
}

// `yes | head -n 1`: the reader leaves, the writer dies of SIGPIPE, which
// counts as success (a shell without pipefail).
TEST_F(RunStreams, AConsumerThatLeavesEndsItsProducer) {
  write("sluice.yaml", R"Y(tasks:
  endless: {cmd: ["yes"]}
  shell_endless: {run: "yes"}
  first: {cmd: [head, -n, "1"], stdin: {task: endless}}
  also_first: {cmd: [head, -n, "1"], stdin: {task: shell_endless}}
)Y");
  auto r = run({"run", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  auto ev = events();
  expect_complete(ev, {"endless", "shell_endless", "first", "also_first"});
  EXPECT_EQ(ev.finished("endless").value("status", ""), "succeeded");
  EXPECT_EQ(ev.finished("shell_endless").value("status", ""), "succeeded");
  EXPECT_EQ(only_line(ev, "first"), "y");
}

// Two consumers: sluice relays every byte to each.
TEST_F(RunStreams, ATeeGivesEveryConsumerEveryByte) {
  write("sluice.yaml", R"Y(tasks:
  numbers: {run: "seq 1 300000"}
  sum_a: {cmd: [cksum], stdin: {task: numbers}}
  sum_b: {run: "cksum", stdin: {task: numbers}}
)Y");
  auto r = run({"run", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  auto ev = events();
  expect_complete(ev, {"numbers", "sum_a", "sum_b"});
  const std::string want = shell_output("seq 1 300000 | cksum");
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(only_line(ev, "sum_a"), want);
  EXPECT_EQ(only_line(ev, "sum_b"), want);
}

// `stdout: {console: true}` on a consumed producer: sluice watches it, so
// the console gets its lines and the consumer every byte.
TEST_F(RunStreams, AWatchedProducerReachesTheConsoleAndItsConsumer) {
  write("sluice.yaml", R"Y(tasks:
  numbers: {cmd: [seq, "1", "3"], stdout: {console: true, file: copy.txt}}
  count: {cmd: [wc, -l], stdin: {task: numbers}}
)Y");
  auto r = run({"run", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  auto ev = events();
  EXPECT_EQ(ev.output_lines("numbers"), (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(only_line(ev, "count"), "3");
  EXPECT_EQ(sluice::e2e::slurp(dir_ / "copy.txt"), "1\n2\n3\n");
}

// Both consumers of a tee leave: nobody reads, so the producer gets SIGPIPE.
TEST_F(RunStreams, ATeeWhoseConsumersLeaveEndsItsProducer) {
  write("sluice.yaml", R"Y(tasks:
  endless: {cmd: ["yes"]}
  a: {cmd: [head, -c, "100"], stdin: {task: endless}}
  b: {run: "head -c 5000000 > /dev/null", stdin: {task: endless}}
)Y");
  auto r = run({"run", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  auto ev = events();
  expect_complete(ev, {"endless", "a", "b"});
  EXPECT_EQ(ev.finished("endless").value("status", ""), "succeeded");
}

// A slow consumer of a fast producer: sluice stops reading the producer
// while a consumer's pipe is full, so its own memory stays bounded. The
// last task reads sluice's peak RSS (VmHWM) from /proc: sluice is its parent.
TEST_F(RunStreams, ATeeToASlowConsumerKeepsSluicesMemoryBounded) {
  const std::string mib = kSanitized ? "128" : "1024";
  write("sluice.yaml", "tasks:\n  fast: {cmd: [head, -c, " + mib + "M, /dev/zero]}\n" + R"Y(
  slow: {cmd: [cksum], stdin: {task: fast}}
  quick: {cmd: [wc, -c], stdin: {task: fast}}
  peak: {run: "grep VmHWM /proc/$PPID/status", needs: [slow, quick]}
)Y");
  auto r = run({"run", "--events", "events.jsonl"}, {});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  auto ev = events();
  expect_complete(ev, {"fast", "slow", "quick", "peak"});
  EXPECT_EQ(only_line(ev, "quick"), std::to_string(std::stoll(mib) << 20));
  const std::string line = only_line(ev, "peak");
  long long kb = -1;
  ASSERT_EQ(std::sscanf(line.c_str(), "VmHWM: %lld kB", &kb), 1) << line;
  // Unbounded buffering would hold most of the stream; sanitizers add
  // their own shadow memory to the baseline.
  EXPECT_LE(kb, (kSanitized ? 160 : 64) * 1024) << line;
}

TEST_F(RunStreams, AFailingProducerFailsTheRun) {
  write("sluice.yaml", R"Y(tasks:
  broken: {run: "echo partial; exit 3"}
  reader: {cmd: [cat], stdin: {task: broken}}
)Y");
  auto r = run({"run", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  auto ev = events();
  expect_complete(ev, {"broken", "reader"});
  EXPECT_EQ(ev.finished("broken").value("status", ""), "failed");
  EXPECT_EQ(ev.finished("broken").value("exit_code", -1), 3);
}

// -k: the consumer of a failed producer still finishes with what it got.
TEST_F(RunStreams, UnderKeepGoingTheConsumerOfAFailedProducerFinishes) {
  write("sluice.yaml", R"Y(tasks:
  broken: {run: "seq 1 10; exit 3"}
  count: {cmd: [wc, -l], stdin: {task: broken}}
)Y");
  auto r = run({"run", "-k", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  auto ev = events();
  EXPECT_EQ(ev.finished("broken").value("status", ""), "failed");
  EXPECT_EQ(ev.finished("count").value("status", ""), "succeeded");
  EXPECT_EQ(only_line(ev, "count"), "10");
}

// A consumer whose dependency failed never starts, and neither does its
// producer: half a stream does not run.
TEST_F(RunStreams, AGroupWhoseMemberCannotStartDoesNotStart) {
  write("sluice.yaml", R"Y(tasks:
  setup: {run: "exit 1"}
  numbers: {cmd: [@CHILD@, touch, started]}
  count: {cmd: [wc, -l], stdin: {task: numbers}, needs: [setup]}
)Y");
  auto r = run({"run", "-k", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  auto ev = events();
  expect_complete(ev, {"setup", "numbers", "count"});
  EXPECT_EQ(ev.finished("count").value("status", ""), "skipped");
  EXPECT_EQ(ev.finished("numbers").value("status", ""), "skipped");
  EXPECT_FALSE(fs::exists(dir_ / "started"));
}

// Ctrl-C during an endless stream, plain and tee: nothing is left behind.
TEST_F(RunStreams, AnInterruptLeavesNoProcessOfAStream) {
  write("sluice.yaml", R"Y(env:
  @MARKER@
tasks:
  endless: {cmd: ["yes"]}
  drain: {run: "cat > /dev/null", stdin: {task: endless}}
  flood: {cmd: ["yes"]}
  tee_a: {cmd: [cksum], stdin: {task: flood}}
  tee_b: {run: "cat > /dev/null", stdin: {task: flood}}
)Y");
  auto cli = start({"run", "-j", "8", "--events", "events.jsonl"});
  for (const char* t : {"endless", "drain", "flood", "tee_a", "tee_b"})
    ASSERT_TRUE(wait_event(is("task_started", t)));
  cli->signal(SIGINT);
  auto r = cli->wait();
  EXPECT_EQ(r.code, 130) << r.out << r.err;
  EXPECT_EQ(sluice::e2e::leftover_processes(marker_), "");
}

// Consumers that never read: the producer's bytes wait in sluice's tee (the
// producer may even have exited). An interrupt drops them and ends the run.
TEST_F(RunStreams, AnInterruptEndsATeeWhoseConsumersDoNotRead) {
  write("sluice.yaml", R"Y(env:
  @MARKER@
tasks:
  zeros: {cmd: [head, -c, 8M, /dev/zero]}
  idle_a: {cmd: [@CHILD@, print-ready], stdin: {task: zeros}}
  idle_b: {cmd: [@CHILD@, print-ready], stdin: {task: zeros}}
)Y");
  auto cli = start({"run", "-j", "8", "--events", "events.jsonl"});
  ASSERT_TRUE(wait_event(printed("idle_a", "ready")));
  ASSERT_TRUE(wait_event(printed("idle_b", "ready")));
  cli->signal(SIGINT);
  auto r = cli->wait();
  EXPECT_EQ(r.code, 130) << r.out << r.err;
  expect_complete(events(), {"zeros", "idle_a", "idle_b"});
  EXPECT_EQ(sluice::e2e::leftover_processes(marker_), "");
}

TEST_F(RunStreams, SelectingAConsumerBringsItsProducer) {
  write("sluice.yaml", R"Y(tasks:
  numbers: {cmd: [seq, "1", "7"]}
  count: {cmd: [wc, -l], stdin: {task: numbers}}
  other: {cmd: [@CHILD@, touch, other]}
)Y");
  auto r = run({"run", "count", "--events", "events.jsonl"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  auto ev = events();
  expect_complete(ev, {"numbers", "count"});
  EXPECT_EQ(only_line(ev, "count"), "7");
  EXPECT_FALSE(fs::exists(dir_ / "other"));
  // A producer run alone prints as usual: nobody consumes it.
  r = run({"run", "numbers", "--events", "alone.jsonl"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(events("alone.jsonl").output_lines("numbers").size(), 7u);
}

TEST_F(RunStreams, DryRunAndGraphShowStreamEdges) {
  write("sluice.yaml", R"Y(tasks:
  numbers: {cmd: [seq, "1", "7"]}
  count: {cmd: [wc, -l], stdin: {task: numbers}}
)Y");
  auto r = run({"run", "-n"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "numbers: seq 1 7\ncount: wc -l\n    stdin: stream from numbers (runs with it)\n");
  r = run({"graph"});
  EXPECT_NE(r.out.find("\"numbers\" -> \"count\" [style=dashed, label=\"stdout\"];"),
            std::string::npos)
      << r.out;
  r = run({"graph", "--format", "mermaid"});
  EXPECT_NE(r.out.find("t0 -. stdout .-> t1"), std::string::npos) << r.out;
  r = run({"graph", "--format", "json"});
  EXPECT_NE(r.out.find("\"stdin_from\": \"numbers\""), std::string::npos) << r.out;
}

TEST_F(RunStreams, StreamEdgeLoadErrorsAreLocated) {
  write("p.yaml", R"Y(tasks:
  a: {cmd: [seq, "3"]}
  b: {cmd: [cat], stdin: {task: aa}}
  c: {cmd: [cat], stdin: {task: a}, needs: [a]}
  d: {write: {to: x.txt, content: hi}}
  e: {cmd: [cat], stdin: {task: d}}
  f: {cmd: [cat], stdin: {task: a}, retry: 2}
  g: {cmd: [cat], stdin: {task: a}, if: "true"}
  m: {cmd: [echo, "${{ matrix.x }}"], matrix: {x: [1, 2]}}
  n: {cmd: [cat], stdin: {task: m}}
  i: {cmd: [cat], interactive: true, stdin: {task: a}}
  p: {cmd: [seq, "3"], retry: 1}
  q: {cmd: [cat], stdin: {task: p}}
)Y");
  auto r = run({"validate", "-f", "p.yaml"});
  EXPECT_EQ(r.code, 2);
  for (const char* want : {
           "p.yaml:3:33: tasks.b.stdin.task: unknown task 'aa' (did you mean 'a'?)\n",
           "p.yaml:4:33: tasks.c.stdin.task: 'c' both needs 'a' (runs after it) and reads its "
           "stdout (runs during it)\n",
           "p.yaml:6:33: tasks.e.stdin.task: 'd' is not a process task (run or cmd): only "
           "processes can be joined by a stream\n",
           "p.yaml:7:37: tasks.f.retry: not supported yet: 'retry' on a task joined by a stream "
           "edge ('f')\n",
           "p.yaml:8:37: tasks.g.if: not supported yet: 'if' on a task joined by a stream edge "
           "('g')\n",
           "p.yaml:10:33: tasks.n.stdin.task: 'm' is a matrix task with 2 expansions: a stream "
           "reads one of them (e.g. 'm[x=1]')\n",
           "p.yaml:11:52: tasks.i.stdin.task: 'i' is interactive (it owns the terminal): it "
           "cannot be joined by a stream\n",
           "p.yaml:12:24: tasks.p.retry: not supported yet: 'retry' on a task joined by a stream "
           "edge ('p')\n",
       })
    EXPECT_NE(r.err.find(want), std::string::npos) << want << "\nin:\n" << r.err;
  EXPECT_NE(r.err.find("p.yaml: 8 errors\n"), std::string::npos) << r.err;
}

TEST_F(RunStreams, CyclesThroughStreamEdgesAreLocated) {
  write("p.yaml", R"Y(tasks:
  a: {cmd: [seq, "3"], needs: [c]}
  b: {cmd: [cat], stdin: {task: a}}
  c: {cmd: [cat], needs: [b]}
  x: {cmd: [cat], stdin: {task: y}}
  y: {cmd: [cat], stdin: {task: x}}
  p: {cmd: [seq, "3"]}
  q: {cmd: [cat], stdin: {task: p}}
  r: {cmd: [cat], stdin: {task: q}, needs: [p]}
)Y");
  auto r = run({"validate", "-f", "p.yaml"});
  EXPECT_EQ(r.code, 2);
  for (const char* want : {
           "p.yaml:6:33: tasks.y.stdin.task: cycle of stream edges: 'y' reads 'x', which "
           "already reads (through stream edges) 'y'\n",
           "p.yaml:9:45: tasks.r.needs[0]: 'r' waits for 'p', but stream edges make them run at "
           "the same time\n",
           "p.yaml:3:33: tasks.b.stdin.task: cycle of needs and stream edges: 'a', 'b', 'c' wait "
           "for each other (tasks joined by a stream start together)\n",
       })
    EXPECT_NE(r.err.find(want), std::string::npos) << want << "\nin:\n" << r.err;
}

}  // namespace
