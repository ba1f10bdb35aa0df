// build_graph, Graph::select and the exports, on pipelines built in code.
#include "sluice/graph.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sluice {
namespace {

// Builds a Pipeline as the loader would: task i's key at line 10*i+1, its
// j-th need at line 10*i+2+j column 7, its j-th output at line 10*i+6+j.
class Builder {
 public:
  Builder() {
    p.name = "demo";
    p.file = "demo.yaml";
    p.dir = "/w";
    p.files = {"demo.yaml"};
  }
  Task& add(const std::string& name, std::vector<std::string> needs = {},
            std::vector<std::string> inputs = {}, std::vector<std::string> outputs = {}) {
    Task t;
    t.name = name;
    auto i = static_cast<std::uint32_t>(p.tasks.size());
    t.pos = {0, 10 * i + 1, 3};
    for (std::uint32_t j = 0; j < needs.size(); ++j)
      t.needs.push_back({needs[j], {0, 10 * i + 2 + j, 7}, j});
    t.inputs = std::move(inputs);
    for (std::uint32_t j = 0; j < outputs.size(); ++j) {
      t.outputs.push_back(outputs[j]);
      t.output_pos.push_back({0, 10 * i + 6 + j, 9});
    }
    p.tasks.push_back(std::move(t));
    return p.tasks.back();
  }
  Pipeline p;
};

std::vector<TaskId> ids(std::span<const TaskId> s) { return {s.begin(), s.end()}; }

std::vector<std::string> headlines(const std::vector<Diagnostic>& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds) out.push_back(format_headline(d));
  return out;
}

TEST(BuildGraph, CsrHoldsEachEdgeOnceInFileOrder) {
  Builder b;
  b.add("c", {}, {}, {"/w/out/c"});
  b.add("a");
  b.add("x", {"a", "c", "a"}, {"/w/out/c"});
  b.add("y", {"x"});
  auto r = build_graph(b.p);
  ASSERT_TRUE(r.ok()) << format(r.diagnostics);
  EXPECT_EQ(r.graph.size(), 4u);
  EXPECT_EQ(ids(r.graph.dependencies(2)), (std::vector<TaskId>{0, 1}));
  EXPECT_EQ(ids(r.graph.dependencies(3)), (std::vector<TaskId>{2}));
  EXPECT_EQ(ids(r.graph.dependencies(0)), (std::vector<TaskId>{}));
  EXPECT_EQ(ids(r.graph.dependents(0)), (std::vector<TaskId>{2}));
  EXPECT_EQ(ids(r.graph.dependents(1)), (std::vector<TaskId>{2}));
  EXPECT_EQ(ids(r.graph.dependents(2)), (std::vector<TaskId>{3}));
}

TEST(BuildGraph, TopologicalOrderBreaksTiesByFileOrder) {
  Builder b;
  b.add("late", {"dep"});
  b.add("free");
  b.add("dep");
  b.add("free2");
  auto r = build_graph(b.p);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.graph.topological_order(), (std::vector<TaskId>{1, 2, 0, 3}));
}

TEST(BuildGraph, FileOrderIsTheOrderWhenEveryNeedComesEarlier) {
  Builder b;
  b.add("a");
  b.add("b", {"a"});
  b.add("c");
  b.add("d", {"c", "b"});
  auto r = build_graph(b.p);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.graph.topological_order(), (std::vector<TaskId>{0, 1, 2, 3}));
  b.add("e", {"e"});  // a self need is a cycle, not file order
  EXPECT_FALSE(build_graph(b.p).ok());
}

TEST(BuildGraph, ImplicitEdgesFromExactPathsAndGlobs) {
  Builder b;
  b.add("gen_a", {}, {}, {"/w/data/a.csv"});
  b.add("gen_b", {}, {}, {"/w/data/sub/b.csv"});
  b.add("gen_c", {}, {}, {"/w/data/c.txt"});
  b.add("flat", {}, {"/w/data/*.csv"});
  b.add("deep", {}, {"/w/data/**/*.csv"});
  b.add("one", {}, {"/w/data/?.txt"});
  b.add("set", {}, {"/w/data/[ab].csv"});
  b.add("exact", {}, {"/w/data/c.txt", "/w/elsewhere"});
  b.add("self", {}, {"/w/self/*"}, {"/w/self/x"});
  auto r = build_graph(b.p);
  ASSERT_TRUE(r.ok()) << format(r.diagnostics);
  EXPECT_EQ(ids(r.graph.dependencies(3)), (std::vector<TaskId>{0}));
  EXPECT_EQ(ids(r.graph.dependencies(4)), (std::vector<TaskId>{0, 1}));
  EXPECT_EQ(ids(r.graph.dependencies(5)), (std::vector<TaskId>{2}));
  EXPECT_EQ(ids(r.graph.dependencies(6)), (std::vector<TaskId>{0}));
  EXPECT_EQ(ids(r.graph.dependencies(7)), (std::vector<TaskId>{2}));
  EXPECT_TRUE(r.graph.dependencies(8).empty()) << "a task reading its own output is no edge";
}

