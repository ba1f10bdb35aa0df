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
///
/// Memory shape (a 100,000-task file must plan in under 1 KiB per task): a
/// Task holds inline only what nearly every task uses (name, action, argv or
/// script, needs, inputs, outputs, working dir, env, priority, timeouts,
/// flags). The fields most tasks leave at their defaults (matrix base name
/// and values, pool, description, file action, `if`, stdin, stdout/stderr
/// files, retry, service, resources) live in one TaskExtras behind a pointer
/// that stays null until a task sets one of them:
///   read:   `task.extras().retry.limit`   (defaults when the task has none)
///   write:  `task.edit_extras().retry.limit = 3`   (allocates on first use)
///   also:   `task.base()` (the name when there is no matrix), `task.pool()`
/// Copying a Task copies its extras (deep): a Pipeline stays plain data.
/// The working directory, the same for every task of a file, is a
/// SharedString (one buffer for all); a Template is its literal text plus
/// the output references, allocated only when there are some.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
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

/// A heap-held T that copies by value (deep copy) and may be null: lets a
/// plain-data struct keep rarely used members out of line.
template <class T>
class CopyPtr {
 public:
  CopyPtr() = default;
  CopyPtr(const CopyPtr& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
  CopyPtr(CopyPtr&&) noexcept = default;
  CopyPtr& operator=(const CopyPtr& o) {
    if (this != &o) p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
    return *this;
  }
  CopyPtr& operator=(CopyPtr&&) noexcept = default;
  ~CopyPtr() = default;

  const T* get() const { return p_.get(); }
  /// The value, created (default-constructed) on first use.
  T& get_or_create() {
    if (!p_) p_ = std::make_unique<T>();
    return *p_;
  }
  void reset() { p_.reset(); }
  explicit operator bool() const { return p_ != nullptr; }

 private:
  std::unique_ptr<T> p_;
};

/// Text that may still hold `${{ tasks.NAME.outputs.KEY }}` references,
/// resolved when the task starts. Kept as the literal text with every
/// reference cut out, plus where each one's value goes, so that the common
/// case (no reference) is a single string. parts() gives the split view.
struct Template {
  struct Ref {
    std::size_t at = 0;  ///< byte offset in `text` where the value is inserted
    std::string task;    ///< referenced task
    std::string key;     ///< referenced output key
  };
  /// A piece of the text in order: literal (task empty) or one reference.
  struct Part {
    std::string text;  ///< literal text (when task is empty)
    std::string task;  ///< referenced task
    std::string key;   ///< referenced output key
  };

  std::string text;  ///< the literal text, references cut out

  static Template literal(std::string s) {
    Template t;
    t.text = std::move(s);
    return t;
  }
  /// `${{ tasks.TASK.outputs.KEY }}` alone.
  static Template ref(std::string task, std::string key) {
    Template t;
    t.append_ref(std::move(task), std::move(key));
    return t;
  }
  /// True when no part refers to a task output.
  bool is_literal() const { return !refs_; }
  /// The references in text order (non-decreasing `at`).
  const std::vector<Ref>& refs() const;
  void append(std::string_view s) { text += s; }
  void append(const Template& other);
  void append_ref(std::string task, std::string key);
  /// The text split at its references: literal runs and references in
  /// order; a template with neither is one empty literal part.
  std::vector<Part> parts() const;

 private:
  CopyPtr<std::vector<Ref>> refs_;  ///< null while there is none (the common case)
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
  SourcePos pos;     ///< Kind::Task: where the name was written (stream edge diagnostics)
};

struct StreamSpec {
  std::string file;  ///< absolute; empty = no file
  bool append = false;
  bool console = true;
  /// `console` was written: a consumed producer's stdout reaches the
  /// console only when asked for (a stream edge, like a shell pipe).
  bool console_set = false;
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

/// An immutable string whose copies share one buffer: every task of a file
/// has the same working directory, held once instead of once per task.
/// Reads like a `const std::string&`; assign a std::string to change it.
class SharedString {
 public:
  SharedString() = default;
  SharedString(std::string s)  // NOLINT: implicit, so that `t.working_dir = dir;` reads naturally
      : p_(s.empty() ? nullptr : std::make_shared<const std::string>(std::move(s))) {}
  SharedString(const char* s) : SharedString(std::string(s)) {}  // NOLINT: as above

  const std::string& str() const { return p_ ? *p_ : empty_string(); }
  operator const std::string&() const { return str(); }  // NOLINT: reads as a string
  const char* c_str() const { return str().c_str(); }
  bool empty() const { return !p_; }
  std::size_t size() const { return str().size(); }
  friend bool operator==(const SharedString& a, std::string_view b) {
    return std::string_view(a.str()) == b;
  }

