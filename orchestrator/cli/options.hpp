/// What every command of the CLI shares: the pipeline options (`-f/--file`,
/// `--set`) that the app and every command accept, the one action the parsed
/// command chose, where the pipeline file comes from (pipeline_file.cpp),
/// and loading a pipeline with its graph while printing its diagnostics.
/// Commands register themselves with an `add_*_command` function
/// (commands.hpp), one file each. Main thread only.
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
  /// -f/--file, or a positional *.yaml; "-" = stdin; empty = the default
  /// file (find_default_pipeline()).
  std::string file;
  std::vector<std::string> set;  ///< --set KEY=VALUE, in order
  /// Set by the callback of the command that was parsed; main runs it after
  /// parsing succeeded and returns its exit code.
  std::function<int()> action;
};

/// The app's own set-up, once every command is registered: --version (on
/// every command too), a command required, and usage_error() as its failure
/// message (told about the pipeline's tasks through ctx).
void configure_app(CLI::App& app, Context& ctx);

/// Adds -f/--file and --set to `cmd` (the app, and every command that reads
/// a pipeline, so that `run --help` lists them and they stand anywhere).
/// `--set` takes exactly one KEY=VALUE per use.
void add_pipeline_options(CLI::App& cmd, Context& ctx);

/// A count option (`-j N`, `--threads N`): a whole number >= `min` that fits
/// an int; anything else is refused as `expected a whole number >= 1, got '0'`.
CLI::Validator whole_number(int min);

/// A choice option (`--output`, `--format`): one of `choices`, else refused
/// as `expected one of a, b, got 'x'`, with a "did you mean" when one is close.
CLI::Validator one_of(std::vector<std::string> choices);

/// Whether `word` names a task (or matrix base) of the pipeline the command
/// line names, or of the default one; false when there is none to read.
bool names_a_task(const Context& ctx, const std::string& word);

/// CLI11's parse error as one line that names the command, what was wrong
/// and what was expected: `sluice: unknown command 'rnu' (did you mean
/// 'run'?)`, `sluice run: unknown option '--frob'`, `sluice run: option
/// '--events' requires an argument (FILE)`, `sluice: unknown command 'test'
/// (to run task 'test': sluice run test)`. `app` is the top-level app; the
/// command is the subcommand parsed, if any.
std::string usage_error(const CLI::App* app, const CLI::Error& e, const Context& ctx);

/// `x.yaml` or `x.yml`: a name that reads as a pipeline file.
bool has_pipeline_extension(const std::string& arg);

/// SPEC §4's default pipeline file: `sluice.yaml` or `sluice.yml` in the
/// current directory, else in the nearest parent directory that has one, as
/// a path relative to the current directory (`../../sluice.yaml`); nullopt
/// when there is none up to the root.
std::optional<std::string> find_default_pipeline();

/// SPEC §4: the first positional argument, before the command or right after
/// it, that names an existing `*.yaml`/`*.yml` is FILE, unless -f was given.
/// CLI11 cannot tell it from a target, so it is rewritten as `--file PATH`
/// before parsing. Values of options (`--set X`, `-j 4`) are not positional,
/// on/off flags (`-n`, `-k`) take none: which is which is read from `app`. A
/// missing `*.yaml` where no target can stand (before the command, after one
/// that takes no arguments) is FILE too, so that load_checked() says it is
/// missing.
std::vector<std::string> take_positional_file(std::vector<std::string> args, const CLI::App& app);

/// A pipeline whose file and graph are both valid.
struct Loaded {
  Pipeline pipeline;
  Graph graph;
};

/// Loads the pipeline file (ctx.file, standard input for "-" as make's
/// `-f -`, else the default file) with ctx.set and builds its graph. On any
/// diagnostic it prints all of them to stderr, then a count, and returns
/// nullopt; a file that does not exist, or no default file, is one line.
std::optional<Loaded> load_checked(const Context& ctx);

}  // namespace sluice::cli
