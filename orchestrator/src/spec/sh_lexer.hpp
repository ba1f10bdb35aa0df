/// A small POSIX sh lexer that finds the quoting context of each template
/// reference in a `run:` script (SPEC §1.3), behind scan_sh_contexts().
///
/// The script is lexed with the references in place: each stands for one
/// opaque word character. The lexer knows what decides quoting and nothing
/// more: backslashes, '...', "...", $'...', `...`, $(...), ${...}, $((...)),
/// comments and here-documents (several per line, <<- and quoted
/// delimiters). It does not parse commands. Pure; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "spec/template.hpp"

namespace sluice::detail {

/// The script as the lexer sees it: bytes, which of them are references, and
/// where each came from in the source (for error offsets).
class ShInput {
 public:
  void add_text(std::string_view text, std::uint32_t source_offset);
  void add_ref(std::uint32_t source_offset);

  std::size_t size() const { return bytes_.size(); }
  char byte(std::size_t i) const { return bytes_[i]; }
  bool is_ref(std::size_t i) const { return is_ref_[i] != 0; }
  std::uint32_t source_offset(std::size_t i) const { return offsets_[i]; }

 private:
  std::string bytes_;                 // a reference is one placeholder byte
  std::vector<std::uint8_t> is_ref_;  // parallel to bytes_
  std::vector<std::uint32_t> offsets_;
};

/// Contexts of the references of `input`, in order, or the first error.
ShScan lex_sh(const ShInput& input);

}  // namespace sluice::detail
