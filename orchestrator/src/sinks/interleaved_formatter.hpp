/// InterleavedFormatter (`--output interleaved`): the tasks' raw bytes as
/// they come, no prefixes. Off a TTY they pass unchanged (the fast path
/// copies nothing); on one they are filtered as prefixed lines are, since a
/// task could otherwise draw over the status line. Loop thread only.
#pragma once

#include "sinks/output_formatter.hpp"

namespace sluice::detail {

class InterleavedFormatter final : public OutputFormatter {
 public:
  explicit InterleavedFormatter(ConsoleWriter& writer) : writer_(writer) {}
  void output(const TaskOutput& e) override;

 private:
  ConsoleWriter& writer_;
};

}  // namespace sluice::detail
