/// Streaming codecs for `compress` and `decompress`: gzip through zlib,
/// zstd through libzstd's streaming API. A codec moves bytes from an input
/// window into an output buffer's free space, a step at a time, so that no
/// input (a decompression bomb included) ever needs more than the buffers
/// the caller gives it.
///
/// A codec is used by one thread at a time (a pool thread per step). Any
/// thread; the free functions are pure.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/io_buffer.hpp"

namespace sluice::detail {

enum class CompressFormat : unsigned char { Gzip, Zstd };

const char* format_name(CompressFormat format);
/// "gzip" or "zstd" (the loader's spelling).
std::optional<CompressFormat> parse_compress_format(std::string_view name);

class StreamCodec {
 public:
  enum class Status : unsigned char {
    NeedInput,   ///< `in` is used up and more input may follow: call again with more
    OutputFull,  ///< `out` is full: call again with an emptier one
    Done,        ///< (after `last`) every output byte is out; the stream was whole
    Failed,      ///< error() says why
  };
  virtual ~StreamCodec() = default;

  /// Consumes bytes from `in` (advanced past them) and appends output after
  /// out.size(), up to its capacity. `last`: no input follows `in`.
  virtual Status step(std::string_view& in, IoBuffer& out, bool last) = 0;
  const std::string& error() const { return error_; }

 protected:
  Status fail(std::string message) {
    error_ = std::move(message);
    return Status::Failed;
  }

 private:
  std::string error_;
};

/// The level a compressor uses for `level` (0 = the format's default: gzip
/// 6, zstd 3), or nullopt when the format does not take it. Accepted: gzip
/// 1-9; zstd 1-19 (20-22, zstd's --ultra levels, want windows of up to
/// 128 MiB, beyond sluice's memory bound).
std::optional<int> compress_level(CompressFormat format, int level);
/// `compress_level`'s refusal as a sentence ("zstd levels go from 1 to 19").
std::string level_range_message(CompressFormat format);

/// A compressor at a level compress_level() accepted. gzip: a single member
/// with zlib's minimal header; zstd: one frame with a content checksum (as
/// the zstd tool writes).
std::unique_ptr<StreamCodec> make_compressor(CompressFormat format, int level);
/// A decompressor. gzip: concatenated members decompress as `gzip -dc`
/// does, and trailing zero bytes are ignored as it does; other trailing
/// bytes fail (gzip only warns, and exits 2). zstd: concatenated and
/// skippable frames as `zstd -dc`. A stream cut short fails ("truncated").
std::unique_ptr<StreamCodec> make_decompressor(CompressFormat format);

/// The format a stream's first bytes announce (gzip 1f 8b; zstd 28 b5 2f fd,
/// or a skippable frame 5? 2a 4d 18), or nullopt.
std::optional<CompressFormat> detect_format(std::string_view head);
/// Why detect_format() refused `head`: "empty file: neither gzip nor zstd",
/// "neither gzip nor zstd (starts with 50 4b 03 04)".
std::string unknown_format_message(std::string_view head);

}  // namespace sluice::detail
