/// StatusLine: the one line at the bottom of a terminal that is drawn over
/// again and again, `[3/10] running: a, b  12.3s` (ninja's LinePrinter is
/// the model). It only draws; what it says comes from RunProgress, and when
/// it may be drawn is the ConsoleWriter's decision: every other write clears
/// it first and redraws it after, in the same write, and it is drawn only at
/// the start of a line, so it never lands inside output. Off a TTY there is
/// none. Owned by the ConsoleWriter; loop thread only.
#pragma once

#include <cstddef>
#include <string_view>

#include "sinks/byte_buffer.hpp"

namespace sluice::detail {

class StatusLine {
 public:
  /// Erases the line the cursor is on.
  static constexpr std::string_view kClear = "\r\x1b[K";

  /// The columns its text may take on a terminal `columns` wide (0 when
  /// unknown: 80): one less, since some terminals wrap in the last column.
  static std::size_t limit(std::size_t columns);

  bool shown() const { return shown_; }
  /// Appends what erases it, when it is shown.
  void clear(ByteBuffer& out);
  /// Appends `text`, cut to limit(columns) at a code point, where the
  /// cursor is (the start of an empty line).
  void draw(ByteBuffer& out, std::string_view text, std::size_t columns);
  /// Appends `text` over the line it is on (a new elapsed time).
  void redraw(ByteBuffer& out, std::string_view text, std::size_t columns);

 private:
  bool shown_ = false;
};

}  // namespace sluice::detail
