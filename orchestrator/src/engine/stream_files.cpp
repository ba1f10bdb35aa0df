// Per-task stream files (see stream_files.hpp).
#include "engine/stream_files.hpp"

#include <fcntl.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace sluice::detail {

std::unique_ptr<FdOutput> StreamFiles::open_one(const StreamSpec& spec, const char* stream,
                                                int attempt, std::string& error) {
  if (spec.file.empty()) return nullptr;
  auto fail = [&](const std::string& why) {
    error = std::string("cannot open ") + stream + " file " + spec.file + ": " + why;
    return nullptr;
  };
  std::filesystem::path parent = std::filesystem::path(spec.file).parent_path();
  std::error_code ec;
  if (!parent.empty() && !std::filesystem::create_directories(parent, ec) && ec)
    return fail(ec.message());
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC;
  flags |= (spec.append || attempt > 1) ? O_APPEND : O_TRUNC;
  int fd = ::open(spec.file.c_str(), flags, 0666);
  if (fd < 0) return fail(std::strerror(errno));
  return std::make_unique<FdOutput>(fd, /*owns=*/true);
}

std::string StreamFiles::open(TaskId task, int attempt) {
  open_.erase(task);
  const StreamSpec& out = pipeline_.tasks[task].extras().stdout_spec;
  const StreamSpec& err = pipeline_.tasks[task].extras().stderr_spec;
  if (out.file.empty() && err.file.empty()) return {};
  std::string error;
  Files f;
  f.out = open_one(out, "stdout", attempt, error);
  // Both streams into one file: share the first descriptor so lines keep their order.
  if (error.empty() && !err.file.empty() && err.file != out.file)
    f.err = open_one(err, "stderr", attempt, error);
  if (error.empty()) open_[task] = std::move(f);
  return error;
}

void StreamFiles::write(TaskId task, StreamKind stream, std::string_view bytes) {
  auto it = open_.find(task);
  if (it == open_.end()) return;
  const Task& t = pipeline_.tasks[task];
  FdOutput* target = nullptr;
  if (stream == StreamKind::Stdout) {
    target = it->second.out.get();
  } else if (!t.extras().stderr_spec.file.empty()) {
    target = t.extras().stderr_spec.file == t.extras().stdout_spec.file ? it->second.out.get() : it->second.err.get();
  }
  if (target) target->write(bytes);
}

void StreamFiles::close(TaskId task) { open_.erase(task); }

}  // namespace sluice::detail
