// Pipeline queries (see sluice/pipeline.hpp). The model is plain data, so a
// lookup by name is a scan; the graph builds its own index for hot paths.
#include "sluice/pipeline.hpp"

namespace sluice {

std::optional<TaskId> Pipeline::find(std::string_view task_name) const {
  for (size_t i = 0; i < tasks.size(); ++i)
    if (tasks[i].name == task_name) return static_cast<TaskId>(i);
  return std::nullopt;
}

}  // namespace sluice
