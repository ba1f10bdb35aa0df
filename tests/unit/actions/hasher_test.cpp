#include "actions/hasher.hpp"

#include <gtest/gtest.h>

#include <string>

#include "unit/actions/action_test_support.hpp"

namespace sluice::detail {
namespace {

using testing::quote;
using testing::sh;

std::string digest(HashAlgo algo, const std::string& bytes, std::size_t piece = 7) {
  auto h = make_hasher(algo);
  for (std::size_t i = 0; i < bytes.size(); i += piece)
    h->update(std::string_view(bytes).substr(i, piece));
  return h->hex_digest();
}

TEST(Hasher, KnownDigestsWhateverTheFeedingPieces) {
  EXPECT_EQ(digest(HashAlgo::Sha256, "abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(digest(HashAlgo::Sha256, ""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(digest(HashAlgo::Xxh3, "abc"), "78af5f94892f3950");
  EXPECT_EQ(digest(HashAlgo::Xxh3, ""), "2d06800538d394c2");
  std::string big = testing::pseudo_random(300000, 3);
  EXPECT_EQ(digest(HashAlgo::Sha256, big, 1), digest(HashAlgo::Sha256, big, 65536));
  EXPECT_EQ(digest(HashAlgo::Xxh3, big, 1), digest(HashAlgo::Xxh3, big, 65536));
}

TEST(Hasher, ParsesTheLoadersNames) {
  EXPECT_EQ(parse_hash_algo("sha256"), HashAlgo::Sha256);
  EXPECT_EQ(parse_hash_algo("xxh3"), HashAlgo::Xxh3);
  EXPECT_FALSE(parse_hash_algo("md5"));
}

TEST(ChecksumLine, FormatsAsTheToolsDoIncludingEscapes) {
  EXPECT_EQ(checksum_line(HashAlgo::Sha256, "ab12", "a b"), "ab12  a b\n");
  EXPECT_EQ(checksum_line(HashAlgo::Sha256, "ab12", "back\\slash"), "\\ab12  back\\\\slash\n");
  EXPECT_EQ(checksum_line(HashAlgo::Sha256, "ab12", "new\nline"), "\\ab12  new\\nline\n");
  EXPECT_EQ(checksum_line(HashAlgo::Sha256, "ab12", "cr\rx"), "\\ab12  cr\\rx\n");
  EXPECT_EQ(checksum_line(HashAlgo::Xxh3, "ab12", "a b"), "XXH3 (a b) = ab12\n");
  EXPECT_EQ(checksum_line(HashAlgo::Xxh3, "ab12", "back\\slash"), "XXH3 (back\\slash) = ab12\n");
  EXPECT_EQ(checksum_line(HashAlgo::Xxh3, "ab12", "new\nline\\"),
            "\\XXH3 (new\\nline\\\\) = ab12\n");
}

/// Our lines, byte for byte, beside the tools' own for awkward names.
TEST(ChecksumLine, MatchesSha256sumAndXxhsumByteForByte) {
  testing::TempDir dir;
  std::vector<std::string> names = {"plain", "a b",    "back\\slash", "new\nline",
                                    "cr\rx", "p) = q", "-dash"};
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::string bytes = testing::pseudo_random(1000 * i, i);
    testing::write_file(dir / names[i], bytes);
    auto sha = sh("cd " + quote(dir.path()) + " && sha256sum -- " + quote(names[i]));
    ASSERT_EQ(sha.status, 0) << sha.output;
    EXPECT_EQ(checksum_line(HashAlgo::Sha256, digest(HashAlgo::Sha256, bytes), names[i]),
              sha.output)
        << names[i];
    if (names[i].find_first_of("\n\r") != std::string::npos) continue;  // see hasher.hpp
    auto xxh = sh("cd " + quote(dir.path()) + " && xxhsum -H3 -- " + quote(names[i]), false);
    ASSERT_EQ(xxh.status, 0) << xxh.output;
    EXPECT_EQ(checksum_line(HashAlgo::Xxh3, digest(HashAlgo::Xxh3, bytes), names[i]), xxh.output)
        << names[i];
  }
}

}  // namespace
}  // namespace sluice::detail
