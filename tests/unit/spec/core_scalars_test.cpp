// Plain scalars as the YAML 1.2 core schema reads them (SPEC §1.2), and the
// loader reading them so: what a JSON Schema validator sees as a boolean or
// a number, the loader takes as one too.
#include "spec/core_scalars.hpp"

#include <gtest/gtest.h>

#include <limits>

#include "unit/spec/loader_test_util.hpp"

namespace sluice {
namespace {

using detail::core_bool;
using detail::core_decimal;
using detail::core_finite_number;
using detail::core_integer;

TEST(CoreScalars, Booleans) {
  for (const char* t : {"true", "True", "TRUE"}) EXPECT_EQ(core_bool(t), true) << t;
  for (const char* f : {"false", "False", "FALSE"}) EXPECT_EQ(core_bool(f), false) << f;
  for (const char* no : {"yes", "no", "on", "tRUE", "1", ""}) EXPECT_EQ(core_bool(no), std::nullopt) << no;
}

TEST(CoreScalars, Integers) {
  constexpr long long kMin = std::numeric_limits<long long>::min();
  constexpr long long kMax = std::numeric_limits<long long>::max();
  const std::vector<std::pair<const char*, long long>> good = {
      {"0", 0}, {"42", 42}, {"+3", 3}, {"-7", -7}, {"0o17", 15}, {"0x1F", 31},
      {"2.0", 2}, {"1e3", 1000}, {"-2.", -2}, {"010", 10}};
  for (const auto& [text, value] : good) EXPECT_EQ(core_integer(text, kMin, kMax), value) << text;
  for (const char* bad : {"2.5", ".inf", ".nan", "0x", "1_000", "0b1", "x", "", "-0x1", "1e-1"}) {
    EXPECT_EQ(core_integer(bad, kMin, kMax), std::nullopt) << bad;
  }
  bool number = false;
  EXPECT_EQ(core_integer("99999999999999999999", kMin, kMax, &number), std::nullopt);
  EXPECT_TRUE(number) << "a number, too large";
  EXPECT_EQ(core_integer("5", 0, 4, &number), std::nullopt);
  EXPECT_TRUE(number);
  EXPECT_EQ(core_integer("five", 0, 4, &number), std::nullopt);
  EXPECT_FALSE(number);
}

TEST(CoreScalars, FiniteNumbers) {
  EXPECT_EQ(core_finite_number("1.5"), 1.5);
  EXPECT_EQ(core_finite_number(".5"), 0.5);
  EXPECT_EQ(core_finite_number("0x10"), 16.0);
  EXPECT_EQ(core_finite_number("-1e2"), -100.0);
  for (const char* bad : {".inf", "-.inf", ".nan", "1.5.5", "e3", "1e", "."})
    EXPECT_EQ(core_finite_number(bad), std::nullopt) << bad;
}

TEST(CoreScalars, DecimalsForDurations) {
  const std::vector<std::pair<const char*, const char*>> table = {
      {"90", "90"}, {"1.5", "1.5"}, {"1e3", "1000"}, {"1.5e3", "1500"}, {"15e-4", "0.0015"},
      {".5", "0.5"}, {"1.", "1"}, {"0x10", "16"}, {"0o10", "8"}, {"2.50e1", "25.0"}};
  for (const auto& [text, decimal] : table) EXPECT_EQ(core_decimal(text), decimal) << text;
  for (const char* bad : {"-5", "-1.5", ".inf", "1e999", "30s", ""})
    EXPECT_EQ(core_decimal(bad), std::nullopt) << bad;
}

TEST(CoreScalars, TheLoaderReadsThemSo) {
  auto r = load_pipeline_string(
      "max_parallel: 1e1\n"
      "tasks:\n"
      "  a: {run: x, always: True, continue_on_error: FALSE, retry: 2.0, timeout: 1e3}\n"
      "  b: {run: x, priority: 0x10, grace: 1.5, retry: {limit: 1, backoff: 0x2}}\n",
      "p.yaml");
  ASSERT_TRUE(r.ok()) << test::headlines(r);
  EXPECT_EQ(r.pipeline.max_parallel, 10);
  const Task& a = r.pipeline.tasks[0];
  EXPECT_TRUE(a.always);
  EXPECT_FALSE(a.continue_on_error);
  EXPECT_EQ(a.extras().retry.limit, 2);
  EXPECT_EQ(a.timeout, std::chrono::seconds(1000));
  const Task& b = r.pipeline.tasks[1];
  EXPECT_EQ(b.priority, 16);
  EXPECT_EQ(b.grace, std::chrono::milliseconds(1500));
  EXPECT_EQ(b.extras().retry.backoff, 2.0);
}

TEST(CoreScalars, WhatTheLoaderStillRefuses) {
  EXPECT_EQ(test::load_errors("tasks:\n"
                              "  a: {run: x, retry: 2.5, timeout: \"1e3\", always: yes}\n"
                              "  b: {run: x, timeout: 0.0001, max_parallel: 1}\n"),
            "p.yaml:2:22: tasks.a.retry: expected an integer from 0 to 1000000, got 2.5\n"
            "p.yaml:2:36: tasks.a.timeout: invalid duration '1e3': expected a duration like "
            "250ms, 30s, 5m or 1h30m\n"
            "p.yaml:2:51: tasks.a.always: expected a boolean (true or false), got 'yes'\n"
            "p.yaml:3:24: tasks.b.timeout: invalid duration '0.0001': duration finer than a "
            "millisecond\n"
            "p.yaml:3:32: tasks.b.max_parallel: unknown key 'max_parallel'\n");
  EXPECT_EQ(test::load_errors("secrets: {A: {file: \"\"}, B: {env: \"\"}}\ntasks:\n  a: {run: x}\n"),
            "p.yaml:1:21: secrets.A.file: expected a path, got an empty string\n"
            "p.yaml:1:35: secrets.B.env: expected a variable name, got an empty string\n");
}

}  // namespace
}  // namespace sluice
