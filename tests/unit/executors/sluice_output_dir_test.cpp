// $SLUICE_OUTPUT: a path in a private per-runner directory, never created for
// the task, removed with the runner.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <map>

#include "executors/local_process_runner.hpp"
#include "unit/runtime/test_support.hpp"

namespace sluice::detail {
namespace {

namespace fs = std::filesystem;

class Finished : public TaskRunner::Listener {
 public:
  void on_task_started(TaskId, int) override {}
  void on_task_output(TaskId, StreamKind, std::string_view lines) override { printed += lines; }
  void on_task_finished(TaskId task, const AttemptOutcome& o) override { done[task] = o; }
  std::string printed;
  std::map<TaskId, AttemptOutcome> done;
};

TEST(SluiceOutputDir, IsPrivateUncreatedAndRemovedWithTheRunner) {
  testing::install_guards_once();
  std::string tmp = ::testing::TempDir() + "sluice_outdir_XXXXXX";
  ASSERT_TRUE(::mkdtemp(tmp.data()));
  Pipeline pipeline;
  for (const char* script : {"test -e \"$SLUICE_OUTPUT\" && echo exists; echo \"$SLUICE_OUTPUT\"",
                             "echo k=v >> \"$SLUICE_OUTPUT\""}) {
    Task t;
    t.name = "t" + std::to_string(pipeline.tasks.size());
    t.action = ActionKind::Run;
    t.run.text = script;
    t.shell = {"sh", "-c"};
    t.working_dir = tmp;
    pipeline.tasks.push_back(std::move(t));
  }
  Loop loop;
  LocalRunnerOptions options;
  options.temp_dir = tmp;
  TaskOutputValues values;
  Finished rec;
  auto runner = std::make_unique<LocalProcessRunner>(loop, pipeline, options, values);
  runner->set_listener(&rec);
  runner->start(0, 1);
  runner->start(1, 1);
  ASSERT_TRUE(testing::run_until(loop, [&] { return rec.done.size() == 2; }));
  EXPECT_TRUE(rec.done[0].succeeded()) << rec.done[0].error;
  EXPECT_TRUE(rec.done[1].succeeded()) << rec.done[1].error;
  // Not created for the task; a path under a private directory in temp_dir.
  const std::string& printed = rec.printed;
  EXPECT_EQ(printed.find("exists"), std::string::npos) << printed;
  fs::path path(printed.substr(0, printed.find('\n')));
  EXPECT_EQ(path.parent_path().parent_path(), fs::path(tmp)) << printed;
  struct stat st {};
  ASSERT_EQ(::stat(path.parent_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_EQ(values.find("t1", "k"), "v");
  runner.reset();
  EXPECT_FALSE(fs::exists(path.parent_path()));
  testing::expect_clean_close(loop);
  fs::remove_all(tmp);
}

}  // namespace
}  // namespace sluice::detail
