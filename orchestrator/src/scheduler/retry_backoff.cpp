/// See retry_backoff.hpp.
#include "scheduler/retry_backoff.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace sluice::detail {
namespace {

/// A day: a longer wait is a configuration mistake, and the clamp keeps the
/// double-to-integer conversion defined when backoff^n overflows.
constexpr double kMaxDelayMs = 24.0 * 3600 * 1000;

}  // namespace

bool should_retry(const RetryPolicy& policy, const AttemptOutcome& outcome, bool timed_out,
                  int attempt) {
  if (outcome.spawn_failed || outcome.skipped_by_if || outcome.succeeded()) return false;
  if (attempt > policy.limit) return false;
  if (policy.on_exit.empty()) return true;
  if (timed_out || outcome.signal || !outcome.error.empty() || !outcome.exit_code) return false;
  return std::find(policy.on_exit.begin(), policy.on_exit.end(), *outcome.exit_code) !=
         policy.on_exit.end();
}

Duration retry_delay(const RetryPolicy& policy, int retry, const UnitRandom& random) {
  double ms = static_cast<double>(policy.delay.count()) *
              std::pow(std::max(policy.backoff, 0.0), std::max(retry - 1, 0));
  if (!std::isfinite(ms)) ms = kMaxDelayMs;
  if (policy.max_delay) ms = std::min(ms, static_cast<double>(policy.max_delay->count()));
  ms = std::clamp(ms, 0.0, kMaxDelayMs);
  if (policy.jitter && random) ms *= std::clamp(random(), 0.0, 1.0);
  return Duration(static_cast<Duration::rep>(std::llround(ms)));
}

std::string failure_reason(const AttemptOutcome& outcome, bool timed_out) {
  if (timed_out) return "timed out";
  if (!outcome.error.empty()) return outcome.error;
  if (outcome.signal) {
    const char* abbrev = sigabbrev_np(*outcome.signal);
    return abbrev ? std::string("signal SIG") + abbrev
                  : "signal " + std::to_string(*outcome.signal);
  }
  if (outcome.exit_code) return "exit " + std::to_string(*outcome.exit_code);
  return "failed";
}

}  // namespace sluice::detail
