// Scopes: vars, secrets, pools and each file's env and defaults (see
// scopes.hpp).
#include "spec/scopes.hpp"

#include <algorithm>

#include "spec/dotenv.hpp"
#include "spec/lexical_path.hpp"
#include "spec/names.hpp"
#include "spec/read_file.hpp"

namespace sluice::detail {

// ------------------------------------------------------------------ vars

Vars::Vars(FieldReader& reader, const Units& units,
           const std::vector<std::pair<std::string, std::string>>& set)
    : r_(reader) {
  for (std::uint32_t u = 0; u < units.size(); ++u) {
    NodeId m = units[u]->top[kVars];
    if (m == kNoNode || !r_.expect(u, m, Kind::Map, "vars", "a map of scalars")) continue;
    const YamlTree& t = r_.tree(u);
    for (std::uint32_t i = 0; i < t.node(m).size; ++i) {
      NodeId k = t.key(m, i);
      NodeId v = t.value(m, i);
      std::string name(t.scalar(k));
      if (t.node(v).kind != Kind::Scalar) {
        r_.error(u, v, "vars." + name, "expected a scalar, got " + kind_name(t, v));
        continue;
      }
      if (raw_.emplace(name, std::make_pair(u, v)).second) order_.push_back(name);
    }
  }
  for (const auto& [k, v] : set) {
    if (raw_.count(k) == 0) {
      unknown_set_var(k);
      continue;
    }
    set_.insert(k);
    values_[k] = v;
    state_[k] = State::Done;
  }
}

// The diagnostic has no place in a file: it is about the command line.
void Vars::unknown_set_var(const std::string& name) {
  std::vector<std::string_view> names(order_.begin(), order_.end());
  std::string hint =
      names.empty() ? "the pipeline defines no vars" : FieldReader::did_you_mean(name, names);
  if (hint.empty()) {
    hint = "vars:";
    for (std::size_t i = 0; i < names.size() && i < 8; ++i) hint += " " + std::string(names[i]);
    if (names.size() > 8) hint += " ...";
  }
  r_.error_at(0, 0, 0, "", "--set " + name + ": no such var", std::move(hint));
}

void Vars::resolve_all(Expander& x) {
  for (const auto& name : order_) resolve(name, x);
}

const std::string* Vars::value(const std::string& name, bool resolving, Expander& x, bool& cycle) {
  if (resolving && raw_.count(name) != 0 && state_[name] != State::Done) {
    resolve(name, x);
    if (state_[name] != State::Done) {
      cycle = true;
      return nullptr;
    }
  }
  auto it = values_.find(name);
  return it == values_.end() ? nullptr : &it->second;
}

std::vector<std::string> Vars::reference_names() const {
  std::vector<std::string> names;
  for (const auto& v : order_) names.push_back("vars." + v);
  return names;
}

std::vector<std::pair<std::string, std::string>> Vars::ordered() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& name : order_) {
    auto it = values_.find(name);
    out.emplace_back(name, it == values_.end() ? std::string() : it->second);
  }
  return out;
}

std::string Vars::resolve(const std::string& name, Expander& x) {
  State& state = state_[name];
  if (state == State::Done) return values_[name];
  auto raw = raw_.find(name);
  if (raw == raw_.end()) return {};
  auto [u, node] = raw->second;
  std::string path = "vars." + name;
  if (state == State::Resolving) {
    std::string chain;
    auto from = std::find(stack_.begin(), stack_.end(), name);
    for (auto it = from; it != stack_.end(); ++it) chain += *it + " -> ";
    r_.error(u, node, path, "vars cycle: " + chain + name);
    return {};
  }
  state = State::Resolving;
  stack_.push_back(name);
  TplCtx ctx;
  ctx.in_vars = true;
  ctx.unit = u;
  ctx.node = node;
  ctx.path = &path;
  Template out;
  std::string value;
  ExpansionBudget& budget = x.budget();
  const std::size_t outer = budget.in_task();  // a var being expanded that uses this one
  if (x.expand(r_.tree(u).scalar(node), ctx, out)) value = std::move(out.text);
  budget.restore_in_task(outer);
  budget.spend(value.size());
  stack_.pop_back();
  state_[name] = State::Done;
  values_[name] = value;
  return value;
}

