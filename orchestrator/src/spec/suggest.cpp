/// Optimal string alignment distance with a cut-off, and the "did you mean"
/// search built on it. Three rolling rows of at most word-length + 1 cells.
#include "spec/suggest.hpp"

#include <algorithm>

namespace sluice::detail {
namespace {

char fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool same_folded(char a, char b) { return fold(a) == fold(b); }

/// One OSA computation; `fold_case` selects the comparison. The three rows are
/// the caller's so that a search over many candidates allocates once.
std::size_t osa(std::string_view a, std::string_view b, std::size_t limit, bool fold_case,
                std::vector<std::size_t>& rows) {
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  const std::size_t over = limit + 1;
  if ((n > m ? n - m : m - n) > limit) return over;
  const auto eq = [fold_case](char x, char y) { return fold_case ? same_folded(x, y) : x == y; };
  rows.assign(3 * (m + 1), 0);
  std::size_t* prev2 = rows.data();
  std::size_t* prev = prev2 + (m + 1);
  std::size_t* cur = prev + (m + 1);
  for (std::size_t j = 0; j <= m; ++j) prev[j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    std::size_t row_min = cur[0];
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = eq(a[i - 1], b[j - 1]) ? 0 : 1;
      std::size_t v = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && eq(a[i - 1], b[j - 2]) && eq(a[i - 2], b[j - 1]))
        v = std::min(v, prev2[j - 2] + 1);
      cur[j] = v;
      row_min = std::min(row_min, v);
    }
    // Every later cell descends from some cell of this row (or the row
    // before, for a transposition, which is no smaller): nothing can get
    // back under the limit.
    if (row_min > limit) return over;
    std::size_t* spare = prev2;
    prev2 = prev;
    prev = cur;
    cur = spare;
  }
  return std::min(prev[m], over);
}

}  // namespace

std::size_t osa_distance(std::string_view a, std::string_view b, std::size_t limit) {
  std::vector<std::size_t> rows;
  return osa(a, b, limit, true, rows);
}

std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string_view>& candidates) {
  const std::size_t threshold = std::max<std::size_t>(1, word.size() / 3);
  std::vector<std::size_t> rows;
  std::optional<std::string_view> best;
  std::size_t best_distance = threshold + 1;
  std::size_t best_exact = 0;  // case-sensitive distance of `best`, for ties
  for (std::string_view candidate : candidates) {
    if (candidate == word) continue;
    // Once something is within the threshold, only an equal or better
    // distance is of interest: the cut-off shrinks with the best so far.
    const std::size_t d = osa(word, candidate, std::min(threshold, best_distance), true, rows);
    if (d > threshold || d > best_distance) continue;
    const std::size_t exact = osa(word, candidate, word.size() + candidate.size(), false, rows);
    if (d < best_distance || exact < best_exact) {
      best = candidate;
      best_distance = d;
      best_exact = exact;
    }
  }
  if (!best) return std::nullopt;
  return std::string(*best);
}

}  // namespace sluice::detail
