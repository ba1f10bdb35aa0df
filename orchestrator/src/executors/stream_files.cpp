// One attempt's stream files (see stream_files.hpp).
#include "executors/stream_files.hpp"

#include <fcntl.h>

#include <cstring>
#include <filesystem>

#include "runtime/open_user_file.hpp"
#include "runtime/write_all.hpp"

namespace sluice::detail {

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
  f.fd = open_user_file(spec.file, flags, 0666, why);
  if (!f.fd.valid()) return fail(why);
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
  if (!f.fd.valid() || f.error != 0) return;
  f.error = write_all(f.fd.get(), bytes);
}

std::string StreamFiles::finish() {
  std::string error;
  for (File* f : {&out_, &err_}) {
    if (error.empty() && f->error != 0)
      error = "cannot write " + f->what + ": " + std::strerror(f->error);
    *f = File{};
  }
  return error;
}

}  // namespace sluice::detail
