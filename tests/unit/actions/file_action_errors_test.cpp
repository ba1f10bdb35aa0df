// File actions that fail or are cancelled: each reports a message naming the
// file and the reason, leaves no temporary file, and keeps the previous
// version of its `to`.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <optional>
#include <string>

#include "unit/actions/action_test_support.hpp"

namespace sluice::detail {
namespace {

using namespace std::chrono_literals;
using testing::quote;
using testing::sh;

class FileActionErrors : public ::testing::Test {
 protected:
  std::string p(const std::string& name) { return dir_ / name; }
  Task task(ActionKind kind, std::vector<std::string> from, const std::string& to = "out") {
    return testing::file_task(kind, std::move(from), p(to), dir_.path());
  }
  /// Runs `t` over a previous `out` and checks that it failed with `error`,
  /// cleanly: no temporary, the previous version intact.
  void expect_clean_failure(const Task& t, const std::string& error) {
    testing::write_file(p("out"), "previous");
    auto r = testing::run_action(t);
    EXPECT_EQ(r.error, error);
    EXPECT_TRUE(testing::temporaries(dir_.path()).empty());
    EXPECT_EQ(testing::read_file(p("out")), "previous");
  }
  testing::TempDir dir_;
};

TEST_F(FileActionErrors, AMissingInputNamesIt) {
  std::string missing = "open \"" + p("nope") + "\": No such file or directory";
  testing::write_file(p("a"), "a");
  expect_clean_failure(task(ActionKind::Copy, {p("nope")}), missing);
  expect_clean_failure(task(ActionKind::Concat, {p("a"), p("nope")}), missing);
  expect_clean_failure(task(ActionKind::Hash, {p("a"), p("nope")}), missing);
  expect_clean_failure(task(ActionKind::Decompress, {p("nope")}), missing);
  Task compress = task(ActionKind::Compress, {p("nope")});
  compress.edit_extras().file.format = "gzip";
  expect_clean_failure(compress, missing);
}

TEST_F(FileActionErrors, ADirectoryAsInputIsRefused) {
  ::mkdir(p("d").c_str(), 0755);
  expect_clean_failure(task(ActionKind::Copy, {p("d")}), "open \"" + p("d") + "\": is a directory");
  expect_clean_failure(task(ActionKind::Hash, {p("d")}), "open \"" + p("d") + "\": is a directory");
}

TEST_F(FileActionErrors, AFifoAsInputIsRefusedWithoutWaitingForAWriter) {
  ASSERT_EQ(::mkfifo(p("fifo").c_str(), 0644), 0);
  std::string refused = "open \"" + p("fifo") + "\": is not a regular file";
  expect_clean_failure(task(ActionKind::Copy, {p("fifo")}), refused);
  expect_clean_failure(task(ActionKind::Decompress, {p("fifo")}), refused);
}

TEST_F(FileActionErrors, ACorruptOrTruncatedCompressedInputFails) {
  std::string data = testing::pseudo_random(300000, 8);
  testing::write_file(p("plain"), data);
  ASSERT_EQ(sh("gzip -c " + quote(p("plain")) + " > " + quote(p("x.gz"))).status, 0);
  ASSERT_EQ(sh("zstd -q -c " + quote(p("plain")) + " > " + quote(p("x.zst"))).status, 0);
  std::string gz = testing::read_file(p("x.gz"));
  std::string zst = testing::read_file(p("x.zst"));

  std::string corrupt = gz;
  for (std::size_t i = 1000; i < 1100; ++i) corrupt[i] = static_cast<char>(~corrupt[i]);
  testing::write_file(p("corrupt.gz"), corrupt);
  testing::write_file(p("cut.gz"), gz.substr(0, gz.size() / 2));
  testing::write_file(p("cut.zst"), zst.substr(0, zst.size() - 3));

  auto r = testing::run_action(task(ActionKind::Decompress, {p("corrupt.gz")}));
  EXPECT_EQ(r.error.rfind("decompress \"" + p("corrupt.gz") + "\": corrupt gzip data (", 0), 0u)
      << r.error;
  EXPECT_TRUE(testing::temporaries(dir_.path()).empty());
  expect_clean_failure(
      task(ActionKind::Decompress, {p("cut.gz")}),
      "decompress \"" + p("cut.gz") + "\": truncated gzip data (unexpected end of file)");
  expect_clean_failure(
      task(ActionKind::Decompress, {p("cut.zst")}),
      "decompress \"" + p("cut.zst") + "\": truncated zstd data (unexpected end of file)");
}

TEST_F(FileActionErrors, DecompressRefusesWhatIsNeitherGzipNorZstd) {
  testing::write_file(p("text"), "hello world");
  testing::write_file(p("empty"), "");
  expect_clean_failure(
      task(ActionKind::Decompress, {p("text")}),
      "decompress \"" + p("text") + "\": neither gzip nor zstd (starts with 68 65 6c 6c)");
  expect_clean_failure(task(ActionKind::Decompress, {p("empty")}),
                       "decompress \"" + p("empty") + "\": empty file: neither gzip nor zstd");
}

TEST_F(FileActionErrors, CompressRefusesALevelOutOfRange) {
  testing::write_file(p("in"), "x");
  Task t = task(ActionKind::Compress, {p("in")});
  t.edit_extras().file.format = "zstd";
  t.edit_extras().file.level = 22;
  expect_clean_failure(t, "compress: level 22 is out of range: zstd levels go from 1 to 19");
}

TEST_F(FileActionErrors, AnOutputThatCannotBeCreatedIsNamed) {
  testing::write_file(p("in"), "x");
  testing::write_file(p("file"), "x");
  auto r = testing::run_action(task(ActionKind::Copy, {p("in")}, "file/out"));
  EXPECT_EQ(r.error, "create directory \"" + p("file") + "\": Not a directory");
  ::mkdir(p("d").c_str(), 0755);
  r = testing::run_action(task(ActionKind::Copy, {p("in")}, "d"));
  EXPECT_EQ(r.error, "write \"" + p("d") + "\": is a directory");
}

TEST_F(FileActionErrors, GlobsExpandSortedAndACopyGlobMustMatchOneFile) {
  testing::write_file(p("b.txt"), "B");
  testing::write_file(p("a.txt"), "A");
  auto r = testing::run_action(task(ActionKind::Concat, {p("*.txt")}, "all"));
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(testing::read_file(p("all")), "AB");
  r = testing::run_action(task(ActionKind::Copy, {p("*.txt")}, "one"));
  EXPECT_EQ(r.error, "\"" + p("*.txt") + "\" matches 2 files, and copy reads one");
  r = testing::run_action(task(ActionKind::Copy, {p("*.rs")}, "one"));
  EXPECT_EQ(r.error, "no file matches \"" + p("*.rs") + "\"");
}

TEST_F(FileActionErrors, HashOfAGlobSkipsItsOwnOutputAndKeepsTheOrderOfFiles) {
  for (int i = 0; i < 12; ++i)
    testing::write_file(p("f" + std::to_string(100 + i)), testing::pseudo_random(i * 20000, i));
  testing::write_file(p("SUMS"), "last run's sums\n");
  auto r = testing::run_action(task(ActionKind::Hash, {p("f*")}, "SUMS"));
  ASSERT_EQ(r.error, "");
  auto expected = sh("cd " + quote(dir_.path()) + " && sha256sum f*");
  EXPECT_EQ(testing::read_file(p("SUMS")), expected.output);
}

TEST_F(FileActionErrors, WriteResolvesTaskOutputsOnlyThroughTheContext) {
  Task t = task(ActionKind::Write, {});
  Template content = Template::literal("v=");
  content.append_ref("producer", "version");
  t.edit_extras().file.content = content;
  expect_clean_failure(t, "write \"" + p("out") +
                              "\": content refers to task outputs, and nothing resolves them here");

  std::optional<FileActionResult> result;
  Loop loop;
  {
    ThreadPool pool(loop, 1);
    FileActionContext ctx{loop, pool, {}, 64 * 1024, [](const Template& tpl) {
                            std::string s;
                            for (const auto& part : tpl.parts())
                              s += part.task.empty() ? part.text : "1.2";
                            return s;
                          }};
    auto action = make_file_action(t, ctx, [&](const FileActionResult& r) { result = r; });
    action->start();
    ASSERT_TRUE(testing::run_until(loop, [&] { return result.has_value(); }));
  }
  testing::expect_clean_close(loop);
  EXPECT_EQ(result->error, "");
  EXPECT_EQ(testing::read_file(p("out")), "v=1.2");
}

/// Starts `t`, runs until `ready()`, cancels, and returns the report.
FileActionResult cancel_when(const Task& t, const std::function<bool()>& ready,
                             std::size_t chunk = 64 * 1024) {
  std::optional<FileActionResult> result;
  Loop loop;
  {
    ThreadPool pool(loop, 2);
    auto action = make_file_action(t, FileActionContext{loop, pool, {}, chunk, {}},
                                   [&](const FileActionResult& r) { result = r; });
    action->start();
    EXPECT_TRUE(testing::run_until(
        loop, [&] { return ready() || result.has_value(); }, 60s));
    EXPECT_FALSE(result.has_value()) << "finished before the cancel: " << result->error;
    action->cancel();
    EXPECT_FALSE(result.has_value()) << "reported inside cancel()";
    EXPECT_TRUE(testing::run_until(
        loop, [&] { return result.has_value(); }, 60s));
  }
  testing::expect_clean_close(loop);
  return result.value_or(FileActionResult{});
}

/// True once `dir` holds a temporary with at least `bytes` in it.
bool temporary_has(const std::string& dir, off_t bytes) {
  for (const auto& name : testing::temporaries(dir)) {
    struct stat st {};
    if (::stat((dir + "/" + name).c_str(), &st) == 0 && st.st_size >= bytes) return true;
  }
  return false;
}

TEST_F(FileActionErrors, CancelMidCopyRemovesTheTemporaryAndKeepsThePreviousVersion) {
  // A sparse 4 GiB input: nothing on disk, and far too long to copy before
  // the cancel comes (it comes after the first 8 MiB step).
  int fd = ::open(p("big").c_str(), O_WRONLY | O_CREAT, 0644);
  ASSERT_EQ(::ftruncate(fd, 4ll << 30), 0);
  ::close(fd);
  testing::write_file(p("out"), "previous");
  auto r = cancel_when(task(ActionKind::Copy, {p("big")}),
                       [&] { return temporary_has(dir_.path(), 1); });
  EXPECT_EQ(r.error, "cancelled");
  EXPECT_TRUE(testing::temporaries(dir_.path()).empty());
  EXPECT_EQ(testing::read_file(p("out")), "previous");
}

TEST_F(FileActionErrors, CancelMidCompressAndMidHashLeavesNothingBehind) {
  testing::write_file(p("in"), testing::pseudo_random(testing::kLargeSize, 3, false));
  Task compress = task(ActionKind::Compress, {p("in")});
  compress.edit_extras().file.format = "gzip";
  compress.edit_extras().file.level = 9;
  auto r = cancel_when(compress, [&] { return temporary_has(dir_.path(), 1); });
  EXPECT_EQ(r.error, "cancelled");
  EXPECT_TRUE(testing::temporaries(dir_.path()).empty());
  EXPECT_EQ(::access(p("out").c_str(), F_OK), -1);

  r = cancel_when(task(ActionKind::Hash, {p("in"), p("in")}),
                  [&] { return temporary_has(dir_.path(), 0); });
  EXPECT_EQ(r.error, "cancelled");
  EXPECT_TRUE(testing::temporaries(dir_.path()).empty());
}

TEST_F(FileActionErrors, CancelBeforeAnythingHappenedReportsLater) {
  testing::write_file(p("in"), "x");
  auto r = cancel_when(task(ActionKind::Copy, {p("in")}), [] { return true; });
  EXPECT_EQ(r.error, "cancelled");
  EXPECT_TRUE(testing::temporaries(dir_.path()).empty());
}

TEST_F(FileActionErrors, DestroyingARunningActionReportsNothingAndLeavesNoTemporary) {
  int fd = ::open(p("big").c_str(), O_WRONLY | O_CREAT, 0644);
  ASSERT_EQ(::ftruncate(fd, 4ll << 30), 0);
  ::close(fd);
  bool reported = false;
  Loop loop;
  {
    ThreadPool pool(loop, 2);
    auto action = make_file_action(task(ActionKind::Copy, {p("big")}),
                                   FileActionContext{loop, pool, {}, 64 * 1024, {}},
                                   [&](const FileActionResult&) { reported = true; });
    action->start();
    ASSERT_TRUE(testing::run_until(loop, [&] { return temporary_has(dir_.path(), 1); }));
    action.reset();
  }
  testing::expect_clean_close(loop);  // runs the requests in flight to their end
  EXPECT_FALSE(reported);
  EXPECT_TRUE(testing::temporaries(dir_.path()).empty());
}

}  // namespace
}  // namespace sluice::detail
