#include "sinks/output_formatter.hpp"

#include "sinks/grouped_formatter.hpp"
#include "sinks/interleaved_formatter.hpp"
#include "sinks/prefixed_formatter.hpp"
#include "sinks/quiet_formatter.hpp"

namespace sluice::detail {

std::unique_ptr<OutputFormatter> make_output_formatter(const ConsoleOptions& options, ConsoleWriter& writer,
                                                       TaskPrefixes& prefixes) {
  switch (options.mode) {
    case OutputMode::Prefixed: return std::make_unique<PrefixedFormatter>(writer, prefixes);
    case OutputMode::Grouped:
      return std::make_unique<GroupedFormatter>(writer, prefixes, options.grouped_memory_limit, options.spool_dir);
    case OutputMode::Interleaved: return std::make_unique<InterleavedFormatter>(writer);
    case OutputMode::Quiet:
    case OutputMode::None: break;
  }
  return std::make_unique<QuietFormatter>(writer, prefixes, options.quiet_tail_lines, options.tail_line_max);
}

}  // namespace sluice::detail
