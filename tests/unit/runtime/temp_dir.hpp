/// Test helpers for file tests: a private temporary directory removed with
/// everything in it, and files of deterministic pseudo-random bytes.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace sluice::detail::testing {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/sluice_files_XXXXXX";
    const char* made = ::mkdtemp(tmpl);
    EXPECT_NE(made, nullptr);
    path_ = made ? made : "/tmp";
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

/// `size` bytes from a seeded generator (xorshift): the same seed, the same
/// bytes. `text` mixes in runs of words, so the data compresses (about 2x)
/// instead of being incompressible noise.
inline std::string pseudo_random(std::size_t size, std::uint64_t seed = 1, bool text = true) {
  std::string out;
  out.reserve(size);
  std::uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  auto next = [&] {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  };
  static const char* kWords[] = {"sluice ", "pipeline ", "chunk ", "loop ", "gate\n", "flow "};
  while (out.size() < size) {
    std::uint64_t r = next();
    if (text && (r & 3) == 0) {
      out += kWords[(r >> 8) % 6];
    } else {
      for (int i = 0; i < 8; ++i) out += static_cast<char>(r >> (8 * i));
    }
  }
  out.resize(size);
  return out;
}

inline void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace sluice::detail::testing