TEST(BuildGraph, OutputDeclaredTwiceIsReportedAtTheSecondWithANote) {
  Builder b;
  b.add("a", {}, {}, {"/w/out/x"});
  b.add("b", {}, {}, {"/w/out/y", "/w/out/x"});
  b.add("c", {}, {}, {"/elsewhere/z", "/elsewhere/z"});
  auto r = build_graph(b.p);
  ASSERT_EQ(r.diagnostics.size(), 2u);
  EXPECT_EQ(format(r.diagnostics[0]),
            "demo.yaml:17:9: tasks.b.outputs[1]: output 'out/x' is also declared by task 'a'\n"
            "demo.yaml:6:9: note: 'out/x' first declared here by task 'a'\n");
  EXPECT_EQ(format_headline(r.diagnostics[1]),
            "demo.yaml:27:9: tasks.c.outputs[1]: output '/elsewhere/z' is listed twice");
}

TEST(BuildGraph, CycleIsReportedAtTheNeedThatClosesIt) {
  Builder b;
  b.add("a", {"b"});
  b.add("b", {"c"});
  b.add("c", {"a"});
  b.add("d", {"c"});
  auto r = build_graph(b.p);
  EXPECT_EQ(headlines(r.diagnostics),
            (std::vector<std::string>{"demo.yaml:22:7: tasks.c.needs[0]: cycle: a -> b -> c -> a"}));
}

TEST(BuildGraph, OneDiagnosticPerCycleAndSelfNeeds) {
  Builder b;
  b.add("a", {"b"});
  b.add("b", {"a"});
  b.add("ok");
  b.add("s", {"ok", "s"});
  b.add("x", {"y"});
  b.add("y", {"x", "a"});
  auto r = build_graph(b.p);
  EXPECT_EQ(headlines(r.diagnostics),
            (std::vector<std::string>{"demo.yaml:12:7: tasks.b.needs[0]: cycle: a -> b -> a",
                                      "demo.yaml:33:7: tasks.s.needs[1]: cycle: s -> s",
                                      "demo.yaml:52:7: tasks.y.needs[0]: cycle: x -> y -> x"}));
}

TEST(BuildGraph, CycleThroughFilesNamesTheFile) {
  Builder b;
  b.add("a", {}, {"/w/out/b"}, {"/w/out/a"});
  b.add("b", {"a"}, {}, {"/w/out/b"});
  auto r = build_graph(b.p);
  EXPECT_EQ(headlines(r.diagnostics),
            (std::vector<std::string>{
                "demo.yaml:12:7: tasks.b.needs[0]: cycle: a -> b (via out/b) -> a"}));
}

TEST(BuildGraph, CycleOnlyThroughFilesIsReportedAtAnOutput) {
  Builder b;
  b.add("a", {}, {"/w/out/*"}, {"/w/out/a"});
  b.add("b", {}, {"/w/out/a"}, {"/w/out/b"});
  auto r = build_graph(b.p);
  EXPECT_EQ(headlines(r.diagnostics),
            (std::vector<std::string>{
                "demo.yaml:6:9: tasks.a.outputs[0]: cycle: a -> b (via out/b) -> a (via out/a)"}));
}

TEST(BuildGraph, UnknownNeedFromCodeIsADiagnostic) {
  Builder b;
  b.add("fetch");
  b.add("count", {"fetch", "fecth"});
  auto r = build_graph(b.p);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].path, "tasks.count.needs[1]");
  EXPECT_EQ(r.diagnostics[0].message, "unknown task 'fecth'");
  EXPECT_EQ(r.diagnostics[0].line, 13);
  EXPECT_EQ(r.diagnostics[0].hint, "did you mean 'fetch'?");
}

