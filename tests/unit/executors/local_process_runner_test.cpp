#include "executors/local_process_runner.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "executors/output_file.hpp"
#include "unit/runtime/test_support.hpp"

namespace sluice::detail {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const std::string kChild = SLUICE_TEST_CHILD;

Template lit(std::string s) { return Template::literal(std::move(s)); }

class Recorder : public TaskRunner::Listener {
 public:
  void on_task_started(TaskId task, int pid) override { started[task] = pid; }
  void on_task_finished(TaskId task, const AttemptOutcome& outcome) override {
    finished[task] = outcome;
  }
  std::map<TaskId, int> started;
  std::map<TaskId, AttemptOutcome> finished;
};

class LocalRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::install_guards_once();
    dir_ = ::testing::TempDir() + "sluice_runner_XXXXXX";
    ASSERT_TRUE(::mkdtemp(dir_.data()));
  }
  void TearDown() override {
    runner_.reset();
    testing::expect_clean_close(loop_);
    fs::remove_all(dir_);
  }

  Task& add_cmd(std::vector<std::string> argv) {
    Task t;
    t.name = "t" + std::to_string(pipeline_.tasks.size());
    t.action = ActionKind::Cmd;
    for (auto& a : argv) t.cmd.push_back(lit(a));
    t.working_dir = dir_;
    pipeline_.tasks.push_back(std::move(t));
    return pipeline_.tasks.back();
  }
  Task& add_run(std::string script) {
    Task t;
    t.name = "t" + std::to_string(pipeline_.tasks.size());
    t.action = ActionKind::Run;
    t.run.text = std::move(script);
    t.shell = {"sh", "-c"};
    t.working_dir = dir_;
    pipeline_.tasks.push_back(std::move(t));
    return pipeline_.tasks.back();
  }
  void make_runner(LocalRunnerOptions options = {}) {
    LocalRunnerHooks hooks;
    hooks.on_output = [this](TaskId id, StreamKind k, std::string_view lines) {
      output_[{id, k}] += lines;
      ++batches_;
    };
    hooks.lookup_output = [this](const std::string& task, const std::string& key) -> std::optional<std::string> {
      auto it = known_outputs_.find(task + "." + key);
      if (it == known_outputs_.end()) return std::nullopt;
      return it->second;
    };
    hooks.on_task_outputs = [this](TaskId id, std::vector<std::pair<std::string, std::string>> kv) {
      written_[id] = std::move(kv);
    };
    runner_ = std::make_unique<LocalProcessRunner>(loop_, pipeline_, std::move(options), std::move(hooks));
    runner_->set_listener(&rec_);
  }
  const AttemptOutcome& run(TaskId id, int attempt = 1) {
    if (!runner_) make_runner();
    runner_->start(id, attempt);
    EXPECT_TRUE(testing::run_until(loop_, [&] { return rec_.finished.count(id) > 0; }));
    return rec_.finished[id];
  }
  std::string out(TaskId id, StreamKind k = StreamKind::Stdout) { return output_[{id, k}]; }

  Loop loop_;
  Pipeline pipeline_;
  std::string dir_;
  Recorder rec_;
  std::unique_ptr<LocalProcessRunner> runner_;
  std::map<std::pair<TaskId, StreamKind>, std::string> output_;
  std::map<std::string, std::string> known_outputs_;
  std::map<TaskId, std::vector<std::pair<std::string, std::string>>> written_;
  int batches_ = 0;
};

TEST_F(LocalRunnerTest, RunsACmdTaskAndReportsStartAndFinish) {
  add_cmd({kChild, "lines", "3"});
  const auto& o = run(0);
  EXPECT_TRUE(o.succeeded()) << o.error;
  EXPECT_GT(rec_.started[0], 0);
  EXPECT_EQ(out(0), "line 1\nline 2\nline 3\n");
}

TEST_F(LocalRunnerTest, ReportsTheTasksPeakMemory) {
  add_cmd({kChild, "alloc", "64"});
  const auto& o = run(0);
  EXPECT_TRUE(o.succeeded()) << o.error;
  EXPECT_GE(o.max_rss_kb, 64 * 1024);
}

