// parse_duration(), parse_rate() and format_duration(), table-driven.
#include "spec/duration.hpp"

#include <gtest/gtest.h>

namespace sluice::detail {
namespace {

TEST(ParseDuration, Accepts) {
  const std::vector<std::pair<std::string, long long>> table = {
      {"250ms", 250},     {"30s", 30000},       {"5m", 300000},        {"1h30m", 5400000},
      {"1h30m15s", 5415000}, {"2h", 7200000},   {"30", 30000},         {"1.5", 1500},
      {"0", 0},           {"0.001", 1},         {"1.5s", 1500},        {"1.5h", 5400000},
      {"1m0.25s", 60250}, {"1h5s", 3605000},    {"1s250ms", 1250},     {"0.1s", 100},
      {"1.500000s", 1500}, {"007s", 7000},      {"1h1m1s1ms", 3661001},
  };
  for (const auto& [text, ms] : table) {
    const auto d = parse_duration(text);
    ASSERT_TRUE(d) << text << ": " << d.error;
    EXPECT_EQ(d.value->count(), ms) << text;
    EXPECT_TRUE(d.error.empty());
  }
}

TEST(ParseDuration, Rejects) {
  const std::string expected(kDurationExpected);
  const std::vector<std::pair<std::string, std::string>> table = {
      {"yes", expected},  {"-5s", expected},  {"", expected},      {"5x", expected},  {"5 s", expected},
      {" 5s", expected},  {"1m1h", expected}, {"1s1s", expected},  {"1h30", expected}, {"1.", expected},
      {".5", expected},   {"5S", expected},   {"1d", expected},    {"s", expected},   {"1.5.5s", expected},
      {"1e3", expected},  {"ms", expected},
      {"0.5ms", "duration finer than a millisecond"},
      {"0.0001", "duration finer than a millisecond"},
      {"99999999999999999999", "duration too large"},
      {"9999999999999999h", "duration too large"},
      {"2562047788016h", "duration too large"},
      {"2562047788015h59m59s", "duration too large"},
  };
  for (const auto& [text, message] : table) {
    const auto d = parse_duration(text);
    EXPECT_FALSE(d) << text;
    EXPECT_EQ(d.error, message) << text;
  }
}

TEST(ParseDuration, LargestValue) {
  // The last whole hour int64 milliseconds hold is 2562047788015h.
  const auto d = parse_duration("2562047788015h");
  ASSERT_TRUE(d);
  EXPECT_EQ(d.value->count(), 2562047788015LL * 3600000);
}

TEST(ParseRate, Table) {
  EXPECT_DOUBLE_EQ(*parse_rate("10/s").value, 10.0);
  EXPECT_DOUBLE_EQ(*parse_rate("30/m").value, 0.5);
  EXPECT_DOUBLE_EQ(*parse_rate("1.5/s").value, 1.5);
  for (std::string bad : {"10", "10/h", "0/s", "-1/s", "/s", "x/s", "10/", "10/ s", "10 /s", "1e2/s"}) {
    const auto r = parse_rate(bad);
    EXPECT_FALSE(r) << bad;
    EXPECT_EQ(r.error, kRateExpected) << bad;
  }
}

TEST(FormatDuration, Table) {
  const std::vector<std::pair<long long, std::string>> table = {
      {0, "0s"},          {250, "250ms"},       {1500, "1.5s"},        {30000, "30s"},
      {5400000, "1h30m"}, {5415000, "1h30m15s"}, {60250, "1m0.25s"},   {3605000, "1h5s"},
      {7200000, "2h"},    {1001, "1.001s"},     {-250, "-250ms"},
  };
  for (const auto& [ms, text] : table) EXPECT_EQ(format_duration(Duration{ms}), text) << ms;
}

TEST(FormatDuration, RoundTrips) {
  for (long long ms : {1LL, 999LL, 1000LL, 59999LL, 60000LL, 3599999LL, 3600001LL, 86400000LL * 400 + 7}) {
    const auto back = parse_duration(format_duration(Duration{ms}));
    ASSERT_TRUE(back) << ms;
    EXPECT_EQ(back.value->count(), ms);
  }
}

}  // namespace
}  // namespace sluice::detail

namespace sluice::detail {
namespace {

TEST(ParseDuration, ErrorOutParameterForm) {
  std::string error;
  EXPECT_EQ(parse_duration("1h30m", &error), Duration{5400000});
  EXPECT_TRUE(error.empty());
  EXPECT_EQ(parse_duration("soon", &error), std::nullopt);
  EXPECT_EQ(error, kDurationExpected);
  EXPECT_EQ(parse_duration("soon", nullptr), std::nullopt);
  EXPECT_EQ(parse_rate("5/m", &error), 5.0 / 60);
  EXPECT_EQ(parse_rate("5/h", &error), std::nullopt);
  EXPECT_EQ(error, kRateExpected);
}

}  // namespace
}  // namespace sluice::detail
