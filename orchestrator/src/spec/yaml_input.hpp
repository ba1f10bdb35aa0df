/// The checks on raw YAML input, before any parser sees it: its size, a
/// byte-order mark, NUL bytes and invalid UTF-8. yaml-cpp mangles a NUL (and
/// reads a leading one as UTF-16/32) and does not validate UTF-8, so both
/// are refused here, with the offset of the first bad byte. Pure; any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::detail {

inline constexpr std::string_view kBom = "\xEF\xBB\xBF";

/// Why input of `size` bytes is refused unread when the limit is `max`.
std::optional<std::string> size_problem(std::size_t size, std::size_t max);

struct InputProblem {
  std::size_t offset;   ///< of the first bad byte
  std::string message;  ///< `NUL byte in the file (is it binary?)`, `invalid UTF-8 (byte 0xff)`
};

/// The first NUL byte or invalid UTF-8 sequence of `text` (BOM removed).
std::optional<InputProblem> input_problem(std::string_view text);

}  // namespace sluice::detail
