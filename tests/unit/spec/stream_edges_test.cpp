// Stream edges at load time (spec/stream_edges.hpp): the name resolved (a
// matrix base with one expansion stands for it), the rules refused where
// they are written.
#include <gtest/gtest.h>

#include "loader_test_util.hpp"

namespace sluice {
namespace {

using test::load_errors;

TEST(StreamEdgesLoad, ANameOrAOneExpansionMatrixBaseResolves) {
  LoadResult r = load_pipeline_string(
      "tasks:\n"
      "  gen: {cmd: [seq, \"${{ matrix.n }}\"], matrix: {n: [\"3\"]}}\n"
      "  count: {cmd: [wc, -l], stdin: {task: gen}}\n",
      "p.yaml");
  ASSERT_TRUE(r.ok()) << format(r.diagnostics);
  const StdinSpec& in = r.pipeline.tasks[1].extras().stdin_spec;
  EXPECT_EQ(in.kind, StdinSpec::Kind::Task);
  EXPECT_EQ(in.path, "gen[n=3]");
  EXPECT_EQ(in.pos.line, 3u);
  EXPECT_EQ(in.pos.column, 40u);
}

TEST(StreamEdgesLoad, RulesAreRefusedWhereTheyAreWritten) {
  EXPECT_EQ(load_errors("tasks:\n"
                        "  a: {run: x}\n"
                        "  b: {run: x, stdin: {task: a}, needs: [a]}\n"
                        "  c: {run: x, stdin: {task: a}, if: \"true\"}\n"
                        "  d: {run: x, stdin: {task: e}}\n"
                        "  e: {write: {to: f.txt, content: hi}}\n"),
            "p.yaml:3:29: tasks.b.stdin.task: 'b' both needs 'a' (runs after it) and reads its "
            "stdout (runs during it)\n"
            "p.yaml:4:33: tasks.c.if: not supported yet: 'if' on a task joined by a stream edge "
            "('c')\n"
            "p.yaml:5:29: tasks.d.stdin.task: 'e' is not a process task (run or cmd): only "
            "processes can be joined by a stream\n");
}

TEST(StreamEdgesLoad, ARetryFromDefaultsIsRefusedAtTheDefault) {
  EXPECT_EQ(load_errors("defaults: {retry: 1}\n"
                        "tasks:\n"
                        "  a: {run: x}\n"
                        "  b: {run: x, stdin: {task: a}}\n"),
            "p.yaml:1:12: defaults.retry: not supported yet: 'retry' on a task joined by a stream "
            "edge ('a')\n"
            "p.yaml:1:12: defaults.retry: not supported yet: 'retry' on a task joined by a stream "
            "edge ('b')\n");
}

}  // namespace
}  // namespace sluice
