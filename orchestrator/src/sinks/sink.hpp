/// Sink: something that listens to a run's events (console, JSON lines,
/// the embedder's observers; later logs, report, trace, web page). Sinks
/// never steer the run; their one signal back is flow control: while
/// backlogged() is true the engine stops reading the task pipes, so a slow
/// reader slows the tasks instead of filling memory or blocking the loop.
/// Every sink writes through a non-blocking writer (or says it is behind).
///
/// The engine feeds one chain: MaskingSink (secrets become ***) in front of
/// a SinkFanOut holding every sink of the run. All calls come from the
/// loop thread.
#pragma once

#include <memory>
#include <vector>

#include "sluice/events.hpp"

namespace sluice::detail {

class Sink {
 public:
  virtual ~Sink() = default;
  virtual void on_event(const Event& event) = 0;
  /// True = stop reading task pipes until it turns false again.
  virtual bool backlogged() const { return false; }
  /// The output drained (or time passed): continue deferred work, such as
  /// replaying a grouped block in chunks. The engine calls it when a
  /// writer of the run falls below its low-water mark.
  virtual void pump() {}
  /// The run is over: flush and release what the sink holds.
  virtual void close() {}
};

/// Sends every event to each sink in the order they were added; backlogged
/// while any of them is.
class SinkFanOut final : public Sink {
 public:
  void add(std::unique_ptr<Sink> sink);
  /// Adds a sink that the caller owns and keeps alive longer than this.
  void add_unowned(Sink& sink);
  /// Takes `sink` out (an output that failed); an owned one is destroyed.
  void remove(const Sink& sink);
  bool empty() const { return sinks_.empty(); }

  void on_event(const Event& event) override;
  bool backlogged() const override;
  void pump() override;
  void close() override;

 private:
  std::vector<Sink*> sinks_;
  std::vector<std::unique_ptr<Sink>> owned_;
};

}  // namespace sluice::detail
