// Raw input checks (see yaml_input.hpp).
#include "spec/yaml_input.hpp"

#include "spec/utf8.hpp"

namespace sluice::detail {

std::optional<std::string> size_problem(std::size_t size, std::size_t max) {
  if (size <= max) return std::nullopt;
  return "file is " + std::to_string(size) + " bytes, over the limit of " + std::to_string(max);
}

std::optional<InputProblem> input_problem(std::string_view text) {
  const std::size_t nul = text.find('\0');
  const std::size_t bad = find_invalid_utf8(text.substr(0, nul));
  if (bad != std::string_view::npos) {
    const auto byte = static_cast<unsigned char>(text[bad]);
    const char* digits = "0123456789abcdef";
    const char hex[] = {'0', 'x', digits[byte >> 4], digits[byte & 15], '\0'};
    return InputProblem{bad, std::string("invalid UTF-8 (byte ") + hex + ")"};
  }
  if (nul != std::string_view::npos) return InputProblem{nul, "NUL byte in the file (is it binary?)"};
  return std::nullopt;
}

}  // namespace sluice::detail
