/// YamlTree is sluice's own YAML document tree. yaml-cpp 0.7.0 is used only to
/// tokenise (YAML::Parser driving our YAML::EventHandler); the tree is built
/// here so that every node carries its 1-based line and column (characters),
/// duplicate keys are caught, aliases are expanded under a budget, and hostile
/// input (NUL bytes, invalid UTF-8, deep nesting, huge files) becomes a
/// diagnostic instead of a crash. Merge keys (`<<: *x`) are applied here.
///
/// Nodes live in one vector owned by the tree and refer to each other by
/// index, which keeps 100,000-task files small and traversal iterative.
/// Immutable once parsed. A large file is parsed in pieces on several threads
/// and the pieces joined (yaml_cuts.hpp); any disagreement, and any
/// diagnostic, sends it through one sequential parse instead, so the tree and
/// the messages are always those of the sequential parse.
///
/// Choices pinned by tests (tests/unit/spec/yaml_tree_test.cpp):
/// - Fatal problems (file too large, NUL byte, invalid UTF-8, syntax error,
///   nesting deeper than YamlLimits::max_depth, an alias bomb or cycle, an
///   unknown alias) leave root() == kNoNode. Duplicate keys, bad merges,
///   unsupported tags and a second document are reported but the tree is kept
///   (a duplicate's later pair and a second document are dropped).
/// - Aliases are expanded into copies; the copy's root carries the alias's
///   position, the nodes inside it their anchor's. Every pair a map holds is
///   reachable in file order, merged pairs sitting where their `<<` was.
/// - Tags: `!!str` makes a scalar quoted, `!!int`/`!!float`/`!!bool` plain,
///   `!!null` a Null, `!!seq`/`!!map` must match their node; any other tag
///   (`!foo`, `!!set`) is reported as unsupported and then ignored.
/// - Two keys are the same when both are scalars with equal text (quoted or
///   not: `1` and `"1"` clash) or both are null.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/diagnostic.hpp"

namespace sluice::detail {

using NodeId = std::uint32_t;
inline constexpr NodeId kNoNode = ~NodeId{0};

struct YamlNode {
  enum class Kind : std::uint8_t { Null, Scalar, Sequence, Map };
  std::uint32_t line = 0;        ///< 1-based
  /// 1-based, characters. 29 bits: inputs are refused above kMaxYamlBytes,
  /// so no line is longer, and kind and quoted share its word.
  std::uint32_t column : 29 = 0;
  Kind kind : 2 = Kind::Null;
  bool quoted : 1 = false;  ///< a scalar written in quotes (or block style): always a string
  std::uint32_t first = 0;   ///< Scalar: offset into YamlTree::text_; Sequence/Map: into children_
  std::uint32_t size = 0;    ///< Scalar: byte length; Sequence: items; Map: pairs (2 children each: key, value)
};
static_assert(sizeof(YamlNode) == 16, "YamlNode is kept small: 100,000-task files hold ~1M of them");

/// The hard ceiling on input size, whatever YamlLimits::max_bytes says.
inline constexpr std::size_t kMaxYamlBytes = (std::size_t{1} << 29) - 1;

struct YamlLimits {
  std::size_t max_bytes = 16u << 20;     ///< larger input is refused before parsing
  std::uint32_t max_depth = 64;          ///< nesting of collections
  std::size_t max_alias_nodes = 1u << 20;  ///< nodes an alias expansion may add, in total
  /// Input at least this large is parsed in pieces on several threads, where
  /// it has safe places to cut (yaml_cuts.hpp); the result is the same tree.
  std::size_t parallel_min_bytes = 1u << 20;
  unsigned max_pieces = 0;  ///< 0: one per hardware thread, at most 8
};

class YamlTree {
 public:
  /// Parses one YAML document. On failure `root()` is kNoNode and the
  /// diagnostics say why; on success diagnostics may still hold non-fatal
  /// problems (duplicate keys are reported, and the later value is ignored).
  /// `file` names the input in diagnostics.
  static YamlTree parse(std::string_view text, std::string file, const YamlLimits& limits = {});
  /// The same, keeping `text` as the tree's source instead of copying it.
  static YamlTree parse_owned(std::string text, std::string file, const YamlLimits& limits = {});

  NodeId root() const { return root_; }
  const YamlNode& node(NodeId id) const { return nodes_[id]; }
  std::string_view scalar(NodeId id) const;   ///< a scalar's text, quotes and escapes resolved
  NodeId item(NodeId seq, std::uint32_t i) const;   ///< i-th item of a sequence
  NodeId key(NodeId map, std::uint32_t i) const;    ///< i-th key of a map (file order)
  NodeId value(NodeId map, std::uint32_t i) const;  ///< i-th value of a map
  NodeId find(NodeId map, std::string_view key) const;  ///< value for `key`, or kNoNode
  /// Index of the pair whose key is `key` (a scalar with that text), or
  /// `node(map).size` when there is none; use key()/value() with it.
  std::uint32_t find_index(NodeId map, std::string_view key) const;
  bool ok() const { return root_ != kNoNode; }
  /// How many pieces the text was parsed in: 1 unless it was cut (YamlLimits).
  unsigned pieces() const { return pieces_; }
  std::size_t node_count() const { return nodes_.size(); }
  /// Bytes the tree uses (source copy, nodes, children, extra scalar text,
  /// line index), for benchmarks; reserved but untouched capacity excluded.
  std::size_t memory_bytes() const;

  /// Frees the nodes, keeping the text for source_line() and file(): for a
  /// reader whose last pass needs only diagnostics. No node(), scalar(),
  /// item(), key(), value() or find() after it; ok() turns false.
  void release_nodes();

  /// The source text of a 1-based line, without its line ending (for carets).
  std::string_view source_line(std::uint32_t line) const;
  const std::string& file() const { return file_; }
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  friend class YamlTreeBuilder;
  std::string file_;
  static YamlTree parse_impl(std::string_view text, std::string* owned, std::string file,
                             const YamlLimits& limits);
  static std::string_view scalar_text(const YamlNode& n, std::string_view text,
                                      std::size_t source_size, std::string_view extra);
  /// The input (BOM removed); a scalar's offset below source_size_ points
  /// into it. Most scalars are a verbatim slice of it: no copy per scalar.
  std::string text_;
  std::size_t source_size_ = 0;
  /// The scalars whose value is not a verbatim slice of the input (escapes,
  /// folding, tags), back to back, at offsets from source_size_ on. Kept
  /// apart so that text_ never moves while yaml-cpp reads it.
  std::string extra_;
  std::vector<YamlNode> nodes_;
  std::vector<NodeId> children_;
  /// Start offset of each line: needed while parsing (positions) and for
  /// diagnostics only, so it is dropped after parsing and rebuilt on the
  /// first source_line() (4 bytes a line is ~16 bytes a task otherwise).
  mutable std::vector<std::uint32_t> line_starts_;
  void index_lines() const;
  NodeId root_ = kNoNode;
  unsigned pieces_ = 1;
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace sluice::detail
