/// ByteBuffer: a growable byte array that never zero-fills, used by the sinks
/// to build each write in one piece. Owned by one sink, used on the loop
/// thread. Unlike std::string, reserve-then-fill costs no memset, which
/// matters on the prefixed hot path (a GiB of log lines).
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace sluice::detail {

class ByteBuffer {
 public:
  void clear() { size_ = 0; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const char* data() const { return data_.get(); }
  std::string_view view() const { return {data_.get(), size_}; }

  /// Makes room for `n` more bytes and returns where they go; commit() them.
  char* reserve_tail(std::size_t n) {
    if (capacity_ - size_ < n) grow(size_ + n);
    return data_.get() + size_;
  }
  void commit(std::size_t n) { size_ += n; }

  void append(std::string_view s) {
    if (s.empty()) return;  // memcpy from/to a null pointer is UB even for 0 bytes
    std::memcpy(reserve_tail(s.size()), s.data(), s.size());
    size_ += s.size();
  }
  void pop_back() { --size_; }
  void push_back(char c) {
    *reserve_tail(1) = c;
    ++size_;
  }

 private:
  void grow(std::size_t need) {
    std::size_t cap = capacity_ ? capacity_ * 2 : 4096;
    while (cap < need) cap *= 2;
    auto next = std::make_unique_for_overwrite<char[]>(cap);
    if (size_) std::memcpy(next.get(), data_.get(), size_);
    data_ = std::move(next);
    capacity_ = cap;
  }

  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace sluice::detail
