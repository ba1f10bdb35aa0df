/// DeclaredOutputs: a task's `outputs` as they were when an attempt started,
/// so a failed, timed-out or cancelled attempt removes exactly those it
/// changed (make's .DELETE_ON_ERROR) and last run's good file survives an
/// attempt that never touched it. Also creates their parent directories and
/// names the first missing one after a success. Loop thread (plain file ops).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sluice::detail {

class DeclaredOutputs {
 public:
  explicit DeclaredOutputs(const std::vector<std::string>& paths);
  /// Creates missing parent directories; returns an error message or "".
  std::string create_parents() const;
  /// The first output that does not exist, if any.
  std::optional<std::string> first_missing() const;
  /// Removes outputs that exist and differ (inode, size or mtime) from the
  /// snapshot taken at construction.
  void remove_changed() const;

 private:
  struct Stamp {
    bool exists = false;
    std::uint64_t inode = 0;
    std::int64_t size = 0;
    std::int64_t mtime_ns = 0;
    bool operator==(const Stamp&) const = default;
  };
  static Stamp stamp(const std::string& path);

  std::vector<std::string> paths_;
  std::vector<Stamp> before_;
};

}  // namespace sluice::detail