TEST(BuildGraph, MatrixExpansionsSharingAPlaceReportOnce) {
  Builder b;
  b.add("gen", {}, {}, {"/w/o"});
  Task& x = b.add("build[os=a]", {}, {}, {"/w/o"});
  x.edit_extras().base = "build";
  Task y = x;
  y.name = "build[os=b]";
  b.p.tasks.push_back(y);
  auto r = build_graph(b.p);
  EXPECT_EQ(headlines(r.diagnostics),
            (std::vector<std::string>{
                "demo.yaml:16:9: tasks.build.outputs[0]: output 'o' is also declared by task 'gen'"}));
}

TEST(BuildGraph, SourceLinesComeFromTheFile) {
  auto dir = std::filesystem::temp_directory_path() / ("sluice_graph_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  auto file = (dir / "p.yaml").string();
  {
    std::ofstream out(file);
    out << "tasks:\n  a:\n    needs: [b]\n  b:\n    needs: [a]\n";
  }
  Pipeline p;
  p.name = "p";
  p.file = file;
  p.dir = dir.string();
  p.files = {file};
  Task a;
  a.name = "a";
  a.needs.push_back({"b", {0, 3, 13}, 0});
  Task bt;
  bt.name = "b";
  bt.needs.push_back({"a", {0, 5, 13}, 0});
  p.tasks = {a, bt};
  auto r = build_graph(p);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].source_line, "    needs: [a]");
  EXPECT_EQ(format(r.diagnostics[0]), file + ":5:13: tasks.b.needs[0]: cycle: a -> b -> a\n" +
                                          "      needs: [a]\n" + "              ^\n");
  std::filesystem::remove_all(dir);
}

TEST(BuildGraph, HundredThousandTaskChainNeedsNoRecursion) {
  constexpr std::uint32_t kN = 100000;
  Pipeline p;
  p.name = "chain";
  p.file = "chain.yaml";
  p.files = {"chain.yaml"};
  p.tasks.resize(kN);
  for (std::uint32_t i = 0; i < kN; ++i) {
    p.tasks[i].name = "t" + std::to_string(i);
    if (i > 0) p.tasks[i].needs.push_back({"t" + std::to_string(i - 1), {0, i + 1, 5}, 0});
  }
  auto r = build_graph(p);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.graph.topological_order().size(), kN);
  EXPECT_EQ(r.graph.topological_order().front(), 0u);
  EXPECT_EQ(r.graph.topological_order().back(), kN - 1);
  std::vector<Diagnostic> errors;
  EXPECT_EQ(r.graph.select(p, {"t99999"}, "/", errors).size(), kN);

  // Closing it into one 100,000-task cycle: one diagnostic, both ends shown.
  p.tasks[0].needs.push_back({"t99999", {0, 1, 9}, 0});
  auto c = build_graph(p);
  ASSERT_EQ(c.diagnostics.size(), 1u);
  EXPECT_EQ(c.diagnostics[0].path, "tasks.t1.needs[0]");
  EXPECT_EQ(c.diagnostics[0].message,
            "cycle: t0 -> t99999 -> t99998 -> t99997 -> t99996 -> t99995 -> t99994 -> t99993 -> "
            "t99992 -> ... (99988 more) -> t3 -> t2 -> t1 -> t0");
}

TEST(Select, TargetsAreNamesMatrixBasesOrOutputsWithTheirClosure) {
  Builder b;
  b.add("fetch", {}, {}, {"/w/raw.json"});
  b.add("other");
  Task& m1 = b.add("build[os=a]", {"fetch"});
  m1.edit_extras().base = "build";
  Task& m2 = b.add("build[os=b]", {}, {"/w/raw.json"}, {"/w/out/b.bin"});
  m2.edit_extras().base = "build";
  b.add("report", {}, {"/w/out/b.bin"});
  auto r = build_graph(b.p);
  ASSERT_TRUE(r.ok()) << format(r.diagnostics);
  std::vector<Diagnostic> errors;
  EXPECT_EQ(r.graph.select(b.p, {"build"}, "/w", errors), (std::vector<TaskId>{0, 2, 3}));
  EXPECT_EQ(r.graph.select(b.p, {"out/b.bin"}, "/w", errors), (std::vector<TaskId>{0, 3}));
  EXPECT_EQ(r.graph.select(b.p, {"../b.bin", "other"}, "/w/out/x", errors),
            (std::vector<TaskId>{0, 1, 3}));
  EXPECT_EQ(r.graph.select(b.p, {"report"}, "/", errors), (std::vector<TaskId>{0, 3, 4}));
  EXPECT_TRUE(errors.empty());
  EXPECT_TRUE(r.graph.select(b.p, {"repotr"}, "/w", errors).empty());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].file, "demo.yaml");
  EXPECT_EQ(errors[0].message,
            "unknown target 'repotr': not a task, a matrix task or a declared output");
  EXPECT_EQ(errors[0].hint, "did you mean 'report'?");
  errors.clear();
  r.graph.select(b.p, {"buidl"}, "/w", errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].hint, "did you mean 'build'?");
}