TEST_F(LocalRunnerTest, NeverReportsFromInsideStart) {
  add_cmd({"sluice-no-such-command-fecth"});
  make_runner();
  runner_->start(0, 1);
  EXPECT_EQ(rec_.finished.count(0), 0u);
  ASSERT_TRUE(testing::run_until(loop_, [&] { return rec_.finished.count(0) > 0; }));
  const auto& o = rec_.finished[0];
  EXPECT_EQ(o.error, "command not found: sluice-no-such-command-fecth");
  EXPECT_TRUE(o.spawn_failed);
  EXPECT_FALSE(o.succeeded());
  EXPECT_EQ(rec_.started.count(0), 0u);
}

TEST_F(LocalRunnerTest, SeparatesStdoutFromStderrAndFlushesTheLastPartialLine) {
  add_run("printf 'out1\\nout-partial'; printf 'err1\\n' >&2; exit 3");
  const auto& o = run(0);
  EXPECT_EQ(o.exit_code, 3);
  EXPECT_FALSE(o.succeeded());
  EXPECT_EQ(out(0), "out1\nout-partial");
  EXPECT_EQ(out(0, StreamKind::Stderr), "err1\n");
}

TEST_F(LocalRunnerTest, BuildsTheEnvironmentFromTaskEnvScriptValuesAndSecrets) {
  Task& t = add_run("printf '%s|%s|%s' \"$FOO\" \"${SLUICE_V_1}\" \"$API_TOKEN\"");
  t.env = {{"FOO", lit("foo-value")}};
  t.run.values = {{"SLUICE_V_1", Template::ref("up", "url")}};
  known_outputs_["up.url"] = "http://x y";
  LocalRunnerOptions opts;
  opts.secrets = {{"API_TOKEN", "s3cret"}};
  make_runner(opts);
  const auto& o = run(0);
  EXPECT_TRUE(o.succeeded()) << o.error;
  EXPECT_EQ(out(0), "foo-value|http://x y|s3cret");
}

TEST_F(LocalRunnerTest, AnUnsetTaskOutputReferenceFailsWithoutSpawning) {
  Task& t = add_cmd({kChild, "exit", "0"});
  t.cmd.push_back(Template::ref("up", "missing"));
  const auto& o = run(0);
  EXPECT_EQ(o.error, "tasks.up.outputs.missing is not set");
  EXPECT_TRUE(o.spawn_failed);
}

TEST_F(LocalRunnerTest, HandsBackWhatTheTaskWroteToSluiceOutput) {
  add_run("echo 'url=http://a' >> \"$SLUICE_OUTPUT\"; printf 'notes<<EOF\\nl1\\nl2\\nEOF\\n' >> \"$SLUICE_OUTPUT\"");
  const auto& o = run(0);
  EXPECT_TRUE(o.succeeded()) << o.error;
  std::vector<std::pair<std::string, std::string>> want{{"url", "http://a"}, {"notes", "l1\nl2"}};
  EXPECT_EQ(written_[0], want);
}

TEST_F(LocalRunnerTest, IfExitingOneToOneTwentyFiveSkipsTheTask) {
  Task& t = add_cmd({kChild, "lines", "1"});
  t.edit_extras().if_cmd = Script{"exit 3", {}};
  const auto& o = run(0);
  EXPECT_TRUE(o.skipped_by_if);
  EXPECT_EQ(rec_.started.count(0), 0u);
  EXPECT_EQ(out(0), "");
}

TEST_F(LocalRunnerTest, IfExitingZeroRunsTheTaskAndOnlyOnTheFirstAttempt) {
  Task& t = add_cmd({kChild, "lines", "1"});
  t.edit_extras().if_cmd = Script{"exit 0", {}};
  EXPECT_TRUE(run(0).succeeded());
  Task& u = add_cmd({kChild, "lines", "1"});
  u.edit_extras().if_cmd = Script{"exit 5", {}};
  EXPECT_TRUE(run(1, 2).succeeded());  // attempt 2 does not re-run `if`
}

TEST_F(LocalRunnerTest, IfExiting127FailsTheTask) {
  Task& t = add_cmd({kChild, "lines", "1"});
  t.edit_extras().if_cmd = Script{"exit 127", {}};
  const auto& o = run(0);
  EXPECT_FALSE(o.skipped_by_if);
  EXPECT_FALSE(o.succeeded());
  EXPECT_EQ(o.error, "if: exit 127");
}

