// Templates in pipeline text (see expander.hpp).
#include "spec/expander.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>

#include "spec/arithmetic_value.hpp"
#include "spec/lexical_path.hpp"
#include "spec/scopes.hpp"
#include "spec/utf8.hpp"

namespace sluice::detail {

std::string ref_text(const TemplateRef& r) {
  std::string s = r.scope;
  for (const auto& p : r.path) s += '.' + p;
  return s;
}

bool is_posix_shell(const std::vector<std::string>& shell) {
  if (shell.empty()) return true;
  std::string_view argv0 = shell[0];
  size_t slash = argv0.rfind('/');
  if (slash != std::string_view::npos) argv0.remove_prefix(slash + 1);
  static constexpr std::array<std::string_view, 10> kPosix = {
      "sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "busybox", "yash", "posh"};
  return std::find(kPosix.begin(), kPosix.end(), argv0) != kPosix.end();
}

bool Expander::resolve_ref(const TemplateRef& ref, std::string_view text, const TplCtx& ctx,
                           Template& out) {
  auto append_text = [&out](std::string_view s) { out.append(s); };
  auto fail = [&](std::string message, std::string hint = {}) {
    SourcePos p = r_.pos_in_scalar(ctx.unit, ctx.node, text, ref.offset);
    r_.error_at(ctx.unit, p.line, p.column, *ctx.path, std::move(message), std::move(hint));
    return false;
  };
  std::string name = ref_text(ref);
  const std::string* one = ref.path.size() == 1 ? &ref.path[0] : nullptr;
  if (ref.scope == "vars") {
    if (one != nullptr) {
      // A var read while vars are resolved is resolved first (a cycle is
      // reported there).
      bool cycle = false;
      if (const std::string* v = vars_.value(*one, ctx.in_vars, *this, cycle)) {
        append_text(*v);
        return true;
      }
      if (cycle) return false;
    }
    std::vector<std::string> names = vars_.reference_names();
    std::vector<std::string_view> cands(names.begin(), names.end());
    return fail("unknown reference '" + name + "'", FieldReader::did_you_mean(name, cands));
  }
  if (ref.scope == "matrix") {
    if (ctx.matrix != nullptr && one != nullptr)
      for (const auto& [k, v] : *ctx.matrix)
        if (k == *one) {
          append_text(v);
          return true;
        }
    std::vector<std::string> names;
    if (ctx.matrix != nullptr)
      for (const auto& kv : *ctx.matrix) names.push_back("matrix." + kv.first);
    std::vector<std::string_view> cands(names.begin(), names.end());
    if (ctx.matrix == nullptr || ctx.matrix->empty())
      return fail("unknown reference '" + name + "': not in a matrix task");
    return fail("unknown reference '" + name + "'", FieldReader::did_you_mean(name, cands));
  }
  if (ref.scope == "env") {
    if (one != nullptr) {
      if (ctx.env != nullptr)
        for (auto it = ctx.env->rbegin(); it != ctx.env->rend(); ++it)
          if (it->first == *one) {
            out.append(it->second);
            if (!it->second.is_literal() && !ctx.allow_outputs)
              return fail("'" + name +
                          "' holds a task output, known only at run time: not allowed here");
            return true;
          }
      if (const char* v = std::getenv(one->c_str())) {
        append_text(v);
        return true;
      }
      return fail("unknown reference '" + name + "': environment variable '" + *one +
                  "' is not set");
    }
    return fail("unknown reference '" + name + "'");
  }
  if (ref.scope == "task") {
    if (one != nullptr && *one == "name") {
      if (ctx.task_name == nullptr) return fail("'task.name' is only available in a task");
      append_text(*ctx.task_name);
      return true;
    }
    return fail("unknown reference '" + name + "'", FieldReader::did_you_mean(name, {"task.name"}));
  }
  if (ref.scope == "pipeline") {
    if (one != nullptr && *one == "dir") {
      append_text(pipeline_dir_);
      return true;
    }
    return fail("unknown reference '" + name + "'",
                FieldReader::did_you_mean(name, {"pipeline.dir"}));
  }
  if (ref.scope == "tasks") {
    if (ref.path.size() != 3 || ref.path[1] != "outputs")
      return fail("unknown reference '" + name + "': expected tasks.NAME.outputs.KEY");
    if (ctx.path->starts_with("defaults.env."))
      return fail("'" + name + "' cannot be a default: set it in the env of the tasks that need '" +
                  ref.path[0] + "'");
    if (!ctx.allow_outputs || ctx.task_name == nullptr)
      return fail(
          "'" + name +
          "' is known only at run time: use it in run, cmd, if, env, write content or stdin");
    SourcePos p = r_.pos_in_scalar(ctx.unit, ctx.node, text, ref.offset);
    output_refs_.push_back({task_, ref.path[0], p, *ctx.path, name});
    out.append_ref(ref.path[0], ref.path[2]);
    return true;
  }
  return fail("unknown reference '" + name + "'");
}

bool Expander::over_budget(const TplCtx& ctx, std::string_view text, std::uint32_t offset) {
  const bool var_cap = ctx.in_vars && budget_.var_cap_binds();
  if (!var_cap && budget_.reported()) return false;
  SourcePos p = r_.pos_in_scalar(ctx.unit, ctx.node, text, offset);
  if (var_cap) {
    r_.error_at(ctx.unit, p.line, p.column, *ctx.path, "value is more than 1 MiB once expanded");
  } else {
    budget_.set_reported();
    r_.error_at(ctx.unit, p.line, p.column, *ctx.path, budget_.message());
  }
  return false;
}

/// Whether a substituted value is absolute or climbs with a `..` component.
static bool escapes_tree(std::string_view value) {
  if (value.starts_with('/')) return true;
  for (std::size_t at = 0; at <= value.size();) {
    std::size_t end = std::min(value.find('/', at), value.size());
    if (value.substr(at, end - at) == "..") return true;
    at = end + 1;
  }
  return false;
}

/// A value the pipeline's author did not write: the environment's, or a
/// var given on the command line (`--set`).
bool Expander::from_outside(const TemplateRef& ref) const {
  if (ref.scope == "env") return true;
  return ref.scope == "vars" && ref.path.size() == 1 && vars_.set_by_cli(ref.path[0]);
}

bool Expander::expand(std::string_view text, const TplCtx& ctx, Template& out) {
  out = Template{};
  const std::size_t limit = budget_.left(ctx.in_vars);
  if (text.find("${{") == std::string_view::npos) {
    if (text.size() > limit) return over_budget(ctx, text, 0);
    out.text = std::string(text);
    budget_.spend_in_task(out.text.size());
    return true;
  }
  ParsedTemplate parsed = parse_template(text);
  bool ok = true;
  for (const auto& e : parsed.errors) {
    SourcePos p = r_.pos_in_scalar(ctx.unit, ctx.node, text, e.offset);
    r_.error_at(ctx.unit, p.line, p.column, *ctx.path, e.message);
    ok = false;
  }
  if (!ok) return false;
  for (const auto& piece : parsed.pieces) {
    if (piece.is_ref) {
      const std::size_t from = out.text.size();
      ok = resolve_ref(piece.ref, text, ctx, out) && ok;
      if (ctx.output_path && from_outside(piece.ref) &&
          escapes_tree(std::string_view(out.text).substr(from))) {
        SourcePos p = r_.pos_in_scalar(ctx.unit, ctx.node, text, piece.offset);
        r_.error_at(ctx.unit, p.line, p.column, *ctx.path,
                    "the value of ${{ " + ref_text(piece.ref) + " }} ('" + out.text.substr(from) +
                        "') would move an output out of the tree: a value from the environment or "
                        "--set may not bring '..' or an absolute path into an output path");
        ok = false;
      }
    } else {
      out.append(piece.text);
    }
    // Checked as it grows: the memory never runs far past the limit.
    if (out.text.size() > limit) return over_budget(ctx, text, piece.offset);
  }
  budget_.spend_in_task(out.text.size());
  return ok;
}

std::optional<Template> Expander::expand_template(std::uint32_t u, NodeId n,
                                                  const std::string& path, const TplCtx& base) {
  auto s = r_.scalar(u, n, path);
  if (!s) return std::nullopt;
  TplCtx ctx = base;
  ctx.unit = u;
  ctx.node = n;
  ctx.path = &path;
  Template t;
  if (!expand(*s, ctx, t)) return std::nullopt;
  return t;
}

std::optional<std::string> Expander::expand_string(std::uint32_t u, NodeId n,
                                                   const std::string& path, const TplCtx& base) {
  TplCtx ctx = base;
  ctx.allow_outputs = false;
  auto t = expand_template(u, n, path, ctx);
  if (!t) return std::nullopt;
  // Task outputs are refused here, so the template is its literal text.
  return std::move(t->text);
}

std::optional<std::string> Expander::expand_path(std::uint32_t u, NodeId n, const std::string& path,
                                                 const TplCtx& base, const std::string& dir) {
  auto s = expand_string(u, n, path, base);
  if (!s) return std::nullopt;
  if (s->empty()) {
    r_.error(u, n, path, "expected a path, got an empty string");
    return std::nullopt;
  }
  return join_path(dir, *s);
}

bool Expander::build_script(std::uint32_t u, NodeId n, const std::string& path, const TplCtx& base,
                            bool posix, int& counter, Script& out) {
  auto s = r_.scalar(u, n, path);
  if (!s) return false;
  // `sh -c ""` succeeds doing nothing: an empty script is a mistake.
  if (s->find_first_not_of(" \t\r\n") == std::string_view::npos) {
    r_.error(u, n, path, "expected a command, got an empty script");
    return false;
  }
  if (s->find("${{") == std::string_view::npos) {
    out.text = std::string(*s);
    return true;
  }
  TplCtx ctx = base;
  ctx.unit = u;
  ctx.node = n;
  ctx.path = &path;
  ParsedTemplate parsed = parse_template(*s);
  bool ok = true;
  for (const auto& e : parsed.errors) {
    SourcePos p = r_.pos_in_scalar(u, n, *s, e.offset);
    r_.error_at(u, p.line, p.column, path, e.message);
    ok = false;
  }
  if (!ok) return false;
  std::size_t refs = std::count_if(parsed.pieces.begin(), parsed.pieces.end(),
                                   [](const TemplatePiece& p) { return p.is_ref; });
  if (refs == 0) {
    for (const auto& piece : parsed.pieces) out.text += piece.text;
    return true;
  }
  if (!posix) {
    r_.error(
        u, n, path,
        "templates in a script need a POSIX shell ('shell' is not one): pass values through 'env'");
    return false;
  }
  ShScan scan = scan_sh_contexts(parsed);
  if (scan.error) {
    SourcePos p = r_.pos_in_scalar(u, n, *s, scan.error->offset);
    r_.error_at(u, p.line, p.column, path, scan.error->message);
    return false;
  }
  std::vector<std::string> names;
  std::size_t k = 0;
  std::size_t size = s->size();
  const std::size_t limit = budget_.left(ctx.in_vars);
  for (const auto& piece : parsed.pieces) {
    if (!piece.is_ref) continue;
    Template value;
    const bool resolved = resolve_ref(piece.ref, *s, ctx, value);
    size += value.text.size();
    if (size > limit) return over_budget(ctx, *s, piece.ref.offset);
    ok = resolved && ok;
    names.push_back("SLUICE_V_" + std::to_string(++counter));
    if (resolved && scan.arithmetic[k] != 0)
      ok = check_arithmetic(u, n, path, *s, piece.ref, value, names.back()) && ok;
    ++k;
    out.values.emplace_back(names.back(), std::move(value));
  }
  if (!ok) return false;
  out.text = rewrite_script(parsed, scan.contexts, names);
  budget_.spend_in_task(size);
  return true;
}

// A value in shell arithmetic must be an integer (SPEC §1.3): checked now
// when it is known, else noted for the executor to check before the spawn.
bool Expander::check_arithmetic(std::uint32_t u, NodeId n, const std::string& path,
                                std::string_view script, const TemplateRef& ref,
                                const Template& value, const std::string& name) {
  const std::string written = ref_text(ref);
  if (!value.is_literal()) {
    runtime_arithmetic_.emplace_back(name, written);
    return true;
  }
  if (is_shell_integer(value.text)) return true;
  const bool from_set =
      ref.scope == "vars" && ref.path.size() == 1 && vars_.set_by_cli(ref.path[0]);
  SourcePos p = r_.pos_in_scalar(u, n, script, ref.offset);
  r_.error_at(u, p.line, p.column, path,
              arithmetic_value_error(written, value.text, from_set ? " (set by --set)" : ""));
  return false;
}

}  // namespace sluice::detail
