#include "sinks/sink.hpp"

#include <algorithm>

namespace sluice::detail {

void SinkFanOut::add(std::unique_ptr<Sink> sink) {
  sinks_.push_back(sink.get());
  owned_.push_back(std::move(sink));
}

void SinkFanOut::add_unowned(Sink& sink) { sinks_.push_back(&sink); }

void SinkFanOut::remove(const Sink& sink) {
  std::erase(sinks_, &sink);
  std::erase_if(owned_, [&](const std::unique_ptr<Sink>& s) { return s.get() == &sink; });
}

void SinkFanOut::on_event(const Event& event) {
  for (Sink* s : sinks_) s->on_event(event);
}

bool SinkFanOut::backlogged() const {
  return std::any_of(sinks_.begin(), sinks_.end(), [](const Sink* s) { return s->backlogged(); });
}

void SinkFanOut::pump() {
  for (Sink* s : sinks_) s->pump();
}

void SinkFanOut::close() {
  for (Sink* s : sinks_) s->close();
}

}  // namespace sluice::detail
