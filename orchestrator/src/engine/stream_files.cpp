// Per-task stream files (see stream_files.hpp).
#include "engine/stream_files.hpp"

#include <fcntl.h>

#include <filesystem>

#include "runtime/open_user_file.hpp"

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
  UniqueFd fd = open_user_file(spec.file, flags, 0666, why);
  if (!fd.valid()) return fail(why);
  f.out = std::make_unique<FdOutput>(fd.release(), /*owns=*/true);
  return f;
}

std::string StreamFiles::open(TaskId task, int attempt) {
  open_.erase(task);
  const StreamSpec& out = pipeline_.tasks[task].extras().stdout_spec;
  const StreamSpec& err = pipeline_.tasks[task].extras().stderr_spec;
  if (out.file.empty() && err.file.empty()) return {};
  bool shared = !out.file.empty() && err.file == out.file;
  std::string error;
  Files f;
  // Both streams into one file: one descriptor, so lines keep their order.
  f.out = open_one(out, shared ? "stdout and stderr" : "stdout", attempt, error);
  if (error.empty() && !shared) f.err = open_one(err, "stderr", attempt, error);
  if (error.empty()) open_[task] = std::move(f);
  return error;
}

void StreamFiles::write(TaskId task, StreamKind stream, std::string_view bytes) {
  auto it = open_.find(task);
  if (it == open_.end()) return;
  const Task& t = pipeline_.tasks[task];
  FdOutput* target = nullptr;
  if (stream == StreamKind::Stdout) {
    target = it->second.out.out.get();
  } else if (!t.extras().stderr_spec.file.empty()) {
    target = t.extras().stderr_spec.file == t.extras().stdout_spec.file ? it->second.out.out.get()
                                                                        : it->second.err.out.get();
  }
  if (target) target->write(bytes);
}

std::string StreamFiles::finish(TaskId task) {
  auto it = open_.find(task);
  if (it == open_.end()) return {};
  std::string error;
  for (const File* f : {&it->second.out, &it->second.err}) {
    if (error.empty() && f->out && f->out->error())
      error = "cannot write " + f->what + ": " + f->out->error().message();
  }
  open_.erase(it);
  return error;
}

}  // namespace sluice::detail
