/// One registration function per command, each in its own cmd_<name>.cpp.
/// A function adds its subcommand to `app` and sets `ctx.action` from the
/// subcommand's callback; main calls each of them once. Adding a command is
/// one new file and one line in main.cpp.
#pragma once

#include "options.hpp"

namespace sluice::cli {

void add_validate_command(CLI::App& app, Context& ctx);
void add_list_command(CLI::App& app, Context& ctx);
void add_graph_command(CLI::App& app, Context& ctx);
void add_schema_command(CLI::App& app, Context& ctx);
void add_run_command(CLI::App& app, Context& ctx);
/// `sluice help [COMMAND]`: registered last, it knows every other command.
void add_help_command(CLI::App& app, Context& ctx);

}  // namespace sluice::cli
