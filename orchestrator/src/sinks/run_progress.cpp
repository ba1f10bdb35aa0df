#include "sinks/run_progress.hpp"

#include <algorithm>
#include <csignal>

#include "sinks/console_text.hpp"
#include "sinks/format.hpp"

namespace sluice::detail {

void RunProgress::run_started(Clock::time_point ts, std::size_t tasks) {
  start_ = ts;
  total_ = tasks;
}

void RunProgress::task_started(TaskId task, std::string_view name) {
  auto same = [task](const Running& r) { return r.task == task; };
  if (std::find_if(running_.begin(), running_.end(), same) == running_.end())
    running_.push_back(Running{task, std::string(name)});
}

bool RunProgress::task_finished(TaskId task) {
  ++done_;
  return std::erase_if(running_, [task](const Running& r) { return r.task == task; }) > 0;
}

bool RunProgress::interrupting(int signo, bool killing) {
  const int stage = killing ? 2 : 1;
  if (stage <= stage_) return false;
  stage_ = stage;
  signal_ = signo;
  return true;
}

std::string RunProgress::interrupt_text() const {
  const std::size_t n = running_.size();
  const std::string tasks = std::to_string(n) + (n == 1 ? " task" : " tasks");
  if (stage_ > 1) return "killing " + tasks;
  std::string t = "interrupting";
  if (signal_ != SIGINT) t += " (" + signal_name(signal_) + ")";
  if (n > 0) t += ": stopping " + tasks;
  if (signal_ == SIGINT) t += " (Ctrl-C again to kill)";
  return t;
}

std::string RunProgress::describe(Clock::time_point now, std::size_t limit) const {
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - start_).count();
  const std::string head = "[" + std::to_string(done_) + "/" + std::to_string(total_) + "]";
  const std::string tail = "  " + format_duration(elapsed);
  std::string s = head;
  if (stage_ > 0) {
    s += ' ';
    s += interrupt_text();
  } else if (!running_.empty()) {
    std::string names = " running: ";
    std::size_t shown = 0;
    for (const Running& r : running_) {
      const std::string more = ", +" + std::to_string(running_.size() - shown - 1) + " more";
      const std::size_t need = text_width(head) + text_width(names) + (shown ? 2 : 0) + text_width(r.name) +
                               (shown + 1 < running_.size() ? more.size() : 0) + tail.size();
      if (need > limit) break;
      if (shown) names += ", ";
      names += r.name;
      ++shown;
    }
    if (shown < running_.size()) names += (shown ? ", +" : "+") + std::to_string(running_.size() - shown) + " more";
    s += names;
  }
  return s + tail;
}

}  // namespace sluice::detail
