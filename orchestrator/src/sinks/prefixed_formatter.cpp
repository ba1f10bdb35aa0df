#include "sinks/prefixed_formatter.hpp"

#include "sinks/console_writer.hpp"
#include "sinks/task_prefixes.hpp"

namespace sluice::detail {

void PrefixedFormatter::output(const TaskOutput& e) {
  prefixes_.note(e.task, e.name);
  ByteBuffer& frame = writer_.begin();
  if (!writer_.at_line_start()) frame.push_back('\n');  // after raw bytes without one
  append_prefixed(frame, prefixes_.of(e.task, e.stream), e.lines, writer_.color());
  writer_.end();
}

}  // namespace sluice::detail
