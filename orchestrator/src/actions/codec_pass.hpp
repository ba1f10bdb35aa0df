/// CodecPass: compresses or decompresses one input file into an output on a
/// pool thread, a step at a time: a step reads a chunk (PreadSource), runs
/// the codec over it, and writes each output chunk as it fills, until its
/// budget (bytes read plus bytes written, so that a decompression bomb
/// pauses too), the end of the stream, an error, or a stop request, polled
/// between chunks. Memory: one input chunk, one output chunk and the codec.
///
/// A decompression pass without a codec makes one from the format the
/// first chunk announces (detect_format), or fails saying what it found.
/// One thread at a time; the loop thread reads the results between steps.
#pragma once

#include <memory>
#include <stop_token>
#include <string>

#include "actions/pread_source.hpp"
#include "actions/stream_codec.hpp"

namespace sluice::detail {

class CodecPass {
 public:
  /// `codec` null: a decompressor for the format the input announces.
  /// `out` is written from its current position; `out_path` names it in errors.
  CodecPass(SharedFd in, std::string in_path, SharedFd out, std::string out_path,
            std::size_t chunk, std::unique_ptr<StreamCodec> codec);

  /// A step; then starts the write-back of what it wrote (AtomicFile::start_writeback).
  PassStatus run(std::size_t budget, const std::stop_token& stop);
  std::uint64_t bytes_read() const { return in_.bytes_read(); }
  std::uint64_t bytes_written() const { return written_; }
  /// After Failed: a read or write error names its file; a stream error
  /// (corrupt, truncated, unknown format) is the reason alone.
  const std::string& error() const { return error_; }
  /// After Failed: whether error() is the input stream's fault.
  bool stream_error() const { return stream_error_; }

 private:
  PassStatus code(std::size_t budget, const std::stop_token& stop);
  PassStatus fail(std::string message, bool stream);
  bool flush();

  PreadSource in_;
  SharedFd out_;
  std::string out_path_;
  std::unique_ptr<StreamCodec> codec_;
  IoBuffer output_;
  std::string_view window_;  ///< of the last chunk read, not yet consumed
  bool eof_ = false;
  std::uint64_t written_ = 0;
  std::string error_;
  bool stream_error_ = false;
};

}  // namespace sluice::detail
