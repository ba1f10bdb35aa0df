/// "Did you mean" suggestions for unknown keys, tasks, pools and scopes.
///
/// closest() picks the candidate nearest to a misspelt word by optimal string
/// alignment distance (Levenshtein plus adjacent transpositions), compared
/// without regard to case. It is called for every unknown name of a file,
/// possibly against 100,000 task names, so it skips a candidate as soon as its
/// length or a row of the table shows it cannot beat the best so far.
/// Pure functions; any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::detail {

/// The optimal string alignment distance between `a` and `b`, ASCII letters
/// compared case-insensitively, or `limit + 1` as soon as it must exceed
/// `limit`.
std::size_t osa_distance(std::string_view a, std::string_view b, std::size_t limit);

/// The candidate closest to `word`, if one lies within max(1, size/3) edits
/// of it. Ties go to the candidate that also matches the case better, then to
/// the earliest. A candidate equal to `word` is never suggested (a name is
/// only unknown when no candidate equals it).
std::optional<std::string> closest(std::string_view word,
                                   const std::vector<std::string_view>& candidates);

}  // namespace sluice::detail
