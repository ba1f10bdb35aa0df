/// The text of `sluice run -n`: what would run, in order, touching nothing
/// (no process, no file, no state), as `make -n` shows it: each task's
/// command line with the values in place (`name: echo hello world`), a
/// script of several lines whole, indented under `name:`. A value stands
/// quoted for where it is in the script, so the text means what would run;
/// a task output, known only once its task has run, shows as
/// `<output of TASK.KEY>`. `if:` conditions are not run, so not shown. A
/// task that reads another's stdout gets the line
/// `    stdin: stream from PRODUCER (runs with it)` under its entry.
/// Pure function.
#pragma once

#include <string>
#include <vector>

#include "sluice/pipeline.hpp"

namespace sluice::detail {

std::string describe_plan(const Pipeline& pipeline, const std::vector<TaskId>& order);

}  // namespace sluice::detail