TEST(Export, DotMermaidAndJson) {
  Builder b;
  b.add("fetch", {}, {}, {"/w/raw"});
  Task& t = b.add("build[os=\"x\"]", {"fetch"});
  t.edit_extras().base = "build";
  t.edit_extras().pool = "net";
  t.edit_extras().matrix = {{"os", "\"x\""}};
  auto r = build_graph(b.p);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.graph.to_dot(b.p),
            "digraph \"demo\" {\n  rankdir=LR;\n  \"fetch\";\n  \"build[os=\\\"x\\\"]\";\n"
            "  \"fetch\" -> \"build[os=\\\"x\\\"]\";\n}\n");
  EXPECT_EQ(r.graph.to_mermaid(b.p),
            "flowchart LR\n  t0[\"fetch\"]\n  t1[\"build[os=#34;x#34;]\"]\n  t0 --> t1\n");
  auto j = nlohmann::json::parse(r.graph.to_json(b.p));
  EXPECT_EQ(j["name"], "demo");
  ASSERT_EQ(j["tasks"].size(), 2u);
  EXPECT_EQ(j["tasks"][1]["name"], "build[os=\"x\"]");
  EXPECT_EQ(j["tasks"][1]["base"], "build");
  EXPECT_EQ(j["tasks"][1]["needs"], nlohmann::json::array({"fetch"}));
  EXPECT_EQ(j["tasks"][1]["pool"], "net");
  EXPECT_TRUE(j["tasks"][0]["pool"].is_null());
  EXPECT_EQ(j["tasks"][0]["outputs"], nlohmann::json::array({"/w/raw"}));
  EXPECT_EQ(j["order"], nlohmann::json::array({"fetch", "build[os=\"x\"]"}));
  EXPECT_TRUE(j["tasks"][1]["stdin_from"].is_null());
}

// Mermaid reads `#...;` as an entity code and renders labels as HTML: each
// of " # & < > becomes its numeric code, so the label shows as written.
TEST(Export, MermaidLabelsEscapeEntitiesAndMarkup) {
  Builder b;
  b.add("g[v=<b>&amp;#quot;\"]");
  auto r = build_graph(b.p);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.graph.to_mermaid(b.p),
            "flowchart LR\n  t0[\"g[v=#60;b#62;#38;amp;#35;quot;#34;]\"]\n");
}

// `stdin: {task: X}`: X's stdout feeds the reader while both run. Not a
// dependency, so each format draws it apart from `needs` edges.
TEST(Export, StreamEdgesInEveryFormat) {
  Builder b;
  b.add("prep");
  b.add("produce", {"prep"});
  Task& reader = b.add("consume", {"prep"});
  reader.edit_extras().stdin_spec.kind = StdinSpec::Kind::Task;
  reader.edit_extras().stdin_spec.path = "produce";
  auto r = build_graph(b.p);
  ASSERT_TRUE(r.ok()) << format(r.diagnostics);
  EXPECT_EQ(r.graph.to_dot(b.p),
            "digraph \"demo\" {\n  rankdir=LR;\n  \"prep\";\n  \"produce\";\n  \"consume\";\n"
            "  \"prep\" -> \"produce\";\n  \"prep\" -> \"consume\";\n"
            "  \"produce\" -> \"consume\" [style=dashed, label=\"stdout\"];\n}\n");
  EXPECT_EQ(r.graph.to_mermaid(b.p),
            "flowchart LR\n  t0[\"prep\"]\n  t1[\"produce\"]\n  t2[\"consume\"]\n"
            "  t0 --> t1\n  t0 --> t2\n  t1 -. stdout .-> t2\n");
  auto j = nlohmann::json::parse(r.graph.to_json(b.p));
  EXPECT_EQ(j["tasks"][2]["stdin_from"], "produce");
  EXPECT_EQ(j["tasks"][2]["needs"], nlohmann::json::array({"prep"})) << "a stream is not a need";
  EXPECT_TRUE(j["tasks"][1]["stdin_from"].is_null());
}


