// Task fields: file actions and `call` (see task_fields.hpp). Each reader
// beside its JSON Schema. `call` is validated but cannot run yet
// (not_built_yet.hpp).
#include <algorithm>
#include <array>

#include "spec/schema_parts.hpp"
#include "spec/task_builder.hpp"

namespace sluice::detail::fields {

using namespace schema;

namespace {

/// The keys of a file action, and which of them it needs.
struct Shape {
  ActionKind kind;
  std::vector<std::string_view> keys;
  std::vector<std::string_view> required;
};

}  // namespace

static const Shape& shape_of(TaskField which) {
  static const std::array<Shape, 6> kShapes = {{
      {ActionKind::Copy, {"from", "to"}, {"from", "to"}},
      {ActionKind::Concat, {"from", "to"}, {"from", "to"}},
      {ActionKind::Write, {"to", "content"}, {"to", "content"}},
      {ActionKind::Hash, {"files", "algo", "to"}, {"files", "to"}},
      {ActionKind::Compress, {"from", "to", "format", "level"}, {"from", "to"}},
      {ActionKind::Decompress, {"from", "to"}, {"from", "to"}},
  }};
  return kShapes[static_cast<std::size_t>(which) - static_cast<std::size_t>(TaskField::Copy)];
}

/// `algo` or `format`: one of two names.
static void read_choice(TaskBuild& b, std::uint32_t u, const MapEntry& e, FileAction& file) {
  auto s = b.r.scalar(u, e.value, e.path);
  if (!s) return;
  std::vector<std::string_view> allowed = e.key == "algo"
                                              ? std::vector<std::string_view>{"sha256", "xxh3"}
                                              : std::vector<std::string_view>{"gzip", "zstd"};
  if (std::find(allowed.begin(), allowed.end(), *s) == allowed.end()) {
    b.r.error(u, e.value, e.path,
              "expected '" + std::string(allowed[0]) + "' or '" + std::string(allowed[1]) +
                  "', got '" + std::string(*s) + "'",
              FieldReader::did_you_mean(*s, allowed));
    return;
  }
  (e.key == "algo" ? file.algo : file.format) = std::string(*s);
}

/// One key of a file action's map (a known one).
static void read_file_key(TaskBuild& b, std::uint32_t u, const Shape& shape, const MapEntry& e,
                          const TplCtx& ctx, FileAction& file) {
  const std::string& dir = b.dir();
  if (e.key == "files" || (e.key == "from" && shape.kind == ActionKind::Concat)) {
    std::vector<NodeId> items;
    b.r.string_list(u, e.value, e.path, items);
    if (items.empty() && b.r.tree(u).node(e.value).kind == Kind::Sequence)
      b.r.error(u, e.value, e.path, "expected a non-empty list of paths");
    std::uint32_t j = 0;
    for (NodeId it : items)
      if (auto p = b.x.expand_path(u, it, b.item_path(e.path, j++), ctx, dir))
        file.from.push_back(std::move(*p));
  } else if (e.key == "from" || e.key == "to") {
    auto p = e.key == "to" ? b.x.expand_output_path(u, e.value, e.path, ctx, dir)
                           : b.x.expand_path(u, e.value, e.path, ctx, dir);
    if (!p) return;
    if (e.key == "from")
      file.from.push_back(std::move(*p));
    else
      file.to = std::move(*p);
  } else if (e.key == "content") {
    if (auto tpl = b.x.expand_template(u, e.value, e.path, ctx)) file.content = std::move(*tpl);
  } else if (e.key == "algo" || e.key == "format") {
    read_choice(b, u, e, file);
  } else if (e.key == "level") {
    if (auto n = b.r.integer(u, e.value, e.path, kCompressLevel)) file.level = static_cast<int>(*n);
  }
}

static void read_file_action(TaskBuild& b, const FieldRef& f) {
  const Shape& shape = shape_of(b.field());
  b.task.action = shape.kind;
  FileAction& file = b.task.edit_extras().file;
  const std::uint32_t u = f.unit;
  const std::string& path = b.path();
  TplCtx ctx = b.ctx;
  ctx.allow_outputs = true;
  std::vector<std::string_view> present;
  const bool map = b.r.each_entry(u, f.value, path, "a map", [&](const MapEntry& e) {
    if (std::find(shape.keys.begin(), shape.keys.end(), e.key) == shape.keys.end()) {
      b.r.unknown_key(u, e.key_node, path, shape.keys);
      return;
    }
    present.push_back(e.key);
    read_file_key(b, u, shape, e, ctx, file);
  });
  if (!map) return;
  for (std::string_view req : shape.required)
    if (std::find(present.begin(), present.end(), req) == present.end())
      b.r.error(u, f.value, path, "missing required key '" + std::string(req) + "'");
  if (shape.kind == ActionKind::Hash && file.algo.empty()) file.algo = "sha256";
  if (shape.kind == ActionKind::Compress && file.format.empty()) {
    std::string_view to = file.to;
    file.format = to.size() > 4 && to.substr(to.size() - 4) == ".zst" ? "zstd" : "gzip";
  }
  if (shape.kind == ActionKind::Compress && file.format == "gzip" && file.level > kGzipMaxLevel)
    b.r.error(u, f.value, path + ".level", "gzip levels go from 1 to 9 (0 = default)");
}

static void read_call(TaskBuild& b, const FieldRef& f) {
  b.task.action = ActionKind::Call;
  auto s = b.r.scalar(f.unit, f.value, b.path());
  if (s && s->empty())
    b.r.error(f.unit, f.value, b.path(), "expected a function name, got an empty string");
  if (s) b.task.edit_extras().file.function = std::string(*s);
}

const FieldOps kCopyField{
    read_file_action, [] {
      return closed_object({{"from", ref("path")}, {"to", ref("path")}}, {"from", "to"});
    }};
const FieldOps kConcatField{
    read_file_action, [] {
      return closed_object({{"from", list(ref("path"), 1)}, {"to", ref("path")}}, {"from", "to"});
    }};
const FieldOps kWriteField{
    read_file_action, [] {
      return closed_object({{"to", ref("path")}, {"content", ref("text")}}, {"to", "content"});
    }};
static Json hash_schema() {
  return closed_object({{"files", list(ref("path"), 1)},
                        {"algo", {{"enum", {"sha256", "xxh3"}}, {"default", "sha256"}}},
                        {"to", ref("path")}},
                       {"files", "to"});
}
const FieldOps kHashField{read_file_action, hash_schema};
static Json compress_schema() {
  Json compress = closed_object({{"from", ref("path")},
                                 {"to", ref("path")},
                                 {"format", {{"enum", {"gzip", "zstd"}}}},
                                 {"level", integer(kCompressLevel)}},
                                {"from", "to"});
  // gzip (given, or taken when `to` does not end in .zst) stops at 9.
  compress["if"] = {
      {"anyOf",
       {{{"properties", {{"format", {{"const", "gzip"}}}}}, {"required", {"format"}}},
        {{"properties", {{"to", {{"not", {{"type", "string"}, {"pattern", "\\.zst$"}}}}}}},
         {"not", with_keys({"format"})}}}}};
  compress["then"] = {
      {"properties", {{"level", {{"type", "integer"}, {"maximum", kGzipMaxLevel}}}}}};
  return compress;
}
const FieldOps kCompressField{read_file_action, compress_schema};
const FieldOps kDecompressField{
    read_file_action, [] {
      return closed_object({{"from", ref("path")}, {"to", ref("path")}}, {"from", "to"});
    }};
const FieldOps kCallField{read_call, [] {
                            return described(text({{"minLength", 1}}),
                                             "a C++ function registered by the embedding program");
                          }};

}  // namespace sluice::detail::fields
