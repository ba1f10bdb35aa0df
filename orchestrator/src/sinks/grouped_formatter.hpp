/// GroupedFormatter (`--output grouped`, like make's -O): a task's output,
/// stdout and stderr unmarked, printed in one block under a `--- NAME ---`
/// header when the task finishes, before sluice's line about it. Meanwhile
/// it is spooled (memory up to `grouped_memory_limit` per task, then a
/// temporary file) and then replayed in chunks while the output takes them,
/// so memory stays bounded. A spool that cannot grow (disk full) is printed
/// at once, and the rest of that task's output goes out live, prefixed.
/// Loop thread only.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "sinks/byte_buffer.hpp"
#include "sinks/output_formatter.hpp"

namespace sluice::detail {

class Spool;

class GroupedFormatter final : public OutputFormatter {
 public:
  GroupedFormatter(ConsoleWriter& writer, TaskPrefixes& prefixes, std::size_t memory_limit, std::string spool_dir);
  ~GroupedFormatter() override;
  void output(const TaskOutput& e) override;
  void finishing(const TaskFinished& e) override;
  void close() override;
  std::size_t memory_bytes() const override;

 private:
  struct Task {
    std::string name;
    std::unique_ptr<Spool> spool;
    bool live = false;  ///< the spool failed: printed as it comes
  };
  void spool(Task& t, const TaskOutput& e);
  void print_live(const TaskOutput& e);
  void replay(Task& t);

  ConsoleWriter& writer_;
  TaskPrefixes& prefixes_;
  std::size_t memory_limit_;
  std::string spool_dir_;
  std::vector<std::unique_ptr<Task>> tasks_;  ///< by TaskId, while running
  ByteBuffer scratch_;
};

}  // namespace sluice::detail
