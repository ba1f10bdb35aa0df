/// ConsoleWriter: the one path from the console's parts to its ByteOutput.
/// What one event shows is a frame, written in one write with the status
/// line cleared before it and redrawn after it (on a TTY, and only at the
/// start of a line, so the status line never lands inside output), or
/// queued in the HoldBack while something waits there: an interactive
/// task's turn at the terminal, or a grouped block still being replayed.
///
/// Owned by the ConsoleSink; the formatters write through it. Loop thread
/// only.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "sinks/byte_buffer.hpp"
#include "sinks/byte_output.hpp"
#include "sinks/hold_back.hpp"
#include "sinks/status_line.hpp"

namespace sluice::detail {

class ConsoleWriter {
 public:
  struct Options {
    bool status_line = true;  ///< drawn on a TTY while the run lasts
    bool color = false;       ///< sluice's own lines in colour
    std::size_t spool_memory_limit = 64 * 1024;
    std::string spool_dir;
    std::size_t replay_chunk = 64 * 1024;
  };
  /// `status_text(limit)`: what the status line says now, in at most
  /// `limit` columns where it can.
  ConsoleWriter(ByteOutput& out, Options options, std::function<std::string(std::size_t limit)> status_text);

  bool tty() const { return tty_; }
  bool color() const { return options_.color; }
  bool closed() const { return closed_; }
  /// The last byte shown (or queued) ended a line.
  bool at_line_start() const { return at_line_start_; }
  /// Frames written or queued so far: an event that left it unchanged wrote
  /// nothing (and its status line may be stale).
  std::size_t writes() const { return writes_; }

  /// Starts a frame: its body goes into the returned buffer until end().
  ByteBuffer& begin();
  /// Writes the frame, or queues its body behind what waits.
  void end();
  /// An empty frame: brings the status line up to date.
  void refresh();
  /// Writes `bytes` as they are when nothing needs to go around them (no
  /// status line, nothing waiting); false when they need a frame.
  bool write_direct(std::string_view bytes);
  /// A `[sluice] ` line, in the colour `sgr` when colour is on.
  void message(std::string_view text, const char* sgr = nullptr);
  /// Queues `header` and then `spool`'s bytes (which end a line) behind
  /// what waits, and writes what the output takes.
  void replay(std::string header, std::unique_ptr<Spool> spool);

  /// The status line is wanted: between the run's start and its end.
  void show_status(bool on) { status_on_ = on; }
  /// The status line could be drawn right now, in place.
  bool status_drawable() const;
  /// Redraws the status line in place (a new elapsed time).
  void tick();
  /// Takes the status line off the terminal (the next frame brings it back).
  void clear_status();

  /// Interactive task `task` has the terminal: the status line goes and
  /// everything else is held back until release_terminal(task).
  void take_terminal(TaskId task);
  void release_terminal(TaskId task);

  /// The output is backlogged, or something waits that it could take.
  bool backlogged() const;
  /// Writes what waits while the output takes it.
  void pump();
  /// Writes everything still waiting, backlogged or not, and clears the
  /// status line. Nothing is written after it.
  void close();

  /// Bytes of held output in memory.
  std::size_t held_memory_bytes() const { return hold_.memory_bytes(); }

 private:
  bool status_enabled() const;
  void write(const ByteBuffer& bytes);

  ByteOutput& out_;
  Options options_;
  std::function<std::string(std::size_t)> status_text_;
  bool tty_;
  StatusLine status_;
  HoldBack hold_;
  ByteBuffer frame_;
  std::size_t body_start_ = 0;
  std::size_t writes_ = 0;
  bool at_line_start_ = true;
  bool status_on_ = false;
  bool closed_ = false;
};

}  // namespace sluice::detail
