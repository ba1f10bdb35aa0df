/// RunObserver: how an embedding program follows a run. Every event of the
/// run reaches on_event, in order, on the thread that called run_pipeline()
/// (the run's loop thread), with secret values already masked; string views
/// inside an event are valid during the call only (see events.hpp).
///
///     struct Counter : sluice::RunObserver {
///       void on_event(const sluice::Event& e) override { ++events; }
///       int events = 0;
///     };
///     Counter counter;
///     sluice::RunOptions options;
///     options.observers.push_back(&counter);
///
/// on_event must not block: the run's timers, signals and other outputs wait
/// meanwhile. An observer that hands events to a slower consumer (another
/// thread, a socket) says so with behind(): while it returns true the run
/// stops reading task output (the tasks then block on their full pipes), as
/// it does for a slow terminal. behind() is asked after each event and every
/// few milliseconds while the run waits for it, on the run's thread.
#pragma once

#include "sluice/events.hpp"

namespace sluice {

class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void on_event(const Event& event) = 0;
  /// True while the observer cannot keep up: task output is not read.
  virtual bool behind() const { return false; }
};

}  // namespace sluice
