// Per-task stream files (see stream_files.hpp).
#include "engine/stream_files.hpp"

#include <fcntl.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace sluice::detail {

std::unique_ptr<FdOutput> StreamFiles::open_one(const StreamSpec& spec, int attempt,
                                                std::string& error) {
  if (spec.file.empty()) return nullptr;
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(spec.file).parent_path(), ec);
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC;
  flags |= (spec.append || attempt > 1) ? O_APPEND : O_TRUNC;
  int fd = ::open(spec.file.c_str(), flags, 0666);
  if (fd < 0) {
    error = "cannot open " + spec.file + ": " + std::strerror(errno);
    return nullptr;
  }
  return std::make_unique<FdOutput>(fd, /*owns=*/true);
}

std::string StreamFiles::open(TaskId task, int attempt) {
  const Task& t = pipeline_.tasks[task];
  if (t.extras().stdout_spec.file.empty() && t.extras().stderr_spec.file.empty()) return {};
  std::string error;
  Files f;
  f.out = open_one(t.extras().stdout_spec, attempt, error);
  // Both streams into one file: share the first descriptor so lines keep their order.
  if (!t.extras().stderr_spec.file.empty() && t.extras().stderr_spec.file != t.extras().stdout_spec.file) {
    f.err = open_one(t.extras().stderr_spec, attempt, error);
  }
  open_[task] = std::move(f);
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
