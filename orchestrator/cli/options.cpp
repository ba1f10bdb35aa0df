// Shared CLI options and pipeline loading (see options.hpp).
#include "options.hpp"

#include <cstdio>
#include <filesystem>

#include "sluice/diagnostic.hpp"

namespace sluice::cli {

void add_global_options(CLI::App& app, Context& ctx) {
  app.add_option("-f,--file", ctx.file, "the pipeline file (- for standard input)")
      ->type_name("FILE")
      ->capture_default_str();
  app.add_option("--set", ctx.set, "override a template variable (repeatable)")
      ->type_name("KEY=VALUE")
      ->check([](const std::string& s) {
        auto eq = s.find('=');
        return eq == std::string::npos || eq == 0
                   ? std::string("expected KEY=VALUE, got '") + s + "'"
                   : std::string();
      });
  app.set_version_flag("--version", "sluice " SLUICE_VERSION);
  app.fallthrough();
  app.require_subcommand(1);
  app.failure_message(usage_error);
}

bool has_pipeline_extension(const std::string& arg) {
  auto ends = [&](std::string_view ext) { return arg.size() > ext.size() && arg.ends_with(ext); };
  return ends(".yaml") || ends(".yml");
}

namespace {

bool is_pipeline_file(const std::string& arg) {
  std::error_code ec;
  return has_pipeline_extension(arg) && std::filesystem::is_regular_file(arg, ec);
}

// Where a positional argument can only be FILE: before the command, or after
// a command without positional arguments (all but `run`).
bool only_a_file_fits(const CLI::App* sub) {
  return !sub || sub->get_options([](const CLI::Option* o) { return o->get_positional(); }).empty();
}

bool names_file_option(const std::string& arg) {
  return arg == "-f" || arg == "--file" || arg.starts_with("--file=") ||
         (arg.starts_with("-f") && !arg.starts_with("--"));
}

// An option given as its own argument whose value is the next argument.
bool takes_separate_value(const std::string& arg, const CLI::App& app, const CLI::App* sub) {
  if (arg.find('=') != std::string::npos) return false;
  if (arg.size() > 2 && arg[1] != '-') return false;  // -j4: value attached
  const CLI::Option* opt = sub ? sub->get_option_no_throw(arg) : nullptr;
  if (!opt) opt = app.get_option_no_throw(arg);
  return opt && opt->get_type_size_max() > 0;
}

}  // namespace

std::vector<std::string> take_positional_file(std::vector<std::string> args, const CLI::App& app) {
  for (const auto& a : args)
    if (a == "--")
      break;
    else if (names_file_option(a))
      return args;

  const CLI::App* sub = nullptr;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") break;
    if (a.size() > 1 && a[0] == '-') {
      if (takes_separate_value(a, app, sub)) ++i;
      continue;
    }
    if (is_pipeline_file(a) || (has_pipeline_extension(a) && only_a_file_fits(sub))) {
      std::string file = a;
      args.erase(args.begin() + static_cast<std::ptrdiff_t>(i));
      args.insert(args.begin(), {"--file", file});
      return args;
    }
    if (sub) return args;  // a target after the command: stop looking
    {
      auto found = app.get_subcommands([&](const CLI::App* c) { return c->check_name(a); });
      if (found.empty()) return args;
      sub = found.front();  // an unknown command: CLI11 will say so
    }
  }
  return args;
}

std::optional<Loaded> load_checked(const Context& ctx) {
  std::error_code ec;  // set when we may not look: the loader then says why
  if (ctx.file != "-" && !std::filesystem::exists(ctx.file, ec) && !ec) {
    std::fprintf(stderr, "sluice: %s: no such file\n", ctx.file.c_str());
    return std::nullopt;
  }
  LoadOptions options;
  for (const auto& kv : ctx.set) {
    auto eq = kv.find('=');
    options.set.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
  }
  // `-f -`, as make's: the pipeline on standard input (up to the file-size
  // cap), relative to the current directory.
  LoadResult loaded = ctx.file == "-" ? load_pipeline_fd(0, ctx.display_file(), options)
                                      : load_pipeline_file(ctx.file, options);
  std::vector<Diagnostic> diags = std::move(loaded.diagnostics);
  std::optional<Loaded> out;
  if (diags.empty()) {
    GraphResult built = build_graph(loaded.pipeline);
    diags = std::move(built.diagnostics);
    if (diags.empty()) out = Loaded{std::move(loaded.pipeline), std::move(built.graph)};
  }
  if (!diags.empty()) {
    std::fputs(format(diags).c_str(), stderr);
    std::fprintf(stderr, "%s: %zu error%s\n", ctx.display_file().c_str(), diags.size(),
                 diags.size() == 1 ? "" : "s");
  }
  return out;
}

}  // namespace sluice::cli
