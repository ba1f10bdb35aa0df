/// ReadyQueue: the tasks that may start, best first: higher `priority`, then
/// file order (lower TaskId). A binary heap, so a push or a pop costs
/// O(log n) however many tasks wait; the scheduler never rescans all tasks.
///
/// Owned by the Scheduler (one for the run, one per pool for the tasks that
/// wait for that pool); loop thread only.
#pragma once

#include <cstdint>
#include <vector>

#include "sluice/pipeline.hpp"

namespace sluice::detail {

class ReadyQueue {
 public:
  void push(TaskId task, int priority);
  /// The best task; the queue must not be empty.
  TaskId top() const { return heap_.front().task; }
  void pop();
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }

 private:
  struct Entry {
    int priority;
    TaskId task;
  };
  /// std heaps keep the greatest on top: "greater" is higher priority, then lower id.
  static bool worse(const Entry& a, const Entry& b) {
    if (a.priority != b.priority) return a.priority < b.priority;
    return a.task > b.task;
  }
  std::vector<Entry> heap_;
};

}  // namespace sluice::detail
