#include "sinks/jsonl_event_sink.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sink_test_util.hpp"

namespace sluice::detail {
namespace {

using test::at;
using test::finished;
using test::output;

constexpr const char* kTs = "\"ts\":\"2026-11-21T10:00:00.000Z\"";

std::string render(const Event& e) {
  StringOutput out;
  JsonlEventSink sink(out);
  sink.on_event(e);
  EXPECT_LE(out.writes(), 1u);  // one write per event
  return out.text();
}

std::string line(const std::string& body) { return std::string("{") + kTs + "," + body + "}\n"; }

TEST(JsonlEventSink, RunStarted) {
  EXPECT_EQ(render(RunStarted{at(), "etl", 12}), line(R"("type":"run_started","pipeline":"etl","tasks":12)"));
}

TEST(JsonlEventSink, TimestampHasMillisecondsAndZ) {
  EXPECT_EQ(render(RunStarted{at(86'400'123), "p", 1}),
            R"({"ts":"2026-11-22T10:00:00.123Z","type":"run_started","pipeline":"p","tasks":1})"
            "\n");
}

TEST(JsonlEventSink, TaskStartedOmitsAZeroPid) {
  EXPECT_EQ(render(TaskStarted{at(), 0, "fetch", 1, 4242}),
            line(R"("type":"task_started","task":"fetch","attempt":1,"pid":4242)"));
  EXPECT_EQ(render(TaskStarted{at(), 0, "copy", 2, 0}), line(R"("type":"task_started","task":"copy","attempt":2)"));
}

TEST(JsonlEventSink, TaskRetrying) {
  EXPECT_EQ(render(TaskRetrying{at(), 0, "fetch", 2, 412, "exit 7"}),
            line(R"("type":"task_retrying","task":"fetch","attempt":2,"delay_ms":412,"reason":"exit 7")"));
}

TEST(JsonlEventSink, TaskFinishedSucceeded) {
  EXPECT_EQ(render(finished(0, "fetch", TaskStatus::Succeeded, 0, 812)),
            line(R"("type":"task_finished","task":"fetch","status":"succeeded","exit_code":0,)"
                 R"("attempts":1,"duration_ms":812,"cpu_ms":40,"max_rss_kb":5120)"));
}

TEST(JsonlEventSink, TaskFinishedFailedVariants) {
  auto sig = finished(0, "t", TaskStatus::Failed, std::nullopt, 5);
  sig.signal = 9;
  EXPECT_EQ(render(sig), line(R"("type":"task_finished","task":"t","status":"failed","signal":9,)"
                              R"("attempts":1,"duration_ms":5,"cpu_ms":40,"max_rss_kb":5120)"));
  auto spawn = finished(0, "t", TaskStatus::Failed, std::nullopt, 0);
  spawn.error = "command not found: fecth";
  spawn.cpu_ms = 0;
  spawn.max_rss_kb = 0;
  EXPECT_EQ(render(spawn), line(R"("type":"task_finished","task":"t","status":"failed",)"
                                R"("error":"command not found: fecth","attempts":1,"duration_ms":0,"cpu_ms":0)"));
  auto ign = finished(0, "t", TaskStatus::Failed, 3, 1);
  ign.ignored = true;
  EXPECT_EQ(render(ign), line(R"("type":"task_finished","task":"t","status":"failed","exit_code":3,)"
                              R"("ignored":true,"attempts":1,"duration_ms":1,"cpu_ms":40,"max_rss_kb":5120)"));
  auto to = finished(0, "t", TaskStatus::TimedOut, std::nullopt, 30000);
  EXPECT_EQ(render(to), line(R"("type":"task_finished","task":"t","status":"timed_out",)"
                             R"("attempts":1,"duration_ms":30000,"cpu_ms":40,"max_rss_kb":5120)"));
}

TEST(JsonlEventSink, SkippedCarriesItsReasonOnlyWhenSkipped) {
  auto s = finished(0, "t", TaskStatus::Skipped, std::nullopt, 0);
  s.reason = SkipReason::DependencyFailed;
  s.attempts = 0;
  s.cpu_ms = s.max_rss_kb = 0;
  EXPECT_EQ(render(s), line(R"("type":"task_finished","task":"t","status":"skipped","reason":"dependency_failed",)"
                            R"("attempts":0,"duration_ms":0,"cpu_ms":0)"));
  s.reason = SkipReason::If;
  EXPECT_NE(render(s).find(R"("reason":"if")"), std::string::npos);
  auto u = finished(0, "t", TaskStatus::UpToDate, std::nullopt, 0);
  EXPECT_NE(render(u).find(R"("status":"up_to_date","attempts")"), std::string::npos);
  auto c = finished(0, "t", TaskStatus::Cancelled, std::nullopt, 0);
  EXPECT_NE(render(c).find(R"("status":"cancelled","attempts")"), std::string::npos);
}

TEST(JsonlEventSink, RunFinishedHasEveryCount) {
  EXPECT_EQ(render(RunFinished{at(), RunStatus::Failed, 10, 1, 2, 3, 1, 4, 9000}),
            line(R"("type":"run_finished","status":"failed","succeeded":10,"failed":1,"timed_out":2,)"
                 R"("cancelled":3,"skipped":1,"up_to_date":4,"duration_ms":9000)"));
  EXPECT_NE(render(RunFinished{at(), RunStatus::Interrupted}).find(R"("status":"interrupted")"), std::string::npos);
}

TEST(JsonlEventSink, OneObjectPerOutputLineInOneWrite) {
  EXPECT_EQ(render(output(0, "fetch", "a\n\"q\"\n\nlast", StreamKind::Stderr)),
            line(R"("type":"task_output","task":"fetch","stream":"stderr","line":"a")") +
                line(R"("type":"task_output","task":"fetch","stream":"stderr","line":"\"q\"")") +
                line(R"("type":"task_output","task":"fetch","stream":"stderr","line":"")") +
                line(R"("type":"task_output","task":"fetch","stream":"stderr","line":"last")"));
}

TEST(JsonlEventSink, InvalidUtf8BecomesReplacementCharacter) {
  std::string text = render(output(0, "t", "bad \xff\xfe byte\n"));
  auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["line"], "bad \xef\xbf\xbd\xef\xbf\xbd byte");
  EXPECT_EQ(j["stream"], "stdout");
}

TEST(JsonlEventSink, ManyLinesEachParse) {
  std::string batch;
  for (int i = 0; i < 5000; ++i) batch += "line " + std::to_string(i) + " \t\x01\n";
  StringOutput out;
  JsonlEventSink sink(out);
  sink.on_event(output(7, "big", batch));
  EXPECT_EQ(out.writes(), 1u);
  std::size_t n = 0, pos = 0;
  const std::string& text = out.text();
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    auto j = nlohmann::json::parse(text.substr(pos, nl - pos));
    ASSERT_EQ(j["line"], "line " + std::to_string(n) + " \t\x01");
    ASSERT_EQ(j["task"], "big");
    ++n;
    pos = nl + 1;
  }
  EXPECT_EQ(n, 5000u);
}

TEST(EventStrings, AllEnumNames) {
  EXPECT_EQ(to_string(TaskStatus::TimedOut), "timed_out");
  EXPECT_EQ(to_string(TaskStatus::UpToDate), "up_to_date");
  EXPECT_EQ(to_string(SkipReason::None), "");
  EXPECT_EQ(to_string(SkipReason::DependencyFailed), "dependency_failed");
  EXPECT_EQ(to_string(RunStatus::Interrupted), "interrupted");
  EXPECT_EQ(to_string(StreamKind::Stderr), "stderr");
}

}  // namespace
}  // namespace sluice::detail