// ------------------------------------------------------------------ secrets, pools

namespace {

/// One secret: exactly one of {env: VAR} or {file: PATH}; false (after
/// reporting) when it is not.
bool read_secret(FieldReader& r, const Unit& unit, std::uint32_t u, const MapEntry& e, Secret& s) {
  int sources = 0;
  bool bad_key = false;
  if (!r.each_entry(u, e.value, e.path, "{env: VAR} or {file: PATH}", [&](const MapEntry& src) {
        if (src.key != "env" && src.key != "file") {
          r.unknown_key(u, src.key_node, e.path, {"env", "file"});
          bad_key = true;
          return;
        }
        auto text = r.scalar(u, src.value, src.path);
        if (!text) return;
        if (text->empty()) {
          r.error(u, src.value, src.path,
                  src.key == "env" ? "expected a variable name, got an empty string"
                                   : "expected a path, got an empty string");
          bad_key = true;
          return;
        }
        ++sources;
        s.source = src.key == "env" ? Secret::Source::Env : Secret::Source::File;
        s.ref = src.key == "env" ? std::string(*text) : join_path(unit.abs_dir, *text);
      }))
    return false;
  if (sources == 1) return true;
  if (sources > 0 || !bad_key)
    r.error(u, e.value, e.path,
            sources == 0 ? "expected {env: VAR} or {file: PATH}"
                         : "expected one of 'env' or 'file', not both");
  return false;
}

/// One pool: a size, or {size, rate}; false (after reporting) when it is
/// neither.
bool read_pool(FieldReader& r, std::uint32_t u, const MapEntry& e, Pool& pool) {
  if (r.tree(u).node(e.value).kind != Kind::Map) {
    auto n = r.integer(u, e.value, e.path, kCount);
    if (n) pool.size = static_cast<int>(*n);
    return n.has_value();
  }
  bool ok = true;
  bool has_size = false;
  r.each_entry(u, e.value, e.path, "a map", [&](const MapEntry& key) {
    if (key.key == "size") {
      auto n = r.integer(u, key.value, key.path, kCount);
      ok = ok && n.has_value();
      if (n) pool.size = static_cast<int>(*n);
      has_size = true;
    } else if (key.key == "rate") {
      auto text = r.scalar(u, key.value, key.path);
      if (!text) {
        ok = false;
        return;
      }
      auto rate = parse_rate(*text);
      if (!rate) {
        r.error(u, key.value, key.path, "invalid rate '" + std::string(*text) + "': " + rate.error);
        ok = false;
        return;
      }
      pool.rate_per_second = *rate.value;
    } else {
      r.unknown_key(u, key.key_node, e.path, {"size", "rate"});
      ok = false;
    }
  });
  if (!has_size && ok) {
    r.error(u, e.value, e.path, "missing required key 'size'");
    ok = false;
  }
  return ok;
}

/// The secrets or pools (`key`) of every file, each read by
/// `read(u, entry, item)`; a name defined twice is an error.
template <class T, class Read>
void load_named(FieldReader& r, const Units& units, Top key, const char* what, Read read,
                std::vector<T>& out) {
  const std::string map_key(kTopLevelKeys[key]);
  const std::string expected = "a map of " + map_key;
  std::unordered_map<std::string, SourcePos> seen;
  for (std::uint32_t u = 0; u < units.size(); ++u) {
    NodeId m = units[u]->top[key];
    if (m == kNoNode) continue;
    r.each_entry(u, m, map_key, expected.c_str(), [&](const MapEntry& e) {
      T item;
      item.name = std::string(e.key);
      if (!read(u, e, item)) return;
      auto [it, fresh] = seen.emplace(item.name, r.pos_of(u, e.key_node));
      if (!fresh) {
        r.defined_twice(u, e.key_node, e.path,
                        std::string(what) + " '" + item.name + "' is defined twice", it->second);
        return;
      }
      out.push_back(std::move(item));
    });
  }
}

}  // namespace

