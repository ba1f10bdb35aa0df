/// Plain YAML scalars read as the YAML 1.2 core schema reads them (SPEC §1.2),
/// so that the loader and a JSON Schema validator (which sees the same
/// scalar as a JSON boolean or number) agree: `true`/`True`/`TRUE` are
/// booleans; `12`, `+3`, `0o17`, `0x1F` integers; `1.5`, `1e3`, `.5`,
/// `.inf` floats. Quoted scalars are always strings. Pure; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sluice::detail {

/// The boolean a plain scalar spells, or nullopt.
std::optional<bool> core_bool(std::string_view text);

/// The integer value of a plain scalar that is a core integer, or a core
/// float with no fractional part (`2.0`, `1e3`: JSON Schema's `integer`),
/// within [min, max]; nullopt otherwise. `*number` (when given) tells
/// whether the text is a core number at all.
std::optional<long long> core_integer(std::string_view text, long long min, long long max,
                                      bool* number = nullptr);

/// The value of a plain scalar that is a finite core number, or nullopt.
std::optional<double> core_finite_number(std::string_view text);

/// A plain scalar that is a finite, non-negative core number as decimal
/// text without exponent (`1.5e3` -> `1500`, `0x10` -> `16`, `.5` -> `0.5`),
/// exactly, for a reader of decimals (durations); nullopt otherwise or when
/// its exponent is absurd.
std::optional<std::string> core_decimal(std::string_view text);

}  // namespace sluice::detail
