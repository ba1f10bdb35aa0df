// Name checks (see names.hpp).
#include "spec/names.hpp"

namespace sluice::detail {
namespace {

bool is_alnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

}  // namespace

bool valid_task_name(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_alnum(c) && c != '_' && c != '.' && c != '-') return false;
  return true;
}

bool valid_identifier(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s)
    if (!is_alnum(c) && c != '_') return false;
  return true;
}

// Matrix values become part of task names, which become file names.
bool valid_matrix_value(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (c == ',' || c == '=' || c == '[' || c == ']' || c == '/' || c == ' ' || c == '\t' ||
        c < 0x20 || c == 0x7f)
      return false;
  }
  return true;
}

}  // namespace sluice::detail
