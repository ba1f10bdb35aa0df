#include "sinks/summary_table.hpp"

#include <algorithm>

#include "sinks/console_text.hpp"
#include "sinks/format.hpp"

namespace sluice::detail {
namespace {

std::string status_label(TaskStatus st, SkipReason reason, bool ignored) {
  std::string s(to_string(st));
  if (st == TaskStatus::Skipped && reason != SkipReason::None) s += " (" + std::string(to_string(reason)) + ")";
  if (ignored) s += " (ignored)";
  return s;
}

const char* status_color(TaskStatus st) {
  switch (st) {
    case TaskStatus::Succeeded: return kGreen;
    case TaskStatus::Failed:
    case TaskStatus::TimedOut: return kRed;
    case TaskStatus::Cancelled: return kYellow;
    case TaskStatus::Skipped:
    case TaskStatus::UpToDate: return kDim;
  }
  return nullptr;
}

bool failed(TaskStatus st) { return st == TaskStatus::Failed || st == TaskStatus::TimedOut; }

/// Right-aligns `s` in `width` columns.
void append_right(std::string& line, const std::string& s, std::size_t width) {
  line.append(s.size() < width ? width - s.size() : 0, ' ');
  line += s;
}

}  // namespace

void SummaryTable::add(const TaskFinished& e) {
  Row row;
  row.id = e.task;
  row.name = std::string(e.name);
  row.status = e.status;
  row.reason = e.reason;
  row.ignored = e.ignored;
  row.attempts = e.attempts;
  row.duration_ms = e.duration_ms;
  row.exit = format_exit(e);
  rows_.push_back(std::move(row));
}

std::string SummaryTable::render(bool verbose, std::size_t limit, bool color) {
  if (rows_.empty()) return {};
  std::sort(rows_.begin(), rows_.end(), [](const Row& a, const Row& b) {
    return failed(a.status) != failed(b.status) ? failed(a.status) : a.id < b.id;
  });
  const bool any_failed = failed(rows_.front().status);
  std::vector<const Row*> shown;
  for (const Row& r : rows_) {
    if (verbose) {
      shown.push_back(&r);
    } else if ((any_failed ? failed(r.status) : rows_.size() <= limit) && shown.size() < limit) {
      shown.push_back(&r);
    }
  }
  if (shown.empty()) return {};

  std::size_t name_w = 4, status_w = 6;
  for (const Row* r : shown) {
    name_w = std::max(name_w, text_width(r->name));
    status_w = std::max(status_w, status_label(r->status, r->reason, r->ignored).size());
  }
  std::string text = "TASK";
  pad_to(text, 4, name_w + 2);
  text += "STATUS";
  pad_to(text, name_w + 2 + 6, name_w + 2 + status_w + 2);
  text += "ATTEMPTS  DURATION  EXIT\n";
  for (const Row* r : shown) {
    std::string line = r->name;
    pad_to(line, text_width(r->name), name_w + 2);
    const std::string st = status_label(r->status, r->reason, r->ignored);
    append_colored(line, st, status_color(r->status), color);
    line.append(status_w + 2 - st.size(), ' ');
    append_right(line, std::to_string(r->attempts), 8);
    line += "  ";
    const bool ran = r->status != TaskStatus::Skipped && r->status != TaskStatus::UpToDate;
    append_right(line, ran ? format_duration(r->duration_ms) : "-", 8);
    line += "  ";
    std::string ex = r->exit;
    if (ex.rfind("exit ", 0) == 0) ex = ex.substr(5);
    line += ex.empty() ? "-" : ex;
    line += '\n';
    text += line;
  }
  if (shown.size() < rows_.size())
    text += "(" + std::to_string(rows_.size() - shown.size()) + " more tasks not shown; -v shows them)\n";
  return text;
}

std::string result_lines(const RunFinished& e, const std::vector<std::string>& problems, bool color) {
  std::string text;
  for (const std::string& p : problems) {
    append_colored(text, std::string(kTag) + p, kRed, color);
    text += '\n';
  }
  std::string counts;
  auto add = [&counts](std::size_t n, const char* what) {
    if (n == 0) return;
    counts += counts.empty() ? ": " : ", ";
    counts += std::to_string(n) + " " + what;
  };
  add(e.succeeded, "succeeded");
  add(e.failed, "failed");
  add(e.timed_out, "timed out");
  add(e.cancelled, "cancelled");
  add(e.skipped, "skipped");
  add(e.up_to_date, "up to date");
  if (counts.empty()) counts = ": no tasks";
  const std::string result = std::string(kTag) + "run " + std::string(to_string(e.status)) +
                             (e.status == RunStatus::Interrupted ? " after " : " in ") +
                             format_duration(e.duration_ms) + counts;
  const char* sgr = e.status == RunStatus::Succeeded ? kGreen : e.status == RunStatus::Failed ? kRed : kYellow;
  append_colored(text, result, sgr, color);
  text += '\n';
  return text;
}

}  // namespace sluice::detail
