/// TaskOutputValues: the values tasks wrote to $SLUICE_OUTPUT during a run,
/// by task name and key, as `${{ tasks.NAME.outputs.KEY }}` reads them when
/// a later task starts. The runners own task results: a runner stores what
/// a successful attempt wrote, a runner starting a task looks up what its
/// templates name. One per run, made by the engine and shared by its
/// runners; later keys of a task win. Loop thread only.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sluice/pipeline.hpp"

namespace sluice::detail {

class TaskOutputValues {
 public:
  /// The value of `tasks.<task>.outputs.<key>`, or nullopt when unset.
  std::optional<std::string> find(const std::string& task, const std::string& key) const;
  /// Records what an attempt of `task` wrote (KEY, VALUE pairs, in order).
  void store(const std::string& task, std::vector<std::pair<std::string, std::string>> values);
  /// The text of a template, its `tasks.N.outputs.K` parts filled in; on an
  /// unset part, nullopt and `error` ("tasks.up.outputs.url is not set").
  std::optional<std::string> resolve(const Template& t, std::string& error) const;

 private:
  /// Every value of `task`, or nullptr when it wrote none.
  const std::unordered_map<std::string, std::string>* of(const std::string& task) const;

  std::unordered_map<std::string, std::unordered_map<std::string, std::string>> by_task_;
};

}  // namespace sluice::detail
