// Secret values masked before any sink sees them (see masking_sink.hpp).
#include "sinks/masking_sink.hpp"

namespace sluice::detail {

void MaskingSink::on_event(const Event& event) {
  if (masker_.empty()) {
    next_.on_event(event);
    return;
  }
  if (const auto* o = std::get_if<TaskOutput>(&event)) {
    TaskOutput m = *o;
    m.lines = masker_.mask(o->lines);  // a view of the lines when nothing matched
    next_.on_event(m);
  } else if (const auto* f = std::get_if<TaskFinished>(&event); f && !f->error.empty()) {
    TaskFinished m = *f;
    m.error = masker_.masked(m.error);
    next_.on_event(m);
  } else if (const auto* r = std::get_if<TaskRetrying>(&event)) {
    TaskRetrying m = *r;
    m.reason = masker_.masked(m.reason);
    next_.on_event(m);
  } else {
    next_.on_event(event);
  }
}

}  // namespace sluice::detail
