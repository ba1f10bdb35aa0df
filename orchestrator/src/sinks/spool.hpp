/// Spool: holds one task's output for grouped mode until the task ends.
/// The first `memory_limit` bytes stay in memory; past that everything moves
/// to an anonymous temporary file (O_TMPFILE, else mkstemp + unlink), so a
/// task that prints gigabytes costs disk, not memory. Then it is read back
/// in fixed-size chunks. Owned by the ConsoleSink, loop thread only.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <system_error>

#include "sinks/byte_buffer.hpp"

namespace sluice::detail {

class Spool {
 public:
  /// `dir`: where the temporary file goes ("" = $TMPDIR or /tmp).
  Spool(std::size_t memory_limit, std::string dir);
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  /// Appends bytes. False (with error()) when the file could not be made or
  /// written: then `bytes` were not stored, all earlier bytes are still
  /// readable, and every later append fails too.
  bool append(std::string_view bytes);
  std::size_t size() const { return size_; }
  bool spilled() const { return fd_ >= 0; }
  std::error_code error() const { return error_; }
  /// The byte count held in memory now (bounded by memory_limit).
  std::size_t memory_bytes() const { return mem_.size(); }

  /// Copies the next at most `max` bytes into `out` (after its contents);
  /// returns false when everything was read.
  bool read_chunk(ByteBuffer& out, std::size_t max);

 private:
  bool spill();
  bool write_all(std::string_view bytes);

  std::size_t memory_limit_;
  std::string dir_;
  ByteBuffer mem_;
  int fd_ = -1;
  std::size_t size_ = 0;
  std::size_t read_pos_ = 0;
  std::error_code error_;
};

}  // namespace sluice::detail
