// Every file action on pseudo-random data of the sizes around a chunk
// (0, 1, chunk-1, chunk, chunk+1) and a large one, checked by the system
// tools: cmp, sha256sum -c, xxhsum -c, gzip -dc, zstd -dc.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "unit/actions/action_test_support.hpp"

namespace sluice::detail {
namespace {

using testing::quote;
using testing::sh;

constexpr std::size_t kChunk = 64 * 1024;

class FileActionRoundTrip : public ::testing::TestWithParam<std::size_t> {
 protected:
  static void SetUpTestSuite() { data_dir_ = new testing::TempDir(); }
  static void TearDownTestSuite() {
    delete data_dir_;
    data_dir_ = nullptr;
  }

  /// The input of this size (made once per size for the whole suite).
  static std::string input(std::size_t size) {
    std::string path = *data_dir_ / ("in_" + std::to_string(size));
    if (::access(path.c_str(), F_OK) != 0)
      testing::write_file(path, testing::pseudo_random(size, size + 1));
    return path;
  }
  std::string in() { return input(GetParam()); }
  std::string out(const std::string& name) { return dir_ / name; }

  static void expect_same(const std::string& a, const std::string& b) {
    auto r = sh("cmp " + quote(a) + " " + quote(b));
    EXPECT_EQ(r.status, 0) << r.output;
  }
  void expect_no_temporaries() { EXPECT_TRUE(testing::temporaries(dir_.path()).empty()); }

  static testing::TempDir* data_dir_;
  testing::TempDir dir_;
};
testing::TempDir* FileActionRoundTrip::data_dir_ = nullptr;

TEST_P(FileActionRoundTrip, Copy) {
  auto r = testing::run_action(
      testing::file_task(ActionKind::Copy, {in()}, out("copy"), dir_.path()), {kChunk});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.bytes_read, GetParam());
  EXPECT_EQ(r.bytes_written, GetParam());
  expect_same(in(), out("copy"));
  expect_no_temporaries();
}

TEST_P(FileActionRoundTrip, ConcatLikeCat) {
  std::string small = input(1);
  auto r = testing::run_action(
      testing::file_task(ActionKind::Concat, {in(), small, in()}, out("cat"), dir_.path()),
      {kChunk});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.bytes_written, 2 * GetParam() + 1);
  auto cat = sh("cat " + quote(in()) + " " + quote(small) + " " + quote(in()) + " | cmp - " +
                quote(out("cat")));
  EXPECT_EQ(cat.status, 0) << cat.output;
  expect_no_temporaries();
}

TEST_P(FileActionRoundTrip, HashSha256AndXxh3CheckWithTheTools) {
  // Names with a space and a backslash, relative to the working directory.
  std::string a = dir_ / "in put";
  std::string b = dir_ / "back\\slash";
  ASSERT_EQ(sh("cp " + quote(in()) + " " + quote(a) + " && cp " + quote(input(1)) + " " + quote(b))
                .status,
            0);
  for (const char* algo : {"sha256", "xxh3"}) {
    Task t =
        testing::file_task(ActionKind::Hash, {a, b}, out(std::string("SUMS.") + algo), dir_.path());
    t.edit_extras().file.algo = algo;
    auto r = testing::run_action(t, {kChunk});
    ASSERT_EQ(r.error, "") << algo;
    EXPECT_EQ(r.bytes_read, GetParam() + 1);
    bool sha = std::string(algo) == "sha256";
    std::string tool = sha ? "sha256sum" : "xxhsum -H3";
    auto expected = sh("cd " + quote(dir_.path()) + " && " + tool + " " + quote("in put") + " " +
                           quote("back\\slash"),
                       false);
    EXPECT_EQ(testing::read_file(out(std::string("SUMS.") + algo)), expected.output) << algo;
    EXPECT_EQ(r.bytes_written, expected.output.size());
    auto check = sh("cd " + quote(dir_.path()) + " && " + (sha ? "sha256sum" : "xxhsum") + " -c " +
                    quote(std::string("SUMS.") + algo));
    EXPECT_EQ(check.status, 0) << check.output;
  }
  expect_no_temporaries();
}

TEST_P(FileActionRoundTrip, CompressGzipAndZstdReadBackByTheTools) {
  for (const char* format : {"gzip", "zstd"}) {
    std::string packed = out(std::string("packed.") + format);
    Task t = testing::file_task(ActionKind::Compress, {in()}, packed, dir_.path());
    t.edit_extras().file.format = format;
    t.edit_extras().file.level = std::string(format) == "gzip" ? 6 : 3;
    auto r = testing::run_action(t, {kChunk});
    ASSERT_EQ(r.error, "") << format;
    EXPECT_EQ(r.bytes_read, GetParam());
    auto back = sh(std::string(format) + " -dc " + quote(packed) + " | cmp - " + quote(in()));
    EXPECT_EQ(back.status, 0) << format << ": " << back.output;
  }
  expect_no_temporaries();
}

TEST_P(FileActionRoundTrip, DecompressWhatTheToolsCompressed) {
  for (const char* tool : {"gzip", "zstd -q"}) {
    std::string packed = out("from_tool");
    ASSERT_EQ(sh(std::string(tool) + " -c " + quote(in()) + " > " + quote(packed)).status, 0);
    auto r = testing::run_action(
        testing::file_task(ActionKind::Decompress, {packed}, out("plain"), dir_.path()), {kChunk});
    ASSERT_EQ(r.error, "") << tool;
    EXPECT_EQ(r.bytes_written, GetParam());
    expect_same(in(), out("plain"));
  }
  expect_no_temporaries();
}

TEST_P(FileActionRoundTrip, WriteContent) {
  if (GetParam() > kChunk + 1) GTEST_SKIP() << "content comes from a YAML file";
  std::string content = testing::pseudo_random(GetParam(), 4);
  Task t = testing::file_task(ActionKind::Write, {}, out("written"), dir_.path());
  t.edit_extras().file.content = Template::literal(content);
  auto r = testing::run_action(t, {kChunk});
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(r.bytes_written, content.size());
  EXPECT_TRUE(testing::read_file(out("written")) == content);
  expect_no_temporaries();
}

INSTANTIATE_TEST_SUITE_P(Sizes, FileActionRoundTrip,
                         ::testing::Values(0, 1, kChunk - 1, kChunk, kChunk + 1,
                                           testing::kLargeSize));

}  // namespace
}  // namespace sluice::detail
