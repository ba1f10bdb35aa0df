/// FdOutput: a blocking ByteOutput over a file descriptor (the CLI's stdout
/// or stderr, a `--events` file). Each write() is a write(2) loop that
/// retries EINTR and waits with poll() on EAGAIN (a non-blocking fd shared
/// with a parent), so one call puts all its bytes out or records the error.
/// Never backlogged: it blocks instead. The first error is reported through
/// on_error (inside write()); every later write is dropped. Loop thread only.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "sinks/byte_output.hpp"

namespace sluice::detail {

class FdOutput final : public ByteOutput {
 public:
  /// Does not take ownership of `fd` unless `owns` is true.
  explicit FdOutput(int fd, bool owns = false);
  ~FdOutput() override;
  FdOutput(const FdOutput&) = delete;
  FdOutput& operator=(const FdOutput&) = delete;

  /// Opens (creates or truncates) `path` for writing; errors in `ec`.
  static std::unique_ptr<FdOutput> open_file(const std::string& path, std::error_code& ec);

  void write(std::string_view bytes) override;
  bool backlogged() const override { return false; }
  bool is_tty() const override { return tty_; }
  std::size_t columns() const override;

  /// The first write error (EPIPE, ENOSPC, ...); after one, writes are dropped.
  std::error_code error() const { return error_; }
  void set_on_error(std::function<void(std::error_code)> fn) { on_error_ = std::move(fn); }

 private:
  int fd_;
  bool owns_;
  bool tty_;
  std::error_code error_;
  std::function<void(std::error_code)> on_error_;
};

}  // namespace sluice::detail
