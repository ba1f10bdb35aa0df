/// Durations and rates as written in pipeline files (SPEC §1.2).
///
/// A duration is `250ms`, `30s`, `5m`, `1h30m`, `1h30m15s`: components in the
/// order h, m, s, ms, each at most once, each a whole or decimal number
/// (`1.5s`). A bare number is seconds (`30`, `1.5`). The result must be a
/// whole number of milliseconds. A rate is `N/s` or `N/m` with N > 0.
/// Pure functions; any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::detail {

using Duration = std::chrono::milliseconds;  // the same type as sluice::Duration

/// The message the loader shows for a value parse_duration() refuses.
inline constexpr std::string_view kDurationExpected =
    "expected a duration like 250ms, 30s, 5m or 1h30m";
/// The message the loader shows for a value parse_rate() refuses.
inline constexpr std::string_view kRateExpected = "expected a rate like 10/s or 10/m";

/// A parsed value or why there is none (`error` is then non-empty).
template <class T>
struct Parsed {
  std::optional<T> value;
  std::string error;
  explicit operator bool() const { return value.has_value(); }
};

/// `error` is kDurationExpected, or names the limit that was passed
/// ("duration too large", "duration finer than a millisecond").
Parsed<Duration> parse_duration(std::string_view text);

/// Starts per second: `10/s` -> 10, `30/m` -> 0.5. `error` is kRateExpected.
Parsed<double> parse_rate(std::string_view text);

/// The same, for callers that keep the message apart: the value, or nullopt
/// with `*error` (when given) set.
std::optional<Duration> parse_duration(std::string_view text, std::string* error);
std::optional<double> parse_rate(std::string_view text, std::string* error);

/// The shortest spelling parse_duration() reads back as the same value:
/// `1h30m`, `250ms`, `1.5s`, `1m0.25s`, `0s`.
std::string format_duration(Duration d);

}  // namespace sluice::detail
