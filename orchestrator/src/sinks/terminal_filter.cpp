#include "sinks/terminal_filter.hpp"

#include <cstdint>
#include <cstring>

namespace sluice::detail {
namespace {

constexpr unsigned char kEsc = 0x1b;
constexpr unsigned char kCsi8 = 0x9b;
constexpr unsigned char kSt8 = 0x9c;

using Byte = unsigned char;

bool is_sgr_param(Byte c) { return (c >= '0' && c <= '9') || c == ';' || c == ':'; }
bool is_c1(Byte c) { return c >= 0x80 && c <= 0x9f; }

// p points just past the CSI introducer (ESC [ or 0x9b). Returns the end of
// the sequence and whether it is an SGR one.
const Byte* scan_csi(const Byte* p, const Byte* end, bool& sgr) {
  const Byte* q = p;
  bool only_sgr_params = true;
  while (q < end && *q >= 0x20 && *q <= 0x3F) {
    if (!is_sgr_param(*q)) only_sgr_params = false;
    ++q;
  }
  bool has_intermediate = false;
  while (q < end && *q >= 0x20 && *q <= 0x2F) {
    has_intermediate = true;
    ++q;
  }
  if (q < end && *q >= 0x40 && *q <= 0x7E) {
    sgr = *q == 'm' && only_sgr_params && !has_intermediate;
    return q + 1;
  }
  sgr = false;
  return q;  // unterminated or broken: drop what we scanned
}

// p points just past the introducer of a string sequence (OSC, DCS, ...):
// it ends at BEL, ESC \ or an 8-bit ST.
const Byte* scan_string(const Byte* p, const Byte* end) {
  while (p < end) {
    if (*p == '\a' || *p == kSt8) return p + 1;
    if (*p == kEsc && p + 1 < end && p[1] == '\\') return p + 2;
    if (*p == kEsc) return p;  // handled next
    ++p;
  }
  return end;
}

// The length of the valid UTF-8 sequence at p (2-4), or 0 when there is none.
std::size_t utf8_length(const Byte* p, const Byte* end) {
  const Byte c = *p;
  std::size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
  if (n == 0 || static_cast<std::size_t>(end - p) < n) return 0;
  for (std::size_t i = 1; i < n; ++i)
    if ((p[i] & 0xC0) != 0x80) return 0;
  // Overlong forms, surrogates and code points past U+10FFFF.
  if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F) || (c == 0xF0 && p[1] < 0x90) ||
      (c == 0xF4 && p[1] > 0x8F))
    return 0;
  return n;
}

void append(ByteBuffer& out, const Byte* from, const Byte* to) {
  out.append({reinterpret_cast<const char*>(from), static_cast<std::size_t>(to - from)});
}

// An escape sequence or C1 control at p: appends what is kept (an SGR, in
// its 7-bit form, when `keep_sgr`) and returns where the text goes on.
const Byte* neutralise_control(ByteBuffer& out, const Byte* p, const Byte* end, bool keep_sgr) {
  const bool eight_bit = *p != kEsc;
  Byte kind;
  const Byte* body;
  if (eight_bit) {
    kind = static_cast<Byte>(*p - 0x40);  // 0x9b is ESC [, 0x9d is ESC ], ...
    body = p + 1;
  } else {
    if (p + 1 >= end) return end;
    kind = p[1];
    body = p + 2;
  }
  if (kind == '[') {
    bool sgr = false;
    const Byte* q = scan_csi(body, end, sgr);
    if (sgr && keep_sgr) {
      out.append("\x1b[");
      append(out, body, q);
    }
    return q;
  }
  if (kind == ']' || kind == 'P' || kind == 'X' || kind == '^' || kind == '_') return scan_string(body, end);
  return eight_bit ? p + 1 : p + 2;  // any other escape with its next byte; any other C1 alone
}

// One line, without its '\n'.
void append_line(ByteBuffer& out, const Byte* p, const Byte* end, bool keep_sgr) {
  // A terminal shows what follows the last carriage return (a progress bar's
  // last state); one right before the newline, as in CRLF, is only dropped.
  while (end > p && end[-1] == '\r') --end;
  std::string_view line(reinterpret_cast<const char*>(p), static_cast<std::size_t>(end - p));
  if (std::size_t cr = line.rfind('\r'); cr != std::string_view::npos) p += cr + 1;
  while (p < end) {
    const Byte* run = p;
    while (p < end && *p != kEsc && *p < 0x80) ++p;
    append(out, run, p);
    if (p >= end) break;
    if (*p == kEsc) {
      p = neutralise_control(out, p, end, keep_sgr);
      continue;
    }
    if (std::size_t n = utf8_length(p, end)) {
      // U+0080..U+009F (C2 80..C2 9F): some terminals take them as C1 too.
      if (!(p[0] == 0xC2 && is_c1(p[1]))) append(out, p, p + n);
      p += n;
    } else if (is_c1(*p)) {
      p = neutralise_control(out, p, end, keep_sgr);  // a raw 8-bit control (0x9b CSI, 0x9d OSC, ...)
    } else {
      append(out, p, p + 1);  // a stray byte a terminal shows as a replacement
      ++p;
    }
  }
}

}  // namespace

bool needs_neutralising(std::string_view text) {
  // Sixty-four bytes a step in vector registers (GCC's generic vectors: SSE2
  // on x86-64, NEON on arm64): ESC, '\r', or a byte in 0x80..0x9F (its top
  // three bits 100). This scan runs over every byte of prefixed output.
  using Bytes = unsigned char __attribute__((vector_size(16)));
  auto hits = [](const char* at) {
    Bytes v;
    std::memcpy(&v, at, sizeof v);
    return (v == kEsc) | (v == '\r') | ((v & 0xE0) == 0x80);
  };
  const char* p = text.data();
  std::size_t n = text.size();
  for (; n >= 64; p += 64, n -= 64) {
    auto any = hits(p) | hits(p + 16) | hits(p + 32) | hits(p + 48);
    std::uint64_t half[2];
    std::memcpy(half, &any, sizeof half);
    if ((half[0] | half[1]) != 0) return true;
  }
  for (; n > 0; ++p, --n) {
    const Byte c = static_cast<Byte>(*p);
    if (c == kEsc || c == '\r' || is_c1(c)) return true;
  }
  return false;
}

void append_neutralised(ByteBuffer& out, std::string_view text, bool keep_sgr) {
  const Byte* p = reinterpret_cast<const Byte*>(text.data());
  const Byte* end = p + text.size();
  while (p < end) {
    const Byte* nl = static_cast<const Byte*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    append_line(out, p, nl ? nl : end, keep_sgr);
    if (!nl) break;
    out.push_back('\n');
    p = nl + 1;
  }
}

}  // namespace sluice::detail
