#include "runtime/chunk_writer.hpp"

#include <algorithm>

namespace sluice::detail {

ChunkWriter::ChunkWriter(Loop& loop, SharedFd fd, std::string path, std::int64_t offset,
                         unsigned depth, Listener& listener)
    : requests_(loop),
      fd_(std::move(fd)),
      path_(std::move(path)),
      offset_(offset),
      depth_(std::max(depth, 1u)),
      listener_(listener) {}

void ChunkWriter::write(IoBuffer chunk) {
  std::vector<IoBuffer> chunks;
  chunks.push_back(std::move(chunk));
  write(std::move(chunks));
}

void ChunkWriter::write(std::vector<IoBuffer> chunks) {
  std::erase_if(chunks, [](const IoBuffer& c) { return c.empty(); });
  if (chunks.empty() || error_) return;
  std::int64_t at = offset_;
  if (offset_ >= 0)
    for (const auto& c : chunks) offset_ += static_cast<std::int64_t>(c.size());
  requests_.write(fd_, std::move(chunks), at, [this](std::int64_t result, std::vector<IoBuffer> b) {
    on_write(result, std::move(b));
  });
}

void ChunkWriter::on_write(std::int64_t result, std::vector<IoBuffer> buffers) {
  if (result < 0 && !error_) {
    error_ = IoError::from(static_cast<int>(result), "write", path_);
    requests_.cancel();
  }
  if (error_) {
    if (requests_.in_flight() == 0) listener_.on_error(*this, error_);
    return;
  }
  written_ += static_cast<std::uint64_t>(result);
  for (auto& buffer : buffers) {
    if (stopped_) return;
    listener_.on_written(*this, std::move(buffer));
  }
}

}  // namespace sluice::detail
