/// IoBuffer: bytes of a fixed capacity, not initialised (a chunk is filled by
/// read() or a codec, never zeroed first), with a size of bytes in use.
/// Move-only; one owner at a time, any thread (a chunk travels from a libuv
/// read to a pool thread to a libuv write without being copied).
#pragma once

#include <cassert>
#include <cstddef>
#include <memory>
#include <string_view>

namespace sluice::detail {

class IoBuffer {
 public:
  IoBuffer() = default;
  explicit IoBuffer(std::size_t capacity)
      : bytes_(std::make_unique_for_overwrite<char[]>(capacity)), capacity_(capacity) {}

  char* data() { return bytes_.get(); }
  const char* data() const { return bytes_.get(); }
  std::size_t size() const { return size_; }
  std::size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  std::string_view view() const { return {bytes_.get(), size_}; }
  /// Sets how many bytes are in use (at most the capacity).
  void resize(std::size_t n) {
    assert(n <= capacity_);
    size_ = n;
  }

 private:
  std::unique_ptr<char[]> bytes_;
  std::size_t capacity_ = 0;
  std::size_t size_ = 0;
};

}  // namespace sluice::detail
