/// See ready_queue.hpp.
#include "scheduler/ready_queue.hpp"

#include <algorithm>

namespace sluice::detail {

void ReadyQueue::push(TaskId task, int priority) {
  heap_.push_back(Entry{priority, task});
  std::push_heap(heap_.begin(), heap_.end(), worse);
}

void ReadyQueue::pop() {
  std::pop_heap(heap_.begin(), heap_.end(), worse);
  heap_.pop_back();
}

}  // namespace sluice::detail
