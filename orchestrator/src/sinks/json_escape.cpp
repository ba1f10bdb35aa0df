#include "sinks/json_escape.hpp"

#include <array>
#include <cstdint>

namespace sluice::detail {
namespace {

// 1 = the byte cannot be copied blindly (control, quote, backslash, non-ASCII).
constexpr std::array<std::uint8_t, 256> make_special() {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) ? 1 : 0;
  return t;
}
constexpr auto kSpecial = make_special();

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

// Length of the valid UTF-8 sequence at p (>= 2), or 0 with `consumed` set to
// the length of the maximal invalid subpart (>= 1).
std::size_t utf8_sequence(const unsigned char* p, const unsigned char* end, std::size_t& consumed) {
  unsigned char b = p[0];
  std::size_t len;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b >= 0xC2 && b <= 0xDF) {
    len = 2;
  } else if (b >= 0xE0 && b <= 0xEF) {
    len = 3;
    if (b == 0xE0) lo = 0xA0;       // overlong
    else if (b == 0xED) hi = 0x9F;  // surrogates
  } else if (b >= 0xF0 && b <= 0xF4) {
    len = 4;
    if (b == 0xF0) lo = 0x90;       // overlong
    else if (b == 0xF4) hi = 0x8F;  // past U+10FFFF
  } else {
    consumed = 1;
    return 0;
  }
  std::size_t i = 1;
  for (; i < len; ++i) {
    if (p + i >= end) break;
    unsigned char c = p[i];
    if (i == 1 ? (c < lo || c > hi) : (c < 0x80 || c > 0xBF)) break;
  }
  if (i == len) return len;
  consumed = i;
  return 0;
}

}  // namespace

void append_json_string(ByteBuffer& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  out.push_back('"');
  while (p < end) {
    const unsigned char* run = p;
    while (p < end && !kSpecial[*p]) ++p;
    if (p != run) out.append({reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run)});
    if (p >= end) break;
    unsigned char c = *p;
    if (c >= 0x80) {
      std::size_t consumed = 0;
      std::size_t len = utf8_sequence(p, end, consumed);
      if (len) {
        out.append({reinterpret_cast<const char*>(p), len});
        p += len;
      } else {
        out.append(kReplacement);
        p += consumed;
      }
      continue;
    }
    ++p;
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default: {
        char u[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append({u, 6});
      }
    }
  }
  out.push_back('"');
}

}  // namespace sluice::detail
