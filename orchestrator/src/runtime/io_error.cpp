#include "runtime/io_error.hpp"

#include <cstdlib>

namespace sluice::detail {

IoError IoError::from(int err, std::string_view operation, std::string_view path) {
  std::error_code code(std::abs(err), std::system_category());
  return because(code.message(), operation, path, std::abs(err));
}

IoError IoError::because(std::string_view reason, std::string_view operation, std::string_view path,
                         int err) {
  IoError e;
  e.code = std::error_code(err, std::system_category());
  e.message.reserve(operation.size() + path.size() + reason.size() + 5);
  e.message.append(operation).append(" \"").append(path).append("\": ").append(reason);
  return e;
}

}  // namespace sluice::detail
