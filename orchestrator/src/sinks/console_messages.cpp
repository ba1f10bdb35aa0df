#include "sinks/console_messages.hpp"

#include "sinks/console_text.hpp"
#include "sinks/format.hpp"

namespace sluice::detail {

std::string run_started_line(const RunStarted& e) {
  return "running " + std::string(e.pipeline) + ": " + std::to_string(e.tasks) + " task" + (e.tasks == 1 ? "" : "s");
}

std::string started_line(const TaskStarted& e) {
  std::string m = std::string(e.name) + " started";
  if (e.attempt > 1) m += " (attempt " + std::to_string(e.attempt) + ")";
  return m;
}

ConsoleLine retrying_line(const TaskRetrying& e) {
  // The reason last: it may be a path or a command's error text.
  return {std::string(e.name) + ": retrying in " + format_duration(e.delay_ms) + " (attempt " +
              std::to_string(e.attempt) + "): " + e.reason,
          kYellow};
}

std::optional<ConsoleLine> finished_line(const TaskFinished& e, bool was_running, bool verbose) {
  ConsoleLine line{std::string(e.name), nullptr};
  std::string& m = line.text;
  const std::string how = format_exit(e);
  auto attempts = [&] {
    if (e.attempts > 1) m += " and " + std::to_string(e.attempts) + " attempts";
  };
  switch (e.status) {
    case TaskStatus::Failed:
      line.sgr = e.ignored ? kYellow : kRed;
      m += " failed";
      if (e.error.empty() && !how.empty()) m += " (" + how + ")";
      m += " after " + format_duration(e.duration_ms);
      attempts();
      if (e.ignored) m += " (ignored: continue_on_error)";
      // The error last: it may end in a path, which the duration must not extend.
      if (!e.error.empty()) m += ": " + e.error;
      return line;
    case TaskStatus::TimedOut:
      line.sgr = kRed;
      m += " timed out after " + format_duration(e.duration_ms);
      attempts();
      return line;
    case TaskStatus::Cancelled:
      if (!was_running && !verbose) return std::nullopt;
      line.sgr = kYellow;
      m += " cancelled after " + format_duration(e.duration_ms);
      return line;
    case TaskStatus::Succeeded:
      m += " succeeded in " + format_duration(e.duration_ms);
      break;
    case TaskStatus::UpToDate:
      m += " up to date";
      break;
    case TaskStatus::Skipped:
      m += " skipped";
      if (e.reason != SkipReason::None) m += " (" + std::string(to_string(e.reason)) + ")";
      break;
  }
  if (!verbose) return std::nullopt;
  return line;
}

}  // namespace sluice::detail
