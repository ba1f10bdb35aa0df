// A file task's output survives sluice's own death: `kill -9` of the real
// `sluice` binary in the middle of a copy (its temporary file exists and
// has grown) leaves the previous version of the target intact byte for
// byte, or no target at all when there was none (SPEC §3, atomic outputs).
#include <gtest/gtest.h>
#include <signal.h>

#include <string>
#include <system_error>

#include "e2e/e2e_support.hpp"

namespace {

namespace fs = std::filesystem;
using sluice::e2e::CliTest;
using sluice::e2e::slurp;
using sluice::e2e::wait_until;

class RunFileCrash : public CliTest {
 protected:
  /// Copies a sparse 16 GiB input (no disk space to make it; the copy
  /// writes real bytes, so it is still running when the test kills it)
  /// into out.bin, and kills sluice once the temporary file holds 1 MiB.
  void kill_during_copy() {
    { std::ofstream(dir_ / "big.bin"); }
    fs::resize_file(dir_ / "big.bin", 16ull << 30);
    write("sluice.yaml", R"Y(tasks:
  copy:
    copy: {from: big.bin, to: out.bin}
)Y");
    auto cli = start({"run"});
    bool grown = wait_until([&] {
      for (const auto& e : fs::directory_iterator(dir_)) {
        std::error_code ec;
        if (e.path().filename().string().starts_with(".out.bin.sluice-") &&
            fs::file_size(e.path(), ec) >= (1u << 20) && !ec)
          return true;
      }
      return false;
    });
    cli->signal(SIGKILL);
    auto r = cli->wait();
    EXPECT_TRUE(grown) << "the copy's temporary file never reached 1 MiB: " << r.out << r.err;
    EXPECT_EQ(r.code, 128 + SIGKILL) << r.out << r.err;
  }

  void TearDown() override {
    // The input and what the killed copy wrote are gigabytes: never keep them.
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir_, ec))
      if (e.path().filename() == "big.bin" || e.path().filename().string().find(".sluice-") !=
                                                   std::string::npos)
        fs::remove(e.path(), ec);
    CliTest::TearDown();
  }
};

TEST_F(RunFileCrash, KillNineDuringACopyLeavesThePreviousTargetIntact) {
  std::string previous = "the previous version\n";
  for (int i = 0; i < 1000; ++i) previous += std::to_string(i * 7919) + "\n";
  write("out.bin", previous);
  kill_during_copy();
  EXPECT_EQ(slurp(dir_ / "out.bin"), previous);
}

TEST_F(RunFileCrash, KillNineDuringACopyLeavesNoTargetWhereThereWasNone) {
  kill_during_copy();
  EXPECT_FALSE(fs::exists(dir_ / "out.bin"));
}

}  // namespace
