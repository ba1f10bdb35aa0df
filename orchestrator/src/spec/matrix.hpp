/// Matrix expansion (SPEC §1.1): a task's `matrix` map of name -> values
/// becomes one combination per task, keys in file order, the last key
/// varying fastest. Keys are names, values become parts of task and file
/// names (names.hpp); more than kMaxMatrixExpansions tasks is an error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "spec/field_reader.hpp"

namespace sluice::detail {

inline constexpr std::size_t kMaxMatrixExpansions = 100000;

/// One expansion: (key, value) in file order.
using MatrixCombo = std::vector<std::pair<std::string, std::string>>;

/// The combinations of the matrix map `n` (at `path`); false after
/// reporting what is wrong with it.
bool expand_matrix(FieldReader& r, std::uint32_t u, NodeId n, const std::string& path,
                   std::vector<MatrixCombo>& combos);

}  // namespace sluice::detail
