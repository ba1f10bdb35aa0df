/// LineSplitter: turns the chunks of one byte stream into batches of whole
/// lines, with no allocation per line.
///
/// For each chunk it emits at most a few spans: the held partial line once
/// completed, then ONE span holding every complete line of the chunk (a view
/// into the chunk itself), and keeps the trailing partial line. A partial line
/// never grows past `line_cap`: it is cut and emitted with an added '\n'
/// (memory stays bounded whatever a child prints). finish() emits the final
/// partial line as is, without adding '\n'. Spans are valid only during the
/// callback. One stream, one owner, any single thread.
#pragma once

#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

namespace sluice::detail {

class LineSplitter {
 public:
  static constexpr std::size_t kDefaultLineCap = 64 * 1024;
  explicit LineSplitter(std::size_t line_cap = kDefaultLineCap) : cap_(line_cap ? line_cap : 1) {}

  /// `emit(std::string_view lines)`: one or more lines, each ending in '\n'.
  template <typename Emit>
  void feed(std::string_view chunk, Emit&& emit);
  /// End of stream: emits a held partial line (no '\n' added).
  template <typename Emit>
  void finish(Emit&& emit);
  std::size_t held() const { return partial_.size(); }

 private:
  template <typename Emit>
  void hold(std::string_view tail, Emit& emit);
  template <typename Emit>
  void end_line(Emit& emit);

  std::size_t cap_;
  std::string partial_;
  bool ended_by_cut_ = false;  ///< the last bytes held were cut off at the cap, none since
};

template <typename Emit>
void LineSplitter::feed(std::string_view chunk, Emit&& emit) {
  // A line of exactly k * cap bytes went out cut, its last piece ending in
  // the '\n' that stands for its own: that one, arriving now, is written.
  if (ended_by_cut_ && !chunk.empty() && chunk.front() == '\n') chunk.remove_prefix(1);
  ended_by_cut_ = false;
  if (chunk.empty()) return;
  if (!partial_.empty()) {
    std::size_t nl = chunk.find('\n');
    if (nl == std::string_view::npos) {
      hold(chunk, emit);
      return;
    }
    hold(chunk.substr(0, nl), emit);
    end_line(emit);
    chunk.remove_prefix(nl + 1);
  }
  // Only a line longer than the cap needs finding on its own: one memrchr
  // over the cap's width from a line's start proves every line ending in
  // that window short, so a flood of short lines costs a scan per window,
  // not a memchr call per line.
  std::size_t run = 0, pos = 0;
  while (pos < chunk.size()) {
    std::size_t left = chunk.size() - pos;
    std::size_t window = left < cap_ + 1 ? left : cap_ + 1;
    if (const void* nl = ::memrchr(chunk.data() + pos, '\n', window)) {
      pos = static_cast<std::size_t>(static_cast<const char*>(nl) - chunk.data()) + 1;
      continue;
    }
    if (left <= cap_) break;  // the trailing partial line, within the cap
    std::size_t nl = chunk.find('\n', pos + window);
    if (nl == std::string_view::npos) break;  // hold() cuts it
    if (pos > run) emit(chunk.substr(run, pos - run));
    hold(chunk.substr(pos, nl - pos), emit);
    end_line(emit);
    run = pos = nl + 1;
  }
  if (pos > run) emit(chunk.substr(run, pos - run));
  hold(chunk.substr(pos), emit);
}

template <typename Emit>
void LineSplitter::hold(std::string_view tail, Emit& emit) {
  while (!tail.empty()) {
    std::size_t room = cap_ - partial_.size();
    std::size_t take = tail.size() < room ? tail.size() : room;
    partial_.append(tail.data(), take);
    tail.remove_prefix(take);
    ended_by_cut_ = false;
    if (partial_.size() >= cap_) {
      partial_.push_back('\n');
      emit(std::string_view(partial_));
      partial_.clear();
      ended_by_cut_ = true;
    }
  }
}

template <typename Emit>
void LineSplitter::end_line(Emit& emit) {
  // Empty when the line was an exact multiple of the cap: its last piece
  // already ended with the '\n' that stands for the real one.
  ended_by_cut_ = false;
  if (partial_.empty()) return;
  partial_.push_back('\n');
  emit(std::string_view(partial_));
  partial_.clear();
}

template <typename Emit>
void LineSplitter::finish(Emit&& emit) {
  ended_by_cut_ = false;
  if (partial_.empty()) return;
  emit(std::string_view(partial_));
  partial_.clear();
}

}  // namespace sluice::detail
