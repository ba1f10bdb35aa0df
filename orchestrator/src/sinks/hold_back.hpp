/// HoldBack: console output that must wait, in order, and the terminal's
/// one holder. Output waits for two reasons:
/// - an `interactive` task has the terminal (like ninja's console pool):
///   nothing else may write until its attempt ends, and what comes
///   meanwhile goes to spools (memory up to a limit each, then a temporary
///   file) so the other tasks keep running;
/// - a grouped block is replayed in chunks while the output takes them, and
///   what comes after it waits its turn.
/// Owned by the ConsoleWriter, which decides when to write what waits;
/// loop thread only.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sinks/byte_buffer.hpp"
#include "sluice/pipeline.hpp"

namespace sluice::detail {

class Spool;

class HoldBack {
 public:
  /// `memory_limit`: bytes of each spool kept in memory; `dir`: where the
  /// spools' files go ("" = $TMPDIR or /tmp); `chunk`: bytes per replay step.
  HoldBack(std::size_t memory_limit, std::string dir, std::size_t chunk);
  ~HoldBack();
  HoldBack(const HoldBack&) = delete;
  HoldBack& operator=(const HoldBack&) = delete;

  /// Something waits: later output must queue behind it.
  bool active() const { return !queue_.empty(); }
  /// An interactive task has the terminal.
  bool holding() const { return !holders_.empty(); }
  /// `task` takes the terminal; true when it is the first to hold it.
  bool hold(TaskId task);
  /// `task`'s attempt is over; true when that leaves nobody holding it.
  bool release(TaskId task);
  /// Nobody holds the terminal any more (the run is torn down).
  void release_all();

  /// Queues `bytes` behind what waits (into a spool while held).
  void defer(std::string_view bytes);
  /// Queues text, or a block to replay from a spool, behind what waits.
  void queue(std::string text);
  void queue(std::unique_ptr<Spool> spool);
  /// Moves the next piece of what waits (a text whole, or a spool's next
  /// chunk) to `out`, dropping what is done. Not while held.
  void next(ByteBuffer& out);

  /// Bytes held in memory by the spools.
  std::size_t memory_bytes() const;

 private:
  /// A text, or a spool; an open spool still takes what a holder holds back.
  struct Pending {
    std::string text;
    std::unique_ptr<Spool> spool;
    bool open = false;
  };
  Pending open_spool() const;

  std::size_t memory_limit_;
  std::string dir_;
  std::size_t chunk_;
  std::deque<Pending> queue_;
  std::vector<TaskId> holders_;
};

}  // namespace sluice::detail
