/// The pipeline model: what a YAML file means once it is loaded, validated
/// and expanded (includes merged, defaults applied, matrix tasks expanded,
/// `vars`/`matrix`/`env`/`task`/`pipeline` templates substituted, relative
/// paths made absolute against each task's working directory).
///
/// Plain data, no behaviour: the loader (`load_pipeline_*`) builds it, an
/// embedder may build or edit one in code, and the graph and scheduler only
/// read it. Any thread may read a Pipeline that nobody is writing.
///
/// The one thing left for run time is `${{ tasks.NAME.outputs.KEY }}`: its
/// value exists only once NAME has run, so such text is kept as a Template.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sluice/diagnostic.hpp"

namespace sluice {

using Duration = std::chrono::milliseconds;

/// Index of a task in Pipeline::tasks. Layers pass ids, not pointers.
using TaskId = std::uint32_t;

/// Where something was written: an index into Pipeline::files and a 1-based
/// line and column (characters). Compact on purpose: every task holds several.
struct SourcePos {
  std::uint32_t file = 0;
  std::uint32_t line = 0;  ///< 0 = not from a file (built in code)
  std::uint32_t column = 0;
};

/// Text that may still hold `${{ tasks.NAME.outputs.KEY }}` references,
/// resolved when the task starts. A part with an empty `task` is literal.
struct Template {
  struct Part {
    std::string text;  ///< literal text (when task is empty)
    std::string task;  ///< referenced task
    std::string key;   ///< referenced output key
  };
  std::vector<Part> parts;

  static Template literal(std::string text) { return Template{{Part{std::move(text), {}, {}}}}; }
  /// True when no part refers to a task output.
  bool is_literal() const {
    for (const auto& p : parts)
      if (!p.task.empty()) return false;
    return true;
  }
};

/// A shell script whose template values live outside its text (SPEC §1.3):
/// every `${{ ... }}` of the source became a reference to an environment
/// variable (`"${SLUICE_V_1}"`, quoted for where it stood), and `values`
/// holds those variables' values.
struct Script {
  std::string text;
  std::vector<std::pair<std::string, Template>> values;  ///< SLUICE_V_n -> value
};

enum class ActionKind : std::uint8_t { Run, Cmd, Copy, Concat, Write, Hash, Compress, Decompress, Call };

/// `copy`, `concat`, `decompress`: `from` (one path, or several for concat) to `to`.
/// `write`: `to` and `content`. `hash`: `from` (the files), `algo`, `to`.
/// `compress`: `from`, `to`, `format`, `level`. `call`: `function`.
struct FileAction {
  std::vector<std::string> from;
  std::string to;
  Template content;      ///< write
  std::string algo;      ///< hash: "sha256" | "xxh3"
  std::string format;    ///< compress: "gzip" | "zstd"
  int level = 0;         ///< compress; 0 = the format's default
  std::string function;  ///< call
};

struct RetryPolicy {
  int limit = 0;  ///< retries after the first attempt
  Duration delay{1000};
  double backoff = 2.0;
  std::optional<Duration> max_delay;
  bool jitter = false;
  std::vector<int> on_exit;  ///< empty = any failure is retried
};

struct StdinSpec {
  enum class Kind : std::uint8_t { Null, Text, File, Task };
  Kind kind = Kind::Null;
  Template text;     ///< Kind::Text
  std::string path;  ///< Kind::File (absolute) or the task name (Kind::Task)
};

struct StreamSpec {
  std::string file;  ///< absolute; empty = no file
  bool append = false;
  bool console = true;
};

struct Probe {
  enum class Kind : std::uint8_t { Tcp, Http, Log, Cmd, Delay };
  Kind kind = Kind::Delay;
  int port = 0;                  ///< Tcp
  std::string text;              ///< Http URL or Log regex
  std::vector<std::string> argv; ///< Cmd
  Duration delay{0};             ///< Delay
};

struct ServiceSpec {
  Probe ready;
  Duration ready_timeout{60000};
};

struct Resources {
  int cpus = 1;
  std::string mem;
  std::string time;
  std::string partition;
};

enum class ExecutorKind : std::uint8_t { Local, Slurm };

struct Need {
  std::string task;       ///< a concrete task name (a matrix base is expanded to every expansion)
  SourcePos pos;          ///< where the entry was written
  std::uint32_t index = 0;  ///< its index in the written `needs` list (for `tasks.X.needs[i]`)
};

struct Task {
  std::string name;                                         ///< `build[os=linux]` for matrix tasks
  std::string base;                                         ///< name before matrix expansion
  std::vector<std::pair<std::string, std::string>> matrix;  ///< this expansion's values, file order
  std::string description;
  SourcePos pos;  ///< the task's key

