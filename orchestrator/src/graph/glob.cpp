// Glob matching for implicit edges (see glob.hpp).
#include "graph/glob.hpp"

#include <cstddef>

namespace sluice::detail {

bool is_glob(std::string_view s) { return s.find_first_of("*?[") != std::string_view::npos; }

std::string_view glob_literal_prefix(std::string_view pattern) {
  auto at = pattern.find_first_of("*?[");
  return at == std::string_view::npos ? pattern : pattern.substr(0, at);
}

Glob::Token Glob::token(Kind kind, char c) {
  Token t;
  t.kind = kind;
  t.c = c;
  return t;
}

Glob::Glob(std::string_view p) {
  std::size_t i = 0;
  while (i < p.size()) {
    char c = p[i];
    if (c == '*') {
      if (i + 1 < p.size() && p[i + 1] == '*') {
        // `**/` may also match nothing at all, so `a/**/b` matches `a/b`.
        bool at_segment_start = i == 0 || p[i - 1] == '/';
        if (at_segment_start && i + 2 < p.size() && p[i + 2] == '/') {
          tokens_.push_back(token(Kind::DirStar));
          i += 3;
        } else {
          tokens_.push_back(token(Kind::DoubleStar));
          i += 2;
          while (i < p.size() && p[i] == '*') ++i;  // `***` is `**`
        }
      } else {
        tokens_.push_back(token(Kind::Star));
        ++i;
      }
    } else if (c == '?') {
      tokens_.push_back(token(Kind::Any));
      ++i;
    } else if (c == '[') {
      std::size_t j = i + 1;
      Token t = token(Kind::Set);
      if (j < p.size() && (p[j] == '!' || p[j] == '^')) {
        t.negated = true;
        ++j;
      }
      bool first = true;
      bool closed = false;
      while (j < p.size()) {
        if (p[j] == ']' && !first) {
          closed = true;
          break;
        }
        char lo = p[j];
        char hi = lo;
        if (j + 2 < p.size() && p[j + 1] == '-' && p[j + 2] != ']') {
          hi = p[j + 2];
          j += 3;
        } else {
          ++j;
        }
        t.set += lo;
        t.set += hi;
        first = false;
      }
      if (closed) {
        tokens_.push_back(std::move(t));
        i = j + 1;
      } else {
        tokens_.push_back(token(Kind::Char, '['));
        ++i;
      }
    } else {
      tokens_.push_back(token(Kind::Char, c));
      ++i;
    }
  }
}

bool Glob::in_set(const Token& t, char c) {
  bool hit = false;
  for (std::size_t k = 0; k + 1 < t.set.size(); k += 2) {
    auto uc = static_cast<unsigned char>(c);
    if (static_cast<unsigned char>(t.set[k]) <= uc && uc <= static_cast<unsigned char>(t.set[k + 1])) {
      hit = true;
      break;
    }
  }
  return hit != t.negated;
}

bool Glob::matches(std::string_view s) const {
  const std::size_t n = s.size();
  // cur[j]: the tokens so far match s[0, j).
  std::vector<char> cur(n + 1, 0), next(n + 1, 0);
  cur[0] = 1;
  for (const Token& t : tokens_) {
    bool any = false;
    switch (t.kind) {
      case Kind::Char:
      case Kind::Any:
      case Kind::Set:
        next[0] = 0;
        for (std::size_t j = 1; j <= n; ++j) {
          char c = s[j - 1];
          bool ok = t.kind == Kind::Char ? c == t.c
                    : t.kind == Kind::Any ? c != '/'
                                          : (c != '/' && in_set(t, c));
          next[j] = cur[j - 1] && ok;
        }
        break;
      case Kind::Star: {
        bool open = false;  // some i <= j with cur[i] and no '/' in s[i, j)
        for (std::size_t j = 0; j <= n; ++j) {
          if (j > 0 && s[j - 1] == '/') open = false;
          if (cur[j]) open = true;
          next[j] = open;
        }
        break;
      }
      case Kind::DoubleStar: {
        bool open = false;
        for (std::size_t j = 0; j <= n; ++j) {
          if (cur[j]) open = true;
          next[j] = open;
        }
        break;
      }
      case Kind::DirStar: {
        bool open = false;  // some i < j with cur[i]
        for (std::size_t j = 0; j <= n; ++j) {
          next[j] = cur[j] || (open && j > 0 && s[j - 1] == '/');
          if (cur[j]) open = true;
        }
        break;
      }
    }
    for (std::size_t j = 0; j <= n; ++j) any = any || next[j];
    if (!any) return false;
    cur.swap(next);
  }
  return cur[n] != 0;
}

bool glob_match(std::string_view pattern, std::string_view text) {
  return Glob(pattern).matches(text);
}

}  // namespace sluice::detail
