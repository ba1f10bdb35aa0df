/// StreamFiles: one attempt's `stdout: {file: ...}` / `stderr: {file: ...}`
/// copies. Such a file is the task's own data, so it gets the raw lines,
/// unmasked; it is truncated when the task's first attempt starts (unless
/// `append`), and later attempts append. Both streams into one file share
/// one descriptor, so lines keep their order. Opened without ever blocking
/// the loop (runtime/open_user_file.hpp: a FIFO is refused).
///
/// Written with chunked async writes (runtime/chunk_writer.hpp on libuv's
/// fs threads), one write in flight per file: what arrives meanwhile is
/// gathered into the next write, so a slow disk gets bigger writes, not
/// more of them. Past kMaxPending bytes waiting, on_full(true) asks the
/// owner to stop reading the task's output until on_full(false): memory
/// stays bounded and a slow disk slows the task, as a pipe would. A write
/// error (a full disk, /dev/full) drops that file's later bytes and is
/// handed to finish()'s callback, which fails the attempt: the task must
/// not succeed with a truncated file. Owned by the attempt (ProcessTask);
/// loop thread only.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/chunk_writer.hpp"
#include "runtime/timer.hpp"
#include "sluice/events.hpp"
#include "sluice/pipeline.hpp"

namespace sluice::detail {

class StreamFiles final : public ChunkWriter::Listener {
 public:
  /// Bytes a file may have waiting for the disk before reading stops.
  static constexpr std::size_t kMaxPending = 256 * 1024;

  using OnFull = std::function<void(bool full)>;
  StreamFiles(Loop& loop, OnFull on_full);
  StreamFiles(const StreamFiles&) = delete;
  StreamFiles& operator=(const StreamFiles&) = delete;

  /// Opens the task's files for this attempt (before its spawn); returns an
  /// error message naming the stream, the file and the reason, or "".
  std::string open(const Task& task, int attempt);
  void write(StreamKind stream, std::string_view bytes);
  /// The attempt's output is complete: once every byte is on its file (or
  /// a write failed), closes the files and calls `done` with the first
  /// write error ("cannot write stdout file /dev/full: No space left on
  /// device") or "". Later, never from inside finish().
  void finish(std::function<void(std::string error)> done);

 private:
  struct File {
    std::unique_ptr<ChunkWriter> writer;
    std::string what;     ///< "stdout file out.log", "stdout and stderr file all.log"
    std::string pending;  ///< bytes waiting for the write in flight to end
    std::string error;    ///< the first write error; later bytes are dropped
  };
  File open_one(const StreamSpec& spec, const char* stream, int attempt, std::string& error);
  void write_to(File& f, std::string_view bytes);
  /// Starts the next write of `f` when none is in flight.
  void flush(File& f);
  File& file_of(ChunkWriter& writer);
  void on_written(ChunkWriter& writer, IoBuffer buffer) override;
  void on_error(ChunkWriter& writer, IoError error) override;
  /// Tells the owner when the waiting bytes cross kMaxPending, and ends
  /// finish() once every write is done.
  void settle();
  bool idle() const;

  Loop& loop_;
  OnFull on_full_;
  File out_, err_;
  bool shared_ = false;  ///< stderr goes to out_ (the same file)
  bool full_ = false;
  std::function<void(std::string)> done_;
  Timer defer_;
};

}  // namespace sluice::detail
