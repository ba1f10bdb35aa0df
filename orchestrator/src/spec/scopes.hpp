/// Scopes: what a pipeline defines for all its tasks (SPEC §1.1) — vars
/// (with `--set`), secrets, pools — and what each file gives the tasks it
/// defines: its dotenv files and env, and its defaults (an included file's
/// over its includer's). One load, one thread.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "spec/expander.hpp"
#include "spec/field_reader.hpp"

namespace sluice::detail {

/// The vars of every file and `--set` (which wins, and must name a var of
/// the pipeline: a typo would otherwise be a silent no-op). Each var's text
/// is expanded once, depth first in dependency order, with the final values
/// of the vars it uses pasted in and never rescanned; a cycle is reported at
/// the var that closes it.
class Vars {
 public:
  /// Collects the raw vars of every file and the `--set` pairs.
  Vars(FieldReader& reader, const Units& units,
       const std::vector<std::pair<std::string, std::string>>& set);

  /// Resolves every var (Expander calls back into value()).
  void resolve_all(Expander& x);
  /// The value of var `name`, or null. While vars are resolved
  /// (`resolving`), a var not resolved yet is resolved first; `cycle` is set
  /// when that closed a cycle (already reported).
  const std::string* value(const std::string& name, bool resolving, Expander& x, bool& cycle);
  bool set_by_cli(const std::string& name) const { return set_.count(name) != 0; }
  /// `vars.NAME` of every var, for "did you mean".
  std::vector<std::string> reference_names() const;
  /// Every var and its value, in file order.
  std::vector<std::pair<std::string, std::string>> ordered() const;

 private:
  enum class State : std::uint8_t { Unread, Resolving, Done };
  std::string resolve(const std::string& name, Expander& x);
  /// `--set K=V` of a var the pipeline does not define.
  void unknown_set_var(const std::string& name);

  FieldReader& r_;
  std::unordered_map<std::string, std::pair<std::uint32_t, NodeId>> raw_;
  std::vector<std::string> order_;
  std::unordered_map<std::string, std::string> values_;
  std::unordered_set<std::string> set_;
  std::unordered_map<std::string, State> state_;
  std::vector<std::string> stack_;
};

/// The secrets of every file; a name defined twice is an error.
void load_secrets(FieldReader& r, const Units& units, std::vector<Secret>& out);
/// The pools of every file; a name defined twice is an error.
void load_pools(FieldReader& r, const Units& units, std::vector<Pool>& out);

/// Unit `u`'s scope: its includer's, then its dotenv files, env and defaults.
void load_scope(FieldReader& r, Expander& x, Units& units, std::uint32_t u,
                std::size_t max_file_bytes);

/// Adds (or replaces) the variables of the env map `map` in `env`, each value
/// expanded in `ctx` (which sees `env` as it grows).
void merge_env_map(FieldReader& r, Expander& x, std::uint32_t u, NodeId map,
                   const std::string& path, const TplCtx& ctx, EnvList& env);

}  // namespace sluice::detail
