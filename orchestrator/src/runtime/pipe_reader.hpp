/// PipeReader: reads one pipe end (a child's stdout or stderr) on the loop,
/// in large chunks, with start/stop for backpressure.
///
/// Reads land in a ReadBuffer that may be shared by every reader of a loop:
/// libuv reads one stream at a time and hands the bytes to on_data before the
/// next read, so a chunk is valid only during on_data. on_end comes once, with
/// 0 at EOF or a negative libuv error; the pipe is then closed. Loop thread only.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string_view>

#include "runtime/handle.hpp"
#include "runtime/loop.hpp"

namespace sluice::detail {

/// The landing zone for reads: 1 MiB by default (a relay reading 1 MiB at a
/// time with memchr beat `cat` on 1 GiB of short lines).
class ReadBuffer {
 public:
  explicit ReadBuffer(std::size_t size = 1u << 20) : data_(new char[size]), size_(size) {}
  char* data() { return data_.get(); }
  std::size_t size() const { return size_; }

 private:
  std::unique_ptr<char[]> data_;
  std::size_t size_;
};

class PipeReader {
 public:
  using OnData = std::function<void(std::string_view chunk)>;
  using OnEnd = std::function<void(int status)>;

  /// Takes ownership of `fd` (made non-blocking by libuv). Throws on failure
  /// (the fd is closed then).
  PipeReader(Loop& loop, int fd, ReadBuffer& buffer, OnData on_data, OnEnd on_end);
  PipeReader(const PipeReader&) = delete;
  PipeReader& operator=(const PipeReader&) = delete;

  /// Starts or resumes reading; a no-op once ended.
  void start();
  /// Stops reading: the child blocks once the pipe is full (backpressure).
  void stop();
  bool reading() const { return reading_; }
  bool ended() const { return ended_; }
  /// Ends the stream now without waiting for EOF (on_end is not called).
  void close();

 private:
  static void on_alloc(uv_handle_t* raw, std::size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* raw, ssize_t nread, const uv_buf_t* buf);
  void end(int status);

  UvHandle<uv_pipe_t, PipeReader> handle_;
  ReadBuffer& buffer_;
  OnData on_data_;
  OnEnd on_end_;
  bool reading_ = false;
  bool ended_ = false;
};

}  // namespace sluice::detail
