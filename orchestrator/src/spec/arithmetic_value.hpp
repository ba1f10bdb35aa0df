/// Values that stand in shell arithmetic (ShScan::arithmetic, template.hpp)
/// must be integers (SPEC §1.3): there bash evaluates a variable's text as an
/// expression, and an array subscript in it runs its command substitutions
/// (`a[$(touch /tmp/x)]`), whatever the quoting. The loader checks values it
/// knows; the process executor checks task outputs before the spawn. Pure;
/// any thread.
#pragma once

#include <string>
#include <string_view>

namespace sluice::detail {

/// A decimal integer with an optional sign, or `0x` hexadecimal: text no
/// shell evaluates into anything but a number.
bool is_shell_integer(std::string_view value);

/// Why `value`, the value of the reference `ref` as written (`vars.n`,
/// `tasks.a.outputs.k`), cannot stand in shell arithmetic; `origin`, when
/// not empty, says where the value was set (` (set by --set)`).
std::string arithmetic_value_error(std::string_view ref, std::string_view value,
                                   std::string_view origin = {});

}  // namespace sluice::detail
