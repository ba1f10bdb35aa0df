/// The task builder: one `tasks` map -> Tasks (SPEC §1.2). For each task it
/// finds its fields (its own over its file's defaults), checks there is
/// exactly one action, expands its matrix, and builds one Task per
/// combination by calling each set field's reader from the table
/// (task_fields.hpp): the fields others depend on (env, working_dir, shell,
/// service) first, then the rest in table order. Then what involves several fields:
/// `pty` with `interactive`, the default shell, what this build cannot run
/// yet (not_built_yet.hpp), the expansion budget. One load, one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "spec/expander.hpp"
#include "spec/matrix.hpp"
#include "spec/name_resolver.hpp"

namespace sluice::detail {

class TaskBuilder;

/// The task being built, as a field reader sees it.
class TaskBuild {
 public:
  TaskBuild(TaskBuilder& builder, Task& task, const TaskFields& fields,
            const std::string& task_path);

  Task& task;
  FieldReader& r;
  Expander& x;
  const TaskFields& fields;
  /// `matrix`, the task's env and name: what its templates see.
  TplCtx ctx;
  /// Numbers the SLUICE_V_n of `run` and `if` together.
  int counter = 0;

  /// The key path of the field being read (`tasks.a.retry`, or
  /// `defaults.retry` for a default).
  const std::string& path() const { return path_; }
  /// The field being read (one reader serves the file actions).
  TaskField field() const { return field_; }
  /// The key path of any field of this task.
  std::string path_of(TaskField f) const;
  /// `list_path[index]`, valid until the next call.
  const std::string& item_path(const std::string& list_path, std::uint32_t index);
  /// A reused buffer for the items of a list.
  std::vector<NodeId>& items() { return items_; }
  /// The task's working directory (relative paths resolve against it).
  const std::string& dir() const { return task.working_dir.str(); }
  /// The working directory of the task's file.
  const std::string& file_dir() const;

  /// An argv whose first item (`item`, of the list at `list_path`) is empty:
  /// there is nothing to execute.
  void refuse_empty_program(std::uint32_t u, NodeId item, const std::string& list_path);
  /// A name checked once every task exists (name_resolver.hpp).
  void note_pool(const FieldRef& f);
  void note_stdin_task(std::uint32_t u, NodeId n, bool from_defaults);

 private:
  friend class TaskBuilder;
  TaskBuilder& b_;
  const std::string& task_path_;
  std::string& path_;
  std::string& item_path_;
  std::vector<NodeId>& items_;
  TaskField field_ = TaskField::Description;
};

class TaskBuilder {
 public:
  TaskBuilder(FieldReader& reader, Expander& expander, Units& units, std::vector<Task>& tasks,
              bool refuse_not_built)
      : r_(reader),
        x_(expander),
        units_(units),
        tasks_(tasks),
        refuse_not_built_(refuse_not_built) {}

  /// The tasks of the `tasks` map `map` of unit `u`; `blocks` is how many
  /// such maps the load has (a name defined twice across them is an error).
  void load_block(std::uint32_t u, NodeId map, std::size_t blocks);

  /// Room for `tasks` names across blocks.
  void reserve(std::size_t tasks) { defined_.reserve(tasks); }
  /// Names to check once every task exists.
  const PendingNames& pending_names() const { return names_; }
  /// Frees what only building needed.
  void done() { std::unordered_map<std::string_view, SourcePos>().swap(defined_); }

 private:
  friend class TaskBuild;
  /// The fields of the task map `v` over its file's defaults; false (after
  /// reporting) when the task has no action or several.
  bool collect_fields(std::uint32_t u, NodeId k, NodeId v, const std::string& path,
                      TaskFields& fields);
  void build(std::uint32_t u, NodeId key, const std::string& base, const TaskFields& fields,
             MatrixCombo matrix);
  void read_field(TaskBuild& b, TaskField f, const FieldRef& ref);
  void check_across_fields(TaskBuild& b);
  /// A process-only field (shell, stdin, stdout, ...) set on a file task.
  void refuse_on_file_task(TaskBuild& b, TaskField f, const FieldRef& ref);

  FieldReader& r_;
  Expander& x_;
  Units& units_;
  std::vector<Task>& tasks_;
  bool refuse_not_built_;
  PendingNames names_;
  // Task base name -> its key; the names point into the trees, alive until done().
  std::unordered_map<std::string_view, SourcePos> defined_;
  std::uint32_t unit_ = 0;  // the file of the task being built
  // Scratch reused from task to task (key paths are read only by
  // diagnostics, but built for every field and list item of every task).
  std::string field_path_;
  std::string item_path_;
  std::vector<NodeId> items_;
};

}  // namespace sluice::detail
