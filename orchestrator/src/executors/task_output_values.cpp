// The task-output value store (see task_output_values.hpp).
#include "executors/task_output_values.hpp"

namespace sluice::detail {

std::optional<std::string> TaskOutputValues::find(const std::string& task,
                                                  const std::string& key) const {
  const auto* values = of(task);
  if (!values) return std::nullopt;
  auto k = values->find(key);
  if (k == values->end()) return std::nullopt;
  return k->second;
}

void TaskOutputValues::store(const std::string& task,
                             std::vector<std::pair<std::string, std::string>> values) {
  auto& map = by_task_[task];
  for (auto& [k, v] : values) map[k] = std::move(v);
}

const std::unordered_map<std::string, std::string>* TaskOutputValues::of(
    const std::string& task) const {
  auto t = by_task_.find(task);
  return t == by_task_.end() ? nullptr : &t->second;
}

std::optional<std::string> TaskOutputValues::resolve(const Template& t, std::string& error) const {
  std::string out;
  for (const auto& part : t.parts()) {
    if (part.task.empty()) {
      out += part.text;
      continue;
    }
    std::optional<std::string> v = find(part.task, part.key);
    if (!v) {
      error = "tasks." + part.task + ".outputs." + part.key + " is not set";
      return std::nullopt;
    }
    out += *v;
  }
  return out;
}

}  // namespace sluice::detail
