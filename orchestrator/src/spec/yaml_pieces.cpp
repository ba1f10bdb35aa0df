// Parsing a large file in pieces on several threads (yaml_cuts.hpp says
// where it is cut): the first piece is parsed on the caller's thread into the
// file's own tree, each later one into a tree of its own; then they are
// joined in order, or the file is parsed again sequentially.
#include <yaml-cpp/mark.h>

#include <algorithm>
#include <cstddef>
#include <functional>
#include <limits>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include "spec/yaml_cuts.hpp"
#include "spec/yaml_tree_builder.hpp"

namespace sluice::detail {

YAML::Mark YamlTreeBuilder::source_mark(YAML::Mark mark) const {
  if (mark.pos < 0 || static_cast<std::size_t>(mark.pos) < window_.prefix_len) return mark;
  mark.pos = static_cast<int>(static_cast<std::size_t>(mark.pos) - window_.prefix_len + window_.base);
  if (mark.line >= 0) {
    mark.line = static_cast<int>(static_cast<std::size_t>(mark.line) - window_.prefix_lines +
                                 window_.base_line);
  }
  return mark;
}

// The first piece is parsed here, the others each on a thread of its own;
// then they are joined in order. Any piece that is not clean, or a join that
// finds the pieces disagree, fails the whole: the caller parses sequentially.
YamlTreeBuilder::Split YamlTreeBuilder::parse_in_pieces() {
  const std::size_t size = t_.source_size_;
  if (size < limits_.parallel_min_bytes || size < 2) return Split::NotTried;
  const unsigned pieces = limits_.max_pieces != 0
                              ? limits_.max_pieces
                              : std::min(8u, std::thread::hardware_concurrency());
  const std::string_view src(t_.text_.data(), size);
  const std::vector<YamlCut> cuts = find_yaml_cuts(src, t_.line_starts_, pieces);
  if (cuts.empty()) return Split::NotTried;

  std::vector<Piece> rest(cuts.size());
  std::vector<std::thread> threads;
  threads.reserve(cuts.size());
  for (std::size_t i = 0; i < cuts.size(); ++i) {
    const std::size_t end = i + 1 < cuts.size() ? cuts[i + 1].line_end : size;
    // The piece's big arrays come from this thread's heap, not from an arena
    // of the piece's thread, which glibc would keep mapped after the join.
    const std::size_t room = (cuts[i].prefix_end + end - cuts[i].offset) / 5 + 16;
    rest[i].tree.nodes_.reserve(room);
    rest[i].tree.children_.reserve(room);
    try {
      threads.emplace_back(parse_piece, std::cref(t_), std::cref(limits_), std::cref(cuts[i]),
                           end, std::ref(rest[i]));
    } catch (const std::system_error&) {
      parse_piece(t_, limits_, cuts[i], end, rest[i]);  // no thread to be had: here, then
    }
  }
  parse(src.substr(0, cuts[0].line_end));
  for (auto& thread : threads) thread.join();

  bool ok = clean();
  std::size_t aliases = alias_nodes_;
  for (const Piece& piece : rest) {
    ok = ok && piece.clean;
    aliases += piece.alias_nodes;
  }
  ok = ok && aliases <= limits_.max_alias_nodes;
  for (std::size_t i = 0; ok && i < cuts.size(); ++i) ok = join(cuts[i], rest[i]);
  if (!ok) return Split::Failed;
  t_.pieces_ = static_cast<unsigned>(cuts.size() + 1);
  return Split::Joined;
}

void YamlTreeBuilder::parse_piece(const YamlTree& whole, const YamlLimits& limits,
                                  const YamlCut& cut, std::size_t end, Piece& out) noexcept {
  try {
    YamlTreeBuilder builder(out.tree, whole, limits);
    builder.window_ = Window{cut.prefix_end, cut.key_line + 1, cut.offset, cut.line};
    const std::string_view src(whole.text_.data(), whole.source_size_);
    builder.parse(src.substr(0, cut.prefix_end), src.substr(cut.offset, end - cut.offset));
    out.clean = builder.clean();
    out.alias_nodes = builder.alias_nodes_;
  } catch (...) {
    out.clean = false;
  }
}

// Appends `piece` to the tree. The tree's root ends with the map being cut
// (its key on the cut's key line), and that map with the key on the cut's
// line, read as far as that line goes; the piece's root holds the prefix's
// pairs (the tree has them already), the map from the cut's key on, then the
// pairs after it. Both read the cut's line as the same key of the same map,
// or they are not joined. Both maps are rebuilt from the tree's pairs (less
// the one cut short) and the piece's, with duplicates checked across the cut.
bool YamlTreeBuilder::join(const YamlCut& cut, Piece& piece) {
  YamlTree& p = piece.tree;
  const auto key_line = static_cast<std::uint32_t>(cut.key_line + 1);
  auto at_place = [](const YamlTree& t, NodeId id, std::size_t line, std::size_t column) {
    return t.nodes_[id].line == line + 1 && t.nodes_[id].column == column + 1;
  };
  auto is_map = [](const YamlTree& t, NodeId id) {
    return id != kNoNode && t.nodes_[id].kind == YamlNode::Kind::Map && t.nodes_[id].size > 0;
  };
  const NodeId root = t_.root_;
  if (!is_map(t_, root) || !is_map(p, p.root_)) return false;
  const std::uint32_t last = t_.nodes_[root].size - 1;
  const NodeId map = t_.value(root, last);
  if (!at_place(t_, t_.key(root, last), cut.key_line, 0) || !is_map(t_, map) ||
      !at_place(t_, t_.key(map, t_.nodes_[map].size - 1), cut.line, cut.indent)) {
    return false;
  }
  std::uint32_t at = 0;  // the cut key's pair in the piece's root
  const std::uint32_t piece_pairs = p.nodes_[p.root_].size;
  while (at < piece_pairs && p.nodes_[p.key(p.root_, at)].line < key_line) ++at;
  if (at == piece_pairs || !at_place(p, p.key(p.root_, at), cut.key_line, 0) ||
      !is_map(p, p.value(p.root_, at)) ||
      !at_place(p, p.key(p.value(p.root_, at), 0), cut.line, cut.indent)) {
    return false;
  }
  if (t_.nodes_.size() + p.nodes_.size() >= std::numeric_limits<NodeId>::max() - 1 ||
      t_.source_size_ + t_.extra_.size() + p.extra_.size() >= std::numeric_limits<std::uint32_t>::max()) {
    return false;
  }

  // The piece's nodes, children and extra text, shifted to follow ours.
  const auto node_shift = static_cast<NodeId>(t_.nodes_.size());
  const auto child_shift = static_cast<std::uint32_t>(t_.children_.size());
  const auto extra_shift = static_cast<std::uint32_t>(t_.extra_.size());
  for (YamlNode n : p.nodes_) {
    if (n.kind == YamlNode::Kind::Sequence || n.kind == YamlNode::Kind::Map) {
      n.first += child_shift;
    } else if (n.kind == YamlNode::Kind::Scalar && n.first >= t_.source_size_) {
      n.first += extra_shift;
    }
    t_.nodes_.push_back(n);
  }
  for (NodeId child : p.children_) t_.children_.push_back(child + node_shift);
  t_.extra_ += p.extra_;
  const NodeId piece_root = p.root_ + node_shift;
  const NodeId piece_map = p.value(p.root_, at) + node_shift;
  piece = Piece{};  // its memory is ours now

  // Pairs [from, size - drop) of a map, to pending_.
  auto pend_pairs = [this](NodeId of, std::uint32_t from, std::uint32_t drop) {
    const YamlNode& n = t_.nodes_[of];
    pending_.insert(pending_.end(), t_.children_.begin() + n.first + 2 * from,
                    t_.children_.begin() + n.first + 2 * (n.size - drop));
  };
  pending_.clear();
  pend_pairs(map, 0, 1);
  pend_pairs(piece_map, 0, 0);
  if (!rebuild_from_pending(map)) return false;
  pend_pairs(root, 0, 0);
  pend_pairs(piece_root, at + 1, 0);
  return rebuild_from_pending(root);
}

// Gives `map` the pairs waiting in pending_, unless two of their keys clash.
bool YamlTreeBuilder::rebuild_from_pending(NodeId map) {
  const auto pairs = static_cast<std::uint32_t>(pending_.size() / 2);
  mark_duplicates(0, pairs);
  if (!duplicates_.empty()) return false;
  YamlNode& n = t_.nodes_[map];
  n.first = static_cast<std::uint32_t>(t_.children_.size());
  n.size = pairs;
  t_.children_.insert(t_.children_.end(), pending_.begin(), pending_.end());
  pending_.clear();
  return true;
}

}  // namespace sluice::detail