void reads(Task& consumer, const std::string& producer, std::uint32_t line) {
  consumer.edit_extras().stdin_spec.kind = StdinSpec::Kind::Task;
  consumer.edit_extras().stdin_spec.path = producer;
  consumer.edit_extras().stdin_spec.pos = {0, line, 30};
}

TEST(StreamEdges, AreTheirOwnEdgeKindNotDependencies) {
  Builder b;
  b.add("p");
  reads(b.add("c1"), "p", 11);
  reads(b.add("c2"), "p", 21);
  auto r = build_graph(b.p);
  ASSERT_TRUE(r.ok()) << format(r.diagnostics);
  EXPECT_TRUE(r.graph.has_streams());
  EXPECT_EQ(r.graph.producer(1), 0u);
  EXPECT_EQ(r.graph.producer(0), Graph::kNoTask);
  EXPECT_EQ(ids(r.graph.consumers(0)), (std::vector<TaskId>{1, 2}));
  EXPECT_TRUE(r.graph.dependencies(1).empty());
}

TEST(StreamEdges, AGroupIsOrderedAsOneNode) {
  Builder b;
  reads(b.add("c", {"setup"}), "p", 1);  // 0
  b.add("after", {"c"});                  // 1
  b.add("p");                             // 2
  b.add("setup");                         // 3
  auto r = build_graph(b.p);
  ASSERT_TRUE(r.ok()) << format(r.diagnostics);
  // The group {c, p} waits for setup, its members side by side.
  EXPECT_EQ(r.graph.topological_order(), (std::vector<TaskId>{3, 0, 2, 1}));
}

TEST(StreamEdges, SelectingAConsumerBringsItsProducerAndItsNeeds) {
  Builder b;
  b.add("prep");
  b.add("p", {"prep"});
  reads(b.add("c"), "p", 21);
  b.add("other");
  auto r = build_graph(b.p);
  ASSERT_TRUE(r.ok());
  std::vector<Diagnostic> errors;
  EXPECT_EQ(r.graph.select(b.p, {"c"}, "/w", errors), (std::vector<TaskId>{0, 1, 2}));
  EXPECT_EQ(r.graph.select(b.p, {"p"}, "/w", errors), (std::vector<TaskId>{0, 1}))
      << "a producer does not bring its consumers";
}

TEST(StreamEdges, CyclesThroughGroupsAndNeedsInsideThemAreReported) {
  Builder b;
  b.add("a", {"c"});            // 0: line 1, needs at line 2
  reads(b.add("b"), "a", 15);   // 1
  b.add("c", {"b"});            // 2
  auto r = build_graph(b.p);
  EXPECT_EQ(headlines(r.diagnostics),
            (std::vector<std::string>{
                "demo.yaml:15:30: tasks.b.stdin.task: cycle of needs and stream edges: 'a', 'b', "
                "'c' wait for each other (tasks joined by a stream start together)"}));

  Builder loop;
  reads(loop.add("x"), "y", 5);
  reads(loop.add("y"), "x", 15);
  r = build_graph(loop.p);
  EXPECT_EQ(headlines(r.diagnostics),
            (std::vector<std::string>{"demo.yaml:15:30: tasks.y.stdin.task: cycle of stream "
                                      "edges: 'y' reads 'x', which already reads (through "
                                      "stream edges) 'y'"}));

  Builder inside;
  inside.add("p");
  reads(inside.add("q"), "p", 15);
  reads(inside.add("r", {"p"}), "q", 25);
  r = build_graph(inside.p);
  EXPECT_EQ(headlines(r.diagnostics),
            (std::vector<std::string>{"demo.yaml:22:7: tasks.r.needs[0]: 'r' waits for 'p', but "
                                      "stream edges make them run at the same time"}));
}

}  // namespace
}  // namespace sluice
