/// Helpers for engine tests: pipelines of the test child loaded from YAML
/// text, and an observer that records every event of a run (copies: the
/// views in an event die with the callback). Single-threaded like a run,
/// except where a test says otherwise.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

#include "sluice/observer.hpp"
#include "sluice/pipeline.hpp"
#include "sluice/run.hpp"
#include "unit/runtime/test_support.hpp"

namespace sluice::testing {

/// `yaml` with @CHILD@ replaced by the test child, loaded; fails the test
/// on a diagnostic.
inline Pipeline load(std::string yaml) {
  for (std::size_t pos; (pos = yaml.find("@CHILD@")) != std::string::npos;)
    yaml.replace(pos, 7, SLUICE_TEST_CHILD);
  LoadResult r = load_pipeline_string(yaml, "engine_test.yaml");
  EXPECT_TRUE(r.ok()) << format(r.diagnostics);
  return std::move(r.pipeline);
}

/// One event, flattened: its type, task name and the text that matters.
struct Seen {
  std::string type;  ///< "run_started", "task_started", "task_output", ...
  std::string task;
  std::string text;  ///< output lines, or the finished status, or the run's status
};

class Recorder : public RunObserver {
 public:
  void on_event(const Event& e) override {
    std::lock_guard lock(mutex_);
    std::visit([this](const auto& ev) { add(ev); }, e);
  }
  std::vector<Seen> seen() const {
    std::lock_guard lock(mutex_);
    return seen_;
  }
  /// Index of the first event of `type` for `task` ("" = any), or -1.
  int index(const std::string& type, const std::string& task = "") const {
    auto all = seen();
    for (std::size_t i = 0; i < all.size(); ++i)
      if (all[i].type == type && (task.empty() || all[i].task == task)) return static_cast<int>(i);
    return -1;
  }
  std::string output(const std::string& task) const {
    std::string out;
    for (const Seen& s : seen())
      if (s.type == "task_output" && s.task == task) out += s.text;
    return out;
  }
  std::string status(const std::string& task) const {
    for (const Seen& s : seen())
      if (s.type == "task_finished" && s.task == task) return s.text;
    return "";
  }

 private:
  void add(const RunStarted&) { seen_.push_back({"run_started", "", ""}); }
  void add(const TaskStarted& e) { seen_.push_back({"task_started", std::string(e.name), ""}); }
  void add(const TaskOutput& e) {
    seen_.push_back({"task_output", std::string(e.name), std::string(e.lines)});
  }
  void add(const TaskRetrying& e) {
    seen_.push_back({"task_retrying", std::string(e.name), e.reason});
  }
  void add(const TaskFinished& e) {
    seen_.push_back({"task_finished", std::string(e.name), std::string(to_string(e.status))});
  }
  void add(const RunFinished& e) {
    seen_.push_back({"run_finished", "", std::string(to_string(e.status))});
  }

  mutable std::mutex mutex_;
  std::vector<Seen> seen_;
};

}  // namespace sluice::testing
