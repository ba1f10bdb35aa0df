#include "sinks/terminal_filter.hpp"

#include <cstring>

namespace sluice::detail {
namespace {

constexpr char kEsc = '\x1b';

bool is_sgr_param(char c) { return (c >= '0' && c <= '9') || c == ';' || c == ':'; }

// p points just past "ESC [". Returns the end of the CSI sequence and
// whether it is an SGR one.
const char* scan_csi(const char* p, const char* end, bool& sgr) {
  const char* q = p;
  bool only_sgr_params = true;
  while (q < end && static_cast<unsigned char>(*q) >= 0x20 && static_cast<unsigned char>(*q) <= 0x3F) {
    if (!is_sgr_param(*q)) only_sgr_params = false;
    ++q;
  }
  bool has_intermediate = false;
  while (q < end && static_cast<unsigned char>(*q) >= 0x20 && static_cast<unsigned char>(*q) <= 0x2F) {
    has_intermediate = true;
    ++q;
  }
  if (q < end && static_cast<unsigned char>(*q) >= 0x40 && static_cast<unsigned char>(*q) <= 0x7E) {
    sgr = *q == 'm' && only_sgr_params && !has_intermediate;
    return q + 1;
  }
  sgr = false;
  return q;  // unterminated or broken: drop what we scanned
}

// p points just past the introducer of a string sequence (OSC, DCS, ...).
const char* scan_string(const char* p, const char* end) {
  while (p < end) {
    if (*p == '\a') return p + 1;
    if (*p == kEsc && p + 1 < end && p[1] == '\\') return p + 2;
    if (*p == kEsc || *p == '\n') return p;  // handled next: never eat a newline
    ++p;
  }
  return end;
}

}  // namespace

bool needs_neutralising(std::string_view text) {
  return std::memchr(text.data(), kEsc, text.size()) != nullptr ||
         std::memchr(text.data(), '\xC2', text.size()) != nullptr;
}

void append_neutralised(ByteBuffer& out, std::string_view text) {
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    const char* run = p;
    while (p < end && *p != kEsc &&
           !(*p == '\xC2' && p + 1 < end && static_cast<unsigned char>(p[1]) >= 0x80 &&
             static_cast<unsigned char>(p[1]) <= 0x9F))
      ++p;
    out.append({run, static_cast<std::size_t>(p - run)});
    if (p >= end) break;
    if (*p != kEsc) {  // a UTF-8 encoded C1 control
      p += 2;
      continue;
    }
    if (p + 1 >= end) {
      ++p;
      continue;
    }
    char kind = p[1];
    const char* start = p;
    if (kind == '[') {
      bool sgr = false;
      p = scan_csi(p + 2, end, sgr);
      if (sgr) out.append({start, static_cast<std::size_t>(p - start)});
    } else if (kind == ']' || kind == 'P' || kind == 'X' || kind == '^' || kind == '_') {
      p = scan_string(p + 2, end);
    } else {
      p += kind == '\n' ? 1 : 2;
    }
  }
}

}  // namespace sluice::detail
