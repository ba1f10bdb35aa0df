// The pipeline loader (see loader.hpp for the choices it makes).
//
// Loading runs in passes over the YAML trees of the main file and its
// includes, all kept alive until the pipeline is built (defaults and scopes
// point into them) and freed before returning:
//   1. read every file, following `include` depth first (cycles reported);
//   2. vars (with `--set`), secrets, pools, then each file's env and defaults;
//   3. tasks, block by block in include order, matrix expanded;
//   4. names: needs, stdin tasks, pools and task-output references.
// Every problem becomes a Diagnostic and loading goes on with the next field
// or task, so that one pass reports all of them.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <tuple>
#include <unordered_set>

#include "spec/dotenv.hpp"
#include "spec/loader_impl.hpp"
#include "spec/name_index.hpp"
#include "spec/suggest.hpp"
#include "spec/utf8.hpp"

namespace sluice {
namespace detail {

std::string kind_name(const YamlTree& t, NodeId n) {
  const YamlNode& nd = t.node(n);
  switch (nd.kind) {
    case Kind::Null:
      return "null";
    case Kind::Sequence:
      return "a list";
    case Kind::Map:
      return "a map";
    case Kind::Scalar:
      break;
  }
  return "'" + std::string(t.scalar(n)) + "'";
}

bool is_int_text(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  if (s.empty() || s.size() > 18) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool valid_task_name(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool valid_env_name(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s) {
    bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

// Matrix values become part of task names, which become file names.
bool valid_matrix_value(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (c == ',' || c == '=' || c == '[' || c == ']' || c == '/' || c == ' ' || c == '\t' ||
        c < 0x20 || c == 0x7f)
      return false;
  }
  return true;
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

std::string ref_text(const TemplateRef& r) {
  std::string s = r.scope;
  for (const auto& p : r.path) s += '.' + p;
  return s;
}

bool read_whole_file(const std::string& path, std::size_t max_bytes, std::string& out,
                     std::string& err) {
  auto fail = [&](std::string why) {
    err = std::move(why);
    return false;
  };
  struct Fd {
    int get() const { return fd; }
    ~Fd() {
      if (fd >= 0) ::close(fd);
    }
    int fd;
  } fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (fd.get() < 0) return fail(std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return fail(std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return fail("is a directory");
  auto too_big = [&](std::size_t size) {
    return fail("file is " + std::to_string(size) + " bytes, more than the limit of " +
                std::to_string(max_bytes));
  };
  if (static_cast<std::size_t>(st.st_size) > max_bytes) return too_big(st.st_size);
  // st_size is exact for a regular file and 0 for a pipe (`-f /dev/stdin`,
  // `<(...)`): read to EOF either way. One spare byte lets a regular file's
  // EOF be seen without growing the buffer (doubling it was 93 B a task at
  // 100k tasks).
  out.assign(S_ISREG(st.st_mode) ? static_cast<std::size_t>(st.st_size) + 1 : 64 * 1024, '\0');
  std::size_t got = 0;
  for (;;) {
    if (got == out.size()) {
      if (got > max_bytes) return too_big(got);
      out.resize(got + std::max<std::size_t>(got, 64 * 1024));
    }
    ssize_t n = ::read(fd.get(), out.data() + got, out.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(std::strerror(errno));
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got > max_bytes) return too_big(got);
  out.resize(got);
  return true;
}

// ------------------------------------------------------------------ diagnostics

void Loader::error_at(std::uint32_t unit, std::uint32_t line, std::uint32_t col, std::string path,
                      std::string message, std::string hint) {
  Diagnostic d;
  d.file = units_[unit]->display;
  d.line = static_cast<int>(line);
  d.column = static_cast<int>(col);
  d.path = std::move(path);
  d.message = std::move(message);
  d.hint = std::move(hint);
  if (line > 0) d.source_line = std::string(units_[unit]->tree.source_line(line));
  diags_.push_back(std::move(d));
}

void Loader::error(std::uint32_t unit, NodeId n, std::string path, std::string message,
                   std::string hint) {
  const YamlNode& nd = tree(unit).node(n);
  error_at(unit, nd.line, nd.column, std::move(path), std::move(message), std::move(hint));
}

std::string Loader::did_you_mean(std::string_view word,
                                 const std::vector<std::string_view>& cands) {
  auto best = closest(word, cands);
  return best ? "did you mean '" + *best + "'?" : std::string();
}

void Loader::unknown_key(std::uint32_t unit, NodeId key, const std::string& parent_path,
                         const std::vector<std::string_view>& known) {
  const YamlTree& t = tree(unit);
  std::string name =
      t.node(key).kind == Kind::Scalar ? std::string(t.scalar(key)) : kind_name(t, key);
  std::string path = parent_path.empty() ? name : parent_path + "." + name;
  error(unit, key, path, "unknown key '" + name + "'", did_you_mean(name, known));
}

SourcePos Loader::pos_of(std::uint32_t unit, NodeId n) const {
  const YamlNode& nd = tree(unit).node(n);
  return SourcePos{unit, nd.line, nd.column};
}

// See loader.hpp: exact for plain and single-line quoted scalars; for block
// and multi-line scalars the content line is looked for in the source.
SourcePos Loader::pos_in_scalar(std::uint32_t unit, NodeId n, std::string_view text,
                                std::uint32_t offset) const {
  const YamlTree& t = tree(unit);
  const YamlNode& nd = t.node(n);
  offset = std::min<std::uint32_t>(offset, static_cast<std::uint32_t>(text.size()));
  std::string_view before = text.substr(0, offset);
  std::size_t newlines = std::count(before.begin(), before.end(), '\n');
  std::string_view src = t.source_line(nd.line);
  std::size_t start_byte = 0;
  {
    std::size_t chars = 0;
    while (start_byte < src.size() && chars + 1 < nd.column) {
      if ((static_cast<unsigned char>(src[start_byte]) & 0xC0) != 0x80) ++chars;
      ++start_byte;
      while (start_byte < src.size() &&
             (static_cast<unsigned char>(src[start_byte]) & 0xC0) == 0x80)
        ++start_byte;
    }
  }
  char first = start_byte < src.size() ? src[start_byte] : '\0';
  bool block = first == '|' || first == '>';
  if (newlines == 0 && !block && text.find('\n') == std::string_view::npos) {
    std::uint32_t quote = (first == '"' || first == '\'') ? 1 : 0;
    return SourcePos{unit, nd.line,
                     nd.column + quote + static_cast<std::uint32_t>(count_code_points(before))};
  }
  std::size_t seg_start = before.rfind('\n');
  seg_start = seg_start == std::string_view::npos ? 0 : seg_start + 1;
  std::size_t seg_end = text.find('\n', offset);
  std::string_view segment =
      text.substr(seg_start, seg_end == std::string_view::npos ? seg_end : seg_end - seg_start);
  std::string_view prefix = text.substr(seg_start, offset - seg_start);
  for (std::uint32_t line = nd.line + static_cast<std::uint32_t>(newlines);
       line <= nd.line + newlines + 3; ++line) {
    std::string_view s = t.source_line(line);
    std::size_t at = s.find(segment);
    if (at != std::string_view::npos && !segment.empty()) {
      return SourcePos{unit, line,
                       static_cast<std::uint32_t>(count_code_points(s.substr(0, at)) +
                                                  count_code_points(prefix) + 1)};
    }
  }
  return pos_of(unit, n);
}

// ------------------------------------------------------------------ typed reads

bool Loader::expect(std::uint32_t u, NodeId n, Kind kind, const std::string& path,
                    const char* what) {
  if (tree(u).node(n).kind == kind) return true;
  error(u, n, path, std::string("expected ") + what + ", got " + kind_name(tree(u), n));
  return false;
}

std::optional<std::string_view> Loader::scalar(std::uint32_t u, NodeId n, const std::string& path) {
  if (!expect(u, n, Kind::Scalar, path, "a string")) return std::nullopt;
  return tree(u).scalar(n);
}

std::optional<bool> Loader::boolean(std::uint32_t u, NodeId n, const std::string& path) {
  const YamlNode& nd = tree(u).node(n);
  if (nd.kind == Kind::Scalar && !nd.quoted) {
    std::string_view s = tree(u).scalar(n);
    if (s == "true") return true;
    if (s == "false") return false;
  }
  std::string got = nd.kind == Kind::Scalar && nd.quoted ? "the string " + kind_name(tree(u), n)
                                                         : kind_name(tree(u), n);
  error(u, n, path, "expected a boolean (true or false), got " + got);
  return std::nullopt;
}

std::optional<long long> Loader::integer(std::uint32_t u, NodeId n, const std::string& path,
                                         long long min, long long max) {
  const YamlNode& nd = tree(u).node(n);
  std::string range = min == std::numeric_limits<int>::min() ? std::string()
                      : max == std::numeric_limits<int>::max()
                          ? " >= " + std::to_string(min)
                          : " from " + std::to_string(min) + " to " + std::to_string(max);
  if (nd.kind == Kind::Scalar && !nd.quoted && is_int_text(tree(u).scalar(n))) {
    long long v = std::strtoll(std::string(tree(u).scalar(n)).c_str(), nullptr, 10);
    if (v >= min && v <= max) return v;
    error(u, n, path, "expected an integer" + range + ", got " + std::to_string(v));
    return std::nullopt;
  }
  std::string got = nd.kind == Kind::Scalar && nd.quoted ? "the string " + kind_name(tree(u), n)
                                                         : kind_name(tree(u), n);
  error(u, n, path, "expected an integer" + range + ", got " + got);
  return std::nullopt;
}

std::optional<double> Loader::number(std::uint32_t u, NodeId n, const std::string& path,
                                     double min) {
  const YamlNode& nd = tree(u).node(n);
  if (nd.kind == Kind::Scalar && !nd.quoted) {
    std::string s(tree(u).scalar(n));
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (!s.empty() && end == s.c_str() + s.size() &&
        s.find_first_of("xXnNiI") == std::string::npos) {
      if (v >= min) return v;
      error(u, n, path,
            "expected a number >= " + std::to_string(static_cast<int>(min)) + ", got " + s);
      return std::nullopt;
    }
  }
  error(u, n, path, "expected a number, got " + kind_name(tree(u), n));
  return std::nullopt;
}

std::optional<Duration> Loader::duration(std::uint32_t u, NodeId n, const std::string& path) {
  const YamlNode& nd = tree(u).node(n);
  if (nd.kind != Kind::Scalar) {
    error(u, n, path, "expected a duration (250ms, 30s, 5m, 1h30m), got " + kind_name(tree(u), n));
    return std::nullopt;
  }
  auto d = parse_duration(tree(u).scalar(n));
  if (!d) {
    error(u, n, path, "invalid duration '" + std::string(tree(u).scalar(n)) + "': " + d.error);
    return std::nullopt;
  }
  return *d.value;
}

bool Loader::string_list(std::uint32_t u, NodeId n, const std::string& path,
                         std::vector<NodeId>& items) {
  if (!expect(u, n, Kind::Sequence, path, "a list of strings")) return false;
  const YamlTree& t = tree(u);
  bool ok = true;
  for (std::uint32_t i = 0; i < t.node(n).size; ++i) {
    NodeId it = t.item(n, i);
    if (t.node(it).kind != Kind::Scalar) {
      error(u, it, path + "[" + std::to_string(i) + "]",
            "expected a string, got " + kind_name(t, it));
      ok = false;
      continue;
    }
    items.push_back(it);
  }
  return ok;
}

// ------------------------------------------------------------------ files and includes

void Loader::load_unit(std::string display, std::string abs_path, std::string text, int parent) {
  auto unit = std::make_unique<Unit>();
  unit->display = std::move(display);
  unit->display_dir = parent_dir(unit->display);
  unit->abs_path = std::move(abs_path);
  unit->abs_dir = parent_dir(unit->abs_path);
  unit->work_dir = unit->abs_dir;
  unit->parent = parent;
  unit->top.fill(kNoNode);
  unit->top_key.fill(kNoNode);
  YamlLimits limits;
  limits.max_bytes = options_.max_file_bytes;
  limits.max_pieces = options_.parse_threads;
  unit->tree = YamlTree::parse_owned(std::move(text), unit->display, limits);
  const auto u = static_cast<std::uint32_t>(units_.size());
  p_.files.push_back(unit->display);
  units_.push_back(std::move(unit));
  const YamlTree& t = tree(u);
  for (auto d : t.diagnostics()) {
    if (d.line > 0 && d.source_line.empty()) d.source_line = std::string(t.source_line(d.line));
    diags_.push_back(std::move(d));
  }
  if (t.root() == kNoNode) return;
  NodeId root = t.root();
  if (t.node(root).kind != Kind::Map) {
    error(u, root, "",
          "expected a map of top-level keys (tasks, vars, ...), got " + kind_name(t, root));
    return;
  }
  std::vector<std::string_view> known(kTopLevelKeys.begin(), kTopLevelKeys.end());
  include_stack_.push_back(units_[u]->abs_path);
  include_stack_names_.push_back(units_[u]->display);
  for (std::uint32_t i = 0; i < t.node(root).size; ++i) {
    NodeId k = t.key(root, i);
    NodeId v = t.value(root, i);
    std::string_view name = t.node(k).kind == Kind::Scalar ? t.scalar(k) : std::string_view();
    if (name.substr(0, 2) == "x-") continue;
    auto it = std::find(kTopLevelKeys.begin(), kTopLevelKeys.end(), name);
    if (it == kTopLevelKeys.end()) {
      unknown_key(u, k, "", known);
      continue;
    }
    auto idx = static_cast<std::size_t>(it - kTopLevelKeys.begin());
    units_[u]->top[idx] = v;
    units_[u]->top_key[idx] = k;
    if (idx == kInclude) read_include(u, v);
    if (idx == kTasks) {
      if (t.node(v).kind == Kind::Map && t.node(v).size > 0)
        task_blocks_.emplace_back(u, v);
      else if (t.node(v).kind == Kind::Map)
        error(u, v, "tasks", "expected at least one task");
      else
        expect(u, v, Kind::Map, "tasks", "a map of tasks");
    }
  }
  include_stack_.pop_back();
  include_stack_names_.pop_back();
  if (parent < 0 && units_[u]->top[kTasks] == kNoNode && units_[u]->top[kInclude] == kNoNode)
    error(u, root, "", "missing required key 'tasks'");
}

void Loader::read_include(std::uint32_t u, NodeId list) {
  std::vector<NodeId> items;
  string_list(u, list, "include", items);
  for (std::uint32_t i = 0; i < items.size(); ++i) {
    const YamlTree& t = tree(u);
    std::string path = "include[" + std::to_string(i) + "]";
    std::string_view rel = t.scalar(items[i]);
    if (rel.empty()) {
      error(u, items[i], path, "expected a path, got an empty string");
      continue;
    }
    std::string abs = join_path(units_[u]->abs_dir, rel);
    std::string display = units_[u]->display_dir == "." ? normalize_path(rel)
                                                        : join_path(units_[u]->display_dir, rel);
    if (!rel.empty() && rel.front() == '/') display = normalize_path(rel);
    auto on_stack = std::find(include_stack_.begin(), include_stack_.end(), abs);
    if (on_stack != include_stack_.end()) {
      std::string chain;
      for (auto j = static_cast<std::size_t>(on_stack - include_stack_.begin());
           j < include_stack_.size(); ++j)
        chain += include_stack_names_[j] + " -> ";
      error(u, items[i], path, "include cycle: " + chain + display);
      continue;
    }
    bool seen = std::any_of(units_.begin(), units_.end(),
                            [&](const auto& un) { return un->abs_path == abs; });
    if (seen) continue;
    std::string text, err;
    if (!read_whole_file(abs, options_.max_file_bytes, text, err)) {
      error(u, items[i], path, "cannot read '" + display + "': " + err);
      continue;
    }
    load_unit(display, abs, std::move(text), static_cast<int>(u));
  }
}

// ------------------------------------------------------------------ vars, secrets, pools, scopes

void Loader::load_vars() {
  for (std::uint32_t u = 0; u < units_.size(); ++u) {
    NodeId m = units_[u]->top[kVars];
    if (m == kNoNode || !expect(u, m, Kind::Map, "vars", "a map of scalars")) continue;
    const YamlTree& t = tree(u);
    for (std::uint32_t i = 0; i < t.node(m).size; ++i) {
      NodeId k = t.key(m, i);
      NodeId v = t.value(m, i);
      std::string name(t.scalar(k));
      if (t.node(v).kind != Kind::Scalar) {
        error(u, v, "vars." + name, "expected a scalar, got " + kind_name(t, v));
        continue;
      }
      if (raw_vars_.emplace(name, std::make_pair(u, v)).second) var_order_.push_back(name);
    }
  }
  for (const auto& [k, v] : options_.set) {
    if (raw_vars_.count(k) == 0) {
      unknown_set_var(k);
      continue;
    }
    vars_[k] = v;
    var_state_[k] = 2;
  }
  for (const auto& name : var_order_) resolve_var(name);
}

// The diagnostic has no place in a file: it is about the command line.
void Loader::unknown_set_var(const std::string& name) {
  std::vector<std::string_view> names(var_order_.begin(), var_order_.end());
  std::string hint = names.empty() ? "the pipeline defines no vars" : did_you_mean(name, names);
  if (hint.empty()) {
    hint = "vars:";
    for (std::size_t i = 0; i < names.size() && i < 8; ++i) hint += " " + std::string(names[i]);
    if (names.size() > 8) hint += " ...";
  }
  error_at(0, 0, 0, "", "--set " + name + ": no such var", std::move(hint));
}

// Depth first in dependency order; a var's text is expanded once, with the
// final values of the vars it uses pasted in and never rescanned.
std::string Loader::resolve_var(const std::string& name) {
  std::vector<std::string>& stack = var_stack_;
  std::uint8_t& state = var_state_[name];
  if (state == 2) return vars_[name];
  auto raw = raw_vars_.find(name);
  if (raw == raw_vars_.end()) return {};
  auto [u, node] = raw->second;
  std::string path = "vars." + name;
  if (state == 1) {
    std::string chain;
    auto from = std::find(stack.begin(), stack.end(), name);
    for (auto it = from; it != stack.end(); ++it) chain += *it + " -> ";
    error(u, node, path, "vars cycle: " + chain + name);
    return {};
  }
  state = 1;
  stack.push_back(name);
  TplCtx ctx;
  ctx.in_vars = true;
  ctx.unit = u;
  ctx.node = node;
  ctx.path = &path;
  Template out;
  std::string_view text = tree(u).scalar(node);
  std::string value;
  if (expand(text, ctx, out)) {
    value = std::move(out.text);
    if (value.size() > kMaxVarBytes) {
      error(u, node, path,
            "value is " + std::to_string(value.size()) + " bytes once expanded, more than 1 MiB");
      value.clear();
    }
  }
  stack.pop_back();
  var_state_[name] = 2;
  vars_[name] = value;
  return value;
}

void Loader::load_secrets_and_pools() {
  std::unordered_map<std::string, SourcePos> seen_secret, seen_pool;
  for (std::uint32_t u = 0; u < units_.size(); ++u) {
    const YamlTree& t = tree(u);
    NodeId m = units_[u]->top[kSecrets];
    if (m != kNoNode && expect(u, m, Kind::Map, "secrets", "a map of secrets")) {
      for (std::uint32_t i = 0; i < t.node(m).size; ++i) {
        NodeId k = t.key(m, i);
        NodeId v = t.value(m, i);
        std::string name(t.scalar(k));
        std::string path = "secrets." + name;
        if (!valid_env_name(name)) {
          error(u, k, path, "invalid secret name '" + name + "': use letters, digits and '_'");
          continue;
        }
        if (!expect(u, v, Kind::Map, path, "{env: VAR} or {file: PATH}")) continue;
        Secret s;
        s.name = name;
        int sources = 0;
        bool bad_key = false;
        for (std::uint32_t j = 0; j < t.node(v).size; ++j) {
          NodeId sk = t.key(v, j);
          NodeId sv = t.value(v, j);
          std::string_view key = t.scalar(sk);
          if (key != "env" && key != "file") {
            unknown_key(u, sk, path, {"env", "file"});
            bad_key = true;
            continue;
          }
          auto text = scalar(u, sv, path + "." + std::string(key));
          if (!text) continue;
          ++sources;
          s.source = key == "env" ? Secret::Source::Env : Secret::Source::File;
          s.ref = key == "env" ? std::string(*text) : join_path(units_[u]->abs_dir, *text);
        }
        if (sources != 1) {
          if (sources == 0 && bad_key) continue;
          error(u, v, path,
                sources == 0 ? "expected {env: VAR} or {file: PATH}"
                             : "expected one of 'env' or 'file', not both");
          continue;
        }
        auto [it, fresh] = seen_secret.emplace(name, pos_of(u, k));
        if (!fresh) {
          error(u, k, path, "secret '" + name + "' is defined twice");
          diags_.back().notes.push_back(
              {p_.files[it->second.file], static_cast<int>(it->second.line),
               static_cast<int>(it->second.column), "first defined here"});
          continue;
        }
        p_.secrets.push_back(std::move(s));
      }
    }
    m = units_[u]->top[kPools];
    if (m != kNoNode && expect(u, m, Kind::Map, "pools", "a map of pools")) {
      for (std::uint32_t i = 0; i < t.node(m).size; ++i) {
        NodeId k = t.key(m, i);
        NodeId v = t.value(m, i);
        Pool pool;
        pool.name = std::string(t.scalar(k));
        std::string path = "pools." + pool.name;
        if (t.node(v).kind == Kind::Map) {
          bool ok = true;
          bool has_size = false;
          for (std::uint32_t j = 0; j < t.node(v).size; ++j) {
            NodeId pk = t.key(v, j);
            NodeId pv = t.value(v, j);
            std::string_view key = t.scalar(pk);
            if (key == "size") {
              auto n = integer(u, pv, path + ".size", 1, std::numeric_limits<int>::max());
              ok = ok && n.has_value();
              if (n) pool.size = static_cast<int>(*n);
              has_size = true;
            } else if (key == "rate") {
              auto text = scalar(u, pv, path + ".rate");
              if (!text) {
                ok = false;
                continue;
              }
              auto r = parse_rate(*text);
              if (!r) {
                error(u, pv, path + ".rate",
                      "invalid rate '" + std::string(*text) + "': " + r.error);
                ok = false;
                continue;
              }
              pool.rate_per_second = *r.value;
            } else {
              unknown_key(u, pk, path, {"size", "rate"});
              ok = false;
            }
          }
          if (!has_size && ok) {
            error(u, v, path, "missing required key 'size'");
            ok = false;
          }
          if (!ok) continue;
        } else {
          auto n = integer(u, v, path, 1, std::numeric_limits<int>::max());
          if (!n) continue;
          pool.size = static_cast<int>(*n);
        }
        auto [it, fresh] = seen_pool.emplace(pool.name, pos_of(u, k));
        if (!fresh) {
          error(u, k, path, "pool '" + pool.name + "' is defined twice");
          diags_.back().notes.push_back(
              {p_.files[it->second.file], static_cast<int>(it->second.line),
               static_cast<int>(it->second.column), "first defined here"});
          continue;
        }
        p_.pools.push_back(std::move(pool));
      }
    }
  }
}

void Loader::merge_env_map(std::uint32_t u, NodeId map, const std::string& path, const TplCtx& base,
                           EnvList& env) {
  if (!expect(u, map, Kind::Map, path, "a map of scalars")) return;
  const YamlTree& t = tree(u);
  for (std::uint32_t i = 0; i < t.node(map).size; ++i) {
    NodeId k = t.key(map, i);
    NodeId v = t.value(map, i);
    std::string name(t.scalar(k));
    std::string vpath = path + "." + name;
    if (name.empty() || name.find('=') != std::string::npos) {
      error(u, k, vpath, "invalid environment variable name '" + name + "'");
      continue;
    }
    if (t.node(v).kind != Kind::Scalar) {
      error(u, v, vpath, "expected a scalar, got " + kind_name(t, v));
      continue;
    }
    TplCtx ctx = base;
    ctx.env = &env;
    auto value = expand_template(u, v, vpath, ctx);
    if (!value) continue;
    auto it = std::find_if(env.begin(), env.end(), [&](const auto& e) { return e.first == name; });
    if (it != env.end())
      it->second = std::move(*value);
    else
      env.emplace_back(std::move(name), std::move(*value));
  }
}

void Loader::load_scope(std::uint32_t u) {
  Unit& unit = *units_[u];
  if (unit.parent >= 0) unit.scope = units_[static_cast<std::size_t>(unit.parent)]->scope;
  const YamlTree& t = tree(u);
  NodeId dot = unit.top[kDotenv];
  if (dot != kNoNode) {
    std::vector<NodeId> items;
    string_list(u, dot, "dotenv", items);
    for (std::uint32_t i = 0; i < items.size(); ++i) {
      std::string_view rel = t.scalar(items[i]);
      std::string abs = join_path(unit.abs_dir, rel);
      std::string display =
          unit.display_dir == "." ? normalize_path(rel) : join_path(unit.display_dir, rel);
      std::string text, err;
      if (!read_whole_file(abs, options_.max_file_bytes, text, err)) {
        error(u, items[i], "dotenv[" + std::to_string(i) + "]",
              "cannot read '" + display + "': " + err);
        continue;
      }
      Dotenv parsed = parse_dotenv(text);
      for (const auto& e : parsed.errors) {
        Diagnostic d;
        d.file = display;
        d.line = static_cast<int>(e.line);
        d.column = 1;
        d.message = e.message;
        diags_.push_back(std::move(d));
      }
      for (auto& entry : parsed.entries) {
        // Named, not a structured binding: clang 14 cannot capture those in a lambda.
        std::string& key = entry.first;
        auto it = std::find_if(unit.scope.env.begin(), unit.scope.env.end(),
                               [&](const auto& e) { return e.first == key; });
        if (it != unit.scope.env.end())
          it->second = Template::literal(std::move(entry.second));
        else
          unit.scope.env.emplace_back(std::move(key), Template::literal(std::move(entry.second)));
      }
    }
  }
  if (unit.top[kEnv] != kNoNode) {
    TplCtx ctx;
    merge_env_map(u, unit.top[kEnv], "env", ctx, unit.scope.env);
  }
  if (unit.top[kDefaults] != kNoNode) load_defaults(u, unit.top[kDefaults], unit.scope);
}

void Loader::load_defaults(std::uint32_t u, NodeId map, Scope& scope) {
  if (!expect(u, map, Kind::Map, "defaults", "a map of task fields")) return;
  const YamlTree& t = tree(u);
  std::vector<std::string_view> known(kTaskFieldNames.begin(), kTaskFieldNames.end());
  for (std::uint32_t i = 0; i < t.node(map).size; ++i) {
    NodeId k = t.key(map, i);
    std::string_view name = t.scalar(k);
    auto it = std::find(kTaskFieldNames.begin(), kTaskFieldNames.end(), name);
    if (it == kTaskFieldNames.end()) {
      unknown_key(u, k, "defaults", known);
      continue;
    }
    auto f = static_cast<TaskField>(it - kTaskFieldNames.begin());
    if (is_action(f) || f == TaskField::Needs || f == TaskField::Matrix ||
        f == TaskField::Service) {
      error(u, k, "defaults." + std::string(name),
            "'" + std::string(name) +
                "' cannot be set in defaults (actions, needs, matrix and service are per task)");
      continue;
    }
    FieldRef ref{u, k, t.value(map, i), true};
    if (f == TaskField::Env)
      scope.default_envs.push_back(ref);
    else
      scope.defaults[static_cast<std::size_t>(f)] = ref;
  }
}

// ------------------------------------------------------------------ names

void Loader::resolve_names() {
  // Names are packed densely: 100,000 tasks lie far apart in memory.
  PackedNames names;
  std::size_t bytes = 0;
  for (const Task& t : p_.tasks) bytes += t.name.size();
  names.reserve(p_.tasks.size(), bytes);
  for (const Task& t : p_.tasks) names.push_back(t.name);
  NameIndex<PackedKey> by_name(p_.tasks.size(), PackedKey{&names});
  std::unordered_map<std::string_view, std::vector<TaskId>> by_base;
  for (TaskId i = 0; i < p_.tasks.size(); ++i) {
    by_name.insert(i);
    if (!p_.tasks[i].extras().matrix.empty()) by_base[p_.tasks[i].base()].push_back(i);
  }
  std::vector<std::string_view> candidates;  // built on the first unknown name only
  auto suggest = [&](std::string_view word) {
    if (candidates.empty()) {
      for (const auto& t : p_.tasks) candidates.push_back(t.name);
      for (const auto& [b, ids] : by_base) candidates.push_back(b);
    }
    return did_you_mean(word, candidates);
  };
  // The common list: short, every name a task, none twice. It stays as it is.
  auto plain_needs = [&](const std::vector<Need>& needs) {
    if (needs.size() > 32) return false;
    for (std::size_t i = 0; i < needs.size(); ++i) {
      if (!by_name.contains(needs[i].task)) return false;
      for (std::size_t j = 0; j < i; ++j)
        if (same_name(needs[j].task, needs[i].task)) return false;
    }
    return true;
  };
  auto report = [&](const SourcePos& pos, std::string path, std::string message, std::string hint) {
    error_at(pos.file, pos.line, pos.column, std::move(path), std::move(message), std::move(hint));
  };
  for (TaskId id = 0; id < p_.tasks.size(); ++id) {
    Task& t = p_.tasks[id];
    if (t.needs.empty() || plain_needs(t.needs)) continue;
    std::vector<Need> resolved;
    resolved.reserve(t.needs.size());
    for (auto& need : t.needs) {
      if (by_name.contains(need.task)) {
        resolved.push_back(std::move(need));
        continue;
      }
      auto base = by_base.find(need.task);
      if (base != by_base.end()) {
        for (TaskId e : base->second)
          resolved.push_back(Need{p_.tasks[e].name, need.pos, need.index});
        continue;
      }
      report(need.pos, "tasks." + t.base() + ".needs[" + std::to_string(need.index) + "]",
             "unknown task '" + need.task + "'", suggest(need.task));
    }
    // A name written twice (or a base and one of its expansions) is one edge.
    // Lists are short: a linear check unless one is long.
    std::vector<Need> unique;
    unique.reserve(resolved.size());
    if (resolved.size() <= 32) {
      for (auto& n : resolved)
        if (std::none_of(unique.begin(), unique.end(),
                         [&](const Need& m) { return m.task == n.task; }))
          unique.push_back(std::move(n));
    } else {
      std::unordered_set<std::string> seen;
      for (auto& n : resolved)
        if (seen.insert(n.task).second) unique.push_back(std::move(n));
    }
    t.needs = std::move(unique);
  }
  for (const auto& [id, pos, from_defaults] : stdin_refs_) {
    const Task& t = p_.tasks[id];
    const std::string& name = t.extras().stdin_spec.path;
    if (!by_name.contains(name))
      report(pos, (from_defaults ? std::string("defaults") : "tasks." + t.base()) + ".stdin.task",
             "unknown task '" + name + "'", suggest(name));
  }
  std::vector<std::string_view> pool_names;
  for (const auto& pool : p_.pools) pool_names.push_back(pool.name);
  for (const auto& [id, pos, from_defaults] : pool_refs_) {
    const Task& t = p_.tasks[id];
    if (std::find(pool_names.begin(), pool_names.end(), t.pool()) == pool_names.end())
      report(pos, (from_defaults ? std::string("defaults") : "tasks." + t.base()) + ".pool",
             "unknown pool '" + t.pool() + "'", did_you_mean(t.pool(), pool_names));
  }
  for (const auto& r : output_refs_) {
    const Task& t = p_.tasks[r.task];
    if (!by_name.contains(r.ref_task)) {
      auto base = by_base.find(r.ref_task);
      if (base != by_base.end())
        report(r.pos, r.path,
               "'" + r.ref_task + "' is a matrix task: name one expansion in '" + r.ref + "'",
               "e.g. '" + p_.tasks[base->second.front()].name + "'");
      else
        report(r.pos, r.path, "unknown task '" + r.ref_task + "' in '" + r.ref + "'",
               suggest(r.ref_task));
      continue;
    }
    bool needed = std::any_of(t.needs.begin(), t.needs.end(),
                              [&](const Need& n) { return n.task == r.ref_task; });
    if (!needed)
      report(r.pos, r.path,
             "'" + r.ref + "' is only available to tasks that need '" + r.ref_task + "'",
             "add '" + r.ref_task + "' to needs");
  }
}

// Matrix expansions and defaults repeat the same problem once per task: keep
// the first of identical diagnostics.
void Loader::finish_diagnostics() {
  auto file_rank = [this](const std::string& f) {
    auto it = std::find(p_.files.begin(), p_.files.end(), f);
    return static_cast<std::size_t>(it - p_.files.begin());
  };
  std::stable_sort(diags_.begin(), diags_.end(), [&](const Diagnostic& a, const Diagnostic& b) {
    return std::make_tuple(file_rank(a.file), a.line, a.column) <
           std::make_tuple(file_rank(b.file), b.line, b.column);
  });
  std::set<std::tuple<std::string, int, int, std::string, std::string>> seen;
  std::vector<Diagnostic> out;
  for (auto& d : diags_)
    if (seen.emplace(d.file, d.line, d.column, d.path, d.message).second)
      out.push_back(std::move(d));
  diags_ = std::move(out);
}

LoadResult Loader::load(std::string_view text, const std::string& file_name, bool from_memory) {
  p_.file = file_name;
  p_.name = file_stem(file_name);
  std::string abs = absolute_path(file_name);
  p_.dir = parent_dir(abs);
  std::string content;
  if (from_memory) {
    content = std::string(text);
  } else {
    std::string err;
    if (!read_whole_file(abs, options_.max_file_bytes, content, err)) {
      Diagnostic d;
      d.file = file_name;
      d.message = "cannot read pipeline file: " + err;
      LoadResult r;
      r.diagnostics.push_back(std::move(d));
      return r;
    }
  }
  load_unit(file_name, abs, std::move(content), -1);
  if (!units_.empty() && units_[0]->tree.root() != kNoNode) {
    Unit& main = *units_[0];
    const YamlTree& t = main.tree;
    if (NodeId n = main.top[kName]; n != kNoNode) {
      auto s = scalar(0, n, "name");
      if (s) p_.name = std::string(*s);
    }
    if (NodeId n = main.top[kDescription]; n != kNoNode) {
      auto s = scalar(0, n, "description");
      if (s) p_.description = std::string(*s);
    }
    if (NodeId n = main.top[kMaxParallel]; n != kNoNode) {
      auto v = integer(0, n, "max_parallel", 1, std::numeric_limits<int>::max());
      if (v) p_.max_parallel = static_cast<int>(*v);
    }
    (void)t;
    load_vars();
    for (const auto& name : var_order_) p_.vars.emplace_back(name, vars_[name]);
    load_secrets_and_pools();
    for (std::uint32_t u = 0; u < units_.size(); ++u)
      if (units_[u]->tree.root() != kNoNode) load_scope(u);
    std::size_t expected = 0;
    for (const auto& [u, m] : task_blocks_) expected += tree(u).node(m).size;
    p_.tasks.reserve(expected);
    if (task_blocks_.size() > 1) defined_.reserve(expected);
    for (const auto& [u, m] : task_blocks_) load_task_block(u, m);
    read_default_targets();
    std::unordered_map<std::string_view, SourcePos>().swap(defined_);
    // Name resolution reads only tasks; its diagnostics need source lines,
    // not nodes. Freeing the nodes first keeps its index out of the peak.
    for (auto& unit : units_) unit->tree.release_nodes();
    resolve_names();
    check_default_targets();
  }
  finish_diagnostics();
  units_.clear();
  LoadResult r;
  r.pipeline = std::move(p_);
  r.diagnostics = std::move(diags_);
  return r;
}

}  // namespace detail

LoadResult load_pipeline_file(const std::string& path, const LoadOptions& options) {
  return detail::Loader(options).load({}, path, false);
}

LoadResult load_pipeline_string(std::string_view text, const std::string& file_name,
                                const LoadOptions& options) {
  return detail::Loader(options).load(text, file_name, true);
}

}  // namespace sluice
