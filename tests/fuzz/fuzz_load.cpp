// libFuzzer entry: any bytes through the YAML tree (whole, and cut in pieces:
// the same tree and messages) and the whole loader. Neither may crash, hang,
// leak or throw; both must say why they refuse.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <utility>
#include <vector>

#include "sluice/diagnostic.hpp"
#include "sluice/pipeline.hpp"
#include "spec/yaml_tree.hpp"

namespace {

using sluice::detail::NodeId;
using sluice::detail::YamlNode;
using sluice::detail::YamlTree;

/// The trees reachable from both roots are the same, node for node.
bool same_tree(const YamlTree& a, const YamlTree& b) {
  if (a.ok() != b.ok()) return false;
  if (!a.ok()) return true;
  std::vector<std::pair<NodeId, NodeId>> stack{{a.root(), b.root()}};
  while (!stack.empty()) {
    const auto [x, y] = stack.back();
    stack.pop_back();
    const YamlNode& m = a.node(x);
    const YamlNode& n = b.node(y);
    if (m.kind != n.kind || m.line != n.line || m.column != n.column || m.quoted != n.quoted ||
        m.size != n.size || a.scalar(x) != b.scalar(y)) {
      return false;
    }
    for (std::uint32_t i = 0; i < m.size; ++i) {
      if (m.kind == YamlNode::Kind::Map) {
        stack.emplace_back(a.key(x, i), b.key(y, i));
        stack.emplace_back(a.value(x, i), b.value(y, i));
      } else if (m.kind == YamlNode::Kind::Sequence) {
        stack.emplace_back(a.item(x, i), b.item(y, i));
      }
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  const auto tree = sluice::detail::YamlTree::parse(text, "fuzz.yaml");
  // Cut into pieces wherever it allows, the tree and the messages are the same.
  sluice::detail::YamlLimits pieces;
  pieces.parallel_min_bytes = 0;
  pieces.max_pieces = 3;
  const auto cut = sluice::detail::YamlTree::parse(text, "fuzz.yaml", pieces);
  if (!same_tree(tree, cut) || sluice::format(tree.diagnostics()) != sluice::format(cut.diagnostics())) {
    std::abort();
  }
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
