// A full disk: each writing action fails with ENOSPC naming its `to`,
// removes its temporary (giving the space back) and keeps the previous
// version. The disk is a 1 MiB tmpfs mounted in a private mount namespace
// (`unshare -m`, root only), where this test binary runs again with only
// the FileActionFullDiskInner tests; outside it those skip.
#include <gtest/gtest.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "unit/actions/action_test_support.hpp"

namespace sluice::detail {
namespace {

using testing::quote;
using testing::sh;

constexpr const char kDiskVar[] = "SLUICE_TEST_FULL_DISK";
constexpr const char kInputsVar[] = "SLUICE_TEST_FULL_DISK_INPUTS";

std::string self_exe() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

TEST(FileActionFullDisk, FailsCleanlyInASmallPrivateTmpfs) {
  if (::geteuid() != 0) GTEST_SKIP() << "mounting a tmpfs needs root";
  if (sh("unshare -m true").status != 0) GTEST_SKIP() << "unshare -m is not allowed here";
  testing::TempDir inputs;
  std::string data = testing::pseudo_random(4u << 20, 11, false);
  testing::write_file(inputs / "in", data);
  ASSERT_EQ(sh("gzip -1 -c " + quote(inputs / "in") + " > " + quote(inputs / "in.gz")).status, 0);
  ASSERT_EQ(sh("zstd -q -1 -c " + quote(inputs / "in") + " > " + quote(inputs / "in.zst")).status,
            0);
  ::mkdir((inputs / "disk").c_str(), 0755);
  std::string inner = "mount -t tmpfs -o size=1m sluice_full " + quote(inputs / "disk") + " && " +
                      kDiskVar + "=" + quote(inputs / "disk") + " " + kInputsVar + "=" +
                      quote(inputs.path()) + " exec " + quote(self_exe()) +
                      " --gtest_filter='FileActionFullDiskInner.*'";
  auto r = sh("unshare -m --propagation private sh -c " + quote(inner));
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("[  PASSED  ] 2 tests."), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("SKIPPED"), std::string::npos) << r.output;
}

class FileActionFullDiskInner : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* disk = ::getenv(kDiskVar);
    const char* inputs = ::getenv(kInputsVar);
    if (!disk || !inputs) GTEST_SKIP() << "runs inside FileActionFullDisk's tmpfs only";
    disk_ = disk;
    inputs_ = inputs;
  }
  std::string in(const std::string& name) { return inputs_ + "/" + name; }
  std::string on_disk(const std::string& name) { return disk_ + "/" + name; }

  void expect_no_space(const Task& t, const std::string& to) {
    if (::access(on_disk(to).c_str(), F_OK) != 0) testing::write_file(on_disk(to), "previous");
    auto r = testing::run_action(t);
    EXPECT_EQ(r.error, "write \"" + on_disk(to) + "\": No space left on device");
    EXPECT_TRUE(testing::temporaries(disk_).empty());
    EXPECT_EQ(testing::read_file(on_disk(to)), "previous");
  }
  Task task(ActionKind kind, std::vector<std::string> from, const std::string& to) {
    return testing::file_task(kind, std::move(from), on_disk(to), disk_);
  }

  std::string disk_;
  std::string inputs_;
};

TEST_F(FileActionFullDiskInner, EveryWriterFailsPartWayAndGivesTheSpaceBack) {
  // 4 MiB of output into a 1 MiB disk: each fails after a part was written;
  // the next one finds the space free again.
  expect_no_space(task(ActionKind::Copy, {in("in")}, "out"), "out");
  expect_no_space(task(ActionKind::Concat, {in("in"), in("in")}, "out"), "out");
  Task gzip = task(ActionKind::Compress, {in("in")}, "out");
  gzip.edit_extras().file.format = "gzip";
  expect_no_space(gzip, "out");
  Task zstd = task(ActionKind::Compress, {in("in")}, "out");
  zstd.edit_extras().file.format = "zstd";
  expect_no_space(zstd, "out");
  expect_no_space(task(ActionKind::Decompress, {in("in.gz")}, "out"), "out");
  expect_no_space(task(ActionKind::Decompress, {in("in.zst")}, "out"), "out");
  Task write = task(ActionKind::Write, {}, "out");
  write.edit_extras().file.content = Template::literal(std::string(2u << 20, 'w'));
  expect_no_space(write, "out");
}

TEST_F(FileActionFullDiskInner, ASmallOutputFailsOnADiskWithNoRoomLeft) {
  testing::write_file(on_disk("SUMS"), "previous");
  testing::write_file(on_disk("out"), "previous");
  // Fill the disk to the last page.
  sh("cat /dev/zero > " + quote(on_disk("filler")));
  expect_no_space(task(ActionKind::Hash, {in("in")}, "SUMS"), "SUMS");
  Task write = task(ActionKind::Write, {}, "out");
  write.edit_extras().file.content = Template::literal("small");
  expect_no_space(write, "out");
}

}  // namespace
}  // namespace sluice::detail
