/// ChunkReader: reads one open regular file front to back in chunks through
/// libuv (uv_fs_read on its fs threads), keeping up to `depth` chunks in
/// flight or in the consumer's hands, and hands them over in file order.
/// One read fills up to a group of chunks (preadv) of about kTripBytes, at
/// most half the depth, so a trip to libuv's threads moves 1 MiB at the
/// default chunk size and the next read goes while the consumer holds the
/// last one.
///
/// Flow control is the consumer's: every chunk's buffer comes back through
/// recycle() (and is reused for a later read), and no read is issued while
/// `depth` buffers are out. A read shorter than a chunk is the end of the
/// file (a regular file reads short only there). Reads are issued up to the
/// size the file had when opened, and further while they come back full,
/// so a small file costs one read and a growing one is read to its end.
///
/// The listener hears each chunk, then exactly one of on_end or on_error,
/// and only once no read of this reader is in flight, so the reader may be
/// destroyed right after (never inside a listener call). stop() ends it
/// silently. Loop thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/fs_requests.hpp"
#include "runtime/io_error.hpp"

namespace sluice::detail {

class ChunkReader {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    /// The next chunk (not empty), in file order.
    virtual void on_chunk(ChunkReader& reader, IoBuffer chunk) = 0;
    /// After the last chunk.
    virtual void on_end(ChunkReader& reader) = 0;
    /// A read failed (`read "PATH": ...`); no chunk follows.
    virtual void on_error(ChunkReader& reader, IoError error) = 0;
  };

  ChunkReader(Loop& loop, SharedFd fd, std::string path, std::int64_t size_hint, std::size_t chunk,
              unsigned depth, Listener& listener);
  ChunkReader(const ChunkReader&) = delete;
  ChunkReader& operator=(const ChunkReader&) = delete;

  void start() { pump(); }
  /// Gives a chunk's buffer back: the next read may go.
  void recycle(IoBuffer buffer);
  /// Gives several back at once (a consumer done with a batch): a whole
  /// group then goes in one read, rather than one chunk first.
  void recycle(std::vector<IoBuffer>& buffers);
  /// Cancels what has not started; no listener call comes after.
  void stop();

  const std::string& path() const { return path_; }
  std::uint64_t bytes_read() const { return bytes_; }

 private:
  /// Bytes one read fills at most (one preadv): the trips between threads,
  /// not the bytes, were the cost of hashing with xxh3, the more so on a
  /// loaded machine, where each wake-up waits for a CPU.
  static constexpr std::size_t kTripBytes = 1u << 20;
  struct Done {
    std::int64_t offset;
    std::int64_t result;
    IoBuffer buffer;
  };
  void pump();
  void on_read(std::int64_t offset, std::int64_t result, std::vector<IoBuffer> buffers);
  void deliver();
  void drop(IoBuffer buffer);
  /// Reports the end or the error once nothing is in flight.
  void settle();

  FsRequests requests_;
  SharedFd fd_;
  std::string path_;
  std::size_t chunk_;
  unsigned depth_;
  std::size_t group_;  ///< chunks per read at most
  Listener& listener_;
  std::int64_t limit_;  ///< issue reads at offsets up to here
  std::int64_t next_issue_ = 0;
  std::int64_t next_deliver_ = 0;
  unsigned out_ = 0;           ///< buffers in flight, waiting, or with the consumer
  std::vector<Done> waiting_;  ///< reads back before their turn
  std::vector<IoBuffer> free_;
  std::uint64_t bytes_ = 0;
  bool at_end_ = false;
  bool stopped_ = false;
  bool reported_ = false;
  IoError error_;
};

}  // namespace sluice::detail
