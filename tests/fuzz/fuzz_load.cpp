// libFuzzer entry: any bytes through the YAML tree and the whole loader.
// Neither may crash, hang, leak or throw; both must say why they refuse.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sluice/pipeline.hpp"
#include "spec/yaml_tree.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const auto tree = sluice::detail::YamlTree::parse(text, "fuzz.yaml");
  // A refused input must come with a reason.
  if (!tree.ok() && tree.diagnostics().empty()) std::abort();
  if (tree.ok()) {
    // Walk every node once, iteratively, touching the accessors the loader uses.
    std::size_t seen = 0;
    for (sluice::detail::NodeId id = 0; id < tree.node_count(); ++id) {
      const auto& n = tree.node(id);
      if (n.line == 0 || n.column == 0) std::abort();
      seen += tree.scalar(id).size();
      for (std::uint32_t i = 0; i < n.size && n.kind == sluice::detail::YamlNode::Kind::Map; ++i) {
        if (tree.key(id, i) >= tree.node_count() || tree.value(id, i) >= tree.node_count()) {
          std::abort();
        }
      }
      for (std::uint32_t i = 0;
           i < n.size && n.kind == sluice::detail::YamlNode::Kind::Sequence; ++i) {
        if (tree.item(id, i) >= tree.node_count()) std::abort();
      }
    }
    (void)seen;
  }
  for (const auto& d : tree.diagnostics()) {
    if (d.line > 0 && tree.source_line(static_cast<std::uint32_t>(d.line)).size() > size) {
      std::abort();
    }
  }

  const auto loaded = sluice::load_pipeline_string(text, "fuzz.yaml");
  (void)loaded;
  return 0;
}
