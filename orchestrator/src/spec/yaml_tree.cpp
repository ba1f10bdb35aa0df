// YamlTree: parsing entry points and the read API (see yaml_tree.hpp).
// The building is YamlTreeBuilder's (yaml_tree_builder.cpp).
#include "spec/yaml_tree.hpp"

#include <algorithm>
#include <utility>

#include "spec/yaml_tree_builder.hpp"

namespace sluice::detail {

YamlTree YamlTree::parse(std::string_view text, std::string file, const YamlLimits& limits) {
  return parse_impl(text, nullptr, std::move(file), limits);
}

YamlTree YamlTree::parse_owned(std::string text, std::string file, const YamlLimits& limits) {
  const std::string_view view = text;
  return parse_impl(view, &text, std::move(file), limits);
}

YamlTree YamlTree::parse_impl(std::string_view text, std::string* owned, std::string file,
                              const YamlLimits& limits) {
  YamlTree tree;
  tree.file_ = std::move(file);
  try {
    YamlTreeBuilder builder(tree, limits);
    builder.build(text, owned);
    // Assigning {} would keep the capacity: swap to free it.
    std::vector<std::uint32_t>().swap(tree.line_starts_);
  } catch (const std::exception& e) {
    // Only allocation can fail outside the parser's own try; keep the promise
    // that parse() never throws.
    tree.root_ = kNoNode;
    Diagnostic d;
    d.file = tree.file_;
    d.message = std::string("could not parse YAML: ") + e.what();
    tree.diagnostics_.push_back(std::move(d));
  }
  return tree;
}

std::string_view YamlTree::scalar(NodeId id) const {
  return scalar_text(nodes_[id], text_, source_size_, extra_);
}

std::string_view YamlTree::scalar_text(const YamlNode& n, std::string_view text,
                                       std::size_t source_size, std::string_view extra) {
  if (n.kind != YamlNode::Kind::Scalar) return {};
  if (n.first < source_size) return text.substr(n.first, n.size);
  return extra.substr(n.first - source_size, n.size);
}

NodeId YamlTree::item(NodeId seq, std::uint32_t i) const {
  const YamlNode& n = nodes_[seq];
  if (n.kind != YamlNode::Kind::Sequence || i >= n.size) return kNoNode;
  return children_[n.first + i];
}

NodeId YamlTree::key(NodeId map, std::uint32_t i) const {
  const YamlNode& n = nodes_[map];
  if (n.kind != YamlNode::Kind::Map || i >= n.size) return kNoNode;
  return children_[n.first + 2 * i];
}

NodeId YamlTree::value(NodeId map, std::uint32_t i) const {
  const YamlNode& n = nodes_[map];
  if (n.kind != YamlNode::Kind::Map || i >= n.size) return kNoNode;
  return children_[n.first + 2 * i + 1];
}

std::uint32_t YamlTree::find_index(NodeId map, std::string_view k) const {
  const YamlNode& n = nodes_[map];
  if (n.kind != YamlNode::Kind::Map) return 0;
  for (std::uint32_t i = 0; i < n.size; ++i) {
    const NodeId kid = children_[n.first + 2 * i];
    if (nodes_[kid].kind == YamlNode::Kind::Scalar && scalar(kid) == k) return i;
  }
  return n.size;
}

NodeId YamlTree::find(NodeId map, std::string_view k) const {
  const std::uint32_t i = find_index(map, k);
  return value(map, i);
}

void YamlTree::release_nodes() {
  std::vector<YamlNode>().swap(nodes_);
  std::vector<NodeId>().swap(children_);
  std::string().swap(extra_);
  root_ = kNoNode;
}

void YamlTree::index_lines() const {
  const std::string_view src(text_.data(), source_size_);
  std::size_t lines = 1 + static_cast<std::size_t>(std::count(src.begin(), src.end(), '\n'));
  line_starts_.clear();
  line_starts_.reserve(lines);
  line_starts_.push_back(0);
  for (std::size_t i = src.find('\n'); i != std::string_view::npos; i = src.find('\n', i + 1)) {
    line_starts_.push_back(static_cast<std::uint32_t>(i + 1));
  }
}

std::string_view YamlTree::source_line(std::uint32_t line) const {
  if (line_starts_.empty()) index_lines();
  if (line == 0 || line > line_starts_.size()) return {};
  const std::size_t begin = line_starts_[line - 1];
  std::size_t end = line < line_starts_.size() ? line_starts_[line] - 1 : source_size_;
  if (end > begin && text_[end - 1] == '\r') --end;
  return std::string_view(text_).substr(begin, end - begin);
}

std::size_t YamlTree::memory_bytes() const {
  return text_.size() + extra_.size() + nodes_.size() * sizeof(YamlNode) +
         children_.size() * sizeof(NodeId) +
         line_starts_.size() * sizeof(std::uint32_t);
}

}  // namespace sluice::detail
