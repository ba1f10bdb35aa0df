/// NameIndex: a flat, open-addressing hash set of 32-bit ids keyed by a name
/// the caller derives from each id (`key_of(id)`, e.g. the name of task
/// `id`). It stores no keys, only (hash, id) pairs of 8 bytes, so that the
/// 100,000-name indexes of loading and graph building cost one allocation
/// and ~2 MB instead of a node per name (std::unordered_map), and a lookup is
/// one hashed probe run rather than a pointer chase.
/// Fixed capacity: size it for every insertion up front. Built and read on
/// one thread; `key_of` must stay valid (and keys unchanged) while in use.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::detail {

/// A 64-bit hash of a short name, 8 bytes at a time (names are short, and
/// this runs 100,000s of times per load; no library call).
inline std::uint64_t name_hash(std::string_view s) {
  constexpr std::uint64_t kMul = 0x9e3779b97f4a7c15ULL;
  std::uint64_t h = s.size() * kMul;
  const char* p = s.data();
  std::size_t n = s.size();
  for (; n >= 8; p += 8, n -= 8) {
    std::uint64_t w = 0;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
  }
  std::uint64_t tail = 0;
  for (std::size_t i = 0; i < n; ++i) tail |= std::uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
  h = (h ^ tail) * kMul;
  h ^= h >> 32;
  h *= 0xd6e8feb86659fd93ULL;
  return h ^ (h >> 32);
}

/// Equality without a call for the short keys of task names.
inline bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.size() > 32) return a == b;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) return false;
  return true;
}

/// Names copied back to back, as the keys of a NameIndex over objects that
/// lie far apart (tasks): a probe then reads a small, dense array instead of
/// missing the cache once per compared name.
class PackedNames {
 public:
  void reserve(std::size_t names, std::size_t bytes) {
    ends_.reserve(names);
    chars_.reserve(bytes);
  }
  void push_back(std::string_view name) {
    chars_.append(name);
    ends_.push_back(static_cast<std::uint32_t>(chars_.size()));
  }
  std::string_view operator[](std::uint32_t i) const {
    const std::uint32_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(chars_).substr(begin, ends_[i] - begin);
  }
  std::size_t size() const { return ends_.size(); }

 private:
  std::string chars_;
  std::vector<std::uint32_t> ends_;
};

/// The key function of a NameIndex over PackedNames.
struct PackedKey {
  const PackedNames* names;
  std::string_view operator()(std::uint32_t i) const { return (*names)[i]; }
};

template <class KeyOf>
class NameIndex {
 public:
  static constexpr std::uint32_t kNone = ~std::uint32_t{0};

  /// Room for `expected` insertions at a load of at most one half.
  NameIndex(std::size_t expected, KeyOf key_of)
      : key_of_(std::move(key_of)),
        slots_(std::bit_ceil(std::max<std::size_t>(16, expected * 2))),
        mask_(slots_.size() - 1) {}

  /// Adds `id` unless an id with an equal key is there; returns that earlier
  /// id, or kNone when `id` went in.
  std::uint32_t insert(std::uint32_t id) {
    const std::string_view key = key_of_(id);
    const std::uint64_t h = name_hash(key);
    const auto tag = static_cast<std::uint32_t>(h >> 32) | 1u;  // 0 marks an empty slot
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      Slot& s = slots_[i];
      if (s.tag == 0) {
        s = Slot{tag, id};
        return kNone;
      }
      if (s.tag == tag && same_name(key_of_(s.id), key)) return s.id;
    }
  }

  /// The id whose key equals `key`, or kNone.
  std::uint32_t find(std::string_view key) const {
    const std::uint64_t h = name_hash(key);
    const auto tag = static_cast<std::uint32_t>(h >> 32) | 1u;
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.tag == 0) return kNone;
      if (s.tag == tag && same_name(key_of_(s.id), key)) return s.id;
    }
  }

  bool contains(std::string_view key) const { return find(key) != kNone; }

 private:
  struct Slot {
    std::uint32_t tag = 0;
    std::uint32_t id = 0;
  };
  KeyOf key_of_;
  std::vector<Slot> slots_;
  std::size_t mask_;
};

}  // namespace sluice::detail
