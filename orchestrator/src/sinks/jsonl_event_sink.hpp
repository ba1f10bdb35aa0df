/// JsonlEventSink: the `--events FILE` stream (SPEC §7). One JSON object per
/// line, one write per event, so a reader tailing the file sees each event
/// whole as it happens. A task_output batch becomes one object per line
/// (`line` without its '\n'; invalid UTF-8 as U+FFFD), written together.
///
/// Field order is fixed: ts, type, then the event's fields as in the SPEC.
/// task_started omits `pid` when it is 0 (no process); task_finished has
/// `reason` only when skipped, `exit_code` and `signal` (a number) only when
/// known, `error` only when not empty, `ignored` only when true,
/// `max_rss_kb` only when known (not 0), and always `attempts`,
/// `duration_ms`, `cpu_ms`; run_finished has a
/// count for every task status. Loop thread only.
#pragma once

#include "sinks/byte_buffer.hpp"
#include "sinks/byte_output.hpp"
#include "sinks/format.hpp"
#include "sinks/sink.hpp"

namespace sluice::detail {

class JsonlEventSink final : public Sink {
 public:
  explicit JsonlEventSink(ByteOutput& out) : out_(out) {}

  void on_event(const Event& event) override;
  bool backlogged() const override { return out_.backlogged(); }

  /// The JSON text of one event (with its trailing newline), for tests and
  /// for embedders that ship events elsewhere.
  std::string_view render(const Event& event);

 private:
  void begin(Clock::time_point ts, std::string_view type);
  void field(std::string_view key);
  void str(std::string_view key, std::string_view value);
  void num(std::string_view key, std::int64_t value);
  void end();

  void add(const RunStarted& e);
  void add(const TaskStarted& e);
  void add(const TaskOutput& e);
  void add(const TaskRetrying& e);
  void add(const TaskFinished& e);
  void add(const RunFinished& e);

  ByteOutput& out_;
  ByteBuffer buf_;
  TimestampFormatter ts_;
};

}  // namespace sluice::detail
