// Tasks: one task map -> one Task per matrix combination, every field
// validated (SPEC §1.2), defaults applied, paths made absolute.
#include <cstdlib>
#include <type_traits>

#include "spec/limits.hpp"
#include "spec/loader_impl.hpp"
#include "spec/not_built_yet.hpp"
#include "spec/suggest.hpp"
#include "spec/utf8.hpp"

namespace sluice::detail {

// ------------------------------------------------------------------ tasks

namespace {

/// The text a task holds (its share of LoadOptions::max_expanded_bytes).
std::size_t text_bytes(const Task& t) {
  std::size_t n = t.name.size() + t.run.text.size();
  auto add = [&n](const Template& v) { n += v.text.size(); };
  auto add_pairs = [&](const auto& pairs) {
    for (const auto& [k, v] : pairs) {
      n += k.size();
      if constexpr (std::is_same_v<std::decay_t<decltype(v)>, Template>)
        add(v);
      else
        n += v.size();
    }
  };
  add_pairs(t.run.values);
  add_pairs(t.env);
  for (const auto& c : t.cmd) add(c);
  for (const auto& s : t.shell) n += s.size();
  for (const auto& need : t.needs) n += need.task.size();
  for (const auto& s : t.inputs) n += s.size();
  for (const auto& s : t.outputs) n += s.size();
  if (!t.has_extras()) return n;
  const TaskExtras& x = t.extras();
  n += x.base.size() + x.pool.size() + x.description.size() + x.file.to.size() +
       x.file.content.text.size() + x.file.function.size() + x.stdin_spec.text.text.size() +
       x.stdin_spec.path.size() + x.stdout_spec.file.size() + x.stderr_spec.file.size();
  add_pairs(x.matrix);
  for (const auto& s : x.file.from) n += s.size();
  if (x.if_cmd) {
    n += x.if_cmd->text.size();
    add_pairs(x.if_cmd->values);
  }
  return n;
}

}  // namespace

void Loader::load_task_block(std::uint32_t u, NodeId map) {
  const YamlTree& t = tree(u);
  std::vector<std::string_view> known(kTaskFieldNames.begin(), kTaskFieldNames.end());
  for (std::uint32_t i = 0; i < t.node(map).size && !budget_reported_; ++i) {
    NodeId k = t.key(map, i);
    NodeId v = t.value(map, i);
    std::string_view name_view = t.scalar(k);
    std::string name(name_view);
    std::string path = "tasks." + name;
    if (!valid_task_name(name)) {
      error(u, k, path, "invalid task name '" + name + "': use letters, digits, '_', '.' and '-'");
      continue;
    }
    // Within one block the YAML tree already refused a second key of the
    // same name; only several blocks (includes) need the map.
    auto [def, fresh] = task_blocks_.size() > 1
                            ? defined_.emplace(name_view, pos_of(u, k))
                            : std::pair{defined_.end(), true};
    if (!fresh) {
      error(u, k, path, "task '" + name + "' is defined twice");
      diags_.back().notes.push_back({p_.files[def->second.file], static_cast<int>(def->second.line),
                                     static_cast<int>(def->second.column), "first defined here"});
      continue;
    }
    if (!expect(u, v, Kind::Map, path, "a map of task fields")) continue;
    std::array<FieldRef, kTaskFieldCount> fields = units_[u]->scope.defaults;
    int actions = 0;
    bool bad = false;
    bool unknown = false;
    for (std::uint32_t j = 0; j < t.node(v).size; ++j) {
      NodeId fk = t.key(v, j);
      std::string_view fname = t.scalar(fk);
      auto it = std::find(kTaskFieldNames.begin(), kTaskFieldNames.end(), fname);
      if (it == kTaskFieldNames.end()) {
        unknown_key(u, fk, path, known);
        unknown = true;
        continue;
      }
      auto f = static_cast<TaskField>(it - kTaskFieldNames.begin());
      if (is_action(f) && ++actions > 1) {
        std::string first;
        for (std::size_t a = 0; a < kTaskFieldCount; ++a)
          if (is_action(static_cast<TaskField>(a)) && fields[a].set() && !fields[a].from_defaults)
            first = kTaskFieldNames[a];
        error(u, fk, path + "." + std::string(fname),
              "a task has exactly one action: '" + first + "' and '" + std::string(fname) +
                  "' both given");
        bad = true;
        continue;
      }
      fields[static_cast<std::size_t>(f)] = FieldRef{u, fk, t.value(v, j), false};
    }
    // A misspelt action (`rn: x`) is already reported as an unknown key.
    if (actions == 0 && unknown) continue;
    if (actions == 0) {
      error(
          u, k, path,
          "missing action: one of run, cmd, copy, concat, write, hash, compress, decompress, call");
      continue;
    }
    if (bad) continue;
    const FieldRef& mref = fields[static_cast<std::size_t>(TaskField::Matrix)];
    if (!mref.set()) {
      build_task(u, k, name, fields, {});
      continue;
    }
    std::vector<std::vector<std::pair<std::string, std::string>>> combos;
    if (!parse_matrix(u, mref.value, path + ".matrix", combos)) continue;
    for (auto& combo : combos) {
      if (budget_reported_) break;
      build_task(u, k, name, fields, std::move(combo));
    }
  }
}

bool Loader::parse_matrix(std::uint32_t u, NodeId n, const std::string& path,
                          std::vector<std::vector<std::pair<std::string, std::string>>>& combos) {
  if (!expect(u, n, Kind::Map, path, "a map of name -> list of values")) return false;
  const YamlTree& t = tree(u);
  if (t.node(n).size == 0) {
    error(u, n, path, "expected at least one matrix key");
    return false;
  }
  std::vector<std::pair<std::string, std::vector<std::string>>> axes;
  bool ok = true;
  std::size_t total = 1;
  for (std::uint32_t i = 0; i < t.node(n).size; ++i) {
    NodeId k = t.key(n, i);
    NodeId v = t.value(n, i);
    std::string key(t.scalar(k));
    std::string kpath = path + "." + key;
    if (!valid_env_name(key)) {
      error(u, k, kpath, "invalid matrix key '" + key + "': use letters, digits and '_'");
      ok = false;
      continue;
    }
    if (!expect(u, v, Kind::Sequence, kpath, "a list of values")) {
      ok = false;
      continue;
    }
    if (t.node(v).size == 0) {
      error(u, v, kpath, "expected at least one value");
      ok = false;
      continue;
    }
    std::vector<std::string> values;
    for (std::uint32_t j = 0; j < t.node(v).size; ++j) {
      NodeId it = t.item(v, j);
      std::string ipath = kpath + "[" + std::to_string(j) + "]";
      if (t.node(it).kind != Kind::Scalar) {
        error(u, it, ipath, "expected a scalar, got " + kind_name(t, it));
        ok = false;
        continue;
      }
      std::string_view value = t.scalar(it);
      if (!valid_matrix_value(value)) {
        error(u, it, ipath,
              "invalid matrix value '" + std::string(value) +
                  "': it becomes part of task and file names, so it may not be empty or hold ',', "
                  "'=', '[', "
                  "']', '/', whitespace or control characters");
        ok = false;
        continue;
      }
      values.emplace_back(value);
    }
    total *= std::max<std::size_t>(values.size(), 1);
    if (total > kMaxMatrixExpansions) {
      error(u, n, path,
            "matrix expands to more than " + std::to_string(kMaxMatrixExpansions) + " tasks");
      return false;
    }
    axes.emplace_back(std::move(key), std::move(values));
  }
  if (!ok) return false;
  std::vector<std::size_t> idx(axes.size(), 0);
  while (true) {
    std::vector<std::pair<std::string, std::string>> combo;
    combo.reserve(axes.size());
    for (std::size_t a = 0; a < axes.size(); ++a)
      combo.emplace_back(axes[a].first, axes[a].second[idx[a]]);
    combos.push_back(std::move(combo));
    std::size_t a = axes.size();
    while (a > 0) {
      --a;
      if (++idx[a] < axes[a].second.size()) break;
      idx[a] = 0;
      if (a == 0) return true;
    }
  }
}

std::string Loader::field_path(const FieldRef& f, const std::string& task_path,
                               TaskField which) const {
  std::string out;
  field_path_into(out, f, task_path, which);
  return out;
}

const std::string& Loader::field_path_into(std::string& out, const FieldRef& f,
                                           const std::string& task_path, TaskField which) const {
  out.assign(f.from_defaults ? std::string_view("defaults") : std::string_view(task_path));
  out += '.';
  out += kTaskFieldNames[static_cast<std::size_t>(which)];
  return out;
}

const std::string& Loader::item_path(const std::string& path, std::uint32_t index) {
  item_path_.assign(path);
  item_path_ += '[';
  item_path_ += std::to_string(index);
  item_path_ += ']';
  return item_path_;
}

void Loader::build_task(std::uint32_t u, NodeId key, const std::string& base,
                        const std::array<FieldRef, kTaskFieldCount>& fields,
                        std::vector<std::pair<std::string, std::string>> matrix) {
  current_task_ = static_cast<TaskId>(p_.tasks.size());
  task_expanded_ = 0;
  // Built in place: nothing below adds a task, so the reference stays valid.
  Task& t = p_.tasks.emplace_back();
  t.name = base;
  if (!matrix.empty()) {
    t.name += '[';
    for (std::size_t i = 0; i < matrix.size(); ++i) {
      if (i > 0) t.name += ',';
      t.name += matrix[i].first + '=' + matrix[i].second;
    }
    t.name += ']';
  }
  t.pos = pos_of(u, key);
  const std::string task_path = "tasks." + base;
  auto get = [&](TaskField f) -> const FieldRef& { return fields[static_cast<std::size_t>(f)]; };
  auto path_of = [&](TaskField f) { return field_path(get(f), task_path, f); };

  TplCtx ctx;
  ctx.matrix = &matrix;
  ctx.task_name = &t.name;
  // env: the file's scope (dotenv, env), then defaults.env, then the task's own.
  // Only a task's own env may hold task outputs (the runner resolves them at
  // spawn): a default would reach the producing task too, as in GitHub
  // Actions, where only a job's env may read `needs.*.outputs`.
  t.env = units_[u]->scope.env;
  for (const FieldRef& d : units_[u]->scope.default_envs) {
    std::string path = "defaults.env";
    merge_env_map(d.unit, d.value, path, ctx, t.env);
  }
  if (get(TaskField::Env).set()) {
    TplCtx own = ctx;
    own.allow_outputs = true;
    merge_env_map(u, get(TaskField::Env).value, path_of(TaskField::Env), own, t.env);
  }
  ctx.env = &t.env;

  t.working_dir = units_[u]->work_dir;
  if (const FieldRef& f = get(TaskField::WorkingDir); f.set()) {
    auto wd =
        expand_path(f.unit, f.value, path_of(TaskField::WorkingDir), ctx, units_[f.unit]->abs_dir);
    if (wd && *wd != units_[u]->abs_dir) t.working_dir = std::move(*wd);
  }
  const std::string& dir = t.working_dir.str();

  if (const FieldRef& f = get(TaskField::Description); f.set()) {
    auto s = scalar(f.unit, f.value, path_of(TaskField::Description));
    if (s && !s->empty()) t.edit_extras().description = std::string(*s);
  }
  if (const FieldRef& f = get(TaskField::Shell); f.set()) {
    std::vector<NodeId> items;
    std::string path = path_of(TaskField::Shell);
    if (string_list(f.unit, f.value, path, items)) {
      if (items.empty()) error(f.unit, f.value, path, "expected a non-empty list of strings");
      else if (tree(f.unit).scalar(items[0]).empty()) refuse_empty_program(f.unit, items[0], path);
      for (NodeId it : items) t.shell.emplace_back(tree(f.unit).scalar(it));
    }
  }
  int counter = 0;
  for (std::size_t a = static_cast<std::size_t>(TaskField::Run);
       a <= static_cast<std::size_t>(TaskField::Call); ++a) {
    if (!fields[a].set()) continue;
    load_action(t, static_cast<TaskField>(a), fields[a],
                field_path_into(field_path_, fields[a], task_path, static_cast<TaskField>(a)), ctx,
                counter);
  }
  if (t.action == ActionKind::Run && t.shell.empty()) t.shell = {"sh", "-c"};

  if (const FieldRef& f = get(TaskField::Needs); f.set()) {
    const std::string& path = field_path_into(field_path_, f, task_path, TaskField::Needs);
    const YamlTree& tr = tree(f.unit);
    if (expect(f.unit, f.value, Kind::Sequence, path, "a list of task names")) {
      t.needs.reserve(tr.node(f.value).size);
      for (std::uint32_t index = 0; index < tr.node(f.value).size; ++index) {
        NodeId it = tr.item(f.value, index);
        const std::string& ipath = item_path(path, index);
        if (tr.node(it).kind != Kind::Scalar) {
          error(f.unit, it, ipath, "expected a task name, got " + kind_name(tr, it));
          continue;
        }
        auto name = expand_string(f.unit, it, ipath, ctx);
        if (!name) continue;
        Need need;
        need.task = std::move(*name);
        need.pos = pos_of(f.unit, it);
        need.index = index;
        t.needs.push_back(std::move(need));
      }
    }
  }
  for (TaskField which : {TaskField::Inputs, TaskField::Outputs}) {
    const FieldRef& f = get(which);
    if (!f.set()) continue;
    const std::string& path = field_path_into(field_path_, f, task_path, which);
    std::vector<NodeId>& items = list_items_;
    items.clear();
    string_list(f.unit, f.value, path, items);
    std::uint32_t i = 0;
    for (NodeId it : items) {
      auto p = expand_path(f.unit, it, item_path(path, i++), ctx, dir);
      if (!p) continue;
      if (which == TaskField::Inputs) {
        t.inputs.push_back(std::move(*p));
      } else {
        t.outputs.push_back(std::move(*p));
        t.output_pos.push_back(pos_of(f.unit, it));
      }
    }
  }
  if (const FieldRef& f = get(TaskField::If); f.set()) {
    Script s;
    TplCtx c = ctx;
    c.allow_outputs = true;
    if (build_script(f.unit, f.value, path_of(TaskField::If), c, is_posix_shell(t.shell), counter,
                     s))
      t.edit_extras().if_cmd = std::move(s);
  }
  auto flag = [&](TaskField which, bool& out) {
    const FieldRef& f = get(which);
    if (!f.set()) return;
    auto b = boolean(f.unit, f.value, path_of(which));
    if (b) out = *b;
  };
  flag(TaskField::Pty, t.pty);
  flag(TaskField::Interactive, t.interactive);
  flag(TaskField::ContinueOnError, t.continue_on_error);
  flag(TaskField::Always, t.always);
  if (t.pty && t.interactive) {
    const FieldRef& f = get(TaskField::Interactive);
    error(f.unit, f.key, path_of(TaskField::Interactive),
          "'interactive' and 'pty' cannot both be true: an interactive task already owns the "
          "terminal");
  }
  if (get(TaskField::Stdin).set())
    load_stdin(t, get(TaskField::Stdin), path_of(TaskField::Stdin), ctx);
  if (get(TaskField::Stdout).set())
    load_stream(t.edit_extras().stdout_spec, get(TaskField::Stdout), path_of(TaskField::Stdout), ctx, dir);
  if (get(TaskField::Stderr).set())
    load_stream(t.edit_extras().stderr_spec, get(TaskField::Stderr), path_of(TaskField::Stderr), ctx, dir);
  if (const FieldRef& f = get(TaskField::Service); f.set())
    load_service(t, f, path_of(TaskField::Service));
  // A defaulted timeout would kill every service after it: it applies to
  // services only when the task sets it itself.
  if (const FieldRef& f = get(TaskField::Timeout); f.set() && !(t.extras().service && f.from_defaults)) {
    auto d = duration(f.unit, f.value, path_of(TaskField::Timeout));
    if (d) t.timeout = *d;
  }
  if (const FieldRef& f = get(TaskField::Grace); f.set()) {
    auto d = duration(f.unit, f.value, path_of(TaskField::Grace));
    if (d) t.grace = *d;
  }
  if (get(TaskField::Retry).set()) load_retry(t, get(TaskField::Retry), path_of(TaskField::Retry));
  if (const FieldRef& f = get(TaskField::Pool); f.set()) {
    auto s = scalar(f.unit, f.value, path_of(TaskField::Pool));
    if (s) {
      t.edit_extras().pool = std::string(*s);
      pool_refs_.push_back({current_task_, pos_of(f.unit, f.value), f.from_defaults});
    }
  }
  if (const FieldRef& f = get(TaskField::Priority); f.set()) {
    auto n = integer(f.unit, f.value, path_of(TaskField::Priority), kPriority.min, kPriority.max);
    if (n) t.priority = static_cast<int>(*n);
  }
  if (const FieldRef& f = get(TaskField::Executor); f.set()) {
    auto s = scalar(f.unit, f.value, path_of(TaskField::Executor));
    if (s && *s == "local") {
      t.executor = ExecutorKind::Local;
    } else if (s && *s == "slurm") {
      t.executor = ExecutorKind::Slurm;
    } else if (s) {
      error(f.unit, f.value, path_of(TaskField::Executor),
            "expected 'local' or 'slurm', got '" + std::string(*s) + "'",
            did_you_mean(*s, {"local", "slurm"}));
    }
  }
  if (get(TaskField::Resources).set())
    load_resources(t, get(TaskField::Resources), path_of(TaskField::Resources));
  if (refuse_not_built_) refuse_not_built(t, fields, task_path);
  if (!runtime_arithmetic_.empty()) t.edit_extras().arithmetic_values = std::move(runtime_arithmetic_);
  runtime_arithmetic_.clear();
  if (!matrix.empty()) {
    t.edit_extras().base = base;
    t.edit_extras().matrix = std::move(matrix);
  }
  task_expanded_ = 0;
  expanded_ += text_bytes(t);
  if (expanded_ > options_.max_expanded_bytes && !budget_reported_) {
    budget_reported_ = true;
    error(u, key, task_path, expansion_budget_message());
  }
}

void Loader::refuse_not_built(const Task& t, const std::array<FieldRef, kTaskFieldCount>& fields,
                              const std::string& task_path) {
  for (const NotBuiltYet& row : not_built_yet()) {
    const FieldRef& f = fields[static_cast<std::size_t>(row.field)];
    if (f.set() && row.asks(t))
      error(f.unit, f.key, field_path(f, task_path, row.field),
            "not supported yet: " + std::string(row.what));
  }
}

void Loader::refuse_empty_program(std::uint32_t u, NodeId item, const std::string& list_path) {
  error(u, item, item_path(list_path, 0), "the command must not be empty");
}

void Loader::load_action(Task& t, TaskField which, const FieldRef& f, const std::string& path,
                         const TplCtx& ctx, int& counter) {
  TplCtx c = ctx;
  c.allow_outputs = true;
  switch (which) {
    case TaskField::Run:
      t.action = ActionKind::Run;
      build_script(f.unit, f.value, path, c, is_posix_shell(t.shell), counter, t.run);
      return;
    case TaskField::Cmd: {
      t.action = ActionKind::Cmd;
      std::vector<NodeId>& items = list_items_;
      items.clear();
      if (!string_list(f.unit, f.value, path, items)) return;
      if (items.empty()) {
        error(f.unit, f.value, path, "expected a non-empty list of strings");
        return;
      }
      t.cmd.reserve(items.size());
      std::uint32_t i = 0;
      for (NodeId it : items) {
        auto tpl = expand_template(f.unit, it, item_path(path, i++), c);
        if (!tpl) continue;
        // Known empty now: refused here rather than by spawn at run time.
        if (i == 1 && tpl->is_literal() && tpl->text.empty()) refuse_empty_program(f.unit, it, path);
        t.cmd.push_back(std::move(*tpl));
      }
      return;
    }
    case TaskField::Call: {
      t.action = ActionKind::Call;
      auto s = scalar(f.unit, f.value, path);
      if (s && s->empty())
        error(f.unit, f.value, path, "expected a function name, got an empty string");
      if (s) t.edit_extras().file.function = std::string(*s);
      return;
    }
    default:
      load_file_action(t, which, f, path, c);
  }
}

void Loader::load_file_action(Task& t, TaskField which, const FieldRef& f, const std::string& path,
                              const TplCtx& ctx) {
  struct Shape {
    ActionKind kind;
    std::vector<std::string_view> keys;
    std::vector<std::string_view> required;
  };
  static const std::array<Shape, 6> kShapes = {{
      {ActionKind::Copy, {"from", "to"}, {"from", "to"}},
      {ActionKind::Concat, {"from", "to"}, {"from", "to"}},
      {ActionKind::Write, {"to", "content"}, {"to", "content"}},
      {ActionKind::Hash, {"files", "algo", "to"}, {"files", "to"}},
      {ActionKind::Compress, {"from", "to", "format", "level"}, {"from", "to"}},
      {ActionKind::Decompress, {"from", "to"}, {"from", "to"}},
  }};
  const Shape& shape =
      kShapes[static_cast<std::size_t>(which) - static_cast<std::size_t>(TaskField::Copy)];
  t.action = shape.kind;
  FileAction& file = t.edit_extras().file;
  std::uint32_t u = f.unit;
  if (!expect(u, f.value, Kind::Map, path, "a map")) return;
  const YamlTree& tr = tree(u);
  const std::string& dir = t.working_dir.str();
  std::vector<std::string_view> present;
  for (std::uint32_t i = 0; i < tr.node(f.value).size; ++i) {
    NodeId k = tr.key(f.value, i);
    NodeId v = tr.value(f.value, i);
    std::string_view key = tr.scalar(k);
    if (std::find(shape.keys.begin(), shape.keys.end(), key) == shape.keys.end()) {
      unknown_key(u, k, path, shape.keys);
      continue;
    }
    present.push_back(key);
    std::string kpath = path + "." + std::string(key);
    bool list = key == "files" || (key == "from" && shape.kind == ActionKind::Concat);
    if (list) {
      std::vector<NodeId> items;
      string_list(u, v, kpath, items);
      if (items.empty() && tr.node(v).kind == Kind::Sequence)
        error(u, v, kpath, "expected a non-empty list of paths");
      std::uint32_t j = 0;
      for (NodeId it : items) {
        auto p = expand_path(u, it, kpath + "[" + std::to_string(j++) + "]", ctx, dir);
        if (p) file.from.push_back(std::move(*p));
      }
    } else if (key == "from" || key == "to") {
      auto p = expand_path(u, v, kpath, ctx, dir);
      if (!p) continue;
      if (key == "from")
        file.from.push_back(std::move(*p));
      else
        file.to = std::move(*p);
    } else if (key == "content") {
      auto tpl = expand_template(u, v, kpath, ctx);
      if (tpl) file.content = std::move(*tpl);
    } else if (key == "algo" || key == "format") {
      auto s = scalar(u, v, kpath);
      if (!s) continue;
      std::vector<std::string_view> allowed = key == "algo"
                                                  ? std::vector<std::string_view>{"sha256", "xxh3"}
                                                  : std::vector<std::string_view>{"gzip", "zstd"};
      if (std::find(allowed.begin(), allowed.end(), *s) == allowed.end()) {
        error(u, v, kpath,
              "expected '" + std::string(allowed[0]) + "' or '" + std::string(allowed[1]) +
                  "', got '" + std::string(*s) + "'",
              did_you_mean(*s, allowed));
        continue;
      }
      (key == "algo" ? file.algo : file.format) = std::string(*s);
    } else if (key == "level") {
      auto n = integer(u, v, kpath, kCompressLevel.min, kCompressLevel.max);
      if (n) file.level = static_cast<int>(*n);
    }
  }
  for (std::string_view req : shape.required)
    if (std::find(present.begin(), present.end(), req) == present.end())
      error(u, f.value, path, "missing required key '" + std::string(req) + "'");
  if (shape.kind == ActionKind::Hash && file.algo.empty()) file.algo = "sha256";
  if (shape.kind == ActionKind::Compress && file.format.empty()) {
    std::string_view to = file.to;
    file.format = to.size() > 4 && to.substr(to.size() - 4) == ".zst" ? "zstd" : "gzip";
  }
  if (shape.kind == ActionKind::Compress && file.format == "gzip" && file.level > kGzipMaxLevel)
    error(u, f.value, path + ".level", "gzip levels go from 1 to 9 (0 = default)");
}

void Loader::load_retry(Task& t, const FieldRef& f, const std::string& path) {
  std::uint32_t u = f.unit;
  const YamlTree& tr = tree(u);
  RetryPolicy& retry = t.edit_extras().retry;
  if (tr.node(f.value).kind != Kind::Map) {
    auto n = integer(u, f.value, path, kRetryLimit.min, kRetryLimit.max);
    if (n) retry.limit = static_cast<int>(*n);
    return;
  }
  static const std::vector<std::string_view> kKeys = {"limit",     "delay",  "backoff",
                                                      "max_delay", "jitter", "on_exit"};
  bool has_limit = false;
  for (std::uint32_t i = 0; i < tr.node(f.value).size; ++i) {
    NodeId k = tr.key(f.value, i);
    NodeId v = tr.value(f.value, i);
    std::string_view key = tr.scalar(k);
    std::string kpath = path + "." + std::string(key);
    if (key == "limit") {
      has_limit = true;
      auto n = integer(u, v, kpath, kRetryLimit.min, kRetryLimit.max);
      if (n) retry.limit = static_cast<int>(*n);
    } else if (key == "delay") {
      auto d = duration(u, v, kpath);
      if (d) retry.delay = *d;
    } else if (key == "max_delay") {
      auto d = duration(u, v, kpath);
      if (d) retry.max_delay = *d;
    } else if (key == "backoff") {
      auto n = number(u, v, kpath, 1.0);
      if (n) retry.backoff = *n;
    } else if (key == "jitter") {
      auto b = boolean(u, v, kpath);
      if (b) retry.jitter = *b;
    } else if (key == "on_exit") {
      if (!expect(u, v, Kind::Sequence, kpath, "a list of exit codes")) continue;
      for (std::uint32_t j = 0; j < tr.node(v).size; ++j) {
        auto n = integer(u, tr.item(v, j), kpath + "[" + std::to_string(j) + "]", kExitCode.min, kExitCode.max);
        if (n) retry.on_exit.push_back(static_cast<int>(*n));
      }
    } else {
      unknown_key(u, k, path, kKeys);
    }
  }
  if (!has_limit) error(u, f.value, path, "missing required key 'limit'");
}

void Loader::load_stdin(Task& t, const FieldRef& f, const std::string& path, const TplCtx& ctx) {
  std::uint32_t u = f.unit;
  const YamlTree& tr = tree(u);
  TplCtx c = ctx;
  c.allow_outputs = true;
  if (tr.node(f.value).kind == Kind::Scalar) {
    auto tpl = expand_template(u, f.value, path, c);
    if (!tpl) return;
    t.edit_extras().stdin_spec.kind = StdinSpec::Kind::Text;
    t.edit_extras().stdin_spec.text = std::move(*tpl);
    return;
  }
  if (!expect(u, f.value, Kind::Map, path, "a string, {file: PATH} or {task: NAME}")) return;
  if (tr.node(f.value).size != 1) {
    error(u, f.value, path, "expected exactly one of 'file' or 'task'");
    return;
  }
  NodeId k = tr.key(f.value, 0);
  NodeId v = tr.value(f.value, 0);
  std::string_view key = tr.scalar(k);
  if (key == "file") {
    auto p = expand_path(u, v, path + ".file", ctx, t.working_dir.str());
    if (!p) return;
    t.edit_extras().stdin_spec.kind = StdinSpec::Kind::File;
    t.edit_extras().stdin_spec.path = std::move(*p);
  } else if (key == "task") {
    auto s = expand_string(u, v, path + ".task", ctx);
    if (!s) return;
    t.edit_extras().stdin_spec.kind = StdinSpec::Kind::Task;
    t.edit_extras().stdin_spec.path = std::move(*s);
    stdin_refs_.push_back({current_task_, pos_of(u, v), f.from_defaults});
  } else {
    unknown_key(u, k, path, {"file", "task"});
  }
}

void Loader::load_stream(StreamSpec& s, const FieldRef& f, const std::string& path,
                         const TplCtx& ctx, const std::string& dir) {
  std::uint32_t u = f.unit;
  if (!expect(u, f.value, Kind::Map, path, "a map {file, append, console}")) return;
  const YamlTree& tr = tree(u);
  for (std::uint32_t i = 0; i < tr.node(f.value).size; ++i) {
    NodeId k = tr.key(f.value, i);
    NodeId v = tr.value(f.value, i);
    std::string_view key = tr.scalar(k);
    std::string kpath = path + "." + std::string(key);
    if (key == "file") {
      auto p = expand_path(u, v, kpath, ctx, dir);
      if (p) s.file = std::move(*p);
    } else if (key == "append" || key == "console") {
      auto b = boolean(u, v, kpath);
      if (b) (key == "append" ? s.append : s.console) = *b;
    } else {
      unknown_key(u, k, path, {"file", "append", "console"});
    }
  }
}

void Loader::load_service(Task& t, const FieldRef& f, const std::string& path) {
  std::uint32_t u = f.unit;
  if (!expect(u, f.value, Kind::Map, path, "a map {ready, ready_timeout}")) return;
  const YamlTree& tr = tree(u);
  ServiceSpec svc;
  bool ok = true;
  for (std::uint32_t i = 0; i < tr.node(f.value).size; ++i) {
    NodeId k = tr.key(f.value, i);
    NodeId v = tr.value(f.value, i);
    std::string_view key = tr.scalar(k);
    std::string kpath = path + "." + std::string(key);
    if (key == "ready_timeout") {
      auto d = duration(u, v, kpath);
      if (d) svc.ready_timeout = *d;
      ok = ok && d.has_value();
    } else if (key == "ready") {
      static const std::vector<std::string_view> kProbes = {"tcp", "http", "log", "cmd", "delay"};
      if (!expect(u, v, Kind::Map, kpath,
                  "one of {tcp: PORT}, {http: URL}, {log: REGEX}, {cmd: [...]}, {delay: D}") ||
          tr.node(v).size != 1) {
        if (tr.node(v).kind == Kind::Map)
          error(u, v, kpath, "expected exactly one probe: tcp, http, log, cmd or delay");
        ok = false;
        continue;
      }
      NodeId pk = tr.key(v, 0);
      NodeId pv = tr.value(v, 0);
      std::string_view probe = tr.scalar(pk);
      std::string ppath = kpath + "." + std::string(probe);
      if (probe == "tcp") {
        auto n = integer(u, pv, ppath, kPort.min, kPort.max);
        svc.ready.kind = Probe::Kind::Tcp;
        if (n) svc.ready.port = static_cast<int>(*n);
        ok = ok && n.has_value();
      } else if (probe == "http" || probe == "log") {
        auto s = scalar(u, pv, ppath);
        svc.ready.kind = probe == "http" ? Probe::Kind::Http : Probe::Kind::Log;
        if (s) svc.ready.text = std::string(*s);
        ok = ok && s.has_value();
      } else if (probe == "cmd") {
        std::vector<NodeId> items;
        ok = string_list(u, pv, ppath, items) && ok;
        svc.ready.kind = Probe::Kind::Cmd;
        for (NodeId it : items) svc.ready.argv.emplace_back(tr.scalar(it));
        if (items.empty() && tr.node(pv).kind == Kind::Sequence) {
          error(u, pv, ppath, "expected a non-empty list of strings");
          ok = false;
        } else if (!items.empty() && tr.scalar(items[0]).empty()) {
          refuse_empty_program(u, items[0], ppath);
          ok = false;
        }
      } else if (probe == "delay") {
        auto d = duration(u, pv, ppath);
        svc.ready.kind = Probe::Kind::Delay;
        if (d) svc.ready.delay = *d;
        ok = ok && d.has_value();
      } else {
        unknown_key(u, pk, kpath, kProbes);
        ok = false;
      }
    } else {
      unknown_key(u, k, path, {"ready", "ready_timeout"});
      ok = false;
    }
  }
  if (ok) t.edit_extras().service = std::move(svc);
}

void Loader::load_resources(Task& t, const FieldRef& f, const std::string& path) {
  std::uint32_t u = f.unit;
  if (!expect(u, f.value, Kind::Map, path, "a map {cpus, mem, time, partition}")) return;
  const YamlTree& tr = tree(u);
  for (std::uint32_t i = 0; i < tr.node(f.value).size; ++i) {
    NodeId k = tr.key(f.value, i);
    NodeId v = tr.value(f.value, i);
    std::string_view key = tr.scalar(k);
    std::string kpath = path + "." + std::string(key);
    if (key == "cpus") {
      auto n = integer(u, v, kpath, kCount.min, kCount.max);
      if (n) t.edit_extras().resources.cpus = static_cast<int>(*n);
    } else if (key == "mem" || key == "time" || key == "partition") {
      auto s = scalar(u, v, kpath);
      if (!s) continue;
      Resources& res = t.edit_extras().resources;
      (key == "mem"    ? res.mem
       : key == "time" ? res.time
                       : res.partition) = std::string(*s);
    } else {
      unknown_key(u, k, path, {"cpus", "mem", "time", "partition"});
    }
  }
}

}  // namespace sluice::detail
