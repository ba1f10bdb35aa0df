// `default_targets:` (SPEC §1.1): read, templated and checked by the loader;
// kept as task names, matrix bases or absolute output paths.
#include <gtest/gtest.h>

#include "unit/spec/loader_test_util.hpp"

namespace sluice {
namespace {

using test::headlines;
using test::load_errors;

TEST(LoaderDefaultTargets, NamesBasesAndOutputs) {
  auto r = load_pipeline_string(
      "vars: {out: build}\n"
      "default_targets: [b, m, \"${{ vars.out }}/a.txt\", \"m[k=2]\"]\n"
      "tasks:\n"
      "  a: {cmd: [x], outputs: [\"${{ vars.out }}/a.txt\"]}\n"
      "  b: {cmd: [x]}\n"
      "  m: {cmd: [x], matrix: {k: [1, 2]}}\n",
      "/w/p.yaml");
  ASSERT_TRUE(r.ok()) << headlines(r);
  EXPECT_EQ(r.pipeline.default_targets,
            (std::vector<std::string>{"b", "m", "/w/build/a.txt", "m[k=2]"}));
}

TEST(LoaderDefaultTargets, NoneMeansEveryTask) {
  auto r = load_pipeline_string("tasks:\n  a: {cmd: [x]}\n", "p.yaml");
  ASSERT_TRUE(r.ok()) << headlines(r);
  EXPECT_TRUE(r.pipeline.default_targets.empty());
}

TEST(LoaderDefaultTargets, ErrorsAreLocated) {
  EXPECT_EQ(load_errors("default_targets: [bulid, out.txt, \"\"]\n"
                        "tasks:\n  build: {cmd: [x]}\n"),
            "p.yaml:1:19: default_targets[0]: unknown target 'bulid': not a task, a matrix task "
            "or a declared output (did you mean 'build'?)\n"
            "p.yaml:1:26: default_targets[1]: unknown target 'out.txt': not a task, a matrix "
            "task or a declared output\n"
            "p.yaml:1:35: default_targets[2]: expected a task or an output path, got an empty "
            "string\n");
  EXPECT_EQ(load_errors("default_targets: []\ntasks:\n  a: {cmd: [x]}\n"),
            "p.yaml:1:18: default_targets: expected at least one task or output\n");
  EXPECT_EQ(load_errors("default_targets: a\ntasks:\n  a: {cmd: [x]}\n"),
            "p.yaml:1:18: default_targets: expected a list of strings, got 'a'\n");
  EXPECT_EQ(load_errors("default_targets: [\"${{ vars.nope }}\"]\ntasks:\n  a: {cmd: [x]}\n"),
            "p.yaml:1:20: default_targets[0]: unknown reference 'vars.nope'\n");
}

}  // namespace
}  // namespace sluice
