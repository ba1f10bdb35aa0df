/// Hashers for the `hash` action: sha256 through OpenSSL's libcrypto (the
/// EVP interface: SHA256_Init and friends are deprecated in OpenSSL 3 and
/// fail a -Werror build) and xxh3 (64-bit) through libxxhash, plus the
/// checksum lines `sha256sum -c` and `xxhsum -c` read back.
///
/// A Hasher is fed on one thread at a time (a pool thread, then the loop
/// thread for the digest); the functions are pure. Any thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::detail {

enum class HashAlgo : unsigned char { Sha256, Xxh3 };

/// "sha256" or "xxh3" (the loader's spelling).
std::optional<HashAlgo> parse_hash_algo(std::string_view name);

class Hasher {
 public:
  virtual ~Hasher() = default;
  virtual void update(std::string_view bytes) = 0;
  /// The digest in lowercase hex, as the tools print it (xxh3: big-endian).
  /// Call once, after the last update().
  virtual std::string hex_digest() = 0;
};

std::unique_ptr<Hasher> make_hasher(HashAlgo algo);

/// One line of the tool's output for a file called `name`, newline included:
///   sha256: `HEX  NAME` (coreutils `sha256sum`)
///   xxh3:   `XXH3 (NAME) = HEX` (Debian's `xxhsum -H3`, 0.8.1)
/// A name holding a newline, a carriage return or (sha256 only) a backslash
/// is escaped as coreutils does: the line starts with a backslash and those
/// characters become `\n`, `\r` and `\\`. xxhsum 0.8.1 prints names raw
/// (backslashes included, which its -c reads back), so a raw xxh3 line is
/// kept whenever it is unambiguous; a name with a newline can only be
/// escaped (what later xxhsum versions print), which 0.8.1 cannot check.
std::string checksum_line(HashAlgo algo, std::string_view hex, std::string_view name);

}  // namespace sluice::detail
