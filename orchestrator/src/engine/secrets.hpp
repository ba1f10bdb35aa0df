/// Reading secret values when a run starts (never at validate time): from
/// the environment or a file. A missing one stops the run before any task
/// starts (exit 3). Main or loop thread; no state.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sluice/pipeline.hpp"

namespace sluice::detail {

struct SecretValues {
  std::vector<std::pair<std::string, std::string>> values;  ///< name -> value
  std::string error;  ///< empty when every secret was read
};

SecretValues read_secrets(const Pipeline& pipeline);

}  // namespace sluice::detail
