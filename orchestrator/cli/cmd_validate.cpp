// `sluice validate`: load the file and build its graph, print every
// diagnostic, exit 2 if there is any; else a one-line summary on stdout.
#include <cstdio>

#include "commands.hpp"

namespace sluice::cli {

namespace {

int run_validate(const Context& ctx) {
  auto loaded = load_checked(ctx);
  if (!loaded) return kExitInvalid;
  std::size_t edges = 0;
  for (TaskId t = 0; t < loaded->graph.size(); ++t) edges += loaded->graph.dependencies(t).size();
  std::size_t tasks = loaded->pipeline.tasks.size();
  std::printf("%s: %zu task%s, %zu edge%s, ok\n", loaded->pipeline.file.c_str(), tasks,
              tasks == 1 ? "" : "s", edges, edges == 1 ? "" : "s");
  return kExitOk;
}

}  // namespace

void add_validate_command(CLI::App& app, Context& ctx) {
  auto* sub = app.add_subcommand("validate", "check the file, print all errors, exit 2 if any");
  add_pipeline_options(*sub, ctx);
  sub->callback([&ctx] { ctx.action = [&ctx] { return run_validate(ctx); }; });
}

}  // namespace sluice::cli
