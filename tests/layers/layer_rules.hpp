// The one-way rule as data: orchestrator/layers.txt read into LayerRules, and
// a check of every #include under orchestrator/ against them. Used by the
// `layers_orchestrator` test (layer_check_main.cpp) and unit-tested on small
// fake trees (layer_rules_test.cpp). Plain functions, no state.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::layers {

/// A third-party header (or a prefix ending in '/') only these layers may include.
struct PrivateHeader {
  std::string header;
  std::vector<std::string> layers;
};

/// A named exception: `file` may include `header` against the rules.
struct Exception {
  std::string file;  ///< as the check names it, e.g. "orchestrator/cli/main.cpp"
  std::string header;
  int line = 0;  ///< its line in layers.txt
};

/// What layers.txt says. `may_include` holds every layer, `cli` included,
/// in the file's order of definition; the vocabulary (`sluice/`) is implied.
struct LayerRules {
  std::map<std::string, std::vector<std::string>> may_include;
  std::vector<std::string> order;
  std::vector<PrivateHeader> private_headers;
  std::vector<Exception> exceptions;
};

struct ParsedRules {
  LayerRules rules;
  std::vector<std::string> errors;  ///< "NAME:LINE: message"
};

/// Reads the text of layers.txt; `name` prefixes each error.
ParsedRules parse_layer_rules(std::string_view text, std::string_view name);

struct CheckResult {
  std::vector<std::string> violations;  ///< "FILE:LINE: message", sorted by file
  int files = 0;                        ///< files scanned
};

/// Scans root/src/<layer>/, root/cli/ and root/include/sluice/ (root is the
/// orchestrator/ directory); names files as root's name / relative path.
/// `rules_name` names layers.txt in messages about its exceptions.
CheckResult check_tree(const LayerRules& rules, const std::filesystem::path& root,
                       std::string_view rules_name);

}  // namespace sluice::layers
