/// The expansion budget (LoadOptions::max_expanded_bytes, 256 MiB by
/// default): the text a pipeline may hold once templates and matrix values
/// are in place. A file of a few megabytes can ask for gigabytes (a 500 KB
/// var used 10 times in a 400-way matrix); every expansion is counted as it
/// grows, and the first one past the budget is refused, so memory stays
/// near the budget whatever the file asks for. One load, one thread.
#pragma once

#include <cstddef>
#include <string>

#include "sluice/pipeline.hpp"

namespace sluice::detail {

/// The most a single var may hold once expanded.
inline constexpr std::size_t kMaxVarBytes = 1u << 20;

class ExpansionBudget {
 public:
  explicit ExpansionBudget(std::size_t max) : max_(max) {}

  /// Bytes an expansion may still produce: what is left of the budget (for
  /// a var, at most kMaxVarBytes).
  std::size_t left(bool var) const;
  /// Whether a var's expansion that passes `left(true)` passed the 1 MiB a
  /// var may hold rather than the whole budget.
  bool var_cap_binds() const { return spent_ + kMaxVarBytes <= max_; }
  /// Text produced for the task being built.
  void spend_in_task(std::size_t bytes) { task_ += bytes; }
  /// Text a var holds, once resolved.
  void spend(std::size_t bytes) { spent_ += bytes; }
  std::size_t in_task() const { return task_; }
  void restore_in_task(std::size_t bytes) { task_ = bytes; }
  void start_task() { task_ = 0; }
  /// Ends the task being built: counts the text it holds; false when that
  /// passes the budget.
  bool finish_task(const Task& t);

  /// Passing the budget is reported once: the load stops there.
  bool reported() const { return reported_; }
  void set_reported() { reported_ = true; }
  std::string message() const;

 private:
  std::size_t max_;
  std::size_t spent_ = 0;  // vars and finished tasks
  std::size_t task_ = 0;   // the task being built
  bool reported_ = false;
};

/// The text a task holds: its share of the budget.
std::size_t text_bytes(const Task& t);

}  // namespace sluice::detail
