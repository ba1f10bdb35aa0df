/// Exact duration parsing: integer arithmetic on the digits, so `0.1s` is
/// 100ms and not 99 after a trip through a double, and overflow is detected.
#include "spec/duration.hpp"

#include <array>
#include <cstdint>
#include <limits>

namespace sluice::detail {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

bool is_digit(char c) { return c >= '0' && c <= '9'; }

/// A number as written: integer digits and fraction digits, unconverted.
struct Number {
  std::string_view whole;
  std::string_view fraction;  // empty when there is no '.'
};

/// Reads `digits[.digits]` at `pos`; both sides need a digit.
std::optional<Number> read_number(std::string_view s, std::size_t& pos) {
  const std::size_t start = pos;
  while (pos < s.size() && is_digit(s[pos])) ++pos;
  if (pos == start) return std::nullopt;
  Number n{s.substr(start, pos - start), {}};
  if (pos < s.size() && s[pos] == '.') {
    const std::size_t f = ++pos;
    while (pos < s.size() && is_digit(s[pos])) ++pos;
    if (pos == f) return std::nullopt;
    n.fraction = s.substr(f, pos - f);
  }
  return n;
}

enum class Outcome { Ok, Overflow, Fractional };

/// number * unit_ms, exactly. Fraction digits beyond what the unit can hold
/// must be zeros.
Outcome to_ms(const Number& n, std::int64_t unit_ms, std::int64_t& out) {
  std::int64_t whole = 0;
  for (char c : n.whole) {
    if (whole > (kMax - (c - '0')) / 10) return Outcome::Overflow;
    whole = whole * 10 + (c - '0');
  }
  if (whole > kMax / unit_ms) return Outcome::Overflow;
  std::int64_t ms = whole * unit_ms;
  // unit_ms is 1, 1000, 60000 or 3600000: fraction digit k is worth
  // unit_ms / 10^k, which must stay whole while the digit is non-zero.
  std::int64_t place = unit_ms;
  for (char c : n.fraction) {
    const int digit = c - '0';
    if (place % 10 != 0) {
      if (digit != 0) return Outcome::Fractional;
      continue;
    }
    place /= 10;
    const std::int64_t add = digit * place;
    if (ms > kMax - add) return Outcome::Overflow;
    ms += add;
  }
  out = ms;
  return Outcome::Ok;
}

struct Unit {
  std::string_view suffix;
  std::int64_t ms;
};
// Longest suffix first where one is a prefix of another ("ms" before "m").
constexpr std::array<Unit, 4> kUnits{{{"h", 3600000}, {"ms", 1}, {"m", 60000}, {"s", 1000}}};

/// Rank in the required order h > m > s > ms.
int rank(std::int64_t unit_ms) {
  switch (unit_ms) {
    case 3600000: return 0;
    case 60000: return 1;
    case 1000: return 2;
    default: return 3;
  }
}

Parsed<Duration> fail(std::string_view why) { return {std::nullopt, std::string(why)}; }

Parsed<Duration> from_outcome(Outcome o) {
  if (o == Outcome::Overflow) return fail("duration too large");
  return fail("duration finer than a millisecond");
}

}  // namespace

Parsed<Duration> parse_duration(std::string_view s) {
  std::size_t pos = 0;
  std::int64_t total = 0;
  int last_rank = -1;
  bool any = false;
  while (pos < s.size() || !any) {
    auto number = read_number(s, pos);
    if (!number) return fail(kDurationExpected);
    if (pos == s.size() && !any) {  // a bare number: seconds
      std::int64_t ms = 0;
      if (const Outcome o = to_ms(*number, 1000, ms); o != Outcome::Ok) return from_outcome(o);
      return {Duration{ms}, {}};
    }
    const Unit* unit = nullptr;
    for (const Unit& u : kUnits) {
      if (s.substr(pos, u.suffix.size()) == u.suffix) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr || rank(unit->ms) <= last_rank) return fail(kDurationExpected);
    pos += unit->suffix.size();
    last_rank = rank(unit->ms);
    std::int64_t ms = 0;
    if (const Outcome o = to_ms(*number, unit->ms, ms); o != Outcome::Ok) return from_outcome(o);
    if (total > kMax - ms) return fail("duration too large");
    total += ms;
    any = true;
  }
  return {Duration{total}, {}};
}

Parsed<double> parse_rate(std::string_view s) {
  const std::size_t slash = s.find('/');
  if (slash == std::string_view::npos) return {std::nullopt, std::string(kRateExpected)};
  const std::string_view per = s.substr(slash + 1);
  double seconds = 0;
  if (per == "s") seconds = 1;
  else if (per == "m") seconds = 60;
  else return {std::nullopt, std::string(kRateExpected)};
  std::size_t pos = 0;
  const std::string_view count_text = s.substr(0, slash);
  auto number = read_number(count_text, pos);
  if (!number || pos != count_text.size()) return {std::nullopt, std::string(kRateExpected)};
  // Counts are small; a double holds any that make sense, and rates are
  // compared with a clock, not for equality.
  double count = 0;
  for (char c : number->whole) count = count * 10 + (c - '0');
  double scale = 0.1;
  for (char c : number->fraction) {
    count += (c - '0') * scale;
    scale /= 10;
  }
  if (!(count > 0)) return {std::nullopt, std::string(kRateExpected)};
  return {count / seconds, {}};
}

namespace {
template <class T>
std::optional<T> split(Parsed<T> parsed, std::string* error) {
  if (!parsed && error != nullptr) *error = std::move(parsed.error);
  return parsed.value;
}
}  // namespace

std::optional<Duration> parse_duration(std::string_view text, std::string* error) {
  return split(parse_duration(text), error);
}

std::optional<double> parse_rate(std::string_view text, std::string* error) {
  return split(parse_rate(text), error);
}

std::string format_duration(Duration d) {
  const std::int64_t count = d.count();
  if (count == 0) return "0s";
  std::string out;
  // Negative values are not produced by the parser; spelled out rather than
  // hidden. Unsigned so that the most negative value has a magnitude too.
  std::uint64_t ms = static_cast<std::uint64_t>(count);
  if (count < 0) {
    out = "-";
    ms = 0 - ms;
  }
  if (ms < 1000) return out + std::to_string(ms) + "ms";
  const std::uint64_t h = ms / 3600000;
  const std::uint64_t m = ms / 60000 % 60;
  const std::uint64_t s = ms / 1000 % 60;
  const std::uint64_t rest = ms % 1000;
  if (h != 0) out += std::to_string(h) + "h";
  if (m != 0) out += std::to_string(m) + "m";
  if (s != 0 || rest != 0) {
    out += std::to_string(s);
    if (rest != 0) {
      std::string frac = std::to_string(rest + 1000).substr(1);  // three digits
      while (frac.back() == '0') frac.pop_back();
      out += "." + frac;
    }
    out += "s";
  }
  return out;
}

}  // namespace sluice::detail
