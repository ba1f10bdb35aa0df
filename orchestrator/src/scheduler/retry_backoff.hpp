/// Retry policy arithmetic (SPEC §2 "Retries"): whether a failed attempt is
/// retried, how long to wait first, and the reason shown in TaskRetrying.
/// Pure functions of their arguments; the randomness for jitter is passed in,
/// so tests fix it.
#pragma once

#include <functional>
#include <string>

#include "executors/task_runner.hpp"
#include "sluice/pipeline.hpp"

namespace sluice::detail {

/// Uniform in [0, 1]: the jitter source. Tests pass a constant.
using UnitRandom = std::function<double()>;

/// Whether the failed attempt `attempt` (1-based) may be followed by another.
/// A spawn failure never is; with `on_exit` given, only an exit (not a
/// timeout, a signal or an error) whose code is listed is retried.
bool should_retry(const RetryPolicy& policy, const AttemptOutcome& outcome, bool timed_out,
                  int attempt);

/// The wait before retry number `retry` (1-based): delay * backoff^(retry-1),
/// capped at max_delay, then with jitter uniform in [0, that] using `random`.
Duration retry_delay(const RetryPolicy& policy, int retry, const UnitRandom& random);

/// "timed out", "exit 7", "signal SIGKILL", or the outcome's error text.
std::string failure_reason(const AttemptOutcome& outcome, bool timed_out);

}  // namespace sluice::detail
