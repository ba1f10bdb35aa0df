// `sluice schema`: the JSON Schema of the pipeline format, for editors.
#include <cstdio>

#include "commands.hpp"

namespace sluice::cli {

void add_schema_command(CLI::App& app, Context& ctx) {
  auto* sub = app.add_subcommand("schema", "print the JSON Schema of the pipeline format");
  sub->callback([&ctx] {
    // `sluice schema x.yaml`: the schema is of the format, not of a file.
    if (!ctx.file.empty()) {
      ctx.action = [&ctx] {
        std::fprintf(stderr,
                     "sluice schema: unexpected argument '%s' (schema reads no pipeline file)\n",
                     ctx.file.c_str());
        return kExitInvalid;
      };
      return;
    }
    ctx.action = [] {
      std::string schema = pipeline_json_schema();
      if (schema.empty() || schema.back() != '\n') schema += '\n';
      std::fputs(schema.c_str(), stdout);
      return kExitOk;
    };
  });
}

}  // namespace sluice::cli
