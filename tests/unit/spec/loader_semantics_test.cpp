// What a valid pipeline file means once loaded: includes, defaults, matrix
// expansion, vars and `--set`, templates in scripts, paths, dotenv, secrets.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "unit/spec/loader_test_util.hpp"

namespace sluice {
namespace {

namespace fs = std::filesystem;
using test::headlines;
using test::load_errors;

/// A fresh directory under the system temp dir, removed at the end.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "sluice-loader-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string write(const std::string& name, const std::string& text) const {
    fs::path p = fs::path(path_) / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

const Task* find(const Pipeline& p, std::string_view name) {
  auto id = p.find(name);
  return id ? &p.tasks[*id] : nullptr;
}

std::vector<std::string> need_names(const Task& t) {
  std::vector<std::string> out;
  for (const auto& n : t.needs) out.push_back(n.task);
  return out;
}

TEST(LoaderSemantics, IncludeCycleNamesTheChain) {
  TempDir dir;
  std::string main = dir.write("main.yaml", "include: [a.yaml]\ntasks:\n  m: {run: x}\n");
  dir.write("a.yaml", "include: [sub/b.yaml]\ntasks:\n  a: {run: x}\n");
  dir.write("sub/b.yaml", "include: [../main.yaml]\ntasks:\n  b: {run: x}\n");
  auto r = load_pipeline_file(main);
  std::string prefix = dir.path() + "/";
  EXPECT_EQ(headlines(r), prefix + "sub/b.yaml:1:11: include[0]: include cycle: " + prefix +
                              "main.yaml -> " + prefix + "a.yaml -> " + prefix + "sub/b.yaml -> " +
                              prefix + "main.yaml\n");
}

TEST(LoaderSemantics, TaskDefinedTwiceAcrossIncludeCitesBoth) {
  TempDir dir;
  std::string main = dir.write("main.yaml", "include: [common.yaml]\ntasks:\n  build: {run: x}\n");
  dir.write("common.yaml", "tasks:\n  lint: {run: y}\n  build: {run: z}\n");
  auto r = load_pipeline_file(main);
  ASSERT_EQ(r.diagnostics.size(), 1u) << headlines(r);
  EXPECT_EQ(format(r.diagnostics[0]), main +
                                          ":3:3: tasks.build: task 'build' is defined twice\n"
                                          "    build: {run: x}\n"
                                          "    ^\n" +
                                          dir.path() +
                                          "/common.yaml:3:3: note: first defined here\n");
}

TEST(LoaderSemantics, IncludedTasksJoinInOrderWithTheirOwnWorkingDir) {
  TempDir dir;
  std::string main =
      dir.write("main.yaml", "include: [lib/common.yaml]\ntasks:\n  m: {run: x, needs: [c]}\n");
  dir.write("lib/common.yaml", "env: {LIB: 1}\ntasks:\n  c: {run: y, outputs: [out.txt]}\n");
  auto r = load_pipeline_file(main);
  ASSERT_TRUE(r.ok()) << headlines(r);
  ASSERT_EQ(r.pipeline.tasks.size(), 2u);
  EXPECT_EQ(r.pipeline.tasks[0].name, "c");
  EXPECT_EQ(r.pipeline.tasks[0].working_dir, dir.path() + "/lib");
  EXPECT_EQ(r.pipeline.tasks[0].outputs, std::vector<std::string>{dir.path() + "/lib/out.txt"});
  EXPECT_EQ(r.pipeline.tasks[0].pos.file, 1u);
  EXPECT_EQ(r.pipeline.tasks[0].env.size(), 1u);
  EXPECT_EQ(r.pipeline.tasks[1].working_dir, dir.path());
  EXPECT_TRUE(r.pipeline.tasks[1].env.empty());
  EXPECT_EQ(r.pipeline.files, (std::vector<std::string>{main, dir.path() + "/lib/common.yaml"}));
}

TEST(LoaderSemantics, DefaultsReplaceWholeExceptEnvWhichMerges) {
  auto r = detail::load_pipeline_string_with_not_built(
      "env: {A: top, B: top}\n"
      "defaults:\n"
      "  timeout: 10m\n"
      "  retry: {limit: 3, delay: 2s}\n"
      "  env: {B: default, C: default}\n"
      "tasks:\n"
      "  plain: {run: x}\n"
      "  own:\n"
      "    run: x\n"
      "    retry: {limit: 1}\n"
      "    env: {C: own}\n"
      "  svc:\n"
      "    run: x\n"
      "    service: {ready: {delay: 1s}}\n",
      "p.yaml");
  ASSERT_TRUE(r.ok()) << headlines(r);
  const Task* plain = find(r.pipeline, "plain");
  const Task* own = find(r.pipeline, "own");
  const Task* svc = find(r.pipeline, "svc");
  ASSERT_TRUE(plain && own && svc);
  EXPECT_EQ(plain->timeout, std::chrono::minutes(10));
  EXPECT_EQ(plain->extras().retry.limit, 3);
  EXPECT_EQ(plain->extras().retry.delay, std::chrono::seconds(2));
  EXPECT_EQ(own->extras().retry.limit, 1);
  EXPECT_EQ(own->extras().retry.delay, std::chrono::seconds(1))
      << "the task's retry replaces the default whole";
  auto env_of = [](const Task& t) {
    std::string s;
    for (const auto& [k, v] : t.env) s += k + "=" + v.parts()[0].text + ";";
    return s;
  };
  EXPECT_EQ(env_of(*plain), "A=top;B=default;C=default;");
  EXPECT_EQ(env_of(*own), "A=top;B=default;C=own;");
  EXPECT_FALSE(svc->timeout.has_value()) << "a defaulted timeout does not apply to services";
  EXPECT_TRUE(svc->extras().service.has_value());
}

TEST(LoaderSemantics, MatrixExpansionNamesAndNeedsOfABase) {
  auto r = load_pipeline_string(
      "tasks:\n"
      "  build:\n"
      "    matrix: {os: [linux, mac], v: [\"1.10\", 2]}\n"
      "    cmd: [make, \"OS=${{ matrix.os }}\", \"${{ task.name }}\"]\n"
      "  test:\n"
      "    matrix: {os: [linux, mac]}\n"
      "    needs: [\"build[os=${{ matrix.os }},v=2]\"]\n"
      "    run: x\n"
      "  all:\n"
      "    needs: [build, build]\n"
      "    run: x\n",
      "p.yaml");
  ASSERT_TRUE(r.ok()) << headlines(r);
  std::vector<std::string> names;
  for (const auto& t : r.pipeline.tasks) names.push_back(t.name);
  EXPECT_EQ(names, (std::vector<std::string>{"build[os=linux,v=1.10]", "build[os=linux,v=2]",
                                             "build[os=mac,v=1.10]", "build[os=mac,v=2]",
                                             "test[os=linux]", "test[os=mac]", "all"}));
  const Task* b = find(r.pipeline, "build[os=mac,v=1.10]");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->base(), "build");
  EXPECT_EQ(b->cmd[1].parts()[0].text, "OS=mac");
  EXPECT_EQ(b->cmd[2].parts()[0].text, "build[os=mac,v=1.10]");
  EXPECT_EQ(need_names(*find(r.pipeline, "test[os=mac]")),
            std::vector<std::string>{"build[os=mac,v=2]"});
  const Task* all = find(r.pipeline, "all");
  EXPECT_EQ(need_names(*all),
            (std::vector<std::string>{"build[os=linux,v=1.10]", "build[os=linux,v=2]",
                                      "build[os=mac,v=1.10]", "build[os=mac,v=2]"}));
  EXPECT_EQ(all->needs[0].index, 0u);
  EXPECT_EQ(all->needs[0].pos.line, 10u);
  EXPECT_EQ(all->needs[0].pos.column, 13u);
}

TEST(LoaderSemantics, VarsReferenceVarsWithoutRescanning) {
  auto r = load_pipeline_string(
      "vars:\n"
      "  path: ${{ vars.root }}/${{ vars.name }}\n"
      "  root: /data\n"
      "  name: $${{ not.a.ref }}\n"
      "tasks:\n  a: {cmd: [\"${{ vars.path }}\"]}\n",
      "p.yaml");
  ASSERT_TRUE(r.ok()) << headlines(r);
  EXPECT_EQ(r.pipeline.tasks[0].cmd[0].parts()[0].text, "/data/${{ not.a.ref }}");
}

TEST(LoaderSemantics, VarsCycleIsAnError) {
  EXPECT_EQ(load_errors("vars:\n  a: ${{ vars.b }}\n  b: x${{ vars.a }}\ntasks:\n  t: {run: x}\n"),
            "p.yaml:2:6: vars.a: vars cycle: a -> b -> a\n");
}

TEST(LoaderSemantics, SetOverridesVars) {
  LoadOptions o;
  o.set = {{"out", "dist"}, {"extra", "${{ vars.out }}"}};
  auto r = load_pipeline_string(
      "vars: {out: build, dir: \"${{ vars.out }}/x\", extra: e}\n"
      "tasks:\n  a: {cmd: [\"${{ vars.dir }}\", \"${{ vars.extra }}\"]}\n",
      "p.yaml", o);
  ASSERT_TRUE(r.ok()) << headlines(r);
  EXPECT_EQ(r.pipeline.tasks[0].cmd[0].parts()[0].text, "dist/x");
  EXPECT_EQ(r.pipeline.tasks[0].cmd[1].parts()[0].text, "${{ vars.out }}")
      << "--set values are literal";
  EXPECT_EQ(r.pipeline.vars,
            (std::vector<std::pair<std::string, std::string>>{
                {"out", "dist"}, {"dir", "dist/x"}, {"extra", "${{ vars.out }}"}}));
}

// A --set of a var the file does not define would be a silent no-op.
TEST(LoaderSemantics, SetOfAnUnknownVarIsAnError) {
  LoadOptions o;
  o.set = {{"ot", "dist"}};
  auto r = load_pipeline_string("vars: {out: build}\ntasks:\n  a: {cmd: [x]}\n", "p.yaml", o);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(format(r.diagnostics), "p.yaml: --set ot: no such var (did you mean 'out'?)\n");
}

// A value from outside the file must not move an output out of the tree
// (SPEC §3); literal paths and the file's own vars are the author's choice.
TEST(LoaderSemantics, AnOutsideValueMayNotMoveAnOutputOutOfTheTree) {
  ::setenv("SLUICE_TEST_ESCAPE", "/etc", 1);
  LoadOptions o;
  o.set = {{"dir", "../up"}};
  const std::string why =
      "would move an output out of the tree: a value from the environment or --set may not "
      "bring '..' or an absolute path into an output path\n";
  EXPECT_EQ(load_errors("vars: {dir: build}\n"
                        "tasks:\n"
                        "  a: {run: x, outputs: [\"${{ vars.dir }}/a.o\"]}\n"
                        "  b: {copy: {from: \"${{ vars.dir }}/in\", to: \"o/${{ env.SLUICE_TEST_ESCAPE }}\"}}\n",
                        o),
            "p.yaml:3:26: tasks.a.outputs[0]: the value of ${{ vars.dir }} ('../up') " + why +
                "p.yaml:4:49: tasks.b.copy.to: the value of ${{ env.SLUICE_TEST_ESCAPE }} ('/etc') " +
                why);
  EXPECT_EQ(load_errors("vars: {out: ../build, dir: a/..b/c}\n"
                        "tasks:\n"
                        "  a: {run: x, outputs: [../lit.o, /tmp/lit.o, \"${{ vars.out }}/x\"]}\n"
                        "  b: {run: x, outputs: [\"${{ vars.dir }}/y\"]}\n"),
            "");
  ::unsetenv("SLUICE_TEST_ESCAPE");
}

TEST(LoaderSemantics, RunScriptValuesLiveOutsideTheText) {
  auto r = load_pipeline_string(
      "vars: {x: \"a b'c\"}\n"
      "tasks:\n"
      "  up: {run: x}\n"
      "  a:\n"
      "    needs: [up]\n"
      "    run: echo ${{ vars.x }} '${{ vars.x }}' \"x=${{ tasks.up.outputs.url }}\"\n"
      "    if: test -n ${{ vars.x }}\n",
      "p.yaml");
  ASSERT_TRUE(r.ok()) << headlines(r);
  const Task& t = *find(r.pipeline, "a");
  EXPECT_EQ(t.shell, (std::vector<std::string>{"sh", "-c"}));
  EXPECT_EQ(t.run.text, "echo \"${SLUICE_V_1}\" ''\"${SLUICE_V_2}\"'' \"x=${SLUICE_V_3}\"");
  ASSERT_EQ(t.run.values.size(), 3u);
  EXPECT_EQ(t.run.values[0].first, "SLUICE_V_1");
  EXPECT_EQ(t.run.values[0].second.parts()[0].text, "a b'c");
  EXPECT_EQ(t.run.values[2].second.parts()[0].task, "up");
  EXPECT_EQ(t.run.values[2].second.parts()[0].key, "url");
  ASSERT_TRUE(t.extras().if_cmd.has_value());
  EXPECT_EQ(t.extras().if_cmd->text, "test -n \"${SLUICE_V_4}\"");
}

TEST(LoaderSemantics, RelativePathsResolveAgainstTheWorkingDir) {
  auto r = detail::load_pipeline_string_with_not_built(
      "tasks:\n"
      "  a:\n"
      "    working_dir: sub/../work\n"
      "    cmd: [x]\n"
      "    inputs: [\"in/*.csv\", /abs/in]\n"
      "    outputs: [./out/r.json]\n"
      "    stdout: {file: logs/a.log, append: true}\n"
      "    stdin: {file: in.txt}\n"
      "  b:\n"
      "    copy: {from: a, to: ../b}\n",
      "/proj/p.yaml");
  ASSERT_TRUE(r.ok()) << headlines(r);
  const Task& a = r.pipeline.tasks[0];
  EXPECT_EQ(r.pipeline.dir, "/proj");
  EXPECT_EQ(a.working_dir, "/proj/work");
  EXPECT_EQ(a.inputs, (std::vector<std::string>{"/proj/work/in/*.csv", "/abs/in"}));
  EXPECT_EQ(a.outputs, std::vector<std::string>{"/proj/work/out/r.json"});
  ASSERT_EQ(a.output_pos.size(), 1u);
  EXPECT_EQ(a.output_pos[0].line, 6u);
  EXPECT_EQ(a.output_pos[0].column, 15u);
  EXPECT_EQ(a.extras().stdout_spec.file, "/proj/work/logs/a.log");
  EXPECT_TRUE(a.extras().stdout_spec.append);
  EXPECT_EQ(a.extras().stdin_spec.path, "/proj/work/in.txt");
  const Task& b = r.pipeline.tasks[1];
  EXPECT_EQ(b.action, ActionKind::Copy);
  EXPECT_EQ(b.extras().file.from, std::vector<std::string>{"/proj/a"});
  EXPECT_EQ(b.extras().file.to, "/b");
}

TEST(LoaderSemantics, DotenvFilesThenEnvThenTaskEnv) {
  TempDir dir;
  dir.write("base.env", "# comment\nA=1\nB=\"two words\"\nexport C='lit $x'\nD=plain # trailing\n");
  dir.write("local.env", "A=2\n");
  std::string main = dir.write("p.yaml",
                               "dotenv: [base.env, local.env]\n"
                               "env: {D: env}\n"
                               "tasks:\n  a: {run: x, env: {E: \"${{ env.A }}-${{ env.C }}\"}}\n");
  auto r = load_pipeline_file(main);
  ASSERT_TRUE(r.ok()) << headlines(r);
  std::string s;
  for (const auto& [k, v] : r.pipeline.tasks[0].env) s += k + "=" + v.parts()[0].text + ";";
  EXPECT_EQ(s, "A=2;B=two words;C=lit $x;D=env;E=2-lit $x;");
}

TEST(LoaderSemantics, MissingDotenvIsAnError) {
  EXPECT_EQ(load_errors("dotenv: [nope.env]\ntasks:\n  a: {run: x}\n"),
            "p.yaml:1:10: dotenv[0]: cannot read 'nope.env': No such file or directory\n");
}

TEST(LoaderSemantics, SecretsAreReferencesNeverRead) {
  auto r = load_pipeline_string(
      "secrets:\n"
      "  TOKEN: {env: SLUICE_TEST_SURELY_UNSET_VAR}\n"
      "  KEY: {file: keys/api.key}\n"
      "tasks:\n  a: {run: x}\n",
      "/proj/p.yaml");
  ASSERT_TRUE(r.ok()) << headlines(r);
  ASSERT_EQ(r.pipeline.secrets.size(), 2u);
  EXPECT_EQ(r.pipeline.secrets[0].source, Secret::Source::Env);
  EXPECT_EQ(r.pipeline.secrets[0].ref, "SLUICE_TEST_SURELY_UNSET_VAR");
  EXPECT_EQ(r.pipeline.secrets[1].source, Secret::Source::File);
  EXPECT_EQ(r.pipeline.secrets[1].ref, "/proj/keys/api.key")
      << "a file that does not exist: never opened";
}

TEST(LoaderSemantics, TopLevelFieldsAndPools) {
  auto r = load_pipeline_string(
      "max_parallel: 3\n"
      "pools: {net: 2, api: {size: 4, rate: 10/s}}\n"
      "tasks:\n  a: {run: x, pool: api, priority: -2}\n",
      "dir/etl.yaml");
  ASSERT_TRUE(r.ok()) << headlines(r);
  EXPECT_EQ(r.pipeline.name, "etl");
  EXPECT_EQ(r.pipeline.file, "dir/etl.yaml");
  EXPECT_EQ(r.pipeline.max_parallel, 3);
  ASSERT_EQ(r.pipeline.pools.size(), 2u);
  EXPECT_EQ(r.pipeline.pools[1].size, 4);
  EXPECT_DOUBLE_EQ(r.pipeline.pools[1].rate_per_second, 10.0);
  EXPECT_EQ(r.pipeline.tasks[0].priority, -2);
}

}  // namespace
}  // namespace sluice
