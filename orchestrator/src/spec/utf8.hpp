/// Small UTF-8 helpers for the spec layer: strict validation of raw input
/// (before yaml-cpp sees it) and counting characters for 1-based columns.
/// Pure functions over bytes; any thread.
#pragma once

#include <cstddef>
#include <string_view>

namespace sluice::detail {

/// Offset of the first byte that does not start a valid UTF-8 sequence
/// (overlong forms, surrogates and code points above U+10FFFF are invalid),
/// or std::string_view::npos when all of `text` is valid.
std::size_t find_invalid_utf8(std::string_view text);

/// Number of code points in `text`, which is assumed valid UTF-8: every byte
/// that is not a continuation byte starts one. Inline: the YAML tree calls
/// it for every node, over a few bytes.
inline std::size_t count_code_points(std::string_view text) {
  std::size_t count = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

}  // namespace sluice::detail
