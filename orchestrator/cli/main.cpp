// sluice: the command line. Thin: parses argv, calls the library, maps
// results to exit codes (SPEC §4). Each command lives in cmd_<name>.cpp.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "commands.hpp"
#include "sluice/process_guards.hpp"

int main(int argc, char** argv) {
  // Before anything opens a file: `sluice run 1>&-` would put one on fd 1.
  sluice::reopen_closed_stdio();
  using namespace sluice::cli;
  CLI::App app{"sluice: async subprocess and file pipelines", "sluice"};
  Context ctx;
  add_pipeline_options(app, ctx);
  add_run_command(app, ctx);
  add_validate_command(app, ctx);
  add_list_command(app, ctx);
  add_graph_command(app, ctx);
  add_schema_command(app, ctx);
  add_help_command(app, ctx);
  configure_app(app, ctx);

  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  args = take_positional_file(std::move(args), app);
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 pops from the back
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);  // prints help, the version, or the error
    return code == 0 ? kExitOk : kExitInvalid;  // CLI11 uses 105/106/...: SPEC says 2
  }
  if (!ctx.action) return kExitInvalid;
  try {
    return ctx.action();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sluice: internal error: %s\n", e.what());
    return kExitInvalid;
  }
}
