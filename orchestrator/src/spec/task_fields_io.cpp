// Task fields: stdin, stdout, stderr (see task_fields.hpp). Each reader
// beside its JSON Schema, the two joined in the field's FieldOps.
#include "spec/schema_parts.hpp"
#include "spec/task_builder.hpp"

namespace sluice::detail::fields {

using namespace schema;

static void read_stdin(TaskBuild& b, const FieldRef& f) {
  Task& t = b.task;
  const std::string& path = b.path();
  const TplCtx& ctx = b.ctx;
  std::uint32_t u = f.unit;
  const YamlTree& tr = b.r.tree(u);
  TplCtx c = ctx;
  c.allow_outputs = true;
  if (tr.node(f.value).kind == Kind::Scalar) {
    auto tpl = b.x.expand_template(u, f.value, path, c);
    if (!tpl) return;
    t.edit_extras().stdin_spec.kind = StdinSpec::Kind::Text;
    t.edit_extras().stdin_spec.text = std::move(*tpl);
    return;
  }
  if (!b.r.expect(u, f.value, Kind::Map, path, "a string, {file: PATH} or {task: NAME}")) return;
  if (tr.node(f.value).size != 1) {
    b.r.error(u, f.value, path, "expected exactly one of 'file' or 'task'");
    return;
  }
  NodeId k = tr.key(f.value, 0);
  NodeId v = tr.value(f.value, 0);
  std::string_view key = tr.scalar(k);
  if (key == "file") {
    auto p = b.x.expand_path(u, v, path + ".file", ctx, t.working_dir.str());
    if (!p) return;
    t.edit_extras().stdin_spec.kind = StdinSpec::Kind::File;
    t.edit_extras().stdin_spec.path = std::move(*p);
  } else if (key == "task") {
    auto s = b.x.expand_string(u, v, path + ".task", ctx);
    if (!s) return;
    t.edit_extras().stdin_spec.kind = StdinSpec::Kind::Task;
    t.edit_extras().stdin_spec.path = std::move(*s);
    t.edit_extras().stdin_spec.pos = b.r.pos_of(u, v);
    b.note_stdin_task(u, v, f.from_defaults);
  } else {
    b.r.unknown_key(u, k, path, {"file", "task"});
  }
}

/// `stdout` or `stderr`: a copy of the stream to a file.
static void read_stream(TaskBuild& b, const FieldRef& f, StreamSpec& s) {
  b.r.each_entry(f.unit, f.value, b.path(), "a map {file, append, console}",
                 [&](const MapEntry& e) {
                   if (e.key == "file") {
                     if (auto p = b.x.expand_path(f.unit, e.value, e.path, b.ctx, b.dir()))
                       s.file = std::move(*p);
                   } else if (e.key == "append" || e.key == "console") {
                     if (auto flag = b.r.boolean(f.unit, e.value, e.path))
                       (e.key == "append" ? s.append : s.console) = *flag;
                     if (e.key == "console") s.console_set = true;
                   } else {
                     b.r.unknown_key(f.unit, e.key_node, b.path(), {"file", "append", "console"});
                   }
                 });
}

static void read_stdout(TaskBuild& b, const FieldRef& f) {
  read_stream(b, f, b.task.edit_extras().stdout_spec);
}
static void read_stderr(TaskBuild& b, const FieldRef& f) {
  read_stream(b, f, b.task.edit_extras().stderr_spec);
}

const FieldOps kStdinField{
    read_stdin, []() -> Json {
      return {{"anyOf",
               {ref("text"), closed_object({{"file", ref("path")}}, {"file"}),
                closed_object({{"task", ref("text")}}, {"task"})}}};
    }};
static Json stream_schema() {
  return ref("stream");
}
const FieldOps kStdoutField{read_stdout, stream_schema};
const FieldOps kStderrField{read_stderr, stream_schema};

}  // namespace sluice::detail::fields