void load_secrets(FieldReader& r, const Units& units, std::vector<Secret>& out) {
  auto read = [&](std::uint32_t u, const MapEntry& e, Secret& s) {
    if (!valid_identifier(e.key)) {
      r.error(u, e.key_node, e.path,
              "invalid secret name '" + std::string(e.key) + "': use letters, digits and '_'");
      return false;
    }
    return read_secret(r, *units[u], u, e, s);
  };
  load_named(r, units, kSecrets, "secret", read, out);
}

void load_pools(FieldReader& r, const Units& units, std::vector<Pool>& out) {
  auto read = [&](std::uint32_t u, const MapEntry& e, Pool& pool) {
    return read_pool(r, u, e, pool);
  };
  load_named(r, units, kPools, "pool", read, out);
}

// ------------------------------------------------------------------ scopes

void merge_env_map(FieldReader& r, Expander& x, std::uint32_t u, NodeId map,
                   const std::string& path, const TplCtx& base, EnvList& env) {
  if (!r.expect(u, map, Kind::Map, path, "a map of scalars")) return;
  const YamlTree& t = r.tree(u);
  for (std::uint32_t i = 0; i < t.node(map).size; ++i) {
    NodeId k = t.key(map, i);
    NodeId v = t.value(map, i);
    std::string name(t.scalar(k));
    std::string vpath = path + "." + name;
    if (name.empty() || name.find('=') != std::string::npos) {
      r.error(u, k, vpath, "invalid environment variable name '" + name + "'");
      continue;
    }
    if (t.node(v).kind != Kind::Scalar) {
      r.error(u, v, vpath, "expected a scalar, got " + kind_name(t, v));
      continue;
    }
    TplCtx ctx = base;
    ctx.env = &env;
    auto value = x.expand_template(u, v, vpath, ctx);
    if (!value) continue;
    auto it = std::find_if(env.begin(), env.end(), [&](const auto& e) { return e.first == name; });
    if (it != env.end())
      it->second = std::move(*value);
    else
      env.emplace_back(std::move(name), std::move(*value));
  }
}

namespace {

/// The task fields `defaults` sets (SPEC §1.1), over the includer's.
void load_defaults(FieldReader& r, std::uint32_t u, NodeId map, Scope& scope) {
  if (!r.expect(u, map, Kind::Map, "defaults", "a map of task fields")) return;
  const YamlTree& t = r.tree(u);
  std::vector<std::string_view> known(kTaskFieldNames.begin(), kTaskFieldNames.end());
  for (std::uint32_t i = 0; i < t.node(map).size; ++i) {
    NodeId k = t.key(map, i);
    std::string_view name = t.scalar(k);
    auto it = std::find(kTaskFieldNames.begin(), kTaskFieldNames.end(), name);
    if (it == kTaskFieldNames.end()) {
      r.unknown_key(u, k, "defaults", known);
      continue;
    }
    auto f = static_cast<TaskField>(it - kTaskFieldNames.begin());
    if (!is_defaultable(f)) {
      r.error(u, k, "defaults." + std::string(name),
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

}  // namespace

void load_scope(FieldReader& r, Expander& x, Units& units, std::uint32_t u,
                std::size_t max_file_bytes) {
  Unit& unit = *units[u];
  if (unit.parent >= 0) unit.scope = units[static_cast<std::size_t>(unit.parent)]->scope;
  const YamlTree& t = r.tree(u);
  NodeId dot = unit.top[kDotenv];
  if (dot != kNoNode) {
    std::vector<NodeId> items;
    r.string_list(u, dot, "dotenv", items);
    for (std::uint32_t i = 0; i < items.size(); ++i) {
      std::string_view rel = t.scalar(items[i]);
      std::string abs = join_path(unit.abs_dir, rel);
      std::string display =
          unit.display_dir == "." ? normalize_path(rel) : join_path(unit.display_dir, rel);
      std::string text, err;
      if (!read_whole_file(abs, max_file_bytes, text, err)) {
        r.error(u, items[i], "dotenv[" + std::to_string(i) + "]",
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
        r.add(std::move(d));
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
    merge_env_map(r, x, u, unit.top[kEnv], "env", ctx, unit.scope.env);
  }
  if (unit.top[kDefaults] != kNoNode) load_defaults(r, u, unit.top[kDefaults], unit.scope);
}

}  // namespace sluice::detail
