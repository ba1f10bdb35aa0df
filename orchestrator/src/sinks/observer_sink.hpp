/// ObserverSink: an embedder's RunObserver (sluice/observer.hpp) as one of
/// the run's sinks: it gets every event, and its behind() is the sink's
/// flow control. The observer is the embedder's and outlives the run.
/// Loop thread only.
#pragma once

#include "sinks/sink.hpp"
#include "sluice/observer.hpp"

namespace sluice::detail {

class ObserverSink final : public Sink {
 public:
  explicit ObserverSink(RunObserver& observer) : observer_(observer) {}
  void on_event(const Event& event) override { observer_.on_event(event); }
  bool backlogged() const override { return observer_.behind(); }

 private:
  RunObserver& observer_;
};

}  // namespace sluice::detail
