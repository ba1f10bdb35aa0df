/// What sluice says of a run's events in its own `[sluice] ` lines, for
/// people. A duration never follows a text that may end in a path (an
/// error, a retry reason): `x failed after 0.0s: command not found: fecth`.
/// Pure functions.
#pragma once

#include <optional>
#include <string>

#include "sluice/events.hpp"

namespace sluice::detail {

struct ConsoleLine {
  std::string text;
  const char* sgr = nullptr;  ///< its colour, when colour is on
};

/// "running etl: 12 tasks" (verbose).
std::string run_started_line(const RunStarted& e);
/// "fetch started", "fetch started (attempt 2)" (verbose).
std::string started_line(const TaskStarted& e);
/// "fetch: retrying in 0.4s (attempt 2): exit 7".
ConsoleLine retrying_line(const TaskRetrying& e);
/// Failures, timeouts and the cancellation of a task that was running
/// always; success, skips and up-to-date only with `verbose`.
std::optional<ConsoleLine> finished_line(const TaskFinished& e, bool was_running, bool verbose);

}  // namespace sluice::detail
