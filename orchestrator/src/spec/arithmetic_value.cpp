// Integers for shell arithmetic (see arithmetic_value.hpp).
#include "spec/arithmetic_value.hpp"

#include <algorithm>

namespace sluice::detail {

bool is_shell_integer(std::string_view v) {
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) v.remove_prefix(1);
  auto all = [](std::string_view s, auto pred) {
    return !s.empty() && std::all_of(s.begin(), s.end(), pred);
  };
  if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X'))
    return all(v.substr(2), [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    });
  return all(v, [](char c) { return c >= '0' && c <= '9'; });
}

std::string arithmetic_value_error(std::string_view ref, std::string_view value,
                                   std::string_view origin) {
  // A value may be long: its start says enough.
  constexpr std::size_t kShown = 60;
  std::string shown(value);
  if (value.size() > kShown) {
    std::size_t cut = kShown;
    while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
    shown = std::string(value.substr(0, cut)) + "...";
  }
  return "'" + std::string(ref) + "'" + std::string(origin) +
         " stands in shell arithmetic, where the shell evaluates its text as an expression: "
         "it must be an integer, got '" + shown + "'";
}

}  // namespace sluice::detail
