/// The names of the event enums (declared in sluice/events.hpp). They are the
/// exact strings of the JSON event stream (SPEC §7), so they live next to
/// the sinks that print them; nothing else in the tree defines them.
#include "sluice/events.hpp"

namespace sluice {

std::string_view to_string(TaskStatus s) {
  switch (s) {
    case TaskStatus::Succeeded: return "succeeded";
    case TaskStatus::Failed: return "failed";
    case TaskStatus::TimedOut: return "timed_out";
    case TaskStatus::Cancelled: return "cancelled";
    case TaskStatus::Skipped: return "skipped";
    case TaskStatus::UpToDate: return "up_to_date";
  }
  return "unknown";
}

std::string_view to_string(SkipReason r) {
  switch (r) {
    case SkipReason::None: return "";
    case SkipReason::If: return "if";
    case SkipReason::DependencyFailed: return "dependency_failed";
  }
  return "";
}

std::string_view to_string(RunStatus s) {
  switch (s) {
    case RunStatus::Succeeded: return "succeeded";
    case RunStatus::Failed: return "failed";
    case RunStatus::Interrupted: return "interrupted";
  }
  return "unknown";
}

std::string_view to_string(StreamKind s) {
  switch (s) {
    case StreamKind::Stdout: return "stdout";
    case StreamKind::Stderr: return "stderr";
  }
  return "unknown";
}

}  // namespace sluice
