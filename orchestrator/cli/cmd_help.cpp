// `sluice help [COMMAND]`: the help of sluice, or of one command, on stdout,
// as `sluice --help` and `sluice COMMAND --help` print it.
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "sluice/diagnostic.hpp"

namespace sluice::cli {

namespace {

int print_help(const CLI::App& app, const std::string& command) {
  if (command.empty()) {
    // app.help() would describe the command parsed, which is `help` itself.
    std::fputs(app.get_formatter()->make_help(&app, "sluice", CLI::AppFormatMode::Normal).c_str(),
               stdout);
    return kExitOk;
  }
  auto found = app.get_subcommands([&](const CLI::App* c) { return c->get_name() == command; });
  if (found.empty()) {
    std::vector<std::string> names;
    std::vector<std::string_view> views;
    for (const CLI::App* c : app.get_subcommands([](const CLI::App*) { return true; }))
      names.push_back(c->get_name());
    views.assign(names.begin(), names.end());
    auto best = closest_name(command, views);
    std::string hint = best ? " (did you mean '" + *best + "'?)" : "";
    std::fprintf(stderr, "sluice help: unknown command '%s'%s\n", command.c_str(), hint.c_str());
    return kExitInvalid;
  }
  const CLI::App* cmd = found.front();
  std::fputs(cmd->get_formatter()
                 ->make_help(cmd, "sluice " + cmd->get_name(), CLI::AppFormatMode::Normal)
                 .c_str(),
             stdout);
  return kExitOk;
}

}  // namespace

void add_help_command(CLI::App& app, Context& ctx) {
  auto* sub = app.add_subcommand("help", "show the help of sluice or of one command");
  auto command = std::make_shared<std::string>();
  sub->add_option("command", *command, "a command")->type_name("COMMAND");
  sub->callback([&ctx, &app, command] {
    ctx.action = [&app, command] { return print_help(app, *command); };
  });
}

}  // namespace sluice::cli
