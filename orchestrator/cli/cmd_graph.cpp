// `sluice graph [--format dot|mermaid|json]`: the task graph on stdout.
#include <cstdio>
#include <memory>

#include "commands.hpp"

namespace sluice::cli {

void add_graph_command(CLI::App& app, Context& ctx) {
  auto* sub = app.add_subcommand("graph", "print the task graph");
  add_pipeline_options(*sub, ctx);
  auto format = std::make_shared<std::string>("dot");
  sub->add_option("--format", *format, "dot, mermaid or json")
      ->check(one_of({"dot", "mermaid", "json"}))
      ->capture_default_str();
  sub->callback([&ctx, format] {
    ctx.action = [&ctx, format] {
      auto loaded = load_checked(ctx);
      if (!loaded) return kExitInvalid;
      const Graph& g = loaded->graph;
      const Pipeline& p = loaded->pipeline;
      std::string text = *format == "json"      ? g.to_json(p)
                         : *format == "mermaid" ? g.to_mermaid(p)
                                                : g.to_dot(p);
      std::fputs(text.c_str(), stdout);
      return kExitOk;
    };
  });
}

}  // namespace sluice::cli
