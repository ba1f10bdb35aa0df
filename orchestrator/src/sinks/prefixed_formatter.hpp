/// PrefixedFormatter (`--output prefixed`, the default): every line as it
/// comes, as `NAME | line` or `NAME ! line` (stderr); a batch becomes one
/// frame and one write. Loop thread only.
#pragma once

#include "sinks/output_formatter.hpp"

namespace sluice::detail {

class PrefixedFormatter final : public OutputFormatter {
 public:
  PrefixedFormatter(ConsoleWriter& writer, TaskPrefixes& prefixes) : writer_(writer), prefixes_(prefixes) {}
  void output(const TaskOutput& e) override;

 private:
  ConsoleWriter& writer_;
  TaskPrefixes& prefixes_;
};

}  // namespace sluice::detail
