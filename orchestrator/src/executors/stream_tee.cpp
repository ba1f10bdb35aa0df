// StreamTee (see stream_tee.hpp).
#include "executors/stream_tee.hpp"

namespace sluice::detail {

StreamTee::StreamTee(Loop& loop, std::vector<UniqueFd> ends,
                     std::function<void(bool)> set_blocked, std::function<void()> on_all_gone)
    : sweep_timer_(loop), set_blocked_(std::move(set_blocked)), on_all_gone_(std::move(on_all_gone)) {
  consumers_.resize(ends.size());
  for (std::size_t i = 0; i < ends.size(); ++i) {
    Consumer& c = consumers_[i];
    c.fd = std::move(ends[i]);
    // High water 1: any byte a pipe did not take pauses the producer, so
    // what waits here is at most one read chunk per consumer.
    c.writer = std::make_unique<FdWriter>(loop, c.fd.get(), 1);
    c.writer->set_on_drained([this] { update(); });
    // EPIPE: the consumer left; update() (after the write) counts it out.
  }
}

void StreamTee::write(std::string_view chunk) {
  for (Consumer& c : consumers_)
    if (alive(c)) c.writer->write(chunk);
  update();
}

void StreamTee::update() {
  bool blocked = false, any = false, settled = false;
  for (const Consumer& c : consumers_) {
    if (!c.writer) continue;
    if (alive(c)) any = true;
    if (alive(c) && c.writer->queued() > 0) blocked = true;
    else settled = true;
  }
  if (blocked != blocked_) {
    blocked_ = blocked;
    if (set_blocked_) set_blocked_(blocked);
  }
  if (closing_) {
    if (settled && !sweep_timer_.active())
      sweep_timer_.start(std::chrono::milliseconds(0), [this] { sweep(); });
  } else if (!any && !gone_reported_) {
    gone_reported_ = true;
    if (on_all_gone_) on_all_gone_();
  }
}

void StreamTee::sweep() {
  bool left = false;
  for (Consumer& c : consumers_) {
    if (!c.writer) continue;
    if (alive(c) && c.writer->queued() > 0) {
      left = true;
      continue;
    }
    c.writer.reset();
    c.fd.reset();
  }
  if (left || !on_done_) return;
  auto done = std::move(on_done_);
  on_done_ = nullptr;
  done();
}

void StreamTee::close(std::function<void()> on_done) {
  closing_ = true;
  on_done_ = std::move(on_done);
  sweep();
}

void StreamTee::abandon() {
  closing_ = true;
  on_done_ = nullptr;
  set_blocked_ = nullptr;
  for (Consumer& c : consumers_) {
    if (c.writer) c.writer->abandon();
    c.writer.reset();
    c.fd.reset();
  }
  sweep_timer_.stop();
}

}  // namespace sluice::detail
