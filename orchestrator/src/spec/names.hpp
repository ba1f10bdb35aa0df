/// The names a pipeline gives things, and what each may hold (SPEC §1.1):
/// task names, variable-like names (secrets, matrix keys), matrix values
/// (they become parts of task and file names). Pure; any thread.
#pragma once

#include <string_view>

namespace sluice::detail {

/// `[A-Za-z0-9_.-]+`
bool valid_task_name(std::string_view s);
/// A shell variable's name: `[A-Za-z_][A-Za-z0-9_]*` (limits.hpp's pattern).
bool valid_identifier(std::string_view s);
/// Not empty, and none of `,=[]/`, whitespace or control characters.
bool valid_matrix_value(std::string_view s);

}  // namespace sluice::detail
