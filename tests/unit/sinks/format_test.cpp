// format_duration, signal_name and format_exit: what people read.
#include "sinks/format.hpp"

#include <gtest/gtest.h>

#include <csignal>

namespace sluice::detail {
namespace {

// Rounded to the last unit shown, never cut (`timeout: 1s` is "1.0s").
TEST(FormatDuration, RoundsToTheUnitShown) {
  const std::pair<std::int64_t, const char*> table[] = {
      {-5, "0.0s"},        {0, "0.0s"},         {49, "0.0s"},       {50, "0.1s"},
      {812, "0.8s"},       {950, "1.0s"},       {999, "1.0s"},      {1000, "1.0s"},
      {12345, "12.3s"},    {59949, "59.9s"},    {59950, "1m00s"},   {60000, "1m00s"},
      {125499, "2m05s"},   {125500, "2m06s"},   {3599499, "59m59s"}, {3599500, "1h00m"},
      {3720000, "1h02m"},  {3749999, "1h02m"},  {3750000, "1h03m"},
  };
  for (const auto& [ms, text] : table) EXPECT_EQ(format_duration(ms), text) << ms;
}

TEST(FormatExit, ExitCodeSignalOrNothing) {
  TaskFinished f;
  EXPECT_EQ(format_exit(f), "");
  f.exit_code = 2;
  EXPECT_EQ(format_exit(f), "exit 2");
  f.exit_code.reset();
  f.signal = SIGKILL;
  EXPECT_EQ(format_exit(f), "SIGKILL");
  EXPECT_EQ(signal_name(77), "signal 77");
}

}  // namespace
}  // namespace sluice::detail
