// Where the pipeline file comes from (see options.hpp): the default file
// looked for upwards from the current directory, as go-task looks for its
// Taskfile, and the positional FILE convenience of SPEC §4.
#include <filesystem>

#include "options.hpp"

namespace sluice::cli {

namespace fs = std::filesystem;

std::optional<std::string> find_default_pipeline() {
  std::error_code ec;
  fs::path dir = fs::current_path(ec);
  if (ec) return std::nullopt;
  std::string up;  // "../" once per level climbed
  for (;;) {
    for (const char* name : {"sluice.yaml", "sluice.yml"}) {
      // Any kind of file: a directory of that name is reported by the loader.
      if (fs::exists(dir / name, ec)) return up + name;
    }
    fs::path parent = dir.parent_path();
    if (parent == dir) return std::nullopt;
    dir = std::move(parent);
    up += "../";
  }
}

namespace {

// An existing path (a directory too: the loader then says it is one).
bool is_pipeline_file(const std::string& arg) {
  std::error_code ec;
  return has_pipeline_extension(arg) && fs::exists(arg, ec);
}

// Where a positional argument can only be FILE: before the command, or after
// a command without positional arguments (all but `run` and `help`).
bool only_a_file_fits(const CLI::App* sub) {
  return !sub || sub->get_options([](const CLI::Option* o) { return o->get_positional(); }).empty();
}

bool names_file_option(const std::string& arg) {
  return arg == "-f" || arg == "--file" || arg.starts_with("--file=") ||
         (arg.starts_with("-f") && !arg.starts_with("--"));
}

// An option given as its own argument whose value is the next argument. An
// on/off flag (`-n`, `-k`) expects no value.
bool takes_separate_value(const std::string& arg, const CLI::App& app, const CLI::App* sub) {
  if (arg.find('=') != std::string::npos) return false;
  if (arg.size() > 2 && arg[1] != '-') return false;  // -j4: value attached
  const CLI::Option* opt = sub ? sub->get_option_no_throw(arg) : nullptr;
  if (!opt) opt = app.get_option_no_throw(arg);
  return opt && opt->get_items_expected_max() > 0;
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
    auto found = app.get_subcommands([&](const CLI::App* c) { return c->check_name(a); });
    if (found.empty()) return args;  // an unknown command: CLI11 will say so
    sub = found.front();
  }
  return args;
}

}  // namespace sluice::cli
