// One attempt's stream files (see stream_files.hpp).
#include "executors/stream_files.hpp"

#include <fcntl.h>

#include <cstring>
#include <filesystem>

#include "runtime/open_user_file.hpp"

namespace sluice::detail {

StreamFiles::StreamFiles(Loop& loop, OnFull on_full)
    : loop_(loop), on_full_(std::move(on_full)), defer_(loop) {}

StreamFiles::File StreamFiles::open_one(const StreamSpec& spec, const char* stream, int attempt,
                                        std::string& error) {
  File f;
  if (spec.file.empty()) return f;
  f.what = std::string(stream) + " file " + spec.file;
  auto fail = [&](const std::string& why) {
    error = "cannot open " + f.what + ": " + why;
    return File{};
  };
  std::filesystem::path parent = std::filesystem::path(spec.file).parent_path();
  std::error_code ec;
  if (!parent.empty() && !std::filesystem::create_directories(parent, ec) && ec)
    return fail(ec.message());
  int flags = O_WRONLY | O_CREAT;
  flags |= (spec.append || attempt > 1) ? O_APPEND : O_TRUNC;
  std::string why;
  UniqueFd fd = open_user_file(spec.file, flags, 0666, why);
  if (!fd.valid()) return fail(why);
  // At the file's position (offset -1): an O_APPEND file or a device.
  f.writer = std::make_unique<ChunkWriter>(loop_, std::make_shared<const UniqueFd>(std::move(fd)),
                                           spec.file, -1, 1, *this);
  return f;
}

std::string StreamFiles::open(const Task& task, int attempt) {
  const StreamSpec& out = task.extras().stdout_spec;
  const StreamSpec& err = task.extras().stderr_spec;
  if (out.file.empty() && err.file.empty()) return {};
  shared_ = !out.file.empty() && err.file == out.file;
  std::string error;
  out_ = open_one(out, shared_ ? "stdout and stderr" : "stdout", attempt, error);
  if (error.empty() && !shared_) err_ = open_one(err, "stderr", attempt, error);
  if (!error.empty()) {
    out_ = File{};
    err_ = File{};
  }
  return error;
}

void StreamFiles::write(StreamKind stream, std::string_view bytes) {
  write_to(stream == StreamKind::Stdout || shared_ ? out_ : err_, bytes);
}

void StreamFiles::write_to(File& f, std::string_view bytes) {
  if (!f.writer || !f.error.empty() || bytes.empty()) return;
  f.pending.append(bytes);
  flush(f);
  settle();
}

void StreamFiles::flush(File& f) {
  if (!f.writer || !f.writer->idle() || f.pending.empty() || !f.error.empty()) return;
  IoBuffer chunk(f.pending.size());
  std::memcpy(chunk.data(), f.pending.data(), f.pending.size());
  chunk.resize(f.pending.size());
  f.pending.clear();
  f.writer->write(std::move(chunk));
}

StreamFiles::File& StreamFiles::file_of(ChunkWriter& writer) {
  return out_.writer.get() == &writer ? out_ : err_;
}

void StreamFiles::on_written(ChunkWriter& writer, IoBuffer /*buffer*/) {
  flush(file_of(writer));
  settle();
}

void StreamFiles::on_error(ChunkWriter& writer, IoError error) {
  File& f = file_of(writer);
  f.error = "cannot write " + f.what + ": " + error.code.message();
  f.pending.clear();
  settle();
}

bool StreamFiles::idle() const {
  for (const File* f : {&out_, &err_})
    if (f->writer && f->error.empty() && (!f->writer->idle() || !f->pending.empty())) return false;
  return true;
}

void StreamFiles::settle() {
  bool full = out_.pending.size() > kMaxPending || err_.pending.size() > kMaxPending;
  if (full != full_) {
    full_ = full;
    if (on_full_) on_full_(full);
  }
  if (!done_ || !idle()) return;
  std::string error = !out_.error.empty() ? out_.error : err_.error;
  out_ = File{};
  err_ = File{};
  auto done = std::move(done_);
  done_ = nullptr;
  done(std::move(error));
}

void StreamFiles::finish(std::function<void(std::string error)> done) {
  // Always on a later loop turn: a write in flight completes on one, and
  // with none the defer makes one.
  done_ = std::move(done);
  if (idle()) defer_.start(std::chrono::milliseconds(0), [this] { settle(); });
}

}  // namespace sluice::detail
