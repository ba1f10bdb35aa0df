/// Private to the loader's files (loader.cpp, loader_templates.cpp,
/// loader_tasks.cpp): the Loader that runs one load, and the per-file data it
/// keeps while the YAML trees are alive. One Loader per load, one thread.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "sluice/pipeline.hpp"
#include "spec/duration.hpp"
#include "spec/lexical_path.hpp"
#include "spec/loader.hpp"
#include "spec/template.hpp"
#include "spec/yaml_tree.hpp"

namespace sluice::detail {

using Kind = YamlNode::Kind;
using EnvList = std::vector<std::pair<std::string, Template>>;

inline constexpr std::size_t kMaxMatrixExpansions = 100000;
inline constexpr std::size_t kMaxVarBytes = 1u << 20;

struct FieldRef {
  std::uint32_t unit = 0;
  NodeId key = kNoNode;
  NodeId value = kNoNode;
  bool from_defaults = false;
  bool set() const { return value != kNoNode || key != kNoNode; }
};

/// What a file's scope gives its tasks: env (dotenv, then env, the
/// includer's first) and defaults (the includer's, then its own on top).
struct Scope {
  EnvList env;
  std::array<FieldRef, kTaskFieldCount> defaults{};
  std::vector<FieldRef> default_envs;
};

struct Unit {
  std::string display;  // as the user named it, or joined to the includer's
  std::string display_dir;
  std::string abs_path;
  std::string abs_dir;
  SharedString work_dir;  // abs_dir, shared by the tasks of this file
  YamlTree tree;
  int parent = -1;
  std::array<NodeId, kTopLevelKeys.size()> top{};
  std::array<NodeId, kTopLevelKeys.size()> top_key{};
  Scope scope;
};

enum Top : std::size_t {
  kName,
  kDescription,
  kVars,
  kEnv,
  kSecrets,
  kMaxParallel,
  kPools,
  kDefaults,
  kInclude,
  kDotenv,
  kTasks,
  kDefaultTargets
};

std::string kind_name(const YamlTree& t, NodeId n);
bool is_int_text(std::string_view s);
bool valid_task_name(std::string_view s);
bool valid_env_name(std::string_view s);
bool valid_matrix_value(std::string_view s);
bool is_posix_shell(const std::vector<std::string>& shell);
std::string ref_text(const TemplateRef& r);
bool read_whole_file(const std::string& path, std::size_t max_bytes, std::string& out,
                     std::string& err);

/// The per-task (or per-scope) inputs of template expansion.
struct TplCtx {
  std::uint32_t unit = 0;
  NodeId node = kNoNode;
  const std::string* path = nullptr;
  const std::vector<std::pair<std::string, std::string>>* matrix = nullptr;
  const EnvList* env = nullptr;
  const std::string* task_name = nullptr;
  bool allow_outputs = false;
  bool in_vars = false;
};

struct PendingOutputRef {
  TaskId task;
  std::string ref_task;
  SourcePos pos;
  std::string path;
  std::string ref;
};

class Loader {
 public:
  explicit Loader(const LoadOptions& options) : options_(options) {}

  LoadResult load(std::string_view text, const std::string& file_name, bool from_memory);

 private:
  // ---- diagnostics
  void error_at(std::uint32_t unit, std::uint32_t line, std::uint32_t col, std::string path,
                std::string message, std::string hint = {});
  void error(std::uint32_t unit, NodeId n, std::string path, std::string message,
             std::string hint = {});
  void unknown_key(std::uint32_t unit, NodeId key, const std::string& parent_path,
                   const std::vector<std::string_view>& known);
  static std::string did_you_mean(std::string_view word,
                                  const std::vector<std::string_view>& cands);
  SourcePos pos_of(std::uint32_t unit, NodeId n) const;
  SourcePos pos_in_scalar(std::uint32_t unit, NodeId n, std::string_view text,
                          std::uint32_t offset) const;

  // ---- typed reads; each reports its own error and returns nullopt/false
  const YamlTree& tree(std::uint32_t u) const { return units_[u]->tree; }
  bool expect(std::uint32_t u, NodeId n, Kind kind, const std::string& path, const char* what);
  std::optional<std::string_view> scalar(std::uint32_t u, NodeId n, const std::string& path);
  std::optional<bool> boolean(std::uint32_t u, NodeId n, const std::string& path);
  std::optional<long long> integer(std::uint32_t u, NodeId n, const std::string& path,
                                   long long min, long long max);
  std::optional<double> number(std::uint32_t u, NodeId n, const std::string& path, double min);
  std::optional<Duration> duration(std::uint32_t u, NodeId n, const std::string& path);
  bool string_list(std::uint32_t u, NodeId n, const std::string& path, std::vector<NodeId>& items);

