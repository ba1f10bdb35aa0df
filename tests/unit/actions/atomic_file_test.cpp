#include "actions/atomic_file.hpp"

#include <gtest/gtest.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "unit/actions/action_test_support.hpp"

namespace sluice::detail {
namespace {

using testing::TempDir;
using testing::temporaries;

/// Sets the umask for one test and puts the old one back.
class Umask {
 public:
  explicit Umask(mode_t mask) : old_(::umask(mask)) {}
  ~Umask() { ::umask(old_); }

 private:
  mode_t old_;
};

mode_t mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

void put(const AtomicFile& f, const std::string& bytes) {
  ASSERT_EQ(::write(f.fd()->get(), bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
}

TEST(AtomicFile, CreatesAnExclusiveHiddenTemporaryNextToTheTargetWithTheUmasksMode) {
  TempDir dir;
  Umask mask(027);
  AtomicFile f(dir / "out.txt");
  ASSERT_FALSE(f.create());
  const std::string& temp = f.temp_path();
  EXPECT_EQ(temp.rfind(dir.path() + "/.out.txt.sluice-", 0), 0u) << temp;
  EXPECT_EQ(temp.size(), (dir.path() + "/.out.txt.sluice-").size() + 6);
  EXPECT_EQ(mode_of(temp), 0640u);
  EXPECT_EQ(::access((dir / "out.txt").c_str(), F_OK), -1);  // the target only at commit
}

TEST(AtomicFile, CommitReplacesTheTargetAndLeavesNoTemporary) {
  TempDir dir;
  Umask mask(022);
  testing::write_file(dir / "out", "previous");
  AtomicFile f(dir / "out");
  ASSERT_FALSE(f.create());
  put(f, "new content");
  EXPECT_EQ(testing::read_file(dir / "out"), "previous");  // readers see the old one meanwhile
  IoError e = f.commit();
  ASSERT_FALSE(e) << e.message;
  EXPECT_TRUE(f.committed());
  EXPECT_EQ(testing::read_file(dir / "out"), "new content");
  EXPECT_EQ(mode_of(dir / "out"), 0644u);
  EXPECT_TRUE(temporaries(dir.path()).empty());
}

TEST(AtomicFile, AbortAndTheDestructorRemoveTheTemporaryAndKeepThePreviousVersion) {
  TempDir dir;
  testing::write_file(dir / "out", "previous");
  {
    AtomicFile f(dir / "out");
    ASSERT_FALSE(f.create());
    put(f, "half");
    f.abort();
    EXPECT_TRUE(f.temp_path().empty());
    EXPECT_TRUE(temporaries(dir.path()).empty());
  }
  {
    AtomicFile f(dir / "out");
    ASSERT_FALSE(f.create());
    put(f, "half");
  }
  EXPECT_TRUE(temporaries(dir.path()).empty());
  EXPECT_EQ(testing::read_file(dir / "out"), "previous");
}

TEST(AtomicFile, CreatesMissingParentDirectories) {
  TempDir dir;
  AtomicFile f(dir / "a/b/out");
  ASSERT_FALSE(f.create());
  ASSERT_FALSE(f.commit());
  EXPECT_EQ(testing::read_file(dir / "a/b/out"), "");
}

TEST(AtomicFile, RefusesATargetThatIsADirectoryOrUnderAFile) {
  TempDir dir;
  ::mkdir((dir / "d").c_str(), 0755);
  AtomicFile d(dir / "d");
  EXPECT_EQ(d.create().message, "write \"" + dir / "d" + "\": is a directory");
  testing::write_file(dir / "file", "x");
  AtomicFile under(dir / "file/out");
  IoError e = under.create();
  EXPECT_EQ(e.message, "create directory \"" + dir / "file" + "\": Not a directory") << e.message;
  EXPECT_TRUE(temporaries(dir.path()).empty());
}

TEST(AtomicFile, TemporaryNamesFitNameMaxAndStayInTheTargetsDirectory) {
  std::string longname(NAME_MAX, 'n');
  std::string temp = AtomicFile::temp_name_for("/d/" + longname, "ABCDEF");
  EXPECT_EQ(temp.rfind("/d/.", 0), 0u);
  EXPECT_EQ(temp.size() - 3, static_cast<std::size_t>(NAME_MAX));
  EXPECT_EQ(temp.substr(temp.size() - 14), ".sluice-ABCDEF");
  EXPECT_EQ(AtomicFile::temp_name_for("/x", "ABCDEF"), "/.x.sluice-ABCDEF");
  EXPECT_EQ(AtomicFile::temp_name_for("rel", "ABCDEF"), ".rel.sluice-ABCDEF");
}

TEST(AtomicFile, TwoWritersOfOneTargetGetTwoTemporaries) {
  TempDir dir;
  AtomicFile a(dir / "out");
  AtomicFile b(dir / "out");
  ASSERT_FALSE(a.create());
  ASSERT_FALSE(b.create());
  EXPECT_NE(a.temp_path(), b.temp_path());
  put(a, "a");
  put(b, "b");
  ASSERT_FALSE(a.commit());
  ASSERT_FALSE(b.commit());
  EXPECT_EQ(testing::read_file(dir / "out"), "b");
}

}  // namespace
}  // namespace sluice::detail
