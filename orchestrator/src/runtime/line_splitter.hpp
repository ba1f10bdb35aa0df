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
};

template <typename Emit>
void LineSplitter::feed(std::string_view chunk, Emit&& emit) {
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
  // One memchr per line (cheap next to the copy the kernel did); the run of
  // lines within the cap goes out as one span.
  std::size_t run = 0, pos = 0;
  for (;;) {
    std::size_t nl = chunk.find('\n', pos);
    if (nl == std::string_view::npos) break;
    if (nl - pos > cap_) {
      if (pos > run) emit(chunk.substr(run, pos - run));
      hold(chunk.substr(pos, nl - pos), emit);
      end_line(emit);
      run = nl + 1;
    }
    pos = nl + 1;
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
    if (partial_.size() >= cap_) {
      partial_.push_back('\n');
      emit(std::string_view(partial_));
      partial_.clear();
    }
  }
}

template <typename Emit>
void LineSplitter::end_line(Emit& emit) {
  // Empty when the line was an exact multiple of the cap: its last piece
  // already ended with the '\n' that stands for the real one.
  if (partial_.empty()) return;
  partial_.push_back('\n');
  emit(std::string_view(partial_));
  partial_.clear();
}

template <typename Emit>
void LineSplitter::finish(Emit&& emit) {
  if (partial_.empty()) return;
  emit(std::string_view(partial_));
  partial_.clear();
}

}  // namespace sluice::detail
