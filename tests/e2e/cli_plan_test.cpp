// End-to-end tests of the planning commands (validate, list, graph, schema)
// and of the CLI's argument handling: the real `sluice` binary, run in a
// temporary directory on small pipeline files.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "e2e/e2e_support.hpp"

namespace {

class CliPlan : public sluice::e2e::CliTest {};

const char* kDemo =
    "name: demo\n"
    "description: three tasks\n"
    "vars:\n"
    "  out: build\n"
    "pools:\n"
    "  net: 2\n"
    "tasks:\n"
    "  fetch:\n"
    "    description: download\n"
    "    cmd: [/bin/true]\n"
    "    outputs: [\"${{ vars.out }}/raw.json\"]\n"
    "    pool: net\n"
    "  count:\n"
    "    cmd: [/bin/true]\n"
    "    inputs: [\"${{ vars.out }}/*.json\"]\n"
    "  report:\n"
    "    cmd: [/bin/true]\n"
    "    needs: [fetch, count]\n";

TEST_F(CliPlan, ValidateOkPrintsASummary) {
  write("sluice.yaml", kDemo);
  auto r = run({"validate"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "sluice.yaml: 3 tasks, 3 edges, ok\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(CliPlan, DashReadsThePipelineFromStdinAsMakeDoes) {
  write("piped.txt", kDemo);
  sluice::e2e::RunOptions opts;
  opts.stdin_file = "piped.txt";
  auto r = run({"validate", "-f", "-"}, opts);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "<stdin>: 3 tasks, 3 edges, ok\n");
  write("bad.txt", "tasks:\n  a: {run: 1, bogus: 2}\n");
  opts.stdin_file = "bad.txt";
  r = run({"validate", "-f", "-"}, opts);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("<stdin>:2:"), std::string::npos) << r.err;
}

TEST_F(CliPlan, ValidatePrintsEveryLoaderErrorAndExits2) {
  write("sluice.yaml",
        "tasks:\n"
        "  fetch:\n"
        "    cmd: [/bin/true]\n"
        "  count:\n"
        "    cmd: [/bin/true]\n"
        "    needs: [fetc]\n"
        "    timeout: soon\n");
  auto r = run({"validate"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("sluice.yaml:6:13: tasks.count.needs[0]: unknown task 'fetc' (did you mean 'fetch'?)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("sluice.yaml:7:14: tasks.count.timeout: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("sluice.yaml: 2 errors\n"), std::string::npos) << r.err;
}

TEST_F(CliPlan, ValidateReportsGraphErrorsWithSourceLines) {
  write("sluice.yaml",
        "tasks:\n"
        "  a:\n"
        "    cmd: [/bin/true]\n"
        "    needs: [b]\n"
        "    outputs: [out/x]\n"
        "  b:\n"
        "    cmd: [/bin/true]\n"
        "    needs: [c]\n"
        "  c:\n"
        "    cmd: [/bin/true]\n"
        "    needs: [a]\n"
        "    outputs: [out/x]\n");
  auto r = run({"validate"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err,
            "sluice.yaml:12:15: tasks.c.outputs[0]: output 'out/x' is also declared by task 'a'\n"
            "      outputs: [out/x]\n"
            "                ^\n"
            "sluice.yaml:5:15: note: 'out/x' first declared here by task 'a'\n"
            "sluice.yaml:11:13: tasks.c.needs[0]: cycle: a -> b -> c -> a\n"
            "      needs: [a]\n"
            "              ^\n"
            "sluice.yaml: 2 errors\n");
}

TEST_F(CliPlan, MissingFileIsExit2) {
  auto r = run({"validate", "-f", "sluice.yaml"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.err, "sluice: sluice.yaml: no such file\n");
}

TEST_F(CliPlan, UsageErrorsExit2) {
  write("sluice.yaml", kDemo);
  EXPECT_EQ(run({"frobnicate"}).code, 2);
  EXPECT_EQ(run({"validate", "--no-such-option"}).code, 2);
  EXPECT_EQ(run({}).code, 2);
  EXPECT_EQ(run({"graph", "--format", "png"}).code, 2);
  EXPECT_EQ(run({"--set", "novalue", "validate"}).code, 2);
}

TEST_F(CliPlan, HelpAndVersionExit0) {
  auto v = run({"--version"});
  EXPECT_EQ(v.code, 0);
  EXPECT_TRUE(v.out.starts_with("sluice ") && v.out.ends_with("\n") &&
              v.out.find('.') != std::string::npos)
      << v.out;
  for (const char* cmd : {"validate", "list", "graph", "schema", "run"}) {
    auto h = run({cmd, "--help"});
    EXPECT_EQ(h.code, 0) << cmd;
    EXPECT_NE(h.out.find(cmd), std::string::npos) << h.out;
  }
}

TEST_F(CliPlan, PositionalFileBeforeOrAfterTheCommand) {
  write("pipes/demo.yaml", kDemo);
  auto before = run({"pipes/demo.yaml", "validate"});
  EXPECT_EQ(before.code, 0) << before.err;
  EXPECT_EQ(before.out, "pipes/demo.yaml: 3 tasks, 3 edges, ok\n");
  auto after = run({"validate", "pipes/demo.yaml"});
  EXPECT_EQ(after.code, 0) << after.err;
  EXPECT_EQ(after.out, "pipes/demo.yaml: 3 tasks, 3 edges, ok\n");
  auto with_f = run({"validate", "-f", "pipes/demo.yaml"});
  EXPECT_EQ(with_f.out, "pipes/demo.yaml: 3 tasks, 3 edges, ok\n");
  // A value of --set is not the file, even when it looks like one.
  auto set = run({"--set", "out=pipes/demo.yaml", "-f", "pipes/demo.yaml", "validate"});
  EXPECT_EQ(set.code, 0) << set.err;
  // A .yaml name that is not an existing file stays an argument.
  EXPECT_EQ(run({"nothere.yaml", "validate"}).code, 2);
}

TEST_F(CliPlan, ListShowsDescriptionsNeedsPoolsAndMatrixGroups) {
  write("sluice.yaml",
        "name: demo\n"
        "description: a demo\n"
        "pools: {net: 1}\n"
        "tasks:\n"
        "  fetch:\n"
        "    description: download\n"
        "    cmd: [/bin/true]\n"
        "    pool: net\n"
        "  build:\n"
        "    description: compile\n"
        "    matrix: {os: [linux, mac]}\n"
        "    cmd: [/bin/true]\n"
        "    needs: [fetch]\n"
        "  ship:\n"
        "    cmd: [/bin/true]\n"
        "    needs: [build]\n");
  auto r = run({"list"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "demo: a demo\n"
            "fetch              download  [pool: net]\n"
            "build              compile  (matrix: 2 tasks)\n"
            "  build[os=linux]  needs: fetch\n"
            "  build[os=mac]    needs: fetch\n"
            "ship               needs: build\n");
}

TEST_F(CliPlan, GraphFormats) {
  write("sluice.yaml", kDemo);
  auto dot = run({"graph"});
  EXPECT_EQ(dot.code, 0) << dot.err;
  EXPECT_EQ(dot.out,
            "digraph \"demo\" {\n  rankdir=LR;\n  \"fetch\";\n  \"count\";\n  \"report\";\n"
            "  \"fetch\" -> \"count\";\n  \"fetch\" -> \"report\";\n  \"count\" -> \"report\";\n}\n");
  auto mermaid = run({"graph", "--format", "mermaid"});
  EXPECT_EQ(mermaid.code, 0);
  EXPECT_EQ(mermaid.out,
            "flowchart LR\n  t0[\"fetch\"]\n  t1[\"count\"]\n  t2[\"report\"]\n"
            "  t0 --> t1\n  t0 --> t2\n  t1 --> t2\n");
  auto json = run({"graph", "--format=json"});
  EXPECT_EQ(json.code, 0);
  auto j = nlohmann::json::parse(json.out);
  ASSERT_EQ(j["tasks"].size(), 3u);
  EXPECT_EQ(j["tasks"][2]["needs"], nlohmann::json::array({"fetch", "count"}));
  EXPECT_EQ(j["tasks"][0]["pool"], "net");
}

TEST_F(CliPlan, ListShowsImplicitDependenciesAsGraphDoes) {
  write("sluice.yaml",
        std::string(kDemo) +
            "  gen:\n"
            "    matrix: {n: [1, 2]}\n"
            "    cmd: [/bin/true]\n"
            "    outputs: [\"out/${{ matrix.n }}.txt\"]\n"
            "  all: {cmd: [/bin/true], inputs: [\"out/*.txt\"], needs: [report]}\n"
            "  one: {cmd: [/bin/true], inputs: [out/1.txt]}\n");
  auto r = run({"list"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "demo: three tasks\n"
            "fetch       download  [pool: net]\n"
            "count       inputs from: fetch\n"
            "report      needs: fetch, count\n"
            "gen         (matrix: 2 tasks)\n"
            "  gen[n=1]\n"
            "  gen[n=2]\n"
            "all         needs: report  inputs from: gen\n"
            "one         inputs from: gen[n=1]\n");
}

TEST_F(CliPlan, MermaidLabelsEscapeWhatMermaidReads) {
  write("sluice.yaml",
        "tasks:\n"
        "  g:\n"
        "    matrix: {v: [\"g<h>\", \"a\\\"b\", \"x#quot;\", \"p&amp;q\"]}\n"
        "    cmd: [/bin/true]\n");
  auto r = run({"graph", "--format", "mermaid"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "flowchart LR\n"
            "  t0[\"g[v=g#60;h#62;]\"]\n"
            "  t1[\"g[v=a#34;b]\"]\n"
            "  t2[\"g[v=x#35;quot;]\"]\n"
            "  t3[\"g[v=p#38;amp;q]\"]\n");
}

TEST_F(CliPlan, DryRunShowsTheCommandLinesWithTheValuesInPlace) {
  write("sluice.yaml",
        "vars: {who: \"wo'rld $x\", n: 3}\n"
        "tasks:\n"
        "  up: {run: \"echo url=x >> $SLUICE_OUTPUT\"}\n"
        "  hello: {run: \"echo hello ${{ vars.who }}\", needs: [up]}\n"
        "  multi:\n"
        "    needs: [up]\n"
        "    run: |\n"
        "      echo 'q ${{ vars.who }}' \"d ${{ vars.who }}\" $(( ${{ vars.n }} + 1 ))\n"
        "      cat <<EOF\n"
        "      here ${{ vars.who }}\n"
        "      EOF\n"
        "      echo ${{ tasks.up.outputs.url }}\n"
        "  c:\n"
        "    cmd: [echo, \"${{ vars.who }}\", \"--u=${{ tasks.up.outputs.url }}\", plain]\n"
        "    needs: [up]\n");
  auto r = run({"run", "-n"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "up: echo url=x >> $SLUICE_OUTPUT\n"
            "hello: echo hello 'wo'\\''rld $x'\n"
            "multi:\n"
            "    echo 'q wo'\\''rld $x' \"d wo'rld \\$x\" $(( 3 + 1 ))\n"
            "    cat <<EOF\n"
            "    here wo'rld \\$x\n"
            "    EOF\n"
            "    echo '<output of up.url>'\n"
            "c: echo 'wo'\\''rld $x' '--u=<output of up.url>' plain\n");
  EXPECT_EQ(r.out.find("SLUICE_V_"), std::string::npos);
  EXPECT_EQ(r.err, "");
}

TEST_F(CliPlan, SetOverridesVarsBeforeTheGraphIsBuilt) {
  write("sluice.yaml", kDemo);
  auto r = run({"--set", "out=elsewhere", "graph", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  std::string out = j["tasks"][0]["outputs"][0];
  EXPECT_TRUE(out.ends_with("/elsewhere/raw.json")) << out;
  EXPECT_EQ(j["tasks"][1]["needs"], nlohmann::json::array({"fetch"}));
}

TEST_F(CliPlan, SchemaIsJson) {
  auto r = run({"schema"});
  EXPECT_EQ(r.code, 0);
  auto j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j.is_object());
  EXPECT_TRUE(j.contains("properties"));
}

TEST_F(CliPlan, RunIsRegistered) {
  write("sluice.yaml", kDemo);
  auto r = run({"run", "--help"});
  EXPECT_EQ(r.code, 0);
}

}  // namespace
