#include "actions/stream_codec.hpp"

#include <gtest/gtest.h>

#include <string>

#include "unit/actions/action_test_support.hpp"

namespace sluice::detail {
namespace {

using Status = StreamCodec::Status;

struct Ran {
  std::string out;
  Status status = Status::Failed;
  std::string error;
};

/// Feeds `input` in pieces of `in_piece` bytes through outputs of `out_cap`
/// bytes (tiny sizes exercise every NeedInput/OutputFull turn).
Ran run(StreamCodec& codec, const std::string& input, std::size_t in_piece, std::size_t out_cap) {
  Ran r;
  std::size_t at = 0;
  IoBuffer out(out_cap);
  for (int guard = 0; guard < 50'000'000; ++guard) {
    std::size_t n = std::min(in_piece, input.size() - at);
    std::string_view in(input.data() + at, n);
    bool last = at + n == input.size();
    Status s = codec.step(in, out, last);
    at += n - in.size();
    if (s == Status::OutputFull || s == Status::Done) {
      r.out.append(out.view());
      out.resize(0);
    }
    if (s == Status::Done || s == Status::Failed) {
      r.status = s;
      r.error = codec.error();
      return r;
    }
  }
  r.error = "no end";
  return r;
}

std::string compress(CompressFormat f, const std::string& data, int level = 0) {
  auto c = make_compressor(f, *compress_level(f, level));
  Ran r = run(*c, data, 65536, 65536);
  EXPECT_EQ(r.status, Status::Done) << r.error;
  return r.out;
}

Ran decompress(const std::string& data, std::size_t in_piece = 65536, std::size_t out_cap = 65536) {
  auto f = detect_format(data);
  EXPECT_TRUE(f.has_value());
  auto d = make_decompressor(f.value_or(CompressFormat::Gzip));
  return run(*d, data, in_piece, out_cap);
}

class CodecRoundTrip : public ::testing::TestWithParam<CompressFormat> {};

TEST_P(CodecRoundTrip, SurvivesEveryWayOfCuttingTheInputAndTheOutput) {
  CompressFormat f = GetParam();
  for (std::size_t size : {0u, 1u, 1000u, 70000u}) {
    std::string data = testing::pseudo_random(size, size);
    for (std::size_t piece : {1u, 3u, 4096u}) {
      for (std::size_t cap : {1u, 7u, 65536u}) {
        if (size > 1000 && piece < 4096 && cap < 7) continue;  // slow and adds nothing
        auto c = make_compressor(f, *compress_level(f, 1));
        Ran packed = run(*c, data, piece, cap);
        ASSERT_EQ(packed.status, Status::Done) << packed.error;
        Ran back = decompress(packed.out, piece, cap);
        ASSERT_EQ(back.status, Status::Done) << back.error;
        ASSERT_TRUE(back.out == data) << size << " " << piece << " " << cap;
      }
    }
  }
}

TEST_P(CodecRoundTrip, RefusesACorruptAndATruncatedStream) {
  CompressFormat f = GetParam();
  std::string data = testing::pseudo_random(200000, 5);
  std::string packed = compress(f, data);
  std::string corrupt = packed;
  for (std::size_t i = packed.size() / 2; i < packed.size() / 2 + 64; ++i) corrupt[i] ^= 0x5a;
  Ran bad = decompress(corrupt);
  EXPECT_EQ(bad.status, Status::Failed);
  EXPECT_EQ(bad.error.rfind(std::string("corrupt ") + format_name(f) + " data (", 0), 0u)
      << bad.error;

  for (std::size_t keep : {packed.size() - 1, packed.size() / 2, std::size_t{5}}) {
    Ran cut = decompress(packed.substr(0, keep));
    EXPECT_EQ(cut.status, Status::Failed) << keep;
    EXPECT_EQ(cut.error,
              std::string("truncated ") + format_name(f) + " data (unexpected end of file)")
        << keep;
  }
}

TEST_P(CodecRoundTrip, ConcatenatedStreamsDecompressAsTheToolsDo) {
  CompressFormat f = GetParam();
  std::string a = testing::pseudo_random(5000, 1);
  std::string b = testing::pseudo_random(70000, 2);
  Ran both = decompress(compress(f, a) + compress(f, std::string()) + compress(f, b), 100, 999);
  ASSERT_EQ(both.status, Status::Done) << both.error;
  EXPECT_TRUE(both.out == a + b);
}

INSTANTIATE_TEST_SUITE_P(Formats, CodecRoundTrip,
                         ::testing::Values(CompressFormat::Gzip, CompressFormat::Zstd),
                         [](const auto& p) { return std::string(format_name(p.param)); });

TEST(Gzip, IgnoresTrailingZerosButNotTrailingGarbage) {
  std::string packed = compress(CompressFormat::Gzip, "hello\n");
  Ran zeros = decompress(packed + std::string(100, '\0'), 7, 100);
  EXPECT_EQ(zeros.status, Status::Done) << zeros.error;
  EXPECT_EQ(zeros.out, "hello\n");
  Ran garbage = decompress(packed + "garbage");
  EXPECT_EQ(garbage.status, Status::Failed);
  EXPECT_EQ(garbage.error, "trailing garbage after the gzip data");
  Ran zeros_then_garbage = decompress(packed + std::string(10, '\0') + "x");
  EXPECT_EQ(zeros_then_garbage.error, "trailing garbage after the gzip data");
}

TEST(Zstd, RefusesTrailingGarbage) {
  Ran r = decompress(compress(CompressFormat::Zstd, "hello\n") + "garbage");
  EXPECT_EQ(r.status, Status::Failed);
  EXPECT_EQ(r.error.rfind("corrupt zstd data (", 0), 0u) << r.error;
}

TEST(DetectFormat, ReadsTheMagicBytes) {
  EXPECT_EQ(detect_format("\x1f\x8b"), CompressFormat::Gzip);
  EXPECT_EQ(detect_format("\x28\xb5\x2f\xfd\x00"), CompressFormat::Zstd);
  EXPECT_EQ(detect_format("\x50\x2a\x4d\x18...."), CompressFormat::Zstd);  // skippable frame
  EXPECT_FALSE(detect_format(""));
  EXPECT_FALSE(detect_format("\x1f"));
  EXPECT_FALSE(detect_format("PK\x03\x04"));
  EXPECT_EQ(unknown_format_message("PK\x03\x04zip"),
            "neither gzip nor zstd (starts with 50 4b 03 04)");
  EXPECT_EQ(unknown_format_message("\x1f"), "neither gzip nor zstd (starts with 1f)");
  EXPECT_EQ(unknown_format_message(""), "empty file: neither gzip nor zstd");
}

TEST(CompressLevel, AcceptsEachFormatsRangeAndDefaults) {
  EXPECT_EQ(compress_level(CompressFormat::Gzip, 0), 6);
  EXPECT_EQ(compress_level(CompressFormat::Zstd, 0), 3);
  EXPECT_EQ(compress_level(CompressFormat::Gzip, 9), 9);
  EXPECT_FALSE(compress_level(CompressFormat::Gzip, 10));
  EXPECT_EQ(compress_level(CompressFormat::Zstd, 19), 19);
  EXPECT_FALSE(compress_level(CompressFormat::Zstd, 20));
  EXPECT_FALSE(compress_level(CompressFormat::Zstd, -1));
  EXPECT_EQ(level_range_message(CompressFormat::Zstd), "zstd levels go from 1 to 19");
}

}  // namespace
}  // namespace sluice::detail
