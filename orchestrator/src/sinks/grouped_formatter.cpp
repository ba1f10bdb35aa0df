#include "sinks/grouped_formatter.hpp"

#include "sinks/console_text.hpp"
#include "sinks/console_writer.hpp"
#include "sinks/spool.hpp"
#include "sinks/task_prefixes.hpp"
#include "sinks/terminal_filter.hpp"

namespace sluice::detail {

GroupedFormatter::GroupedFormatter(ConsoleWriter& writer, TaskPrefixes& prefixes, std::size_t memory_limit,
                                   std::string spool_dir)
    : writer_(writer), prefixes_(prefixes), memory_limit_(memory_limit), spool_dir_(std::move(spool_dir)) {}

GroupedFormatter::~GroupedFormatter() = default;

void GroupedFormatter::output(const TaskOutput& e) {
  if (e.task >= tasks_.size()) tasks_.resize(static_cast<std::size_t>(e.task) + 1);
  auto& slot = tasks_[e.task];
  if (!slot) {
    slot = std::make_unique<Task>();
    slot->name = std::string(e.name);
  }
  if (slot->live) {
    print_live(e);
  } else {
    spool(*slot, e);
  }
}

void GroupedFormatter::spool(Task& t, const TaskOutput& e) {
  if (!t.spool) t.spool = std::make_unique<Spool>(memory_limit_, spool_dir_);
  std::string_view bytes = e.lines;
  // A task cannot forge sluice's lines (SPEC §4); a block ends its lines.
  const bool filter = needs_neutralising(e.lines);
  if (filter || e.lines.back() != '\n') {
    scratch_.clear();
    if (filter) {
      append_neutralised(scratch_, e.lines, writer_.color());
    } else {
      scratch_.append(e.lines);
    }
    if (scratch_.empty() || scratch_.view().back() != '\n') scratch_.push_back('\n');
    bytes = scratch_.view();
  }
  if (t.spool->append(bytes)) return;
  // The spool cannot grow (disk full, no temp dir): print what it holds and
  // this batch now, and the rest of this task's output live, prefixed.
  t.live = true;
  writer_.message("cannot spool the output of " + t.name + " (" + t.spool->error().message() +
                      "): printing it as it comes",
                  kYellow);
  replay(t);
  print_live(e);
}

void GroupedFormatter::print_live(const TaskOutput& e) {
  prefixes_.note(e.task, e.name);
  ByteBuffer& frame = writer_.begin();
  if (!writer_.at_line_start()) frame.push_back('\n');
  append_prefixed(frame, prefixes_.of(e.task, e.stream), e.lines, writer_.color());
  writer_.end();
}

void GroupedFormatter::replay(Task& t) {
  if (t.spool) writer_.replay("--- " + t.name + " ---\n", std::move(t.spool));
}

void GroupedFormatter::finishing(const TaskFinished& e) {
  if (e.task >= tasks_.size() || !tasks_[e.task]) return;
  replay(*tasks_[e.task]);
  tasks_[e.task].reset();
}

void GroupedFormatter::close() {
  // Output of tasks that never finished (the run was torn down) is still
  // the user's: print it rather than drop it.
  for (auto& t : tasks_)
    if (t) replay(*t);
}

std::size_t GroupedFormatter::memory_bytes() const {
  std::size_t n = 0;
  for (const auto& t : tasks_)
    if (t && t->spool) n += t->spool->memory_bytes();
  return n;
}

}  // namespace sluice::detail
