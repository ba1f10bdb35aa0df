#include "sinks/hold_back.hpp"

#include <algorithm>

#include "sinks/spool.hpp"

namespace sluice::detail {

HoldBack::HoldBack(std::size_t memory_limit, std::string dir, std::size_t chunk)
    : memory_limit_(memory_limit), dir_(std::move(dir)), chunk_(std::max<std::size_t>(chunk, 1)) {}

HoldBack::~HoldBack() = default;

HoldBack::Pending HoldBack::open_spool() const {
  return Pending{{}, std::make_unique<Spool>(memory_limit_, dir_), true};
}

bool HoldBack::hold(TaskId task) {
  if (std::find(holders_.begin(), holders_.end(), task) != holders_.end()) return false;
  holders_.push_back(task);
  if (holders_.size() > 1) return false;
  // Everything written from now on queues here, behind what already waits.
  queue_.push_back(open_spool());
  return true;
}

bool HoldBack::release(TaskId task) {
  auto it = std::find(holders_.begin(), holders_.end(), task);
  if (it == holders_.end()) return false;
  holders_.erase(it);
  if (!holders_.empty()) return false;
  for (auto& p : queue_) p.open = false;
  return true;
}

void HoldBack::release_all() {
  holders_.clear();
  for (auto& p : queue_) p.open = false;
}

void HoldBack::defer(std::string_view bytes) {
  if (holding()) {
    if (!queue_.back().open) queue_.push_back(open_spool());
    if (queue_.back().spool->append(bytes)) return;
    // No spool (disk full): keep it in memory rather than lose it.
  }
  queue_.push_back(Pending{std::string(bytes), nullptr});
}

void HoldBack::queue(std::string text) { queue_.push_back(Pending{std::move(text), nullptr}); }

void HoldBack::queue(std::unique_ptr<Spool> spool) { queue_.push_back(Pending{{}, std::move(spool)}); }

void HoldBack::next(ByteBuffer& out) {
  if (queue_.empty()) return;
  Pending& p = queue_.front();
  bool done = true;
  if (p.spool) {
    done = !p.spool->read_chunk(out, chunk_);
  } else {
    out.append(p.text);
  }
  if (done) queue_.pop_front();
}

std::size_t HoldBack::memory_bytes() const {
  std::size_t n = 0;
  for (const auto& p : queue_)
    if (p.spool) n += p.spool->memory_bytes();
  return n;
}

}  // namespace sluice::detail
