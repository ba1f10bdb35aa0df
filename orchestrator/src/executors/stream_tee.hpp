/// StreamTee: relays a producer's stdout, read by sluice, to the stdin
/// pipes of its consumers (the stream edges sluice must watch: several
/// consumers, or a producer whose stdout also goes to the console or a
/// file). Writes never block the loop (FdWriter); backpressure: while any
/// consumer has bytes pending, the producer is not read (`set_blocked(true)`),
/// so sluice holds at most one read chunk per consumer and a slow consumer
/// slows the producer instead of growing a buffer. A consumer that is gone
/// (EPIPE) is dropped; when none is left, `on_all_gone` runs (the owner
/// then stops reading the producer unless someone else watches it, so the
/// producer gets SIGPIPE). Both callbacks may run inside write(): defer
/// anything that would re-enter the reader. Owned by the producer's
/// ProcessTask; loop thread only.
#pragma once

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "runtime/fd_writer.hpp"
#include "runtime/loop.hpp"
#include "runtime/timer.hpp"
#include "runtime/unique_fd.hpp"

namespace sluice::detail {

class StreamTee {
 public:
  StreamTee(Loop& loop, std::vector<UniqueFd> ends, std::function<void(bool blocked)> set_blocked,
            std::function<void()> on_all_gone);
  StreamTee(const StreamTee&) = delete;
  StreamTee& operator=(const StreamTee&) = delete;

  /// To every consumer still there.
  void write(std::string_view chunk);
  /// The producer's stdout ended: each pipe closes once its bytes are
  /// written; `on_done` runs when all are (maybe at once, inside close()).
  void close(std::function<void()> on_done);
  /// Drops what is pending and closes every pipe now (the producer was
  /// stopped by sluice).
  void abandon();

 private:
  struct Consumer {
    UniqueFd fd;
    std::unique_ptr<FdWriter> writer;
  };
  /// Whether consumer c still takes bytes.
  static bool alive(const Consumer& c) { return c.writer && c.writer->error() == 0; }
  void update();
  /// While closing: closes the pipes whose bytes are all written (their
  /// readers see EOF), then reports done when none is left. Never inside a
  /// writer's callback (a writer must not be destroyed there).
  void sweep();

  std::vector<Consumer> consumers_;  ///< closed ones keep their place, empty
  Timer sweep_timer_;
  std::function<void(bool)> set_blocked_;
  std::function<void()> on_all_gone_;
  std::function<void()> on_done_;
  bool blocked_ = false;
  bool closing_ = false;
  bool gone_reported_ = false;
};

}  // namespace sluice::detail
