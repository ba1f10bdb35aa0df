// sluice_layer_check LAYERS_TXT: checks every #include under the directory
// of LAYERS_TXT (orchestrator/) against the arrows it writes. Prints one line
// per violation, compiler style; exit 0 clean, 1 violations, 2 unreadable rules.
#include <cstdio>
#include <fstream>
#include <sstream>

#include "layers/layer_rules.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fputs("usage: sluice_layer_check orchestrator/layers.txt\n", stderr);
    return 2;
  }
  const std::filesystem::path file = argv[1];
  std::ifstream in(file);
  if (!in) {
    std::fprintf(stderr, "%s: cannot read\n", argv[1]);
    return 2;
  }
  std::stringstream text;
  text << in.rdbuf();
  const auto name = file.filename().string();
  const auto parsed = sluice::layers::parse_layer_rules(text.str(), name);
  for (const auto& e : parsed.errors) std::fprintf(stderr, "%s\n", e.c_str());
  if (!parsed.errors.empty()) return 2;

  const auto root = std::filesystem::absolute(file).parent_path();
  const auto result = sluice::layers::check_tree(parsed.rules, root, name);
  for (const auto& v : result.violations) std::fprintf(stderr, "%s\n", v.c_str());
  if (result.files == 0) {
    std::fprintf(stderr, "%s: no source files under %s\n", name.c_str(), root.c_str());
    return 1;
  }
  std::printf("%d files checked against %s: %zu violations\n", result.files, name.c_str(),
              result.violations.size());
  return result.violations.empty() ? 0 : 1;
}
