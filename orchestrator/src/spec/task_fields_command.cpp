// Task fields: what runs and where (see task_fields.hpp): run, cmd, shell,
// if, env, working_dir, needs, inputs, outputs, description. Each reader
// beside its JSON Schema, the two joined in the field's FieldOps.
#include "spec/schema_parts.hpp"
#include "spec/scopes.hpp"
#include "spec/task_builder.hpp"

namespace sluice::detail::fields {

using namespace schema;

static void read_description(TaskBuild& b, const FieldRef& f) {
  auto s = b.r.scalar(f.unit, f.value, b.path());
  if (s && !s->empty()) b.task.edit_extras().description = std::string(*s);
}
const FieldOps kDescriptionField{read_description,
                                 [] { return described(ref("text"), "shown by `sluice list`"); }};

static void read_run(TaskBuild& b, const FieldRef& f) {
  TplCtx ctx = b.ctx;
  ctx.allow_outputs = true;
  b.task.action = ActionKind::Run;
  b.x.build_script(f.unit, f.value, b.path(), ctx, is_posix_shell(b.task.shell), b.counter,
                   b.task.run);
}
const FieldOps kRunField{
    read_run,
    [] { return described(ref("script"), "a shell script: `sh -c STRING` (see `shell`)"); }};

static void read_cmd(TaskBuild& b, const FieldRef& f) {
  TplCtx ctx = b.ctx;
  ctx.allow_outputs = true;
  Task& t = b.task;
  const std::string& path = b.path();
  t.action = ActionKind::Cmd;
  std::vector<NodeId>& items = b.items();
  items.clear();
  if (!b.r.string_list(f.unit, f.value, path, items)) return;
  if (items.empty()) {
    b.r.error(f.unit, f.value, path, "expected a non-empty list of strings");
    return;
  }
  t.cmd.reserve(items.size());
  std::uint32_t i = 0;
  for (NodeId it : items) {
    auto tpl = b.x.expand_template(f.unit, it, b.item_path(path, i++), ctx);
    if (!tpl) continue;
    // Known empty now: refused here rather than by spawn at run time.
    if (i == 1 && tpl->is_literal() && tpl->text.empty()) b.refuse_empty_program(f.unit, it, path);
    t.cmd.push_back(std::move(*tpl));
  }
}
const FieldOps kCmdField{
    read_cmd,
    [] { return described(ref("argv"), "argv, executed directly (PATH lookup, no shell)"); }};

static void read_shell(TaskBuild& b, const FieldRef& f) {
  std::vector<NodeId> items;
  const std::string& path = b.path();
  if (!b.r.string_list(f.unit, f.value, path, items)) return;
  const YamlTree& tr = b.r.tree(f.unit);
  if (items.empty())
    b.r.error(f.unit, f.value, path, "expected a non-empty list of strings");
  else if (tr.scalar(items[0]).empty())
    b.refuse_empty_program(f.unit, items[0], path);
  for (NodeId it : items) b.task.shell.emplace_back(tr.scalar(it));
}
static Json shell_schema() {
  return described(ref("argv"), "the shell for `run`; default [sh, -c]");
}
const FieldOps kShellField{read_shell, shell_schema};

static void read_if(TaskBuild& b, const FieldRef& f) {
  Script s;
  TplCtx ctx = b.ctx;
  ctx.allow_outputs = true;
  if (b.x.build_script(f.unit, f.value, b.path(), ctx, is_posix_shell(b.task.shell), b.counter, s))
    b.task.edit_extras().if_cmd = std::move(s);
}
const FieldOps kIfField{read_if, [] {
                          return described(ref("script"),
                                           "a shell command: exit 0 runs the task, 1-125 skips it");
                        }};

// The task's own env, over its file's and the defaults (TaskBuilder::build):
// only it may hold task outputs.
static void read_env(TaskBuild& b, const FieldRef& f) {
  TplCtx own = b.ctx;
  own.allow_outputs = true;
  merge_env_map(b.r, b.x, f.unit, f.value, b.path(), own, b.task.env);
}
const FieldOps kEnvField{read_env, [] { return ref("env"); }};

static void read_working_dir(TaskBuild& b, const FieldRef& f) {
  const std::string& file_dir = b.r.unit(f.unit).abs_dir;
  auto wd = b.x.expand_path(f.unit, f.value, b.path(), b.ctx, file_dir);
  // The same directory as the file's stays shared (SharedString).
  if (wd && *wd != b.file_dir()) b.task.working_dir = std::move(*wd);
}
const FieldOps kWorkingDirField{read_working_dir, [] { return ref("path"); }};

static void read_needs(TaskBuild& b, const FieldRef& f) {
  const std::string& path = b.path();
  const YamlTree& tr = b.r.tree(f.unit);
  if (!b.r.expect(f.unit, f.value, Kind::Sequence, path, "a list of task names")) return;
  Task& t = b.task;
  t.needs.reserve(tr.node(f.value).size);
  for (std::uint32_t index = 0; index < tr.node(f.value).size; ++index) {
    NodeId it = tr.item(f.value, index);
    const std::string& ipath = b.item_path(path, index);
    if (tr.node(it).kind != Kind::Scalar) {
      b.r.error(f.unit, it, ipath, "expected a task name, got " + kind_name(tr, it));
      continue;
    }
    auto name = b.x.expand_string(f.unit, it, ipath, b.ctx);
    if (!name) continue;
    Need need;
    need.task = std::move(*name);
    need.pos = b.r.pos_of(f.unit, it);
    need.index = index;
    t.needs.push_back(std::move(need));
  }
}
static Json needs_schema() {
  return described(list(ref("text")),
                   "tasks that must finish first; a matrix base means every expansion");
}
const FieldOps kNeedsField{read_needs, needs_schema};

/// `inputs` or `outputs`: paths (or globs) against the working directory.
static void read_paths(TaskBuild& b, const FieldRef& f, bool outputs) {
  const std::string& path = b.path();
  std::vector<NodeId>& items = b.items();
  items.clear();
  b.r.string_list(f.unit, f.value, path, items);
  Task& t = b.task;
  std::uint32_t i = 0;
  for (NodeId it : items) {
    const std::string item = b.item_path(path, i++);
    auto p = outputs ? b.x.expand_output_path(f.unit, it, item, b.ctx, b.dir())
                     : b.x.expand_path(f.unit, it, item, b.ctx, b.dir());
    if (!p) continue;
    if (!outputs) {
      t.inputs.push_back(std::move(*p));
    } else {
      t.outputs.push_back(std::move(*p));
      t.output_pos.push_back(b.r.pos_of(f.unit, it));
    }
  }
}

static void read_inputs(TaskBuild& b, const FieldRef& f) {
  read_paths(b, f, false);
}
static void read_outputs(TaskBuild& b, const FieldRef& f) {
  read_paths(b, f, true);
}
const FieldOps kInputsField{read_inputs,
                            [] { return described(ref("pathList"), "files (or globs) read"); }};
const FieldOps kOutputsField{read_outputs,
                             [] { return described(ref("pathList"), "files written"); }};

}  // namespace sluice::detail::fields
