/// The files of one load (the main file and its includes) and what the
/// loader keeps of each while their YAML trees are alive: where each
/// top-level key is, and the file's scope (the env and defaults its tasks
/// get). includes.cpp makes them; every later pass reads them. One load,
/// one thread.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sluice/pipeline.hpp"
#include "spec/loader.hpp"
#include "spec/yaml_tree.hpp"

namespace sluice::detail {

using Kind = YamlNode::Kind;
using EnvList = std::vector<std::pair<std::string, Template>>;

/// Where a task field was written: in a task, or in `defaults`.
struct FieldRef {
  std::uint32_t unit = 0;
  NodeId key = kNoNode;
  NodeId value = kNoNode;
  bool from_defaults = false;
  bool set() const { return value != kNoNode || key != kNoNode; }
};
using TaskFields = std::array<FieldRef, kTaskFieldCount>;
inline const FieldRef& field_ref(const TaskFields& fields, TaskField f) {
  return fields[static_cast<std::size_t>(f)];
}

/// What a file's scope gives its tasks: env (dotenv, then env, the
/// includer's first) and defaults (the includer's, then its own on top).
struct Scope {
  EnvList env;
  TaskFields defaults{};
  std::vector<FieldRef> default_envs;
};

/// Index into kTopLevelKeys.
enum Top : std::size_t {
  kName,
  kDescription,
  kVars,
  kEnv,
  kSecrets,
  kMaxParallel,
  kPools,
  kDefaults,
  kInclude,
  kDotenv,
  kTasks,
  kDefaultTargets
};

struct Unit {
  std::string display;  // as the user named it, or joined to the includer's
  std::string display_dir;
  std::string abs_path;
  std::string abs_dir;
  SharedString work_dir;  // abs_dir, shared by the tasks of this file
  YamlTree tree;
  int parent = -1;
  std::array<NodeId, kTopLevelKeys.size()> top{};
  std::array<NodeId, kTopLevelKeys.size()> top_key{};
  Scope scope;
};

using Units = std::vector<std::unique_ptr<Unit>>;

}  // namespace sluice::detail
