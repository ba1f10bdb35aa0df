#include "sinks/sink.hpp"

namespace sluice::detail {

void SinkFanOut::add(std::unique_ptr<Sink> sink) {
  sinks_.push_back(sink.get());
  owned_.push_back(std::move(sink));
}

void SinkFanOut::add_unowned(Sink& sink) { sinks_.push_back(&sink); }

void SinkFanOut::on_event(const Event& event) {
  for (Sink* s : sinks_) s->on_event(event);
}

bool SinkFanOut::backlogged() const {
  for (const Sink* s : sinks_)
    if (s->backlogged()) return true;
  return false;
}

void SinkFanOut::resume() {
  for (Sink* s : sinks_) s->resume();
}

void SinkFanOut::close() {
  for (Sink* s : sinks_) s->close();
}

}  // namespace sluice::detail
