// Helpers shared by the loader tests: load YAML text and render its
// diagnostics as the CLI would print their first lines.
#pragma once

#include <string>
#include <string_view>

#include "sluice/diagnostic.hpp"
#include "sluice/pipeline.hpp"
#include "spec/loader.hpp"

namespace sluice::test {

inline std::string headlines(const LoadResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics) out += format_headline(d) + "\n";
  return out;
}

inline std::string load_errors(std::string_view yaml, const LoadOptions& options = {}) {
  return headlines(load_pipeline_string(yaml, "p.yaml", options));
}

/// load_errors() of a loader that accepts what this build cannot run yet
/// (spec/not_built_yet.hpp): how those settings are validated.
inline std::string load_errors_with_not_built(std::string_view yaml) {
  return headlines(detail::load_pipeline_string_with_not_built(yaml, "p.yaml"));
}

}  // namespace sluice::test
