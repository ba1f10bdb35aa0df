/// MaskingSink: the one place where secret values become `***` on their way
/// out. It stands in front of every other sink (the engine's fan-out), so the
/// console, the event stream and the embedder's observers see the same
/// masked text: a task's output lines, and the error texts and retry reasons
/// that can quote a command line. A task's own `stdout: {file}` copies are
/// its data and never pass through here. Everything else is forwarded as it
/// is, flow control included. Loop thread only.
#pragma once

#include <string>
#include <vector>

#include "sinks/secret_masker.hpp"
#include "sinks/sink.hpp"

namespace sluice::detail {

class MaskingSink final : public Sink {
 public:
  /// `next` outlives this sink; empty `secrets` forward every event as is.
  MaskingSink(std::vector<std::string> secrets, Sink& next)
      : masker_(std::move(secrets)), next_(next) {}

  void on_event(const Event& event) override;
  bool backlogged() const override { return next_.backlogged(); }
  void pump() override { next_.pump(); }
  void close() override { next_.close(); }

 private:
  SecretMasker masker_;
  Sink& next_;
};

}  // namespace sluice::detail
