/// The ranges and patterns a pipeline's values must keep, shared by the
/// loader's checks and the JSON schema (schema.cpp), so the two say the same.
#pragma once

#include <cstdint>
#include <limits>

namespace sluice::detail {

/// Inclusive bounds of an integer field.
struct IntRange {
  long long min;
  long long max;
};

inline constexpr long long kIntMax = std::numeric_limits<int>::max();
inline constexpr IntRange kCount{1, kIntMax};  ///< max_parallel, pool sizes, cpus
inline constexpr IntRange kPriority{std::numeric_limits<int>::min(), kIntMax};
inline constexpr IntRange kRetryLimit{0, 1000000};
inline constexpr IntRange kExitCode{0, 255};
inline constexpr IntRange kPort{1, 65535};
inline constexpr IntRange kCompressLevel{0, 22};  ///< 0 = the format's default
inline constexpr long long kGzipMaxLevel = 9;

/// The longest duration written as a number of seconds: milliseconds must
/// fit 64 bits.
inline constexpr long long kMaxDurationSeconds = std::numeric_limits<std::int64_t>::max() / 1000;

/// Secret names, matrix keys: a shell variable's name.
inline constexpr const char* kIdentifierPattern = "^[A-Za-z_][A-Za-z0-9_]*$";
/// A pool's start rate: N/s or N/m, N > 0 (parse_rate()).
inline constexpr const char* kRatePattern =
    "^([0-9]*[1-9][0-9]*(\\.[0-9]+)?|[0-9]+\\.[0-9]*[1-9][0-9]*)/[sm]$";

}  // namespace sluice::detail
