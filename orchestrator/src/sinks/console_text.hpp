/// Small text pieces every part of the console shares: sluice's line tag,
/// its colours, widths in terminal columns, and whether to colour at all.
/// Pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "sluice/pipeline.hpp"
#include "sluice/run.hpp"

namespace sluice::detail {

inline constexpr std::string_view kTag = "[sluice] ";
inline constexpr std::string_view kReset = "\x1b[0m";
inline constexpr const char* kRed = "31";
inline constexpr const char* kGreen = "32";
inline constexpr const char* kYellow = "33";
inline constexpr const char* kDim = "2";

/// Terminal columns of UTF-8 text, counting each code point as one.
std::size_t text_width(std::string_view s);

/// Appends spaces to `s` from column `used` up to column `width`.
void pad_to(std::string& s, std::size_t used, std::size_t width);

/// Appends `text`, inside the SGR colour `sgr` when `color` is on and `sgr`
/// is given.
void append_colored(std::string& s, std::string_view text, const char* sgr, bool color);

/// A task's colour, from a palette by TaskId: no red (it means failure
/// here) and no black or white, which vanish on one background or the other.
const char* task_color(TaskId id);

/// `always` wins over NO_COLOR (an explicit flag beats the environment);
/// `auto` means a TTY and no NO_COLOR.
bool decide_color(ColorMode mode, bool no_color_env, bool is_tty);

}  // namespace sluice::detail