 private:
  static const std::string& empty_string();
  std::shared_ptr<const std::string> p_;
};

/// The task fields most tasks leave at their defaults (see the file comment).
struct TaskExtras {
  std::string base;  ///< name before matrix expansion; empty for a task without matrix
  std::string pool;  ///< empty = none
  std::string description;
  std::vector<std::pair<std::string, std::string>> matrix;  ///< this expansion's values, file order
  FileAction file;                  ///< Copy, Concat, Write, Hash, Compress, Decompress, Call
  std::optional<Script> if_cmd;     ///< `if:`
  StdinSpec stdin_spec;
  StreamSpec stdout_spec;
  StreamSpec stderr_spec;
  RetryPolicy retry;
  std::optional<ServiceSpec> service;
  Resources resources;
  /// The values of `run` and `if` (SLUICE_V_n) that stand in shell
  /// arithmetic and are known only at run time (task outputs): each must be
  /// an integer then (SPEC §1.3). SLUICE_V_n -> the reference as written.
  std::vector<std::pair<std::string, std::string>> arithmetic_values;
};

struct Task {
  std::string name;  ///< `build[os=linux]` for matrix tasks
  SourcePos pos;     ///< the task's key

  ActionKind action = ActionKind::Run;
  bool pty = false;
  bool interactive = false;
  bool continue_on_error = false;
  bool always = false;
  ExecutorKind executor = ExecutorKind::Local;
  int priority = 0;

  Script run;                       ///< Run
  /// For `run` and `if` scripts; the loader sets {"sh", "-c"} when the file
  /// names none (a Pipeline built in code must set it).
  std::vector<std::string> shell;
  std::vector<Template> cmd;        ///< Cmd: argv, one element each

  std::vector<Need> needs;
  std::vector<std::string> inputs;   ///< absolute paths or globs
  std::vector<std::string> outputs;  ///< absolute paths
  std::vector<SourcePos> output_pos; ///< where each output was written (parallel to outputs)
  SharedString working_dir;          ///< absolute; shared by the tasks of one file
  /// Environment added to the process: dotenv files, then top-level `env`,
  /// then the task's own `env`, later entries winning. Secrets are separate.
  std::vector<std::pair<std::string, Template>> env;
  std::optional<Duration> timeout;
  Duration grace{5000};

  /// The rarely used fields: this task's, or the defaults when it set none.
  const TaskExtras& extras() const { return extras_ ? *extras_.get() : no_extras(); }
  /// The rarely used fields for writing; allocates them on first use.
  TaskExtras& edit_extras() { return extras_.get_or_create(); }
  bool has_extras() const { return static_cast<bool>(extras_); }

  /// The name before matrix expansion: extras().base, or the name itself.
  const std::string& base() const {
    return extras_ && !extras_.get()->base.empty() ? extras_.get()->base : name;
  }
  /// The pool (extras().pool); empty = none.
  const std::string& pool() const { return extras().pool; }

  bool is_process() const { return action == ActionKind::Run || action == ActionKind::Cmd; }

 private:
  static const TaskExtras& no_extras();
  CopyPtr<TaskExtras> extras_;
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
  /// What a run without targets runs (`default_targets:`): task names,
  /// matrix bases or absolute output paths; empty = every task.
  std::vector<std::string> default_targets;

  /// The task called `name`, or nullopt.
  std::optional<TaskId> find(std::string_view name) const;
};

struct LoadOptions {
  std::vector<std::pair<std::string, std::string>> set;  ///< `--set KEY=VALUE`, in order
  std::size_t max_file_bytes = 16u << 20;                ///< larger files are refused unparsed
  /// The most text the tasks may hold once templates and matrix values are
  /// expanded (commands, arguments, environment, paths...): a file that
  /// expands past it is refused, located, before memory runs out.
  std::size_t max_expanded_bytes = 256u << 20;
  /// Threads a large file (1 MiB and over) is parsed with, the caller's
  /// included: 0 is one per hardware thread (at most 8), 1 parses on the
  /// caller's thread only. The result is the same whatever the number.
  unsigned parse_threads = 0;
};

/// The outcome of loading: a pipeline when `diagnostics` is empty.
struct LoadResult {
  Pipeline pipeline;
  std::vector<Diagnostic> diagnostics;
  bool ok() const { return diagnostics.empty(); }
};

/// Loads, validates and expands a pipeline file and everything it includes.
LoadResult load_pipeline_file(const std::string& path, const LoadOptions& options = {});

/// The same for a pipeline read from an open file descriptor (`-f -`: 0),
/// up to `options.max_file_bytes`: a stream past that is refused, not read
/// on. `file_name` names it in diagnostics; relative paths resolve against
/// the current directory. The descriptor stays open.
LoadResult load_pipeline_fd(int fd, const std::string& file_name, const LoadOptions& options = {});

/// The same for text in memory; `file_name` names it in diagnostics, and
/// relative paths (includes, working directories) resolve against its directory.
LoadResult load_pipeline_string(std::string_view text, const std::string& file_name,
                                const LoadOptions& options = {});

/// A JSON Schema (draft 2020-12) of the pipeline format, for editors.
std::string pipeline_json_schema();

}  // namespace sluice
