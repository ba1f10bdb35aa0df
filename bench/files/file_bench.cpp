// The file actions driven alone, for bench/files/run.sh (the CLI cannot run
// file tasks yet). One action per run, on its own loop and ThreadPool:
//
//   file_bench [--threads N] [--chunk BYTES] copy IN OUT
//   file_bench ... concat OUT IN...
//   file_bench ... hash sha256|xxh3 OUT FILE...
//   file_bench ... compress gzip|zstd LEVEL IN OUT
//   file_bench ... decompress IN OUT
//   file_bench gen BYTES SEED OUT     (test data: random bytes mixed with words)
//
// Prints nothing on success; the action's error and exit 1 on failure.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "actions/file_action.hpp"

using namespace sluice;
using namespace sluice::detail;

namespace {

int usage() {
  std::fprintf(stderr,
               "usage: file_bench [--threads N] [--chunk BYTES] copy IN OUT | concat OUT IN... |\n"
               "       hash ALGO OUT FILE... | compress FORMAT LEVEL IN OUT | decompress IN OUT |\n"
               "       gen BYTES SEED OUT\n");
  return 2;
}

/// Words three times in four, random bytes else: gzip -6 makes it about
/// 2.5x smaller, so the codecs do real work (random bytes alone, zstd
/// stores as they are).
int generate(std::uint64_t size, std::uint64_t seed, const char* path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  std::uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  static const char* kWords[] = {"sluice ", "pipeline ", "chunk ", "loop ", "gate\n", "flow "};
  std::string block;
  for (std::uint64_t done = 0; done < size;) {
    block.clear();
    while (block.size() < (1u << 20)) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      if ((x & 3) != 0) {
        block += kWords[(x >> 8) % 6];
      } else {
        for (int i = 0; i < 8; ++i) block += static_cast<char>(x >> (8 * i));
      }
    }
    std::uint64_t n = std::min<std::uint64_t>(block.size(), size - done);
    out.write(block.data(), static_cast<std::streamsize>(n));
    done += n;
  }
  return out.good() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  unsigned threads = 0;
  std::size_t chunk = 64 * 1024;
  int i = 1;
  for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
    std::string opt = argv[i];
    if (opt == "--threads") threads = static_cast<unsigned>(std::atoi(argv[i + 1]));
    else if (opt == "--chunk") chunk = static_cast<std::size_t>(std::atoll(argv[i + 1]));
    else return usage();
  }
  std::vector<std::string> a(argv + i, argv + argc);
  if (a.empty()) return usage();
  if (a[0] == "gen" && a.size() == 4)
    return generate(std::strtoull(a[1].c_str(), nullptr, 10),
                    std::strtoull(a[2].c_str(), nullptr, 10), a[3].c_str());

  Task t;
  t.name = "bench";
  sluice::FileAction& f = t.edit_extras().file;
  if (a[0] == "copy" && a.size() == 3) {
    t.action = ActionKind::Copy;
    f.from = {a[1]};
    f.to = a[2];
  } else if (a[0] == "concat" && a.size() >= 3) {
    t.action = ActionKind::Concat;
    f.to = a[1];
    f.from.assign(a.begin() + 2, a.end());
  } else if (a[0] == "hash" && a.size() >= 4) {
    t.action = ActionKind::Hash;
    f.algo = a[1];
    f.to = a[2];
    f.from.assign(a.begin() + 3, a.end());
  } else if (a[0] == "compress" && a.size() == 5) {
    t.action = ActionKind::Compress;
    f.format = a[1];
    f.level = std::atoi(a[2].c_str());
    f.from = {a[3]};
    f.to = a[4];
  } else if (a[0] == "decompress" && a.size() == 3) {
    t.action = ActionKind::Decompress;
    f.from = {a[1]};
    f.to = a[2];
  } else {
    return usage();
  }

  std::optional<FileActionResult> result;
  Loop loop;
  {
    ThreadPool pool(loop, threads);
    auto action = make_file_action(t, FileActionContext{loop, pool, {}, chunk, {}},
                                   [&](const FileActionResult& r) { result = r; });
    action->start();
    loop.run();
  }
  loop.close();
  if (!result || !result->error.empty()) {
    std::fprintf(stderr, "file_bench: %s\n", result ? result->error.c_str() : "no report");
    return 1;
  }
  return 0;
}
