/// ChunkWriter: appends chunks to an open file through libuv (uv_fs_write
/// on its fs threads), each at the next offset (or, from a negative
/// offset, at the file's position: keep depth 1 then), with up to `depth` writes
/// in flight at once; a write may carry several chunks (one pwritev, one
/// trip to an fs thread). A short write goes on with the rest (FsRequests),
/// so a chunk is written whole or fails.
///
/// The caller keeps within `depth` (full()); each finished write gives its
/// buffer back through on_written for reuse. The first failure (`write
/// "PATH": No space left on device`) is reported once, after the writes in
/// flight have called back; nothing follows it. stop() ends it silently.
/// Loop thread only; never destroy it inside a listener call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/fs_requests.hpp"
#include "runtime/io_error.hpp"

namespace sluice::detail {

class ChunkWriter {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    /// A chunk is on the file; its buffer comes back.
    virtual void on_written(ChunkWriter& writer, IoBuffer buffer) = 0;
    virtual void on_error(ChunkWriter& writer, IoError error) = 0;
  };

  ChunkWriter(Loop& loop, SharedFd fd, std::string path, std::int64_t offset, unsigned depth,
              Listener& listener);
  ChunkWriter(const ChunkWriter&) = delete;
  ChunkWriter& operator=(const ChunkWriter&) = delete;

  /// Writes `chunk` at the next offset (an empty chunk, or any chunk after a
  /// failure, is dropped).
  void write(IoBuffer chunk);
  /// Writes `chunks` one after the other at the next offset, in one write.
  void write(std::vector<IoBuffer> chunks);
  bool full() const { return requests_.in_flight() >= depth_; }
  bool idle() const { return requests_.in_flight() == 0; }
  /// Bytes on the file (written whole).
  std::uint64_t bytes_written() const { return written_; }
  std::int64_t next_offset() const { return offset_; }
  bool failed() const { return static_cast<bool>(error_); }
  void stop() {
    stopped_ = true;
    requests_.forget();
  }

 private:
  void on_write(std::int64_t result, std::vector<IoBuffer> buffers);

  FsRequests requests_;
  SharedFd fd_;
  std::string path_;
  std::int64_t offset_;
  unsigned depth_;
  Listener& listener_;
  std::uint64_t written_ = 0;
  IoError error_;
  bool stopped_ = false;
};

}  // namespace sluice::detail
