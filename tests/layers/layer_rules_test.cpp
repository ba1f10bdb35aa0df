// The layer check on small fake trees: each rule of layers.txt is shown to
// catch its violation, with the exact message, and to pass a clean tree.
#include "layers/layer_rules.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <string>

namespace sluice::layers {
namespace {

namespace fs = std::filesystem;
using Lines = std::vector<std::string>;

constexpr const char* kRules = R"(# a comment
spec:
graph: spec   # after a rule
runtime:
sinks: runtime spec
engine: sinks runtime graph spec
cli:
private uv.h: runtime
private yaml-cpp/: spec
private nlohmann/: spec graph
)";

LayerRules rules_from(const std::string& text) {
  auto parsed = parse_layer_rules(text, "layers.txt");
  EXPECT_EQ(parsed.errors, Lines{});
  return parsed.rules;
}

/// A temporary orchestrator/ directory, removed at the end of the test.
class FakeTree : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "sluice-layers-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    top_ = pattern;
    root_ = top_ / "orchestrator";
    write("src/spec/loader.cpp", "#include \"spec/loader.hpp\"\n#include <yaml-cpp/parser.h>\n");
    write("src/spec/loader.hpp", "#include <string>\n#include \"sluice/pipeline.hpp\"\n");
    write("src/graph/graph.cpp", "#include \"spec/loader.hpp\"\n#include \"local.hpp\"\n");
    write("src/runtime/loop.hpp", "#include <uv.h>\n");
    write("src/sinks/console.cpp", "#include \"runtime/loop.hpp\"\n#include <sys/wait.h>\n");
    write("src/engine/run.cpp", "#include \"sinks/console.hpp\"\n#include \"graph/graph.hpp\"\n");
    write("cli/main.cpp", "#include \"sluice/run.hpp\"\n#include \"options.hpp\"\n");
    write("include/sluice/run.hpp", "#include \"sluice/pipeline.hpp\"\n");
  }
  void TearDown() override { fs::remove_all(top_); }

  void write(const std::string& path, const std::string& text) {
    fs::create_directories((root_ / path).parent_path());
    std::ofstream(root_ / path) << text;
  }
  Lines check(const std::string& rules = kRules) {
    return check_tree(rules_from(rules), root_, "layers.txt").violations;
  }

  fs::path top_;
  fs::path root_;
};

TEST(ParseLayerRules, ReadsArrowsPrivateHeadersAndExceptions) {
  const auto rules = rules_from(std::string(kRules) + "allow orchestrator/cli/a.cpp: spec/x.hpp\n");
  EXPECT_EQ(rules.order, (Lines{"spec", "graph", "runtime", "sinks", "engine", "cli"}));
  EXPECT_EQ(rules.may_include.at("engine"), (Lines{"sinks", "runtime", "graph", "spec"}));
  EXPECT_EQ(rules.may_include.at("spec"), Lines{});
  ASSERT_EQ(rules.private_headers.size(), 3u);
  EXPECT_EQ(rules.private_headers[1].header, "yaml-cpp/");
  EXPECT_EQ(rules.private_headers[1].layers, Lines{"spec"});
  EXPECT_EQ(rules.private_headers[2].layers, (Lines{"spec", "graph"}));
  ASSERT_EQ(rules.exceptions.size(), 1u);
  EXPECT_EQ(rules.exceptions[0].file, "orchestrator/cli/a.cpp");
  EXPECT_EQ(rules.exceptions[0].header, "spec/x.hpp");
  EXPECT_EQ(rules.exceptions[0].line, 11);
}

TEST(ParseLayerRules, ReportsEachBadLine) {
  const auto parsed = parse_layer_rules(
      "spec:\n"
      "graph: spec engine\n"
      "engine: graph\n"
      "spec: graph\n"
      "sinks: cli\n"
      "what is this\n"
      "private uv.h: nosuch\n"
      "allow orchestrator/cli/a.cpp:\n",
      "layers.txt");
  EXPECT_EQ(parsed.errors,
            (Lines{
                "layers.txt:2: 'engine' is not a layer defined above graph (lower layers come "
                "first)",
                "layers.txt:4: layer 'spec' is defined twice",
                "layers.txt:5: 'cli' is not a layer defined above sinks (lower layers come first)",
                "layers.txt:6: cannot read this line (expected 'LAYER: LAYERS...', 'private "
                "HEADER: LAYERS...' or 'allow FILE: HEADER')",
                "layers.txt:8: cannot read this line (expected 'LAYER: LAYERS...', 'private "
                "HEADER: LAYERS...' or 'allow FILE: HEADER')",
                "layers.txt:7: 'nosuch' is not a layer",
            }));
}

TEST_F(FakeTree, CleanTreePasses) {
  const auto result = check_tree(rules_from(kRules), root_, "layers.txt");
  EXPECT_EQ(result.violations, Lines{});
  EXPECT_EQ(result.files, 8);
}