TEST_F(LocalRunnerTest, ADeclaredOutputNotCreatedFailsTheTaskAndParentsAreCreated) {
  Task& t = add_cmd({kChild, "exit", "0"});
  t.outputs = {dir_ + "/sub/dir/out.txt"};
  const auto& o = run(0);
  EXPECT_EQ(o.error, "output not created: " + dir_ + "/sub/dir/out.txt");
  EXPECT_TRUE(fs::is_directory(dir_ + "/sub/dir"));
}

TEST_F(LocalRunnerTest, AFailedTaskRemovesTheOutputsItChangedOnly) {
  std::ofstream(dir_ + "/kept.txt") << "good";
  Task& t = add_run("echo partial > changed.txt; exit 1");
  t.outputs = {dir_ + "/changed.txt", dir_ + "/kept.txt"};
  const auto& o = run(0);
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_FALSE(fs::exists(dir_ + "/changed.txt"));
  EXPECT_TRUE(fs::exists(dir_ + "/kept.txt"));
}

TEST_F(LocalRunnerTest, TerminateEndsTheTaskWithSigterm) {
  add_cmd({kChild, "print-ready"});
  make_runner();
  runner_->start(0, 1);
  ASSERT_TRUE(testing::run_until(loop_, [&] { return out(0) == "ready\n"; }));
  runner_->terminate(0);
  ASSERT_TRUE(testing::run_until(loop_, [&] { return rec_.finished.count(0) > 0; }));
  EXPECT_EQ(rec_.finished[0].signal, SIGTERM);
}

TEST_F(LocalRunnerTest, FeedsLiteralStdinText) {
  Task& t = add_cmd({kChild, "echo-stdin"});
  t.edit_extras().stdin_spec.kind = StdinSpec::Kind::Text;
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "line " + std::to_string(i) + "\n";
  t.edit_extras().stdin_spec.text = lit(text);
  const auto& o = run(0);
  EXPECT_TRUE(o.succeeded()) << o.error;
  EXPECT_TRUE(out(0) == text) << "got " << out(0).size() << " bytes of " << text.size();
}

TEST_F(LocalRunnerTest, ParsesOutputFiles) {
  auto file = parse_output_file("a=1\n\nb=x=y\r\nc<<E\nz\n\nw\nE\nd=\ne<<x=y\nv\nx=y\n");
  EXPECT_EQ(file.error, "");
  std::vector<std::pair<std::string, std::string>> want{
      {"a", "1"}, {"b", "x=y"}, {"c", "z\n\nw"}, {"d", ""}, {"e", "v"}};
  EXPECT_EQ(file.values, want);
}

// A line that is neither form used to be dropped without a word.
TEST_F(LocalRunnerTest, AnOutputFileLineOfNeitherFormIsAnErrorNamingItsLine) {
  EXPECT_EQ(parse_output_file("a=1\n\nbogus\nb=2\n").error,
            "line 3: expected KEY=VALUE or KEY<<DELIMITER, got 'bogus'");
  EXPECT_EQ(parse_output_file("url = x\n").error,
            "line 1: invalid key 'url ' (a key is letters, digits, '_' and '-') in 'url = x'");
  EXPECT_EQ(parse_output_file("=x\n").error,
            "line 1: invalid key '' (a key is letters, digits, '_' and '-') in '=x'");
  EXPECT_EQ(parse_output_file("a=1\nnotes<<EOF\nl1\n").error,
            "line 2: 'notes<<EOF' has no closing line 'EOF'");
  EXPECT_EQ(parse_output_file("k<<\n").error, "line 1: expected a delimiter after '<<' in 'k<<'");
}

TEST_F(LocalRunnerTest, ABadOutputFileFailsTheTaskAndKeepsNoValue) {
  add_run("echo 'a=1' >> \"$SLUICE_OUTPUT\"; echo 'oops' >> \"$SLUICE_OUTPUT\"");
  const auto& o = run(0);
  EXPECT_FALSE(o.succeeded());
  EXPECT_EQ(o.error, "$SLUICE_OUTPUT line 2: expected KEY=VALUE or KEY<<DELIMITER, got 'oops'");
  EXPECT_EQ(written_.count(0), 0u);
}

}  // namespace
}  // namespace sluice::detail
