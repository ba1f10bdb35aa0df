/// IoError: a failed file operation as a value: the errno as a
/// std::error_code and a message that names the operation and the path,
/// `read "in.txt": Input/output error`. Empty (false) means success. Plain
/// data; any thread.
#pragma once

#include <cerrno>
#include <string>
#include <string_view>
#include <system_error>

namespace sluice::detail {

struct IoError {
  std::error_code code;
  std::string message;

  explicit operator bool() const { return static_cast<bool>(code); }

  /// `err` is an errno (positive) or a libuv result (negative errno).
  static IoError from(int err, std::string_view operation, std::string_view path);
  /// A failure with no errno behind it (a corrupt stream, a short write):
  /// `code` is EIO, the message is `operation "path": reason`.
  static IoError because(std::string_view reason, std::string_view operation, std::string_view path,
                         int err = EIO);
};

}  // namespace sluice::detail
