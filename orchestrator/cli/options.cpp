// Shared CLI options and pipeline loading (see options.hpp).
#include "options.hpp"

#include <cstdio>
#include <filesystem>

#include "sluice/diagnostic.hpp"

namespace sluice::cli {

void configure_app(CLI::App& app, Context& ctx) {
  app.set_version_flag("--version", "sluice " SLUICE_VERSION);
  for (CLI::App* cmd : app.get_subcommands([](CLI::App*) { return true; }))
    cmd->set_version_flag("--version", "sluice " SLUICE_VERSION);
  app.require_subcommand(1);
  app.failure_message(
      [&ctx](const CLI::App* a, const CLI::Error& e) { return usage_error(a, e, ctx); });
}

void add_pipeline_options(CLI::App& cmd, Context& ctx) {
  cmd.add_option("-f,--file", ctx.file,
                 "the pipeline file (- for standard input; default: sluice.yaml or sluice.yml "
                 "here or in the nearest parent directory)")
      ->type_name("FILE");
  // One pair per use: `--set who=x hello` leaves `hello` a target. Each value
  // is appended as it is checked, so that uses before and after the command
  // (two options) land in one list.
  cmd.add_option("--set", "set a var of the pipeline (repeatable)")
      ->type_name("KEY=VALUE")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->check([](const std::string& s) {
        auto eq = s.find('=');
        return eq == std::string::npos || eq == 0
                   ? std::string("expected KEY=VALUE, got '") + s + "'"
                   : std::string();
      })
      ->each([&ctx](const std::string& kv) { ctx.set.push_back(kv); });
}

bool has_pipeline_extension(const std::string& arg) {
  auto ends = [&](std::string_view ext) { return arg.size() > ext.size() && arg.ends_with(ext); };
  return ends(".yaml") || ends(".yml");
}

bool names_a_task(const Context& ctx, const std::string& word) {
  std::string file = ctx.file.empty() ? find_default_pipeline().value_or("") : ctx.file;
  if (file.empty() || file == "-") return false;
  // A file with errors still names the tasks it could read.
  LoadResult loaded = load_pipeline_file(file);
  for (const Task& t : loaded.pipeline.tasks)
    if (t.name == word || t.base() == word) return true;
  return false;
}

std::optional<Loaded> load_checked(const Context& ctx) {
  std::string file = ctx.file;
  if (file.empty()) {
    auto found = find_default_pipeline();
    if (!found) {
      std::fputs(
          "sluice: no sluice.yaml or sluice.yml in this directory or any parent "
          "(name the pipeline file: -f FILE)\n",
          stderr);
      return std::nullopt;
    }
    file = *found;
  }
  std::error_code ec;  // set when we may not look: the loader then says why
  if (file != "-" && !std::filesystem::exists(file, ec) && !ec) {
    std::fprintf(stderr, "sluice: %s: no such file\n", file.c_str());
    return std::nullopt;
  }
  LoadOptions options;
  for (const auto& kv : ctx.set) {
    auto eq = kv.find('=');
    options.set.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  // `-f -`, as make's: the pipeline on standard input (up to the file-size
  // cap), relative to the current directory.
  const std::string shown = file == "-" ? "<stdin>" : file;
  LoadResult loaded = file == "-" ? load_pipeline_fd(0, shown, options)
                                  : load_pipeline_file(file, options);
  std::vector<Diagnostic> diags = std::move(loaded.diagnostics);
  std::optional<Loaded> out;
  if (diags.empty()) {
    GraphResult built = build_graph(loaded.pipeline);
    diags = std::move(built.diagnostics);
    if (diags.empty()) out = Loaded{std::move(loaded.pipeline), std::move(built.graph)};
  }
  if (!diags.empty()) {
    std::fputs(format(diags).c_str(), stderr);
    std::fprintf(stderr, "%s: %zu error%s\n", shown.c_str(), diags.size(),
                 diags.size() == 1 ? "" : "s");
  }
  return out;
}

}  // namespace sluice::cli
