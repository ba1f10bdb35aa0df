#include "sinks/interleaved_formatter.hpp"

#include "sinks/console_writer.hpp"
#include "sinks/terminal_filter.hpp"

namespace sluice::detail {

void InterleavedFormatter::output(const TaskOutput& e) {
  if (!writer_.tty() && writer_.write_direct(e.lines)) return;
  ByteBuffer& frame = writer_.begin();
  if (writer_.tty()) {
    append_neutralised(frame, e.lines, writer_.color());
  } else {
    frame.append(e.lines);
  }
  writer_.end();
}

}  // namespace sluice::detail
