// The task builder (see task_builder.hpp).
#include "spec/task_builder.hpp"

#include <algorithm>
#include <array>

#include "spec/names.hpp"
#include "spec/not_built_yet.hpp"
#include "spec/scopes.hpp"

namespace sluice::detail {
namespace {

/// Read before the other fields: templates see the env, paths resolve
/// against the working directory, `run` and `if` are written for the shell,
/// a defaulted `timeout` does not apply to a service.
constexpr std::array<TaskField, 4> kReadFirst = {TaskField::Env, TaskField::WorkingDir,
                                                 TaskField::Shell, TaskField::Service};

/// The order the builder reads the fields in: kReadFirst, then the rest in
/// table order.
constexpr std::array<TaskField, kTaskFieldCount> kReadOrder = [] {
  std::array<TaskField, kTaskFieldCount> order{};
  std::size_t n = 0;
  for (TaskField f : kReadFirst) order[n++] = f;
  for (const TaskFieldSpec& spec : kTaskFields)
    if (std::find(kReadFirst.begin(), kReadFirst.end(), spec.field) == kReadFirst.end())
      order[n++] = spec.field;
  return order;
}();

/// `missing action: one of run, cmd, ...`, from the table.
std::string missing_action_message() {
  std::string s = "missing action: one of ";
  bool first = true;
  for (const TaskFieldSpec& spec : kTaskFields) {
    if ((spec.roles & kAction) == 0) continue;
    if (!first) s += ", ";
    s += spec.name;
    first = false;
  }
  return s;
}

/// `build[os=linux,arch=arm]` for a matrix expansion.
std::string expansion_name(const std::string& base, const MatrixCombo& matrix) {
  if (matrix.empty()) return base;
  std::string name = base + '[';
  for (std::size_t i = 0; i < matrix.size(); ++i) {
    if (i > 0) name += ',';
    name += matrix[i].first + '=' + matrix[i].second;
  }
  return name + ']';
}

}  // namespace

// ------------------------------------------------------------------ TaskBuild

TaskBuild::TaskBuild(TaskBuilder& builder, Task& t, const TaskFields& f,
                     const std::string& task_path)
    : task(t),
      r(builder.r_),
      x(builder.x_),
      fields(f),
      b_(builder),
      task_path_(task_path),
      path_(builder.field_path_),
      item_path_(builder.item_path_),
      items_(builder.items_) {}

std::string TaskBuild::path_of(TaskField f) const {
  const FieldRef& ref = field_ref(fields, f);
  return (ref.from_defaults ? std::string("defaults") : task_path_) + "." +
         std::string(task_field(f).name);
}

const std::string& TaskBuild::item_path(const std::string& list_path, std::uint32_t index) {
  item_path_.assign(list_path);
  item_path_ += '[';
  item_path_ += std::to_string(index);
  item_path_ += ']';
  return item_path_;
}

const std::string& TaskBuild::file_dir() const {
  return b_.units_[b_.unit_]->abs_dir;
}

void TaskBuild::refuse_empty_program(std::uint32_t u, NodeId item, const std::string& list_path) {
  r.error(u, item, item_path(list_path, 0), "the command must not be empty");
}

void TaskBuild::note_pool(const FieldRef& f) {
  b_.names_.pools.push_back({x.task(), r.pos_of(f.unit, f.value), f.from_defaults});
}

void TaskBuild::note_stdin_task(std::uint32_t u, NodeId n, bool from_defaults) {
  b_.names_.stdin_tasks.push_back({x.task(), r.pos_of(u, n), from_defaults});
}

// ------------------------------------------------------------------ TaskBuilder

void TaskBuilder::load_block(std::uint32_t u, NodeId map, std::size_t blocks) {
  const YamlTree& t = r_.tree(u);
  ExpansionBudget& budget = x_.budget();
  for (std::uint32_t i = 0; i < t.node(map).size && !budget.reported(); ++i) {
    NodeId k = t.key(map, i);
    NodeId v = t.value(map, i);
    std::string_view name_view = t.scalar(k);
    std::string name(name_view);
    std::string path = "tasks." + name;
    if (!valid_task_name(name)) {
      r_.error(u, k, path,
               "invalid task name '" + name + "': use letters, digits, '_', '.' and '-'");
      continue;
    }
    // Within one block the YAML tree already refused a second key of the
    // same name; only several blocks (includes) need the map.
    if (blocks > 1) {
      auto [def, fresh] = defined_.emplace(name_view, r_.pos_of(u, k));
      if (!fresh) {
        r_.defined_twice(u, k, path, "task '" + name + "' is defined twice", def->second);
        continue;
      }
    }
    if (!r_.expect(u, v, Kind::Map, path, "a map of task fields")) continue;
    TaskFields fields = units_[u]->scope.defaults;
    if (!collect_fields(u, k, v, path, fields)) continue;
    const FieldRef& mref = field_ref(fields, TaskField::Matrix);
    if (!mref.set()) {
      build(u, k, name, fields, {});
      continue;
    }
    std::vector<MatrixCombo> combos;
    if (!expand_matrix(r_, u, mref.value, path + ".matrix", combos)) continue;
    for (auto& combo : combos) {
      if (budget.reported()) break;
      build(u, k, name, fields, std::move(combo));
    }
  }
}

bool TaskBuilder::collect_fields(std::uint32_t u, NodeId k, NodeId v, const std::string& path,
                                 TaskFields& fields) {
  const YamlTree& t = r_.tree(u);
  int actions = 0;
  bool bad = false;
  bool unknown = false;
  for (std::uint32_t j = 0; j < t.node(v).size; ++j) {
    NodeId fk = t.key(v, j);
    std::string_view fname = t.scalar(fk);
    auto it = std::find(kTaskFieldNames.begin(), kTaskFieldNames.end(), fname);
    if (it == kTaskFieldNames.end()) {
      r_.unknown_key(u, fk, path, {kTaskFieldNames.begin(), kTaskFieldNames.end()});
      unknown = true;
      continue;
    }
    auto f = static_cast<TaskField>(it - kTaskFieldNames.begin());
    if (is_action(f) && ++actions > 1) {
      std::string first;
      for (std::size_t a = 0; a < kTaskFieldCount; ++a)
        if (is_action(static_cast<TaskField>(a)) && fields[a].set() && !fields[a].from_defaults)
          first = kTaskFieldNames[a];
      r_.error(u, fk, path + "." + std::string(fname),
               "a task has exactly one action: '" + first + "' and '" + std::string(fname) +
                   "' both given");
      bad = true;
      continue;
    }
    fields[static_cast<std::size_t>(f)] = FieldRef{u, fk, t.value(v, j), false};
  }
  // A misspelt action (`rn: x`) is already reported as an unknown key.
  if (actions == 0 && !unknown) r_.error(u, k, path, missing_action_message());
  return actions == 1 && !bad;
}

void TaskBuilder::build(std::uint32_t u, NodeId key, const std::string& base,
                        const TaskFields& fields, MatrixCombo matrix) {
  x_.set_task(static_cast<TaskId>(tasks_.size()));
  x_.budget().start_task();
  unit_ = u;
  // Built in place: nothing below adds a task, so the reference stays valid.
  Task& t = tasks_.emplace_back();
  t.name = expansion_name(base, matrix);
  t.pos = r_.pos_of(u, key);
  const std::string task_path = "tasks." + base;
  TaskBuild b(*this, t, fields, task_path);
  b.ctx.matrix = &matrix;
  b.ctx.task_name = &t.name;
  b.ctx.env = &t.env;
  // env: the file's scope (dotenv, env), then defaults.env, then the task's
  // own (read_env). Only a task's own env may hold task outputs (the runner
  // resolves them at spawn): a default would reach the producing task too,
  // as in GitHub Actions, where only a job's env may read `needs.*.outputs`.
  t.env = units_[u]->scope.env;
  for (const FieldRef& d : units_[u]->scope.default_envs) {
    const std::string path = "defaults.env";
    merge_env_map(r_, x_, d.unit, d.value, path, b.ctx, t.env);
  }
  t.working_dir = units_[u]->work_dir;
  const bool file_task = std::any_of(kTaskFields.begin(), kTaskFields.end(), [&](const auto& spec) {
    return is_file_action(spec.field) && field_ref(fields, spec.field).set();
  });
  for (TaskField f : kReadOrder) {
    const FieldRef& ref = field_ref(fields, f);
    if (!ref.set()) continue;
    if (file_task && is_process_only(f)) {
      refuse_on_file_task(b, f, ref);
      continue;
    }
    read_field(b, f, ref);
  }
  check_across_fields(b);
  if (!matrix.empty()) {
    t.edit_extras().base = base;
    t.edit_extras().matrix = std::move(matrix);
  }
  ExpansionBudget& budget = x_.budget();
  if (!budget.finish_task(t) && !budget.reported()) {
    budget.set_reported();
    r_.error(u, key, task_path, budget.message());
  }
}

void TaskBuilder::read_field(TaskBuild& b, TaskField f, const FieldRef& ref) {
  const TaskFieldSpec& spec = task_field(f);
  if (spec.ops->read == nullptr) return;
  field_path_.assign(ref.from_defaults ? std::string_view("defaults")
                                       : std::string_view(b.task_path_));
  field_path_ += '.';
  field_path_ += spec.name;
  b.field_ = f;
  spec.ops->read(b, ref);
}

void TaskBuilder::refuse_on_file_task(TaskBuild& b, TaskField f, const FieldRef& ref) {
  if (ref.from_defaults) return;  // a default reaches only the tasks it means something for
  r_.error(ref.unit, ref.key, b.path_of(f),
           "'" + std::string(task_field(f).name) +
               "' applies to process tasks (run, cmd) only: a file task runs no process");
}

void TaskBuilder::check_across_fields(TaskBuild& b) {
  Task& t = b.task;
  if (t.pty && t.interactive) {
    const FieldRef& f = field_ref(b.fields, TaskField::Interactive);
    r_.error(f.unit, f.key, b.path_of(TaskField::Interactive),
             "'interactive' and 'pty' cannot both be true: an interactive task already owns the "
             "terminal");
  }
  // The one place the default shell is set: `run` and `if` scripts run with it.
  if ((t.action == ActionKind::Run || field_ref(b.fields, TaskField::If).set()) && t.shell.empty())
    t.shell = {"sh", "-c"};
  if (refuse_not_built_) {
    const FieldRef& cond = field_ref(b.fields, TaskField::If);
    // Known as a stream's only once every task exists (stream_edges.cpp).
    if (cond.set())
      names_.conditions.push_back({b.x.task(), r_.pos_of(cond.unit, cond.key), cond.from_defaults});
    const FieldRef& retry = field_ref(b.fields, TaskField::Retry);
    if (retry.set() && t.extras().retry.limit > 0)
      names_.retries.push_back({b.x.task(), r_.pos_of(retry.unit, retry.key), retry.from_defaults});
    for (const NotBuiltYet& row : not_built_yet()) {
      const FieldRef& f = field_ref(b.fields, row.field);
      if (f.set() && row.asks(t))
        r_.error(f.unit, f.key, b.path_of(row.field),
                 "not supported yet: " + std::string(row.what));
    }
  }
  if (auto arithmetic = x_.take_runtime_arithmetic(); !arithmetic.empty())
    t.edit_extras().arithmetic_values = std::move(arithmetic);
}

}  // namespace sluice::detail