  ActionKind action = ActionKind::Run;
  Script run;                       ///< Run
  std::vector<std::string> shell;   ///< Run; default {"sh", "-c"}
  std::vector<Template> cmd;        ///< Cmd: argv, one element each
  FileAction file;                  ///< Copy, Concat, Write, Hash, Compress, Decompress, Call

  std::vector<Need> needs;
  std::vector<std::string> inputs;   ///< absolute paths or globs
  std::vector<std::string> outputs;  ///< absolute paths
  std::vector<SourcePos> output_pos; ///< where each output was written (parallel to outputs)
  std::string working_dir;           ///< absolute
  std::optional<Script> if_cmd;      ///< `if:`
  bool pty = false;
  bool interactive = false;
  /// Environment added to the process: dotenv files, then top-level `env`,
  /// then the task's own `env`, later entries winning. Secrets are separate.
  std::vector<std::pair<std::string, Template>> env;
  StdinSpec stdin_spec;
  StreamSpec stdout_spec;
  StreamSpec stderr_spec;
  std::optional<Duration> timeout;
  Duration grace{5000};
  RetryPolicy retry;
  bool continue_on_error = false;
  bool always = false;
  std::string pool;  ///< empty = none
  int priority = 0;
  std::optional<ServiceSpec> service;
  ExecutorKind executor = ExecutorKind::Local;
  Resources resources;

  bool is_process() const { return action == ActionKind::Run || action == ActionKind::Cmd; }
};

struct Pool {
  std::string name;
  int size = 1;
  double rate_per_second = 0;  ///< 0 = no rate limit
};

/// A secret names where its value comes from; the value is read when a run
/// starts, never when a file is validated, and is masked in every sink.
struct Secret {
  enum class Source : std::uint8_t { Env, File };
  std::string name;
  Source source = Source::Env;
  std::string ref;  ///< the variable name, or an absolute path
};

struct Pipeline {
  std::string name;
  std::string description;
  std::string file;                ///< the main file, as the user named it
  std::string dir;                 ///< its directory, absolute
  std::vector<std::string> files;  ///< every file loaded (main first, then includes); SourcePos::file indexes this
  std::vector<std::pair<std::string, std::string>> vars;  ///< after `--set`
  std::vector<Secret> secrets;
  int max_parallel = 0;  ///< 0 = the number of CPUs
  std::vector<Pool> pools;
  std::vector<Task> tasks;  ///< file order (includes at their include point), matrix expanded

  /// The task called `name`, or nullopt.
  std::optional<TaskId> find(std::string_view name) const;
};

struct LoadOptions {
  std::vector<std::pair<std::string, std::string>> set;  ///< `--set KEY=VALUE`, in order
  std::size_t max_file_bytes = 16u << 20;                ///< larger files are refused unparsed
};

/// The outcome of loading: a pipeline when `diagnostics` is empty.
struct LoadResult {
  Pipeline pipeline;
  std::vector<Diagnostic> diagnostics;
  bool ok() const { return diagnostics.empty(); }
};

/// Loads, validates and expands a pipeline file and everything it includes.
LoadResult load_pipeline_file(const std::string& path, const LoadOptions& options = {});

/// The same for text in memory; `file_name` names it in diagnostics, and
/// relative paths (includes, working directories) resolve against its directory.
LoadResult load_pipeline_string(std::string_view text, const std::string& file_name,
                                const LoadOptions& options = {});

/// A JSON Schema (draft 2020-12) of the pipeline format, for editors.
std::string pipeline_json_schema();

}  // namespace sluice
