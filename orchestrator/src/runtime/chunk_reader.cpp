#include "runtime/chunk_reader.hpp"

#include <algorithm>

namespace sluice::detail {

ChunkReader::ChunkReader(Loop& loop, SharedFd fd, std::string path, std::int64_t size_hint,
                         std::size_t chunk, unsigned depth, Listener& listener)
    : requests_(loop),
      fd_(std::move(fd)),
      path_(std::move(path)),
      chunk_(std::max<std::size_t>(chunk, 1)),
      depth_(std::max(depth, 1u)),
      group_(std::clamp<std::size_t>(kTripBytes / chunk_, 1, std::max(depth_ / 2, 1u))),
      listener_(listener),
      limit_(std::max<std::int64_t>(size_hint, 0)) {}

void ChunkReader::pump() {
  while (!stopped_ && !at_end_ && !error_ && out_ < depth_ && next_issue_ <= limit_) {
    // One read fills up to a group: as many chunks as are free and as the
    // file may hold (plus one, which sees the end or more).
    auto expected =
        static_cast<std::size_t>((limit_ - next_issue_) / static_cast<std::int64_t>(chunk_)) + 1;
    std::size_t n = std::min({group_, static_cast<std::size_t>(depth_ - out_), expected});
    // Buffers come back one by one: while a read is in flight, wait until a
    // whole group is free rather than send a trip per buffer.
    if (n < std::min(group_, expected) && requests_.in_flight() != 0) return;
    std::vector<IoBuffer> buffers;
    for (std::size_t i = 0; i < n; ++i) {
      if (free_.empty()) {
        buffers.emplace_back(chunk_);
      } else {
        buffers.push_back(std::move(free_.back()));
        free_.pop_back();
      }
    }
    out_ += static_cast<unsigned>(n);
    std::int64_t offset = next_issue_;
    next_issue_ += static_cast<std::int64_t>(n * chunk_);
    requests_.read(fd_, std::move(buffers), offset,
                   [this, offset](std::int64_t result, std::vector<IoBuffer> b) {
                     on_read(offset, result, std::move(b));
                   });
  }
}

void ChunkReader::recycle(IoBuffer buffer) {
  drop(std::move(buffer));
  pump();
}

void ChunkReader::recycle(std::vector<IoBuffer>& buffers) {
  for (auto& buffer : buffers) drop(std::move(buffer));
  buffers.clear();
  pump();
}

void ChunkReader::drop(IoBuffer buffer) {
  --out_;
  if (buffer.capacity() == chunk_) free_.push_back(std::move(buffer));
}

void ChunkReader::stop() {
  stopped_ = true;
  requests_.forget();
}

void ChunkReader::on_read(std::int64_t offset, std::int64_t result, std::vector<IoBuffer> buffers) {
  if (at_end_ || error_ || result < 0) {
    if (result < 0 && !at_end_ && !error_) {
      error_ = IoError::from(static_cast<int>(result), "read", path_);
      requests_.cancel();
    }
    for (auto& b : buffers) drop(std::move(b));  // past the end, or after a failure
  } else {
    if (static_cast<std::size_t>(result) == buffers.size() * chunk_)
      limit_ = std::max(limit_, offset + result);  // all full: the file may go on
    for (auto& b : buffers) {
      auto n = static_cast<std::int64_t>(b.size());
      waiting_.push_back({offset, n, std::move(b)});
      offset += static_cast<std::int64_t>(chunk_);
    }
    deliver();
    if (stopped_) return;
    pump();
  }
  settle();
}

void ChunkReader::deliver() {
  for (;;) {
    auto it = std::find_if(waiting_.begin(), waiting_.end(),
                           [&](const Done& d) { return d.offset == next_deliver_; });
    if (it == waiting_.end() || at_end_) break;
    Done done = std::move(*it);
    waiting_.erase(it);
    auto n = static_cast<std::size_t>(done.result);
    if (n < chunk_) at_end_ = true;
    if (n == 0) {
      drop(std::move(done.buffer));
      break;
    }
    next_deliver_ += done.result;
    bytes_ += n;
    listener_.on_chunk(*this, std::move(done.buffer));
    if (stopped_) return;
  }
  if (at_end_) {
    for (auto& d : waiting_) drop(std::move(d.buffer));
    waiting_.clear();
  }
}

void ChunkReader::settle() {
  if (stopped_ || reported_ || requests_.in_flight() != 0) return;
  if (error_) {
    reported_ = true;
    listener_.on_error(*this, error_);
  } else if (at_end_) {
    reported_ = true;
    listener_.on_end(*this);
  }
}

}  // namespace sluice::detail
