#include "actions/hasher.hpp"

#include <openssl/evp.h>
#include <xxhash.h>
#if defined(__x86_64__)
// libxxhash's own dispatch picks AVX2/AVX-512 at run time (as xxhsum does);
// its plain XXH3_64bits_update is built for SSE2 only, at half the speed.
#define XXH_DISPATCH_DISABLE_REPLACE
#include <xxh_x86dispatch.h>
#endif

#include <new>

namespace sluice::detail {
namespace {

std::string to_hex(const unsigned char* bytes, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '\0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0xf];
  }
  return out;
}

class Sha256Hasher final : public Hasher {
 public:
  Sha256Hasher() : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) {
      EVP_MD_CTX_free(ctx_);
      throw std::bad_alloc();
    }
  }
  ~Sha256Hasher() override { EVP_MD_CTX_free(ctx_); }
  Sha256Hasher(const Sha256Hasher&) = delete;
  Sha256Hasher& operator=(const Sha256Hasher&) = delete;

  void update(std::string_view bytes) override {
    // EVP_DigestUpdate on an initialised SHA-256 context fails only on misuse.
    EVP_DigestUpdate(ctx_, bytes.data(), bytes.size());
  }
  std::string hex_digest() override {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_, md, &len);
    return to_hex(md, len);
  }

 private:
  EVP_MD_CTX* ctx_;
};

class Xxh3Hasher final : public Hasher {
 public:
  Xxh3Hasher() : state_(XXH3_createState()) {
    if (!state_ || XXH3_64bits_reset(state_) != XXH_OK) {
      XXH3_freeState(state_);
      throw std::bad_alloc();
    }
  }
  ~Xxh3Hasher() override { XXH3_freeState(state_); }
  Xxh3Hasher(const Xxh3Hasher&) = delete;
  Xxh3Hasher& operator=(const Xxh3Hasher&) = delete;

  void update(std::string_view bytes) override {
#if defined(__x86_64__)
    XXH3_64bits_update_dispatch(state_, bytes.data(), bytes.size());
#else
    XXH3_64bits_update(state_, bytes.data(), bytes.size());
#endif
  }
  std::string hex_digest() override {
    XXH64_canonical_t canonical;
    XXH64_canonicalFromHash(&canonical, XXH3_64bits_digest(state_));
    return to_hex(canonical.digest, sizeof canonical.digest);
  }

 private:
  XXH3_state_t* state_;
};

bool has_any(std::string_view s, std::string_view chars) {
  return s.find_first_of(chars) != std::string_view::npos;
}

/// coreutils' escaping: `\` -> `\\`, newline -> `\n`, carriage return -> `\r`.
std::string escaped(std::string_view name) {
  std::string out;
  out.reserve(name.size() + 8);
  for (char c : name) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else
      out += c;
  }
  return out;
}

}  // namespace

std::optional<HashAlgo> parse_hash_algo(std::string_view name) {
  if (name == "sha256") return HashAlgo::Sha256;
  if (name == "xxh3") return HashAlgo::Xxh3;
  return std::nullopt;
}

std::unique_ptr<Hasher> make_hasher(HashAlgo algo) {
  if (algo == HashAlgo::Sha256) return std::make_unique<Sha256Hasher>();
  return std::make_unique<Xxh3Hasher>();
}

std::string checksum_line(HashAlgo algo, std::string_view hex, std::string_view name) {
  if (algo == HashAlgo::Sha256) {
    bool escape = has_any(name, "\\\n\r");
    std::string line = escape ? "\\" : "";
    line.append(hex).append("  ").append(escape ? escaped(name) : std::string(name));
    return line + "\n";
  }
  bool escape = has_any(name, "\n\r");
  std::string line = escape ? "\\XXH3 (" : "XXH3 (";
  line.append(escape ? escaped(name) : std::string(name)).append(") = ").append(hex);
  return line + "\n";
}

}  // namespace sluice::detail
