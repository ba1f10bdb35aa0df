/// Small text formatters shared by the sinks: durations for people, signal
/// names, and ISO-8601 UTC timestamps for the event stream. Pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "sinks/byte_buffer.hpp"
#include "sluice/events.hpp"

namespace sluice::detail {

/// "0.8s", "12.3s", "2m05s", "1h02m": rounded to the last unit shown.
std::string format_duration(std::int64_t ms);

/// "SIGKILL" for 9; "signal 77" for a number without a name.
std::string signal_name(int signo);

/// How a finished task ended, for people: "exit 2", "SIGKILL", or "" when
/// it has neither an exit code nor a signal.
std::string format_exit(const TaskFinished& f);

/// Appends "2026-11-21T10:00:00.000Z". Caches the seconds part, since the
/// event stream stamps many lines within one second.
class TimestampFormatter {
 public:
  void append(ByteBuffer& out, Clock::time_point tp);

 private:
  std::int64_t cached_sec_ = INT64_MIN;
  char cached_[20] = {};  // "YYYY-MM-DDTHH:MM:SS"
};

}  // namespace sluice::detail
