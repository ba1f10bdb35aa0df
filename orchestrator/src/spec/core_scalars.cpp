// The YAML 1.2 core schema's booleans and numbers (see core_scalars.hpp).
#include "spec/core_scalars.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace sluice::detail {
namespace {

bool digits(std::string_view s, int base) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok = base == 8    ? (c >= '0' && c <= '7')
                    : base == 10 ? (c >= '0' && c <= '9')
                                 : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
                                       (c >= 'A' && c <= 'F');
    if (!ok) return false;
  }
  return true;
}

/// A core float as written: sign, whole digits, fraction digits, exponent.
struct Float {
  bool negative = false;
  std::string_view whole, fraction;
  long exponent = 0;
};

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
std::optional<Float> parse_float(std::string_view s) {
  Float f;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    f.negative = s[0] == '-';
    s.remove_prefix(1);
  }
  std::size_t i = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  f.whole = s.substr(0, i);
  if (i < s.size() && s[i] == '.') {
    const std::size_t start = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    f.fraction = s.substr(start, i - start);
    if (f.whole.empty() && f.fraction.empty()) return std::nullopt;
  } else if (f.whole.empty()) {
    return std::nullopt;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    std::string_view e = s.substr(i + 1);
    bool minus = false;
    if (!e.empty() && (e[0] == '-' || e[0] == '+')) {
      minus = e[0] == '-';
      e.remove_prefix(1);
    }
    if (!digits(e, 10)) return std::nullopt;
    // Past 9 digits the exponent means nothing a pipeline could want.
    if (e.size() > 9) return std::nullopt;
    f.exponent = std::strtol(std::string(e).c_str(), nullptr, 10) * (minus ? -1 : 1);
    i = s.size();
  }
  if (i != s.size()) return std::nullopt;
  return f;
}

bool is_special_float(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  return s == ".inf" || s == ".Inf" || s == ".INF" || s == ".nan" || s == ".NaN" || s == ".NAN";
}

/// A core integer's value, when it fits a long long.
std::optional<long long> int_value(std::string_view s, bool& is_int) {
  int base = 10;
  std::string_view body = s;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x')) {
    base = s[1] == 'o' ? 8 : 16;
    body = s.substr(2);
  } else if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    body = s.substr(1);
  }
  is_int = digits(body, base);
  if (!is_int) return std::nullopt;
  errno = 0;
  const std::string text(base == 10 ? s : body);
  const long long v = std::strtoll(text.c_str(), nullptr, base);
  if (errno == ERANGE) return std::nullopt;
  return v;
}

}  // namespace

std::optional<bool> core_bool(std::string_view s) {
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return std::nullopt;
}

std::optional<long long> core_integer(std::string_view s, long long min, long long max,
                                      bool* number) {
  bool is_int = false;
  std::optional<long long> v = int_value(s, is_int);
  const bool is_float = !is_int && (parse_float(s) || is_special_float(s));
  if (number != nullptr) *number = is_int || is_float;
  if (is_float) {
    const std::optional<double> d = core_finite_number(s);
    if (!d || std::floor(*d) != *d || std::fabs(*d) > 9.2e18) return std::nullopt;
    v = static_cast<long long>(*d);
  }
  if (!v || *v < min || *v > max) return std::nullopt;
  return v;
}

std::optional<double> core_finite_number(std::string_view s) {
  bool is_int = false;
  if (const auto v = int_value(s, is_int)) return static_cast<double>(*v);
  if (is_int || !parse_float(s)) return std::nullopt;
  const double d = std::strtod(std::string(s).c_str(), nullptr);
  if (!std::isfinite(d)) return std::nullopt;
  return d;
}

std::optional<std::string> core_decimal(std::string_view s) {
  bool is_int = false;
  if (const auto v = int_value(s, is_int)) {
    if (*v < 0) return std::nullopt;
    return std::to_string(*v);
  }
  if (is_int) return std::nullopt;
  const std::optional<Float> f = parse_float(s);
  if (!f || f->negative) return std::nullopt;
  std::string all = std::string(f->whole) + std::string(f->fraction);
  long point = static_cast<long>(f->whole.size()) + f->exponent;
  // Further than this the value is too large or too fine for any reader.
  if (point > 400 || point < -400) return std::nullopt;
  if (point <= 0) return "0." + std::string(static_cast<std::size_t>(-point), '0') + all;
  if (static_cast<std::size_t>(point) >= all.size())
    return all + std::string(static_cast<std::size_t>(point) - all.size(), '0');
  return all.substr(0, static_cast<std::size_t>(point)) + "." + all.substr(static_cast<std::size_t>(point));
}

}  // namespace sluice::detail
