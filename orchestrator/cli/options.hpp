/// What every command of the CLI shares: the global options (`-f/--file`,
/// `--set`), the one action the parsed command chose, the positional-FILE
/// convenience, and loading a pipeline with its graph while printing its
/// diagnostics. Commands register themselves with an `add_*_command`
/// function (commands.hpp), one file each. Main thread only.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sluice/graph.hpp"
#include "sluice/pipeline.hpp"

namespace sluice::cli {

/// Exit codes of SPEC §4 that the planning commands use.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 2;  ///< invalid pipeline or usage

struct Context {
  std::string file = "sluice.yaml";  ///< -f/--file, or a positional *.yaml; "-" = stdin
  std::vector<std::string> set;      ///< --set KEY=VALUE, in order
  /// The file as messages name it.
  std::string display_file() const { return file == "-" ? "<stdin>" : file; }
  /// Set by the callback of the command that was parsed; main runs it after
  /// parsing succeeded and returns its exit code.
  std::function<int()> action;
};

/// Registers -f/--file and --set on the top-level app; subcommands accept
/// them too (`sluice validate -f x.yaml`). Also installs usage_error().
void add_global_options(CLI::App& app, Context& ctx);

/// A count option (`-j N`, `--threads N`): a whole number >= `min` that fits
/// an int; anything else is refused as `expected a whole number >= 1, got '0'`.
CLI::Validator whole_number(int min);

/// A choice option (`--output`, `--format`): one of `choices`, else refused
/// as `expected one of a, b, got 'x'`, with a "did you mean" when one is close.
CLI::Validator one_of(std::vector<std::string> choices);

/// CLI11's parse error as one line that names the command, what was wrong
/// and what was expected: `sluice: unknown command 'rnu' (did you mean
/// 'run'?)`, `sluice run: unknown option '--frob'`, `sluice run: option
/// '--events' requires an argument (FILE)`. `app` is the top-level app; the
/// command is the subcommand parsed, if any. Installed as its failure message.
std::string usage_error(const CLI::App* app, const CLI::Error& e);

/// `x.yaml` or `x.yml`: a name that reads as a pipeline file.
bool has_pipeline_extension(const std::string& arg);

/// SPEC §4: the first positional argument, before the command or right after
/// it, that names an existing file ending in `.yaml`/`.yml` is FILE, unless
/// -f was given. CLI11 cannot tell it from a target, so it is rewritten as
/// `--file PATH` before parsing. Values of options (`--set X`, `-j 4`) are
/// not positional: which options take a value is read from `app`. A missing
/// `*.yaml` where no target can stand (before the command, after one that
/// takes no arguments) is FILE too, so that load_checked() says it is missing.
std::vector<std::string> take_positional_file(std::vector<std::string> args, const CLI::App& app);

/// A pipeline whose file and graph are both valid.
struct Loaded {
  Pipeline pipeline;
  Graph graph;
};

/// Loads ctx.file (standard input for "-", as make's `-f -`) with ctx.set
/// and builds its graph. On any diagnostic it
/// prints all of them to stderr, then a count, and returns nullopt; a file
/// that does not exist is one line, `sluice: FILE: no such file`.
std::optional<Loaded> load_checked(const Context& ctx);

}  // namespace sluice::cli
