#include "runtime/pipe_reader.hpp"

#include <unistd.h>

#include <stdexcept>
#include <string>

namespace sluice::detail {

PipeReader::PipeReader(Loop& loop, int fd, ReadBuffer& buffer, OnData on_data, OnEnd on_end)
    : handle_(this), buffer_(buffer), on_data_(std::move(on_data)), on_end_(std::move(on_end)) {
  int rc = uv_pipe_init(loop.raw(), handle_.raw(), 0);
  if (rc != 0) {
    ::close(fd);
    throw std::runtime_error(std::string("uv_pipe_init: ") + uv_strerror(rc));
  }
  handle_.mark_initialized();
  rc = uv_pipe_open(handle_.raw(), fd);
  if (rc != 0) {
    ::close(fd);
    throw std::runtime_error(std::string("uv_pipe_open: ") + uv_strerror(rc));
  }
}

void PipeReader::start() {
  if (ended_ || reading_) return;
  int rc = uv_read_start(reinterpret_cast<uv_stream_t*>(handle_.raw()), &PipeReader::on_alloc,
                         &PipeReader::on_read);
  if (rc != 0) {
    end(rc);
    return;
  }
  reading_ = true;
}

void PipeReader::stop() {
  if (ended_ || !reading_) return;
  uv_read_stop(reinterpret_cast<uv_stream_t*>(handle_.raw()));
  reading_ = false;
}

void PipeReader::close() {
  if (ended_) return;
  ended_ = true;
  reading_ = false;
  handle_.reset();
}

void PipeReader::end(int status) {
  if (ended_) return;
  close();
  auto fn = std::move(on_end_);
  if (fn) fn(status);  // may destroy this reader
}

void PipeReader::on_alloc(uv_handle_t* raw, std::size_t, uv_buf_t* buf) {
  PipeReader* self = UvHandle<uv_pipe_t, PipeReader>::owner_of(raw);
  if (!self) {
    *buf = uv_buf_init(nullptr, 0);
    return;
  }
  *buf = uv_buf_init(self->buffer_.data(), static_cast<unsigned>(self->buffer_.size()));
}

void PipeReader::on_read(uv_stream_t* raw, ssize_t nread, const uv_buf_t* buf) {
  PipeReader* self = UvHandle<uv_pipe_t, PipeReader>::owner_of(raw);
  if (!self) return;
  guarded(raw->loop, [&] {
    if (nread > 0) {
      if (self->on_data_) self->on_data_(std::string_view(buf->base, static_cast<std::size_t>(nread)));
    } else if (nread == UV_EOF) {
      self->end(0);
    } else if (nread < 0) {
      self->end(static_cast<int>(nread));
    }
  });
}

}  // namespace sluice::detail
