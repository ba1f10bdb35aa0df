/// Glob patterns for task `inputs`, matched against declared output paths to
/// find implicit dependencies. Syntax: `*` (any run of characters except
/// `/`), `?` (one character except `/`), `[abc]`, `[a-z]`, `[!a-z]`/`[^a-z]`
/// (one character of / not of a set), `**` (any run, `/` included) and
/// `**/` (zero or more whole directories). A `[` without its `]` is literal.
///
/// Matching is a dynamic programme over (pattern token, text position):
/// O(pattern x text) time whatever the pattern, never exponential
/// backtracking and never recursive. Stateless: any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sluice::detail {

/// True when `s` holds a glob metacharacter (`*`, `?` or `[`).
bool is_glob(std::string_view s);

/// The part of `pattern` before its first metacharacter: every match starts
/// with it, so a sorted list of paths can be narrowed to that range first.
std::string_view glob_literal_prefix(std::string_view pattern);

/// A pattern compiled once, matched against many paths.
class Glob {
 public:
  explicit Glob(std::string_view pattern);
  bool matches(std::string_view text) const;

 private:
  enum class Kind : unsigned char { Char, Any, Set, Star, DoubleStar, DirStar };
  struct Token {
    Kind kind = Kind::Char;
    char c = 0;             ///< Char
    bool negated = false;   ///< Set
    std::string set;        ///< Set: pairs (lo, hi) of inclusive ranges
  };
  static Token token(Kind kind, char c = 0);
  static bool in_set(const Token& t, char c);
  std::vector<Token> tokens_;
};

/// One-shot convenience: `Glob(pattern).matches(text)`.
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace sluice::detail