  // ---- templates
  bool expand(std::string_view text, const TplCtx& ctx, Template& out);
  bool resolve_ref(const TemplateRef& ref, std::string_view text, const TplCtx& ctx, Template& out);
  std::optional<std::string> expand_string(std::uint32_t u, NodeId n, const std::string& path,
                                           const TplCtx& base);
  std::optional<Template> expand_template(std::uint32_t u, NodeId n, const std::string& path,
                                          const TplCtx& base);
  std::optional<std::string> expand_path(std::uint32_t u, NodeId n, const std::string& path,
                                         const TplCtx& base, const std::string& dir);
  bool build_script(std::uint32_t u, NodeId n, const std::string& path, const TplCtx& base,
                    bool posix, int& counter, Script& out);

  // ---- passes
  void load_unit(std::string display, std::string abs_path, std::string text, int parent);
  void read_include(std::uint32_t u, NodeId list);
  void load_vars();
  /// `--set K=V` of a var the pipeline does not define (see loader.hpp).
  void unknown_set_var(const std::string& name);
  std::string resolve_var(const std::string& name);
  void load_secrets_and_pools();
  void load_scope(std::uint32_t u);
  void load_defaults(std::uint32_t u, NodeId map, Scope& scope);
  void merge_env_map(std::uint32_t u, NodeId map, const std::string& path, const TplCtx& ctx,
                     EnvList& env);
  void load_task_block(std::uint32_t u, NodeId map);
  bool parse_matrix(std::uint32_t u, NodeId n, const std::string& path,
                    std::vector<std::vector<std::pair<std::string, std::string>>>& combos);
  void build_task(std::uint32_t u, NodeId key, const std::string& base,
                  const std::array<FieldRef, kTaskFieldCount>& fields,
                  std::vector<std::pair<std::string, std::string>> matrix);
  std::string field_path(const FieldRef& f, const std::string& task_path, TaskField which) const;
  /// field_path() written into `out` (a reused buffer: no allocation per task).
  const std::string& field_path_into(std::string& out, const FieldRef& f,
                                     const std::string& task_path, TaskField which) const;
  /// `path[index]` in item_path_, valid until the next call. Key paths are
  /// read only by diagnostics, but built for every list item of every task.
  const std::string& item_path(const std::string& path, std::uint32_t index);
  /// An argv whose first item (`item`, of the list at `list_path`) is empty:
  /// there is nothing to execute.
  void refuse_empty_program(std::uint32_t u, NodeId item, const std::string& list_path);
  void load_action(Task& t, TaskField which, const FieldRef& f, const std::string& path,
                   const TplCtx& ctx, int& counter);
  void load_file_action(Task& t, TaskField which, const FieldRef& f, const std::string& path,
                        const TplCtx& ctx);
  void load_retry(Task& t, const FieldRef& f, const std::string& path);
  void load_stdin(Task& t, const FieldRef& f, const std::string& path, const TplCtx& ctx);
  void load_stream(StreamSpec& s, const FieldRef& f, const std::string& path, const TplCtx& ctx,
                   const std::string& dir);
  void load_service(Task& t, const FieldRef& f, const std::string& path);
  void load_resources(Task& t, const FieldRef& f, const std::string& path);
  void resolve_names();
  /// `default_targets` (loader_default_targets.cpp): read while the trees
  /// live, checked once every task and output is known.
  void read_default_targets();
  void check_default_targets();
  void finish_diagnostics();

  LoadOptions options_;
  Pipeline p_;
  std::vector<Diagnostic> diags_;
  std::vector<std::unique_ptr<Unit>> units_;
  std::vector<std::string> include_stack_;        // absolute paths of files being read
  std::vector<std::string> include_stack_names_;  // their display names
  std::vector<std::pair<std::uint32_t, NodeId>> task_blocks_;

  std::unordered_map<std::string, std::pair<std::uint32_t, NodeId>> raw_vars_;
  std::vector<std::string> var_order_;
  std::unordered_map<std::string, std::string> vars_;
  std::unordered_map<std::string, std::uint8_t> var_state_;  // 1 = resolving, 2 = done
  std::vector<std::string> var_stack_;

  // Task base name -> its key; the names point into the trees, alive until the end.
  std::unordered_map<std::string_view, SourcePos> defined_;
  std::vector<PendingOutputRef> output_refs_;
  /// A name checked once every task exists; `from_defaults` picks the key path.
  struct NameRef {
    TaskId task;
    SourcePos pos;
    bool from_defaults;
  };
  std::vector<NameRef> pool_refs_;
  std::vector<NameRef> stdin_refs_;
  struct TargetRef {
    std::string text;  ///< expanded
    SourcePos pos;
    std::uint32_t index;
  };
  std::vector<TargetRef> default_targets_;
  TaskId current_task_ = 0;
  // Scratch reused by build_task(), which never nests: field_path_ holds the
  // path of the field being read, item_path_ of its current item,
  // list_items_ the items of a `cmd`, `inputs` or `outputs` list.
  std::string field_path_;
  std::string item_path_;
  std::vector<NodeId> list_items_;
};

}  // namespace sluice::detail