TEST_F(FakeTree, IncludeAcrossAForbiddenArrowFails) {
  write("src/spec/bad.cpp", "// up\n#include \"sinks/console.hpp\"\n");
  write("src/sinks/bad.hpp", "#include \"engine/run.hpp\"\n#include \"graph/graph.hpp\"\n");
  EXPECT_EQ(check(), (Lines{
                         "orchestrator/src/sinks/bad.hpp:1: includes \"engine/run.hpp\": sinks "
                         "may not include engine (sinks may include: runtime, spec, sluice/)",
                         "orchestrator/src/sinks/bad.hpp:2: includes \"graph/graph.hpp\": sinks "
                         "may not include graph (sinks may include: runtime, spec, sluice/)",
                         "orchestrator/src/spec/bad.cpp:2: includes \"sinks/console.hpp\": spec "
                         "may not include sinks (spec may include: sluice/)",
                     }));
}

TEST_F(FakeTree, AnArrowIsNotTransitive) {
  // engine may include sinks, and sinks runtime; graph may include spec only.
  write("src/graph/bad.cpp", "#include <runtime/loop.hpp>\n");
  EXPECT_EQ(check(), Lines{"orchestrator/src/graph/bad.cpp:1: includes <runtime/loop.hpp>: graph "
                           "may not include runtime (graph may include: spec, sluice/)"});
}

TEST_F(FakeTree, PrivateHeadersStayInTheirLayer) {
  write("src/sinks/uv_use.cpp", "  #  include <uv.h>\n");
  write("src/graph/yaml_use.cpp", "#include <yaml-cpp/parser.h>\n");
  write("include/sluice/leak.hpp", "#include \"uv.h\"\n#include <yaml-cpp/yaml.h>\n");
  write("src/sinks/json.cpp", "#include <nlohmann/json.hpp>\n");
  write("src/graph/json.cpp", "#include <nlohmann/json.hpp>\n");
  EXPECT_EQ(check(), (Lines{
                         "orchestrator/src/graph/yaml_use.cpp:1: includes <yaml-cpp/parser.h>: "
                         "private to spec",
                         "orchestrator/src/sinks/json.cpp:1: includes <nlohmann/json.hpp>: "
                         "private to spec, graph",
                         "orchestrator/src/sinks/uv_use.cpp:1: includes <uv.h>: private to runtime",
                         "orchestrator/include/sluice/leak.hpp:1: includes \"uv.h\": private to "
                         "runtime",
                         "orchestrator/include/sluice/leak.hpp:2: includes <yaml-cpp/yaml.h>: "
                         "private to spec",
                     }));
}

TEST_F(FakeTree, PublicHeadersIncludeOnlyTheVocabulary) {
  write("include/sluice/bad.hpp", "#include \"spec/loader.hpp\"\n");
  EXPECT_EQ(check(), Lines{"orchestrator/include/sluice/bad.hpp:1: includes \"spec/loader.hpp\": "
                           "include/sluice may not include spec (include/sluice may include: "
                           "sluice/)"});
}

TEST_F(FakeTree, CliUsesOnlyThePublicApiUnlessAnExceptionSaysSo) {
  write("cli/cmd_run.cpp", "#include \"spec/loader.hpp\"\n#include \"../src/engine/run.hpp\"\n");
  EXPECT_EQ(check(), (Lines{
                         "orchestrator/cli/cmd_run.cpp:1: includes \"spec/loader.hpp\": cli may "
                         "not include spec (cli may include: sluice/)",
                         "orchestrator/cli/cmd_run.cpp:2: includes \"../src/engine/run.hpp\": a "
                         "relative path leaves the layer",
                     }));
  const std::string allowed = std::string(kRules) +
                              "allow orchestrator/cli/cmd_run.cpp: spec/loader.hpp\n"
                              "allow orchestrator/cli/cmd_run.cpp: ../src/engine/run.hpp\n";
  EXPECT_EQ(check(allowed), Lines{});
}

TEST_F(FakeTree, AnExceptionNoLongerNeededFails) {
  EXPECT_EQ(check(std::string(kRules) + "allow orchestrator/cli/main.cpp: spec/loader.hpp\n"),
            Lines{"layers.txt:11: exception not needed: orchestrator/cli/main.cpp does not "
                  "include \"spec/loader.hpp\"; remove it"});
}

TEST_F(FakeTree, ALayerMissingFromTheRulesFails) {
  write("src/actions/copy.cpp", "#include \"runtime/loop.hpp\"\n");
  write("src/graph/up.cpp", "#include \"actions/copy.hpp\"\n");
  EXPECT_EQ(check(), (Lines{
                         "orchestrator/src/actions/: 'actions' is not a layer in layers.txt",
                         "orchestrator/src/graph/up.cpp:1: includes \"actions/copy.hpp\": graph "
                         "may not include actions (graph may include: spec, sluice/)",
                     }));
}

TEST(RepositoryLayers, ParseWithoutErrors) {
  std::ifstream in(std::string(SLUICE_SOURCE_DIR) + "/orchestrator/layers.txt");
  ASSERT_TRUE(in);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto parsed = parse_layer_rules(text, "layers.txt");
  EXPECT_EQ(parsed.errors, Lines{});
  EXPECT_EQ(parsed.rules.may_include.at("cli"), Lines{});
  EXPECT_EQ(parsed.rules.order.front(), "spec");
}

}  // namespace
}  // namespace sluice::layers
