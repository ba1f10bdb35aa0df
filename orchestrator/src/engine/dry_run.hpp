/// The text of `sluice run -n`: what would run, in order, one task a line,
/// touching nothing (no process, no file, no state). Pure function.
#pragma once

#include <string>
#include <vector>

#include "sluice/pipeline.hpp"

namespace sluice::detail {

std::string describe_plan(const Pipeline& pipeline, const std::vector<TaskId>& order);

}  // namespace sluice::detail
