// Helpers shared by the loader tests: load YAML text and render its
// diagnostics as the CLI would print their first lines.
#pragma once

#include <string>
#include <string_view>

#include "sluice/diagnostic.hpp"
#include "sluice/pipeline.hpp"

namespace sluice::test {

inline std::string headlines(const LoadResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics) out += format_headline(d) + "\n";
  return out;
}

inline std::string load_errors(std::string_view yaml, const LoadOptions& options = {}) {
  return headlines(load_pipeline_string(yaml, "p.yaml", options));
}

}  // namespace sluice::test
