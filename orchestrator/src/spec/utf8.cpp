// Strict UTF-8 validation and code point counting (see utf8.hpp).
#include "spec/utf8.hpp"

#include <cstdint>
#include <cstring>

namespace sluice::detail {

namespace {

// The length of the valid sequence starting at `p` (at most `n` bytes
// available), or 0 when it is not valid. The second-byte ranges are those of
// Unicode's table 3-7, which is what rules out overlongs and surrogates.
std::size_t sequence_length(const unsigned char* p, std::size_t n) {
  const unsigned char b0 = p[0];
  auto cont = [&](std::size_t i) { return i < n && (p[i] & 0xC0) == 0x80; };
  if (b0 < 0x80) return 1;
  if (b0 < 0xC2) return 0;
  if (b0 < 0xE0) return cont(1) ? 2 : 0;
  if (b0 < 0xF0) {
    if (n < 2) return 0;
    const unsigned char lo = (b0 == 0xE0) ? 0xA0 : 0x80;
    const unsigned char hi = (b0 == 0xED) ? 0x9F : 0xBF;
    return (p[1] >= lo && p[1] <= hi && cont(2)) ? 3 : 0;
  }
  if (b0 < 0xF5) {
    if (n < 2) return 0;
    const unsigned char lo = (b0 == 0xF0) ? 0x90 : 0x80;
    const unsigned char hi = (b0 == 0xF4) ? 0x8F : 0xBF;
    return (p[1] >= lo && p[1] <= hi && cont(2) && cont(3)) ? 4 : 0;
  }
  return 0;
}

}  // namespace

std::size_t find_invalid_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    // Pipeline files are nearly all ASCII: skip eight such bytes at a time.
    if (i + 8 <= n) {
      std::uint64_t word = 0;
      std::memcpy(&word, p + i, 8);
      if ((word & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    const std::size_t len = sequence_length(p + i, n - i);
    if (len == 0) return i;
    i += len;
  }
  return std::string_view::npos;
}

}  // namespace sluice::detail
